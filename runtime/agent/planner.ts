/**
 * Planning for multi-step tasks: the layer's plan prompt decomposes the task into steps, kept in
 * .smallcode/TODO.md and shown to the model before every request; a step is checked off only
 * when its validation (lint, compile or the tests) passes. A failed check goes back to the model
 * with its output and the diagnose_error prompt's reading of it.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CognitionRuntime } from '../cognition/index.js';
import type { SmallCodeConfig } from '../config/load.js';
import { commandFor, detectChecks, runCheck, type CheckCommands, type CheckRun, type StepCheck } from './checks.js';
import { currentStep, parseTodo, planAnchor, renderTodo, TODO_FILE, type Plan, type PlanStep } from './plan.js';
import type { AgentPolicy } from './policy.js';
import type { ToolRegistryOptions } from '../tools/index.js';
import type { StepTracker } from '../tools/step_done.js';
import type { EmitFn } from './types.js';

export type PlanMode = SmallCodeConfig['plan'];

export interface PlannerOptions {
  root: string;
  config: Pick<SmallCodeConfig, 'plan' | 'testRunner' | 'testDisable'>;
  policy: AgentPolicy;
  cognition?: CognitionRuntime;
  env?: NodeJS.ProcessEnv;
  emit?: EmitFn;
  /** The session's gate for shell commands: checks run commands, so they ask like bash does. */
  approve?: ToolRegistryOptions['approve'];
}

export interface StepVerdict {
  /** The step's check passed (or it had none) and it is now checked off. */
  ok: boolean;
  /** Every step is done. */
  allDone: boolean;
  /** What the model is told. */
  message: string;
  run?: CheckRun;
}

export class Planner implements StepTracker {
  /** auto: the layer's `plan { when }` decides; true / false: always / never (SMALLCODE_PLAN, /plan). */
  mode: PlanMode;
  private plan?: Plan;
  private fileStamp?: string;
  private commands?: Promise<CheckCommands>;
  /**
   * Each check command as it ran before the task changed anything: a check that already failed
   * then cannot gate a step on its own (a project with one broken test would block every plan).
   */
  private baseline = new Map<string, CheckRun>();
  /** Claims of the current task's steps that failed their check, by step text. */
  private failedClaims = new Map<string, number>();
  /** Check commands the user declined to run during this task: not asked again. */
  private declined = new Set<string>();

  constructor(private readonly opts: PlannerOptions) {
    this.mode = opts.config.plan;
  }

  /** The plan of the task in progress (as the TODO file has it now), if the task is planned. */
  async current(): Promise<Plan | undefined> {
    await this.sync();
    return this.plan;
  }

  /** A planned task is in progress (its steps may all be done already). */
  get planning(): boolean {
    return this.plan !== undefined;
  }

  /** The last plan, without re-reading the file (for events and results). */
  get snapshot(): Plan | undefined {
    return this.plan;
  }

  get file(): string {
    return join(this.opts.root, TODO_FILE);
  }

  private get allowed(): readonly string[] {
    return this.opts.cognition?.config.plan?.validate ?? ['lint', 'compile', 'test'];
  }

  /**
   * The project's check commands. Looked up afresh before checks run (a task may have just added
   * the project's test script); the plan shown each turn reuses the last lookup.
   */
  private checks(fresh = false): Promise<CheckCommands> {
    if (fresh || !this.commands) this.commands = detectChecks(this.opts.root, this.opts.config, this.opts.env ?? process.env).catch(() => ({}));
    return this.commands;
  }

  /**
   * Decomposes `task` with the layer's plan prompt and writes the TODO file. Returns undefined
   * when no plan could be made (no plan prompt, or it failed): the task then runs unplanned.
   */
  async start(task: string, project: string | undefined, signal?: AbortSignal): Promise<Plan | undefined> {
    this.plan = undefined;
    const runtime = this.opts.cognition;
    const decl = runtime?.config.plan;
    if (!runtime || !decl?.prompt) return undefined;
    const maxSteps = decl.maxSteps ?? 8;
    let raw: unknown;
    try {
      raw = await runtime.prompt(decl.prompt, { task, project: project ?? '', max_steps: maxSteps }, { signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      this.opts.emit?.('notice', { message: `no plan: ${(err as Error).message}` });
      return undefined;
    }
    const steps = normalizeSteps(raw, maxSteps);
    if (steps.length === 0) return undefined;
    this.plan = { task, steps };
    this.failedClaims.clear();
    this.declined.clear();
    await this.save();
    await this.runBaseline(signal);
    return this.plan;
  }

  /** The task ended: its plan stays in the TODO file but is no longer shown or enforced. */
  end(): void {
    this.plan = undefined;
    this.fileStamp = undefined;
  }

  /** True while a planned task has steps left. */
  async open(): Promise<boolean> {
    const plan = await this.current();
    return plan !== undefined && currentStep(plan) !== undefined;
  }

  /** The text shown to the model before each request while a plan is active. */
  async anchor(): Promise<string | undefined> {
    const plan = await this.current();
    if (!plan) return undefined;
    const commands = await this.checks();
    return planAnchor(plan, (step) => commandFor(step.check, this.allowed, commands)?.command);
  }

  /**
   * The model says the current step is finished: run its check; check it off only if the check
   * passes, else hand the failure (and its diagnosis) back.
   */
  async finishStep(signal?: AbortSignal): Promise<StepVerdict> {
    const plan = await this.current();
    const index = plan ? currentStep(plan) : undefined;
    if (!plan || index === undefined) {
      return { ok: true, allDone: true, message: plan ? 'Every step of the plan is already done. Give your final answer.' : 'There is no plan in progress; just carry on with the task.' };
    }
    const step = plan.steps[index]!;
    const label = `Step ${index + 1} (${step.text})`;
    const target = commandFor(step.check, this.allowed, await this.checks(true));
    let run: CheckRun | undefined;
    if (target) {
      this.opts.emit?.('notice', { message: `checking step ${index + 1}: ${target.command}` });
      run = await this.run(target.check, target.command, signal);
      if (run && !run.ok) {
        const claims = (this.failedClaims.get(step.text) ?? 0) + 1;
        this.failedClaims.set(step.text, claims);
        const before = this.baseline.get(target.command);
        // A check that failed before the task cannot tell this step's mistakes from the project's:
        // the failure is shown once, and a second claim moves on.
        if (!before || before.ok || claims < 2) {
          let message = await this.failure(label, run, signal);
          if (before && !before.ok) message += `\nNote: \`${target.command}\` already failed before this task began (exit code ${before.exitCode ?? 'none'}). Fix what this step broke; if the failures left are not this step's, call step_done again to move on.`;
          return { ok: false, allDone: false, run, message };
        }
      }
    }
    step.done = true;
    await this.save();
    const next = currentStep(plan);
    const passed = target && !run
      ? `is checked off without its check: running \`${target.command}\` was declined`
      : run && !run.ok
      ? `is checked off on your second claim: its check (\`${run.command}\`) still fails, but it already failed before the task began`
      : run ? `passed its check (\`${run.command}\`) and is checked off` : `has no check to run (${step.check === 'none' ? 'none planned' : `no ${step.check} command in this project`}) and is checked off`;
    const then = next === undefined
      ? `All ${plan.steps.length} steps are done. Give your final answer: a short summary of what was done.`
      : `Next, step ${next + 1}: ${plan.steps[next]!.text}`;
    return { ok: true, allDone: next === undefined, run, message: `${label} ${passed}. ${then}` };
  }

  /** Runs each check the plan's steps need once, before the model changes anything. */
  private async runBaseline(signal?: AbortSignal): Promise<void> {
    this.baseline.clear();
    const commands = await this.checks(true);
    const needed = new Map<string, string>();
    for (const step of this.plan?.steps ?? []) {
      const target = commandFor(step.check, this.allowed, commands);
      if (target) needed.set(target.command, target.check);
    }
    for (const [command, check] of needed) {
      this.opts.emit?.('notice', { message: `running ${command} before the task starts, to know what already fails` });
      const run = await this.run(check, command, signal);
      if (!run) continue;
      this.baseline.set(command, run);
      if (!run.ok) this.opts.emit?.('notice', { message: `${command} already fails before the task (exit code ${run.exitCode ?? 'none'}): steps it checks can be moved past on a second claim` });
    }
  }

  /** Runs a check once the session's gate allows it; undefined when the user declined. */
  private async run(check: string, command: string, signal?: AbortSignal): Promise<CheckRun | undefined> {
    if (this.declined.has(command)) return undefined;
    if (this.opts.approve && (await this.opts.approve({ name: 'bash', arguments: { command } })) !== true) {
      this.declined.add(command);
      this.opts.emit?.('notice', { message: `${command} was declined: plan steps it checks are checked off without it` });
      return undefined;
    }
    const run = await runCheck(this.opts.root, check, command, {
      timeoutMs: this.opts.policy.shell.timeoutMs,
      maxChars: Math.max(600, this.opts.policy.context.toolResultMaxChars - 600),
      env: this.opts.env,
      signal,
    });
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    this.opts.emit?.('check', { command, ok: run.ok, exitCode: run.exitCode });
    return run;
  }

  private async failure(label: string, run: CheckRun, signal?: AbortSignal): Promise<string> {
    const how = run.timedOut ? 'timed out' : `failed (exit code ${run.exitCode ?? 'none'})`;
    const lines = [`${label} is not done: its check \`${run.command}\` ${how}.`, run.output || '(no output)'];
    const runtime = this.opts.cognition;
    if (runtime?.config.prompts.diagnose_error) {
      const diagnosis = await runtime.diagnoseError(run.command, run.output, run.exitCode ?? -1, { signal }).catch(() => undefined);
      if (diagnosis) this.opts.emit?.('diagnosis', { command: run.command, category: diagnosis.category });
      if (diagnosis) lines.push(`Diagnosis (${diagnosis.category}): ${diagnosis.cause}. Suggested fix: ${diagnosis.fix}`);
    }
    lines.push('Fix this, then call step_done again.');
    return lines.join('\n');
  }

  /** Picks up edits made to the TODO file since it was last written (a user checking a step off …). */
  private async sync(): Promise<void> {
    if (!this.plan) return;
    const st = await stat(this.file).catch(() => null);
    if (!st) {
      await this.save(); // deleted under us: the plan in memory is still the truth
      return;
    }
    const stamp = `${st.mtimeMs}:${st.size}`;
    if (stamp === this.fileStamp) return;
    const parsed = parseTodo(await readFile(this.file, 'utf8').catch(() => ''));
    if (parsed) this.plan = { task: this.plan.task, steps: parsed.steps };
    this.fileStamp = stamp;
    this.emitPlan();
  }

  private async save(): Promise<void> {
    if (!this.plan) return;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, renderTodo(this.plan));
    await rename(tmp, this.file);
    const st = await stat(this.file);
    this.fileStamp = `${st.mtimeMs}:${st.size}`;
    this.emitPlan();
  }

  private emitPlan(): void {
    if (!this.plan) return;
    this.opts.emit?.('plan', { file: TODO_FILE, steps: this.plan.steps.map((s) => ({ ...s })), current: currentStep(this.plan) });
  }
}

/** The plan prompt's answer as steps: blanks dropped, duplicates merged, at most `max`. */
function normalizeSteps(raw: unknown, max: number): PlanStep[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  const steps: PlanStep[] = [];
  for (const item of raw) {
    const text = typeof item === 'string' ? item : (item as { step?: unknown })?.step;
    if (typeof text !== 'string') continue;
    const clean = text.replace(/\s+/g, ' ').replace(/^\d+[.)]\s*/, '').trim();
    if (!clean || seen.has(clean.toLowerCase())) continue;
    seen.add(clean.toLowerCase());
    const check = (item as { check?: unknown })?.check;
    steps.push({ text: clean, check: isCheck(check) ? check : 'test', done: false });
  }
  return steps.slice(0, max);
}

function isCheck(value: unknown): value is StepCheck {
  return value === 'lint' || value === 'compile' || value === 'test' || value === 'none';
}
