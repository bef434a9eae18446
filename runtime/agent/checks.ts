/**
 * The checks a plan step is validated with — the project's lint, compile (build or type-check)
 * and test commands — found by the project summary, overridden by SMALLCODE_TEST_RUNNER and
 * switched off for tests by SMALLCODE_TEST_DISABLE; and running one of them.
 */
import type { SmallCodeConfig } from '../config/load.js';
import { capOutput } from '../tools/cap.js';
import { ShellSession } from '../tools/shell.js';
import type { ProjectSummary } from './project-summary.js';

export type StepCheck = 'lint' | 'compile' | 'test' | 'none';
export type CheckCommands = Partial<Record<Exclude<StepCheck, 'none'>, string>>;

/** Weakest to strongest: a step that wants a check the project lacks falls back to a weaker one. */
const CHECK_ORDER = ['lint', 'compile', 'test'] as const;

type TestConfig = Pick<SmallCodeConfig, 'testRunner' | 'testDisable'>;

/** The test command: SMALLCODE_TEST_RUNNER, else the project's; none with SMALLCODE_TEST_DISABLE. */
export function testCommand(config: TestConfig, commands: ProjectSummary['commands']): string | undefined {
  return config.testDisable ? undefined : (config.testRunner ?? commands.test);
}

/** The checks a project offers, from the commands its summary found. */
export function checksFrom(commands: ProjectSummary['commands'], config: TestConfig): CheckCommands {
  const checks: CheckCommands = {};
  if (commands.lint) checks.lint = commands.lint;
  if (commands.build) checks.compile = commands.build;
  const test = testCommand(config, commands);
  if (test) checks.test = test;
  return checks;
}

/** The checks of the project at `root`, summarising it (sessions pass the summary they already made). */
export async function detectChecks(root: string, config: TestConfig, env: NodeJS.ProcessEnv): Promise<CheckCommands> {
  const { summarizeProject } = await import('./project-summary.js');
  return checksFrom((await summarizeProject(root, env)).commands, config);
}

/**
 * The command that validates a step wanting `wanted`, among the checks the layer allows
 * (`plan { validate: [...] }`): that check if the project has it, else the next weaker one.
 */
export function commandFor(wanted: StepCheck, allowed: readonly string[], commands: CheckCommands): { check: Exclude<StepCheck, 'none'>; command: string } | undefined {
  if (wanted === 'none') return undefined;
  for (let i = CHECK_ORDER.indexOf(wanted); i >= 0; i--) {
    const check = CHECK_ORDER[i]!;
    const command = commands[check];
    if (command && allowed.includes(check)) return { check, command };
  }
  return undefined;
}

export interface CheckRun {
  check: string;
  command: string;
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** stdout and stderr as they came, capped (head and tail kept: test summaries end the output). */
  output: string;
  ms: number;
}

/**
 * Runs a check in a fresh shell in the project root (not the session's persistent shell: a
 * check must not depend on where the model `cd`-ed); the shell kills the command's whole process
 * group on timeout or cancel.
 */
export async function runCheck(root: string, check: string, command: string, opts: { timeoutMs: number; maxChars: number; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<CheckRun> {
  const started = Date.now();
  const shell = new ShellSession({ cwd: root, env: { ...(opts.env ?? process.env), CI: '1', FORCE_COLOR: '0' }, persist: false });
  try {
    const run = await shell.run(command, { timeoutMs: opts.timeoutMs, signal: opts.signal });
    let output = run.output.trim();
    if (run.timedOut) output += `\n[timed out after ${Math.round(opts.timeoutMs / 1000)} s]`;
    const ok = run.exitCode === 0 && !run.timedOut && !run.aborted;
    return { check, command, ok, exitCode: run.exitCode, timedOut: run.timedOut, output: capOutput(output, opts.maxChars), ms: Date.now() - started };
  } finally {
    await shell.dispose();
  }
}
