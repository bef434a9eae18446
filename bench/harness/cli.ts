/**
 * The suite commands (bench:smoke, bench:polyglot, bench:tools): pick the model (simulated or a
 * real endpoint), run the suite through the engine, print a table, save the JSON.
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind } from '../sim/faults.js';
import { suiteTasks, type SuiteName } from '../suites/index.js';
import { saveRun, benchmarksDir, type SuiteRun } from './results.js';
import type { ModelTarget } from './run-task.js';
import { runSuite, simDialects } from './suite.js';
import { formatTable } from './table.js';

export const SIM_BANNER = 'SIMULATED model (scripted replies + injected faults): this measures the harness, not a language model';

export class UsageError extends Error {}

export function suiteHelp(suite: SuiteName): string {
  return `npm run bench:${suite} -- [options]

Runs the ${suite} suite through the real engine (one fresh temp project per task) and saves the
results under .smallcode/benchmarks/.

Model:
  --sim                  the simulated small model (default when SMALLCODE_BASE_URL is unset)
  --endpoint             a real model: SMALLCODE_BASE_URL / SMALLCODE_MODEL, or probe the local
                         servers (LM Studio, Ollama, llama.cpp) like smallcode does
Simulation:
  --fault-rate <0..1>    share of replies with an injected failure (default 0)
  --retry-fault-rate <0..1>  share of retries after an error that fail again (default 0: the
                         model gets it right once told)
  --faults <a,b,…>       fault kinds to draw from (default all: ${FAULT_KINDS.join(', ')})
  --seed <n>             random seed (default 1); the same seed replays the same run
  --dialects <builtin|corpus>  text dialects: built-in renderers, or also templates drawn from
                         the shared corpus of real outputs (default builtin)
  --context <tokens>     the simulated server's loaded context window (default 8192)
Run:
  --kit <on|off>         the survival kit (default on); off = SMALLCODE_SURVIVAL_KIT=false
  --task <id,…>          only these tasks
  --concurrency <n>      tasks at the same time (default 1)
  --timeout <s>          per-task limit (default 60 for the simulation, 600 for a real model)
  --keep                 keep the temp projects of failed tasks
  --out <dir>            where results go (default .smallcode/benchmarks)
  --no-save              do not write a results file
  --json                 print the results JSON instead of the table

Exit code: 0 when the suite ran (whatever its pass rate), 2 on a usage error or when no task
could start (e.g. no model server).`;
}

export interface SuiteCliOptions {
  target: ModelTarget;
  kit: 'on' | 'off';
  tasks: string[] | undefined;
  concurrency: number;
  timeoutMs: number | undefined;
  keep: boolean;
  out: string;
  save: boolean;
  json: boolean;
}

function number(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max} (got '${raw}')`);
  return n;
}

export function parseFaults(raw: string | undefined): FaultKind[] | undefined {
  if (raw === undefined) return undefined;
  const kinds = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = kinds.filter((k) => !FAULT_KINDS.includes(k as FaultKind));
  if (unknown.length) throw new UsageError(`unknown fault kind ${unknown.map((k) => `'${k}'`).join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}

export function parseSuiteArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SuiteCliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      sim: { type: 'boolean' },
      endpoint: { type: 'boolean' },
      'fault-rate': { type: 'string' },
      'retry-fault-rate': { type: 'string' },
      faults: { type: 'string' },
      seed: { type: 'string' },
      dialects: { type: 'string' },
      context: { type: 'string' },
      kit: { type: 'string' },
      task: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      keep: { type: 'boolean' },
      out: { type: 'string' },
      'no-save': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.sim && values.endpoint) throw new UsageError('--sim and --endpoint exclude each other');
  const kit = values.kit ?? 'on';
  if (kit !== 'on' && kit !== 'off') throw new UsageError(`--kit must be on or off (got '${kit}')`);
  const dialects = values.dialects ?? 'builtin';
  if (dialects !== 'builtin' && dialects !== 'corpus') throw new UsageError(`--dialects must be builtin or corpus (got '${dialects}')`);
  // Decision: simulate unless a real endpoint is configured or asked for, so that a bare
  // `npm run bench:smoke` works anywhere (CI has no model) and never silently probes ports.
  const useSim = values.sim || (!values.endpoint && !env.SMALLCODE_BASE_URL);
  const simOnly = ['fault-rate', 'retry-fault-rate', 'faults', 'seed', 'dialects', 'context'].filter((k) => values[k as keyof typeof values] !== undefined);
  if (!useSim && simOnly.length) throw new UsageError(`--${simOnly[0]} applies to the simulated model only (add --sim)`);
  const target: ModelTarget = useSim
    ? {
        kind: 'sim',
        faultRate: number('fault-rate', values['fault-rate'], 0, 1) ?? 0,
        retryFaultRate: number('retry-fault-rate', values['retry-fault-rate'], 0, 1) ?? 0,
        seed: number('seed', values.seed, 0, 2 ** 32 - 1) ?? 1,
        faults: parseFaults(values.faults),
        dialects: simDialects(dialects),
        contextWindow: number('context', values.context, 1024, 1_000_000),
      }
    : { kind: 'endpoint', baseUrl: env.SMALLCODE_BASE_URL, model: env.SMALLCODE_MODEL, apiKey: env.SMALLCODE_API_KEY };
  const timeout = number('timeout', values.timeout, 1, 86_400);
  return {
    target,
    kit,
    tasks: values.task?.split(',').map((s) => s.trim()).filter(Boolean),
    concurrency: number('concurrency', values.concurrency, 1, 16) ?? 1,
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    keep: values.keep ?? false,
    out: values.out ?? benchmarksDir(),
    save: !values['no-save'],
    json: values.json ?? false,
  };
}

export function printRun(run: SuiteRun): void {
  const t = run.target;
  console.log(
    t.kind === 'sim'
      ? `${run.suite} — ${SIM_BANNER}\nfault rate ${pct(t.faultRate)}${t.retryFaultRate ? ` (retries ${pct(t.retryFaultRate)})` : ''}, seed ${t.seed}, dialects ${t.dialects}, kit ${run.kit}`
      : `${run.suite} — model ${t.model} at ${t.baseUrl}, kit ${run.kit}`,
  );
  console.log(formatTable(
    ['task', 'lang', 'result', 'turns', 'tools', 'tokens', 'time', 'faults | failure'],
    run.tasks.map((r) => [
      r.id,
      r.language,
      r.passed ? 'pass' : 'FAIL',
      r.turns,
      r.toolErrors ? `${r.toolCalls} (${r.toolErrors} err)` : r.toolCalls,
      r.tokens.total,
      seconds(r.wallMs),
      [faultList(r.faults), r.failure ?? ''].filter(Boolean).join(' | ').slice(0, 120),
    ]),
  ));
  const s = run.summary;
  console.log(`\n${s.passed}/${s.total} passed (${pct(s.passRate)}), ${s.meanTurns} turns per task, ${s.tokens} tokens, ${seconds(s.wallMs)}`);
}

export function faultList(faults: Partial<Record<string, number>> | undefined): string {
  if (!faults) return '';
  return Object.entries(faults)
    .map(([k, n]) => (n === 1 ? k : `${k}×${n}`))
    .join(', ');
}

export const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Entry of bench/smoke.ts, bench/polyglot.ts and bench/tools.ts. */
export async function suiteMain(suite: SuiteName, argv = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(suiteHelp(suite));
    return 0;
  }
  let opts: SuiteCliOptions;
  try {
    opts = parseSuiteArgs(argv);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`bench:${suite}: ${(err as Error).message}`);
      return 2;
    }
    throw err;
  }
  let tasks = suiteTasks(suite);
  if (opts.tasks) {
    const unknown = opts.tasks.filter((id) => !tasks.some((t) => t.id === id));
    if (unknown.length) {
      console.error(`bench:${suite}: unknown task ${unknown.join(', ')}; tasks: ${tasks.map((t) => t.id).join(', ')}`);
      return 2;
    }
    tasks = tasks.filter((t) => opts.tasks!.includes(t.id));
  }
  if (opts.target.kind === 'sim' && !opts.json) console.error(`bench:${suite}: ${SIM_BANNER}. Set SMALLCODE_BASE_URL (or pass --endpoint) for a real model.`);
  const run = await runSuite(suite, tasks, opts.target, { kit: opts.kit, concurrency: opts.concurrency, timeoutMs: opts.timeoutMs, keep: opts.keep, quiet: opts.json });
  // No task could even start (no server, bad configuration): one clear line, no results file.
  const unstarted = run.tasks.filter((t) => t.failure?.startsWith('could not start: '));
  if (unstarted.length === run.tasks.length && run.tasks.length > 0) {
    console.error(`bench:${suite}: ${unstarted[0]!.failure!.slice('could not start: '.length)}`);
    return 2;
  }
  if (opts.json) console.log(JSON.stringify(run, null, 2));
  else printRun(run);
  if (opts.save) {
    const file = await saveRun(run, opts.out);
    console.error(`results: ${file}`);
  }
  return 0;
}
