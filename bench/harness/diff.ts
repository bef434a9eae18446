/**
 * Compares two benchmark results (files, or folders of files): per-task moves, mean pass-rate
 * delta, token and time deltas, and a verdict — improved, regressed or noise.
 */
import type { SuiteRun } from './results.js';

export interface TaskComparison {
  /** suite/id */
  task: string;
  /** Pass rate of the task on each side (0 or 1 for a single run; a fraction over repeated runs). */
  a: number;
  b: number;
  move: 'fixed' | 'broke' | 'better' | 'worse' | 'same';
}

export type Verdict = 'improved' | 'regressed' | 'noise';

export interface Comparison {
  tasks: TaskComparison[];
  onlyInA: string[];
  onlyInB: string[];
  passRateA: number;
  passRateB: number;
  passRateDelta: number;
  /** Mean tokens and wall time per task over the tasks both sides ran. */
  tokensA: number;
  tokensB: number;
  timeMsA: number;
  timeMsB: number;
  margin: number;
  verdict: Verdict;
}

/** Exit codes of `bench:diff`: 0 improved, 1 regressed, 2 noise. */
export const VERDICT_EXIT: Record<Verdict, number> = { improved: 0, regressed: 1, noise: 2 };

interface TaskStats {
  passes: number;
  runs: number;
  tokens: number;
  wallMs: number;
}

function collect(runs: SuiteRun[]): Map<string, TaskStats> {
  const out = new Map<string, TaskStats>();
  for (const run of runs) {
    for (const t of run.tasks) {
      const key = `${run.suite}/${t.id}`;
      const s = out.get(key) ?? { passes: 0, runs: 0, tokens: 0, wallMs: 0 };
      s.passes += t.passed ? 1 : 0;
      s.runs += 1;
      s.tokens += t.tokens.total;
      s.wallMs += t.wallMs;
      out.set(key, s);
    }
  }
  return out;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * `margin`: the smallest change of the mean pass rate that counts (default 0.05 = 5 points);
 * anything within it is noise.
 */
export function compareRuns(a: SuiteRun[], b: SuiteRun[], margin = 0.05): Comparison {
  const sa = collect(a);
  const sb = collect(b);
  const common = [...sa.keys()].filter((k) => sb.has(k)).sort();
  const tasks = common.map((task): TaskComparison => {
    const x = sa.get(task)!;
    const y = sb.get(task)!;
    const ra = x.passes / x.runs;
    const rb = y.passes / y.runs;
    let move: TaskComparison['move'] = 'same';
    if (ra === 0 && rb === 1) move = 'fixed';
    else if (ra === 1 && rb === 0) move = 'broke';
    else if (rb > ra) move = 'better';
    else if (rb < ra) move = 'worse';
    return { task, a: ra, b: rb, move };
  });
  const passRateA = mean(tasks.map((t) => t.a));
  const passRateB = mean(tasks.map((t) => t.b));
  const passRateDelta = passRateB - passRateA;
  const perTask = (s: Map<string, TaskStats>, field: 'tokens' | 'wallMs') => mean(common.map((k) => s.get(k)![field] / s.get(k)!.runs));
  const verdict: Verdict = tasks.length === 0 ? 'noise' : passRateDelta > margin + 1e-9 ? 'improved' : passRateDelta < -margin - 1e-9 ? 'regressed' : 'noise';
  return {
    tasks,
    onlyInA: [...sa.keys()].filter((k) => !sb.has(k)).sort(),
    onlyInB: [...sb.keys()].filter((k) => !sa.has(k)).sort(),
    passRateA,
    passRateB,
    passRateDelta,
    tokensA: perTask(sa, 'tokens'),
    tokensB: perTask(sb, 'tokens'),
    timeMsA: perTask(sa, 'wallMs'),
    timeMsB: perTask(sb, 'wallMs'),
    margin,
    verdict,
  };
}
