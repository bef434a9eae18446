/**
 * Runs a suite: each case `trials` times, prompt cases through the cognition runtime (cache off,
 * so trials are independent), task cases in a fresh temporary folder through a real session —
 * against the configured model, or the replay server for recorded replies. Results are saved
 * under `.smallcode/evals/results/` and can be compared with an earlier run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { RunResult } from '../agent/types.js';
import { fisherDropP, passAtK, passAtKInterval, REGRESSION_ALPHA, wilson } from './stats.js';
import { isPromptCase, mismatch, type EvalCase, type PromptCase, type Suite, type TaskCase } from './suite.js';

export interface CaseResult {
  id: string;
  kind: 'prompt' | 'task' | 'replay';
  n: number;
  passed: number;
  passAt1: number;
  passAtK: number;
  interval: [number, number];
  /** Why each failed trial failed (the first few). */
  failures: string[];
}

export interface SuiteResult {
  suite: string;
  file: string;
  at: string;
  k: number;
  cases: CaseResult[];
  passAt1: number;
  passAtK: number;
  interval: [number, number];
  passAtKInterval: [number, number];
}

export interface RunOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  /** Flag overrides (--model, --base-url) for prompt and model task cases. */
  overrides: Record<string, string>;
  progress?: (line: string) => void;
}

export async function runSuite(suite: Suite, opts: RunOptions): Promise<SuiteResult> {
  const k = suite.k ?? suite.trials;
  const cases: CaseResult[] = [];
  let prompts: PromptRunner | undefined;
  try {
    for (const c of suite.cases) {
      const kind = isPromptCase(c) ? 'prompt' : c.replies ? 'replay' : 'task';
      const n = c.trials ?? (kind === 'replay' ? 1 : suite.trials);
      const failures: string[] = [];
      let passed = 0;
      for (let t = 0; t < n; t++) {
        let why: string | undefined;
        try {
          if (isPromptCase(c)) why = await (prompts ??= await promptRunner(opts)).run(c);
          else why = await runTaskCase(c, opts);
        } catch (err) {
          why = (err as Error).message.split('\n')[0];
        }
        if (why === undefined) passed++;
        else if (failures.length < 3) failures.push(why);
      }
      const result: CaseResult = { id: c.id, kind, n, passed, passAt1: passed / n, passAtK: passAtK(n, passed, Math.min(k, n)), interval: wilson(passed, n), failures };
      opts.progress?.(`${passed === n ? '✓' : passed ? '~' : '✗'} ${c.id}  ${passed}/${n}${failures[0] ? `  ${failures[0]}` : ''}`);
      cases.push(result);
    }
  } finally {
    await prompts?.close();
  }
  const n = cases.reduce((s, c) => s + c.n, 0);
  const passed = cases.reduce((s, c) => s + c.passed, 0);
  return {
    suite: suite.name,
    file: suite.file,
    at: new Date().toISOString(),
    k,
    cases,
    passAt1: mean(cases.map((c) => c.passAt1)),
    passAtK: mean(cases.map((c) => c.passAtK)),
    interval: wilson(passed, n),
    passAtKInterval: passAtKInterval(passed, n, k),
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

interface PromptRunner {
  run(c: PromptCase): Promise<string | undefined>;
  close(): Promise<void>;
}

/** One session for all prompt cases; its prompts run without the cognition cache. */
async function promptRunner(opts: RunOptions): Promise<PromptRunner> {
  const { createSession } = await import('../agent/session.js');
  const { cognitionHost } = await import('../agent/behaviour.js');
  const session = await createSession({ cwd: opts.root, env: opts.env, overrides: opts.overrides, headless: true, approve: async () => 'an evaluation runs no tools' });
  const noCache = { kind: 'memory' as const, get: () => undefined, set: () => {} };
  const runtime = session.layers.createRuntime(cognitionHost(session.root, () => session.client), { cache: noCache });
  return {
    async run(c) {
      const value = await runtime.prompt(c.prompt, c.input);
      return mismatch(value, c.expect, c.prompt);
    },
    close: () => session.close(),
  };
}

/** A task in a fresh folder: setup files, the task, then `check` and `expect`. */
async function runTaskCase(c: TaskCase, opts: RunOptions): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'smallcode-eval-'));
  const { startReplayServer } = await import('./replay-server.js');
  const replay = c.replies ? await startReplayServer(c.model ?? 'replay', c.replies) : undefined;
  try {
    for (const [rel, content] of Object.entries(c.setup.files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), content);
    }
    const overrides = replay ? { SMALLCODE_BASE_URL: replay.url, SMALLCODE_MODEL: c.model ?? 'replay' } : await modelOverrides(opts);
    const result = await runTask(dir, c.task, opts.env, overrides);
    if (replay && replay.served() < c.replies!.length) return `the run made ${replay.served()} model requests, the recording ${c.replies!.length}`;
    if (c.expect?.result) {
      const m = mismatch(result, c.expect.result, 'result');
      if (m) return m;
    }
    for (const [rel, want] of Object.entries(c.expect?.files ?? {})) {
      const file = join(dir, rel);
      const have = existsSync(file) ? readFileSync(file, 'utf8') : null;
      if (have !== want) return want === null ? `${rel} should not exist` : have === null ? `${rel} was not created` : `${rel} differs from the expected content`;
    }
    if (c.check) {
      const run = spawnSync(c.check, { cwd: dir, shell: true, encoding: 'utf8', timeout: 120_000 });
      if (run.status !== 0) return `check '${c.check}' exited ${run.status ?? run.signal}: ${(run.stderr || run.stdout).trim().split('\n').slice(-1)[0] ?? ''}`;
    }
    return undefined;
  } finally {
    await replay?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The project's model settings (its .env / smallcode.toml) carried into the temporary folder. */
async function modelOverrides(opts: RunOptions): Promise<Record<string, string>> {
  const { loadConfig } = await import('../config/load.js');
  const config = await loadConfig({ cwd: opts.root, env: opts.env, overrides: opts.overrides });
  const out: Record<string, string> = { ...opts.overrides };
  if (config.baseUrl) out.SMALLCODE_BASE_URL ??= config.baseUrl;
  if (config.model) out.SMALLCODE_MODEL ??= config.model;
  return out;
}

async function runTask(dir: string, task: string, env: NodeJS.ProcessEnv, overrides: Record<string, string>): Promise<RunResult> {
  const { createSession } = await import('../agent/session.js');
  // The folder is a throwaway copy, so shell commands run without asking (inside the sandbox that
  // headless runs default to, SMALLCODE_SANDBOX=auto).
  const session = await createSession({ cwd: dir, env, overrides, headless: true, approve: async () => true });
  try {
    return await session.agent.run(task);
  } finally {
    await session.close();
  }
}

// ---------- saving and comparing ----------

export function resultsDir(root: string): string {
  return join(root, '.smallcode', 'evals', 'results');
}

export function saveResult(root: string, result: SuiteResult): string {
  const file = join(resultsDir(root), `${result.suite}-${result.at.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** An earlier result: a file path, or `last` (the newest saved result of the same suite). */
export function loadEarlier(root: string, ref: string, suite: string, exclude?: string): SuiteResult {
  let file = isAbsolute(ref) ? ref : resolve(root, ref);
  if (!existsSync(file)) {
    const dir = resultsDir(root);
    const saved = existsSync(dir) ? readdirSync(dir).filter((n: string) => n.startsWith(`${suite}-`) && n.endsWith('.json')).map((n: string) => join(dir, n)).filter((f: string) => f !== exclude).sort() : [];
    const named = join(dir, ref.endsWith('.json') ? ref : `${ref}.json`);
    file = ref === 'last' ? saved[saved.length - 1] ?? '' : named;
    if (!file || !existsSync(file)) throw new Error(`--compare: no earlier result '${ref}' (a file, a name under ${dir}, or 'last')`);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SuiteResult;
  } catch (err) {
    throw new Error(`--compare: ${file} is not a saved result: ${(err as Error).message}`);
  }
}

export interface CaseMove {
  id: string;
  before?: CaseResult;
  after?: CaseResult;
  /** regression: a drop beyond noise; improved: a rise beyond noise; noise: a change within it. */
  verdict: 'regression' | 'improved' | 'same' | 'noise' | 'new' | 'gone';
  p?: number;
}

/**
 * Per-case moves. A drop is a regression when the one-sided Fisher exact test says a drop this
 * large would happen by chance less than 5 % of the time under equal pass rates; a replay case
 * is deterministic, so any drop of it is a regression.
 */
export function compareResults(before: SuiteResult, after: SuiteResult): CaseMove[] {
  const earlier = new Map(before.cases.map((c) => [c.id, c]));
  const moves: CaseMove[] = after.cases.map((a) => {
    const b = earlier.get(a.id);
    earlier.delete(a.id);
    if (!b) return { id: a.id, after: a, verdict: 'new' };
    if (b.passAt1 === a.passAt1) return { id: a.id, before: b, after: a, verdict: 'same' };
    const dropped = a.passAt1 < b.passAt1;
    if (a.kind === 'replay' && b.kind === 'replay') return { id: a.id, before: b, after: a, verdict: dropped ? 'regression' : 'improved' };
    const p = dropped ? fisherDropP(b.passed, b.n, a.passed, a.n) : fisherDropP(a.passed, a.n, b.passed, b.n);
    return { id: a.id, before: b, after: a, p, verdict: p < REGRESSION_ALPHA ? (dropped ? 'regression' : 'improved') : 'noise' };
  });
  for (const b of earlier.values()) moves.push({ id: b.id, before: b, verdict: 'gone' });
  return moves;
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export function renderResult(r: SuiteResult): string {
  const lines = [`suite ${r.suite}: ${r.cases.length} cases`];
  for (const c of r.cases) {
    lines.push(`  ${c.id.padEnd(28)} ${String(c.passed).padStart(3)}/${c.n}  pass@1 ${pct(c.passAt1)} [${pct(c.interval[0])}, ${pct(c.interval[1])}]  pass@${Math.min(r.k, c.n)} ${pct(c.passAtK)}`);
  }
  lines.push(`pass@1 ${pct(r.passAt1)} (95% CI ${pct(r.interval[0])}–${pct(r.interval[1])})  pass@${r.k} ${pct(r.passAtK)} (95% CI ${pct(r.passAtKInterval[0])}–${pct(r.passAtKInterval[1])})`);
  return lines.join('\n');
}

export function renderMoves(moves: CaseMove[]): string {
  return moves
    .map((m) => {
      const before = m.before ? `${m.before.passed}/${m.before.n}` : '—';
      const after = m.after ? `${m.after.passed}/${m.after.n}` : '—';
      return `  ${m.verdict.padEnd(10)} ${m.id.padEnd(28)} ${before} → ${after}${m.p !== undefined ? `  (p = ${m.p.toFixed(3)})` : ''}`;
    })
    .join('\n');
}

export type { EvalCase };
