/**
 * Resilience: the suites against the simulated model at several fault rates, with the survival
 * kit on and off, so the kit's worth shows as completion rates side by side.
 */
import { execFileSync } from 'node:child_process';
import { FAULT_KINDS, type FaultKind } from '../sim/faults.js';
import { suiteTasks, type SuiteName } from '../suites/index.js';
import type { SuiteRun } from './results.js';
import type { ModelTarget } from './run-task.js';
import { runSuite, simDialects } from './suite.js';

export interface ResilienceOptions {
  suites: SuiteName[];
  faultRates: number[];
  kits: Array<'on' | 'off'>;
  seed: number;
  /** Share of retries that fail again (default 0). */
  retryFaultRate?: number;
  /** Fault kinds drawn (default all). */
  faults?: FaultKind[];
  dialects?: 'builtin' | 'corpus';
  contextWindow?: number;
  concurrency?: number;
  quiet?: boolean;
}

/** One cell of the table: a kit at a fault rate over all the suites. */
export interface ResilienceResult {
  kit: 'on' | 'off';
  faultRate: number;
  completed: number;
  total: number;
  completion: number;
}

export interface ResilienceReport {
  simulated: true;
  note: string;
  retryFaultRate: number;
  /** The engine measured: git commit, and whether the working tree had changes. */
  engine: string;
  seed: number;
  /** The simulated server's context window (the simulator's default when unset). */
  contextWindow?: number;
  suites: SuiteName[];
  faults: FaultKind[];
  results: ResilienceResult[];
  /** The same figures per suite. */
  bySuite: Array<ResilienceResult & { suite: SuiteName }>;
  /** Failed tasks per cell, with the faults they met (what to fix next). */
  failures: Array<{ kit: 'on' | 'off'; faultRate: number; task: string; faults: string; failure: string }>;
  runs: SuiteRun[];
}

export const RESILIENCE_NOTE = 'Simulated small model (scripted reference solutions + injected faults): measures how well the harness survives the faults, not a language model.';

export const FULL = { suites: ['smoke', 'polyglot', 'tools'] as SuiteName[], faultRates: [0, 0.1, 0.3, 0.5] };
export const SHORT = { suites: ['smoke'] as SuiteName[], faultRates: [0, 0.3] };

export async function runResilience(opts: ResilienceOptions): Promise<ResilienceReport> {
  const runs: SuiteRun[] = [];
  const dialects = simDialects(opts.dialects ?? 'builtin');
  for (const faultRate of opts.faultRates) {
    for (const kit of opts.kits) {
      for (const suite of opts.suites) {
        const target: ModelTarget = { kind: 'sim', faultRate, retryFaultRate: opts.retryFaultRate, seed: opts.seed, faults: opts.faults, dialects, contextWindow: opts.contextWindow };
        const label = `${suite} kit ${kit} faults ${Math.round(faultRate * 100)}%`;
        runs.push(await runSuite(suite, suiteTasks(suite), target, { kit, concurrency: opts.concurrency, quiet: opts.quiet, label }));
      }
    }
  }
  return report(runs, opts);
}

export function report(runs: SuiteRun[], opts: Pick<ResilienceOptions, 'seed' | 'suites' | 'faults' | 'retryFaultRate' | 'contextWindow'>): ResilienceReport {
  const cell = (kit: 'on' | 'off', faultRate: number, selected: SuiteRun[]): ResilienceResult => {
    const completed = selected.reduce((n, r) => n + r.summary.passed, 0);
    const total = selected.reduce((n, r) => n + r.summary.total, 0);
    return { kit, faultRate, completed, total, completion: total ? Math.round((completed / total) * 1000) / 1000 : 0 };
  };
  const rateOf = (r: SuiteRun) => (r.target.kind === 'sim' ? r.target.faultRate : 0);
  const keys = [...new Map(runs.map((r) => [`${r.kit}|${rateOf(r)}`, { kit: r.kit, faultRate: rateOf(r) }])).values()];
  const results = keys.map(({ kit, faultRate }) => cell(kit, faultRate, runs.filter((r) => r.kit === kit && rateOf(r) === faultRate)));
  const bySuite = runs.map((r) => ({ suite: r.suite, ...cell(r.kit, rateOf(r), [r]) }));
  const failures = runs.flatMap((r) =>
    r.tasks
      .filter((t) => !t.passed)
      .map((t) => ({
        kit: r.kit,
        faultRate: rateOf(r),
        task: t.id,
        faults: Object.entries(t.faults ?? {})
          .map(([k, n]) => (n === 1 ? k : `${k}×${n}`))
          .join(', '),
        failure: t.failure ?? '',
      })),
  );
  return { simulated: true, note: RESILIENCE_NOTE, engine: engineVersion(), retryFaultRate: opts.retryFaultRate ?? 0, seed: opts.seed, ...(opts.contextWindow ? { contextWindow: opts.contextWindow } : {}), suites: opts.suites, faults: [...(opts.faults ?? FAULT_KINDS)], results, bySuite, failures, runs };
}

/** One failure mode alone: completion and mean turns per task with the kit on and off. */
export interface ByFaultRow {
  fault: FaultKind;
  /** Faults drawn in the kit-on runs (a kind only applies to some replies). */
  injected: number;
  on: ResilienceResult & { meanTurns: number };
  off: ResilienceResult & { meanTurns: number };
}

/**
 * Per failure mode: every suite with only that fault at `faultRate`, kit on and off. Shows which
 * failure modes the engine survives and which it does not.
 */
export async function runByFault(opts: Omit<ResilienceOptions, 'faultRates'> & { faultRate: number }): Promise<ByFaultRow[]> {
  const rows: ByFaultRow[] = [];
  for (const fault of opts.faults ?? FAULT_KINDS) {
    const rep = await runResilience({ ...opts, faultRates: [opts.faultRate], faults: [fault], kits: ['on', 'off'] });
    const pick = (kit: 'on' | 'off') => {
      const tasks = rep.runs.filter((r) => r.kit === kit).flatMap((r) => r.tasks);
      const meanTurns = tasks.length ? Math.round((tasks.reduce((n, t) => n + t.turns, 0) / tasks.length) * 100) / 100 : 0;
      return { ...rep.results.find((r) => r.kit === kit)!, meanTurns };
    };
    const injected = rep.runs.filter((r) => r.kit === 'on').reduce((n, r) => n + r.tasks.reduce((k, t) => k + (t.faults?.[fault] ?? 0), 0), 0);
    rows.push({ fault, injected, on: pick('on'), off: pick('off') });
  }
  return rows;
}

/** `<commit>` or `<commit>+changes`, so that figures can be traced to the code they measured. */
export function engineVersion(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'runtime', 'agents', 'templates'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
}
