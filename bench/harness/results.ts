/** The results file: what one suite run produced, saved as JSON under .smallcode/benchmarks/. */
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FaultKind } from '../sim/faults.js';
import type { SuiteName } from '../suites/types.js';

export const RESULTS_SCHEMA = 'smallcode-bench/1';

export interface TaskResult {
  id: string;
  suite: SuiteName;
  language: string;
  passed: boolean;
  /** Model round-trips the engine made. */
  turns: number;
  toolCalls: number;
  /** Tool calls that answered an error. */
  toolErrors: number;
  tokens: { prompt: number; completion: number; total: number; estimated: boolean };
  wallMs: number;
  /** Why it failed: the engine's error, or the checker's complaint. */
  failure?: string;
  /** Simulated runs: the faults the model injected, by kind. */
  faults?: Partial<Record<FaultKind, number>>;
}

export type RunTarget =
  | {
      kind: 'sim';
      model: string;
      faultRate: number;
      retryFaultRate: number;
      seed: number;
      /** Fault kinds that could be drawn. */
      faults: FaultKind[];
      /** 'builtin' or 'builtin+corpus'. */
      dialects: string;
      contextWindow: number;
    }
  | { kind: 'endpoint'; model: string; baseUrl: string };

export interface SuiteRun {
  schema: typeof RESULTS_SCHEMA;
  suite: SuiteName;
  kit: 'on' | 'off';
  target: RunTarget;
  startedAt: string;
  finishedAt: string;
  summary: {
    passed: number;
    total: number;
    passRate: number;
    meanTurns: number;
    tokens: number;
    wallMs: number;
  };
  tasks: TaskResult[];
}

export function summarize(tasks: TaskResult[]): SuiteRun['summary'] {
  const passed = tasks.filter((t) => t.passed).length;
  const total = tasks.length;
  return {
    passed,
    total,
    passRate: total ? passed / total : 0,
    meanTurns: total ? round(tasks.reduce((n, t) => n + t.turns, 0) / total, 2) : 0,
    tokens: tasks.reduce((n, t) => n + t.tokens.total, 0),
    wallMs: tasks.reduce((n, t) => n + t.wallMs, 0),
  };
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function benchmarksDir(cwd = process.cwd()): string {
  return join(resolve(cwd), '.smallcode', 'benchmarks');
}

/** Writes the run as `<suite>-<kit>-<target>-<timestamp>.json`; returns the path. */
export async function saveRun(run: SuiteRun, dir = benchmarksDir()): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = run.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const target = run.target.kind === 'sim' ? `sim${Math.round(run.target.faultRate * 100)}` : 'endpoint';
  const file = join(dir, `${run.suite}-kit${run.kit}-${target}-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

/** Reads one results file, or every results file in a folder. */
export async function loadRuns(path: string): Promise<SuiteRun[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`no results at ${path}`);
  const files = info.isDirectory() ? (await readdir(path)).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f)) : [path];
  const runs: SuiteRun[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: not JSON (${(err as Error).message})`);
    }
    const run = parsed as Partial<SuiteRun>;
    if (run.schema !== RESULTS_SCHEMA || !Array.isArray(run.tasks)) {
      throw new Error(`${file}: not a benchmark results file (expected "schema": "${RESULTS_SCHEMA}")`);
    }
    runs.push(run as SuiteRun);
  }
  if (runs.length === 0) throw new Error(`no results files in ${path}`);
  return runs;
}
