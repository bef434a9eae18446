import { corporaDir } from '../lib/corpora.js';
import { defaultCorpusFile, loadCorpusDialects, DIALECT_NAMES, type CorpusDialect, type DialectName } from '../sim/dialects.js';
import { FAULT_KINDS } from '../sim/faults.js';
import { DEFAULT_SIM_CONTEXT, SIM_MODEL_ID } from '../sim/server.js';
import type { BenchTask, SuiteName } from '../suites/types.js';
import { Progress } from './progress.js';
import { summarize, RESULTS_SCHEMA, type RunTarget, type SuiteRun, type TaskResult } from './results.js';
import { runTask, type ModelTarget } from './run-task.js';

export interface SuiteOptions {
  kit: 'on' | 'off';
  /** Tasks run at the same time (default 1; each has its own project, shell and sim server). */
  concurrency?: number;
  timeoutMs?: number;
  keep?: boolean;
  quiet?: boolean;
  /** Prefix of the progress line. */
  label?: string;
}

/** Runs tasks of one suite against one target and returns the results (not saved). */
export async function runSuite(suite: SuiteName, tasks: BenchTask[], target: ModelTarget, opts: SuiteOptions): Promise<SuiteRun> {
  const startedAt = new Date().toISOString();
  const progress = new Progress(tasks.length, opts.label ?? `${suite} (kit ${opts.kit})`, { quiet: opts.quiet });
  const results: TaskResult[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index]!;
      progress.start(task.id);
      const result = await runTask(task, target, { kit: opts.kit, timeoutMs: opts.timeoutMs, keep: opts.keep });
      results[index] = result;
      progress.finish(task.id, result.passed, result.failure);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 1, tasks.length)) }, worker));
  return {
    schema: RESULTS_SCHEMA,
    suite,
    kit: opts.kit,
    target: describeTarget(target),
    startedAt,
    finishedAt: new Date().toISOString(),
    summary: summarize(results),
    tasks: results,
  };
}

export function describeTarget(target: ModelTarget): RunTarget {
  if (target.kind === 'endpoint') return { kind: 'endpoint', model: target.model ?? '(discovered)', baseUrl: target.baseUrl ?? '(probed)' };
  const corpus = (target.dialects ?? []).some((d) => typeof d !== 'string');
  return {
    kind: 'sim',
    model: SIM_MODEL_ID,
    faultRate: target.faultRate,
    retryFaultRate: target.retryFaultRate ?? 0,
    seed: target.seed,
    faults: [...(target.faults ?? FAULT_KINDS)],
    dialects: corpus ? 'builtin+corpus' : 'builtin',
    contextWindow: target.contextWindow ?? DEFAULT_SIM_CONTEXT,
  };
}

/**
 * Text dialects for the simulation: the built-in renderers, plus (with 'corpus') templates drawn
 * at run time from the shared corpus of real outputs, when it is present.
 */
export function simDialects(source: 'builtin' | 'corpus'): Array<DialectName | CorpusDialect> {
  if (source === 'builtin') return [...DIALECT_NAMES];
  let corpus: CorpusDialect[] = [];
  try {
    corpus = loadCorpusDialects(defaultCorpusFile(corporaDir()));
  } catch {
    // No corpus on this machine: the built-in dialects only, and the results file says so.
  }
  return [...DIALECT_NAMES, ...corpus];
}
