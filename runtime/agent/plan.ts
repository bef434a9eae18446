/**
 * A task's plan and its TODO file (.smallcode/TODO.md). The file is the plan's durable form: it
 * is written at every change and read back before every turn, so a user may edit, reorder or
 * check off steps while the agent works, and a crash loses nothing.
 */
import type { StepCheck } from './checks.js';

export interface PlanStep {
  text: string;
  check: StepCheck;
  done: boolean;
}

export interface Plan {
  task: string;
  steps: PlanStep[];
}

export const TODO_FILE = '.smallcode/TODO.md';

const CHECKS: readonly StepCheck[] = ['lint', 'compile', 'test', 'none'];

/** The first step not done, or undefined when all are. */
export function currentStep(plan: Plan): number | undefined {
  const i = plan.steps.findIndex((s) => !s.done);
  return i < 0 ? undefined : i;
}

export function renderTodo(plan: Plan): string {
  const task = plan.task.trim().split('\n');
  const lines = [
    `# TODO: ${task[0]}`,
    ...task.slice(1).map((l) => (l.trim() ? `> ${l}` : '>')),
    '',
    '<!-- SmallCode keeps this plan for the task in progress. A step is checked off only after its',
    '     check passes (lint, compile or test). You may edit, add or reorder steps. -->',
    '',
    ...plan.steps.map((s, i) => `- [${s.done ? 'x' : ' '}] ${i + 1}. ${s.text} (check: ${s.check})`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Reads a TODO file back. Tolerant of hand edits: any `- [ ]` / `- [x]` line is a step, the
 * number and the `(check: …)` suffix are optional (a step without one is checked by `fallback`).
 */
export function parseTodo(text: string, fallback: StepCheck = 'test'): Plan | undefined {
  const lines = text.split('\n');
  const title = /^#\s*TODO:\s*(.*)$/.exec(lines[0] ?? '')?.[1];
  if (title === undefined) return undefined;
  const more = lines.slice(1).filter((l) => l.startsWith('>')).map((l) => l.replace(/^>\s?/, ''));
  const steps: PlanStep[] = [];
  for (const line of lines) {
    const m = /^\s*[-*]\s*\[([ xX])\]\s*(?:\d+[.)]\s*)?(.*?)\s*$/.exec(line);
    if (!m || !m[2]) continue;
    const check = /\s*\(check:\s*(\w+)\)$/.exec(m[2]);
    const named = check && (CHECKS as readonly string[]).includes(check[1]!) ? (check[1] as StepCheck) : undefined;
    steps.push({ text: named ? m[2].slice(0, check!.index).trim() : m[2], check: named ?? fallback, done: m[1] !== ' ' });
  }
  return steps.length ? { task: [title, ...more].join('\n'), steps } : undefined;
}

/** The plan as the model sees it before every request: where it is, what to do now. */
export function planAnchor(plan: Plan, commandOf: (step: PlanStep) => string | undefined): string {
  const current = currentStep(plan);
  const lines = plan.steps.map((s, i) => `${s.done ? '[x]' : '[ ]'} ${i + 1}. ${s.text}${i === current ? '   ← now' : ''}`);
  const head = current === undefined ? `Plan (${TODO_FILE}): all ${plan.steps.length} steps are done.` : `Plan (${TODO_FILE}), step ${current + 1} of ${plan.steps.length}:`;
  let tail: string;
  if (current === undefined) tail = 'Give your final answer: a short summary of what was done.';
  else {
    const command = commandOf(plan.steps[current]!);
    tail = `Work on step ${current + 1} only. When it is finished, call step_done: ${command ? `SmallCode runs \`${command}\` and checks the step off only if it passes.` : 'this step has no check to run.'}`;
  }
  return [head, ...lines, tail].join('\n');
}

type PlanEventSteps = ReadonlyArray<{ text: string; done: boolean }>;

/**
 * What a front door should print for a plan event, given the steps it last printed: the whole
 * list for a new plan, one line per step checked off since, nothing otherwise.
 */
export function planProgress(before: PlanEventSteps | undefined, after: PlanEventSteps): string[] {
  const same = before && before.length === after.length && before.every((s, i) => s.text === after[i]!.text);
  if (!same) return [`plan (${TODO_FILE}):`, ...after.map((s, i) => `  ${s.done ? '[x]' : '[ ]'} ${i + 1}. ${s.text}`)];
  return after.flatMap((s, i) => (s.done && !before[i]!.done ? [`  [x] ${i + 1}. ${s.text}`] : []));
}
