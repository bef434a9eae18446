/**
 * Verified outcomes: a task that changed files ends with the project's strongest check (its
 * tests, else its build or type-check, else its linter — the planner's detection in checks.ts).
 * The check also runs once before the task's first change (the baseline), so a check that was
 * already failing does not count against the task. Without any check, a static grade: every
 * changed file still parses (and type-checks where TypeScript is at hand).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { SmallCodeConfig } from '../config/load.js';
import { ShellSession } from '../tools/shell.js';
import type { ToolRegistryOptions } from '../tools/index.js';
import { commandFor, detectChecks, runCheck, type CheckRun } from './checks.js';
import type { AgentPolicy } from './policy.js';
import type { EmitFn, Verification } from './types.js';

export interface VerifierOptions {
  root: string;
  config: Pick<SmallCodeConfig, 'testRunner' | 'testDisable'>;
  policy: AgentPolicy;
  env?: NodeJS.ProcessEnv;
  emit?: EmitFn;
  approve?: ToolRegistryOptions['approve'];
}

/** The strongest check first: tests prove behaviour, a build only that it compiles. */
const ALL_CHECKS = ['lint', 'compile', 'test'] as const;

/** Lines of a failing check's output kept in the RunResult: test summaries end the output. */
const SUMMARY_LINES = 30;

export class Verifier {
  /** The check as it ran before the task's first change; null: taken, no check to run. */
  private before?: CheckRun | null;
  private declined = new Set<string>();

  constructor(private readonly opts: VerifierOptions) {}

  beginTask(): void {
    this.before = undefined;
  }

  /** Whether the baseline was taken in this task (it is, before the first call that may change files). */
  get hasBaseline(): boolean {
    return this.before !== undefined;
  }

  /** The state before the task, as the check saw it (undefined: no check, or none taken). */
  get baseline(): CheckRun | undefined {
    return this.before ?? undefined;
  }

  /** Runs the check once before the task changes anything. Cheap to call again: only the first call runs. */
  async takeBaseline(signal?: AbortSignal): Promise<void> {
    if (this.before !== undefined) return;
    this.before = null;
    const target = await this.target();
    if (!target) return;
    this.opts.emit?.('notice', { message: `running ${target.command} before the first change, to know what already fails` });
    this.before = (await this.run(target.check, target.command, signal)) ?? null;
  }

  /** The project's check after the task, or the static grade of `changed` when it has none. */
  async verify(changed: readonly string[], signal?: AbortSignal): Promise<{ verification: Verification; run?: CheckRun }> {
    const target = await this.target();
    const run = target ? await this.run(target.check, target.command, signal) : undefined;
    if (!run) {
      const problems = await staticGrade(this.opts.root, changed, this.opts.env);
      return { verification: { verdict: 'unverified', ...(problems.length ? { summary: problems.join('\n'), staticFailures: problems.length } : {}) } };
    }
    const before = this.before ?? undefined;
    const verification: Verification = {
      verdict: run.ok ? 'passed' : 'failed',
      check: run.check,
      command: run.command,
      ...(before ? { before: before.ok ? 'passed' : 'failed' } : {}),
      ...(run.ok ? {} : { summary: summarize(run) }),
    };
    return { verification, run };
  }

  private async target(): Promise<{ check: string; command: string } | undefined> {
    const commands = await detectChecks(this.opts.root, this.opts.config, this.opts.env ?? process.env).catch(() => ({}));
    return commandFor('test', ALL_CHECKS, commands);
  }

  /** Runs a check once the session's gate allows it (checks run commands, so they ask like bash). */
  private async run(check: string, command: string, signal?: AbortSignal): Promise<CheckRun | undefined> {
    if (this.declined.has(command)) return undefined;
    if (this.opts.approve && (await this.opts.approve({ name: 'bash', arguments: { command } })) !== true) {
      this.declined.add(command);
      this.opts.emit?.('notice', { message: `${command} was declined: the task's result is not verified by it` });
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
}

/** What a failing check said, short: how it ended and the last lines of its output. */
export function summarize(run: CheckRun): string {
  const how = run.timedOut ? 'timed out' : `exit code ${run.exitCode ?? 'none'}`;
  const lines = run.output.split('\n').filter((l) => l.trim());
  const tail = lines.slice(-SUMMARY_LINES).join('\n');
  return `\`${run.command}\` failed (${how})${tail ? `:\n${tail}` : ''}`;
}

/**
 * Every changed file that no longer parses, one line each: JSON by JSON.parse, JavaScript and
 * TypeScript by the TypeScript parser (and type-checked with the project's tsconfig when it has
 * one), Python by `python3 -m py_compile` when python3 is on PATH. Other files are not graded.
 */
export async function staticGrade(root: string, changed: readonly string[], env?: NodeJS.ProcessEnv): Promise<string[]> {
  const problems: string[] = [];
  const scripts: string[] = [];
  const python: string[] = [];
  for (const file of changed) {
    const ext = extname(file).toLowerCase();
    const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue; // deleted: nothing to parse
    if (ext === '.json') {
      try {
        JSON.parse(text);
      } catch (err) {
        problems.push(`${file}: invalid JSON (${(err as Error).message})`);
      }
    } else if (/^\.[cm]?[jt]sx?$/.test(ext)) scripts.push(file);
    else if (ext === '.py') python.push(file);
  }
  if (scripts.length) problems.push(...(await gradeScripts(root, scripts)));
  if (python.length) problems.push(...(await gradePython(root, python, env)));
  return problems;
}

async function gradeScripts(root: string, files: string[]): Promise<string[]> {
  // ts-morph (a dependency, for the marrow compiler) carries the TypeScript compiler.
  const { ts } = await import('ts-morph');
  const problems: string[] = [];
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const diagnostics = (source as unknown as { parseDiagnostics?: import('ts-morph').ts.Diagnostic[] }).parseDiagnostics ?? [];
    for (const d of diagnostics.slice(0, 3)) {
      const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      problems.push(`${file}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
  }
  const tsconfig = join(root, 'tsconfig.json');
  const typed = files.filter((f) => /\.[cm]?tsx?$/.test(f));
  if (problems.length === 0 && typed.length && existsSync(tsconfig)) {
    // Type-check with the project's own settings; only the changed files' errors count.
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(tsconfig, ts.sys.readFile).config ?? {}, ts.sys, root);
    const program = ts.createProgram(typed.map((f) => join(root, f)), { ...parsed.options, noEmit: true });
    for (const d of ts.getPreEmitDiagnostics(program).filter((x) => x.category === ts.DiagnosticCategory.Error && x.file && typed.some((f) => x.file!.fileName.endsWith(f))).slice(0, 5)) {
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      problems.push(`${d.file!.fileName.slice(root.length + 1)}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
  }
  return problems;
}

async function gradePython(root: string, files: string[], env?: NodeJS.ProcessEnv): Promise<string[]> {
  const shell = new ShellSession({ cwd: root, env: { ...(env ?? process.env) }, persist: false });
  try {
    const quoted = files.map((f) => `'${f.replace(/'/g, `'\\''`)}'`).join(' ');
    const run = await shell.run(`command -v python3 >/dev/null 2>&1 || exit 0; python3 -m py_compile ${quoted}`, { timeoutMs: 30_000 });
    return run.exitCode === 0 ? [] : [run.output.trim().split('\n').slice(-3).join('\n')];
  } finally {
    await shell.dispose();
  }
}
