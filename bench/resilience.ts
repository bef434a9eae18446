// npm run bench:resilience [-- --short] [--json] [--by-fault] … (--help for all options)
// The suites against the SIMULATED small model at fault rates 0/10/30/50 %, survival kit on and off.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFaults, pct, UsageError } from './harness/cli.js';
import { engineVersion, FULL, RESILIENCE_NOTE, runByFault, runResilience, SHORT, type ResilienceReport } from './harness/resilience.js';
import { benchmarksDir } from './harness/results.js';
import { formatTable } from './harness/table.js';
import { SUITE_NAMES, type SuiteName } from './suites/index.js';

const HELP = `npm run bench:resilience -- [options]

Runs the suites against the simulated small model at fault rates 0%, 10%, 30% and 50%, with the
survival kit on and off (SMALLCODE_SURVIVAL_KIT=false), and prints one table.

  --short                smoke suite only, at 0% and 30% (CI: well under a minute)
  --json                 print { "results": [ { kit, faultRate, completed, total, completion } ], … }
  --by-fault             one row per failure mode (or per --faults kind): only that fault,
                         at --rate (default 0.3)
  --suites <a,b>         suites (default smoke,polyglot,tools)
  --rates <r,…>          fault rates (default 0,0.1,0.3,0.5)
  --faults <a,b,…>       fault kinds to draw from (default all)
  --retry-fault-rate <x> share of retries after an error that fail again (default 0)
  --seed <n>             random seed (default 1)
  --dialects <builtin|corpus>  text dialects (default builtin)
  --context <tokens>     the simulated server's loaded context window (default 8192)
  --concurrency <n>      tasks at the same time (default 1)
  --no-save              do not write .smallcode/benchmarks/resilience-*.json`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      short: { type: 'boolean' },
      json: { type: 'boolean' },
      'by-fault': { type: 'boolean' },
      rate: { type: 'string' },
      suites: { type: 'string' },
      rates: { type: 'string' },
      faults: { type: 'string' },
      'retry-fault-rate': { type: 'string' },
      seed: { type: 'string' },
      dialects: { type: 'string' },
      context: { type: 'string' },
      concurrency: { type: 'string' },
      'no-save': { type: 'boolean' },
    },
    strict: true,
  });
  const base = values.short ? SHORT : FULL;
  const suites = (values.suites?.split(',').map((s) => s.trim()) ?? base.suites) as SuiteName[];
  const bad = suites.filter((s) => !SUITE_NAMES.includes(s));
  if (bad.length) throw new UsageError(`unknown suite ${bad.join(', ')}; suites: ${SUITE_NAMES.join(', ')}`);
  const rates = values.rates?.split(',').map(Number) ?? base.faultRates;
  if (rates.some((r) => !Number.isFinite(r) || r < 0 || r > 1)) throw new UsageError(`--rates must be numbers from 0 to 1 (got '${values.rates}')`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number (got '${values.seed}')`);
  const dialects = values.dialects ?? 'builtin';
  if (dialects !== 'builtin' && dialects !== 'corpus') throw new UsageError(`--dialects must be builtin or corpus (got '${dialects}')`);
  const retryFaultRate = values['retry-fault-rate'] === undefined ? 0 : Number(values['retry-fault-rate']);
  if (!Number.isFinite(retryFaultRate) || retryFaultRate < 0 || retryFaultRate > 1) throw new UsageError(`--retry-fault-rate must be a number from 0 to 1 (got '${values['retry-fault-rate']}')`);
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  const contextWindow = values.context === undefined ? undefined : Number(values.context);
  if (contextWindow !== undefined && (!Number.isInteger(contextWindow) || contextWindow < 1024 || contextWindow > 1_000_000)) throw new UsageError(`--context must be a whole number of tokens from 1024 to 1000000 (got '${values.context}')`);
  const quiet = values.json ?? false;

  if (values['by-fault']) {
    const rate = values.rate === undefined ? 0.3 : Number(values.rate);
    const rows = await runByFault({ suites, kits: ['on', 'off'], seed, retryFaultRate, faults: parseFaults(values.faults), dialects, contextWindow, concurrency, quiet, faultRate: rate });
    if (values.json) {
      console.log(JSON.stringify({ simulated: true, note: RESILIENCE_NOTE, engine: engineVersion(), faultRate: rate, seed, suites, byFault: rows }, null, 2));
      return 0;
    }
    console.log(`resilience by failure mode — ${RESILIENCE_NOTE}\nengine ${engineVersion()}; only one fault kind at a time, drawn for ${pct(rate)} of replies where it applies; suites: ${suites.join(', ')}; seed ${seed}; context ${contextWindow ?? 'default'}\n`);
    console.log(
      formatTable(
        ['failure mode', 'injected', 'kit on', 'turns', 'kit off', 'turns'],
        rows.map((r) => [r.fault, r.injected, cellText(r.on), r.on.meanTurns, cellText(r.off), r.off.meanTurns]),
      ),
    );
    return 0;
  }

  const report = await runResilience({ suites, faultRates: rates, kits: ['on', 'off'], seed, retryFaultRate, faults: parseFaults(values.faults), dialects, contextWindow, concurrency, quiet });
  if (!values['no-save']) {
    const dir = benchmarksDir();
    await mkdir(dir, { recursive: true });
    const file = join(dir, `resilience-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    if (!values.json) console.error(`results: ${file}`);
  }
  if (values.json) {
    const { runs: _runs, ...summary } = report;
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  }
  printReport(report);
  return 0;
}

const cellText = (r: { completed: number; total: number; completion: number }) => `${r.completed}/${r.total} (${pct(r.completion)})`;

function printReport(report: ResilienceReport): void {
  console.log(`resilience — ${RESILIENCE_NOTE}\nengine ${report.engine}; retries fail again: ${pct(report.retryFaultRate)}; suites: ${report.suites.join(', ')}; seed ${report.seed}; context ${report.contextWindow ?? 'default'}; faults drawn from: ${report.faults.join(', ')}\n`);
  const rates = [...new Set(report.results.map((r) => r.faultRate))];
  const find = (kit: 'on' | 'off', rate: number) => report.results.find((r) => r.kit === kit && r.faultRate === rate);
  console.log(
    formatTable(
      ['fault rate', 'kit on', 'kit off', 'kit on − off'],
      rates.map((rate) => {
        const on = find('on', rate)!;
        const off = find('off', rate)!;
        return [pct(rate), cellText(on), cellText(off), `${on.completed - off.completed >= 0 ? '+' : ''}${on.completed - off.completed}`];
      }),
    ),
  );
  if (report.suites.length > 1) {
    console.log('');
    console.log(
      formatTable(
        ['suite', ...rates.flatMap((r) => [`on ${pct(r)}`, `off ${pct(r)}`])],
        report.suites.map((suite) => [
          suite,
          ...rates.flatMap((rate) =>
            (['on', 'off'] as const).map((kit) => {
              const c = report.bySuite.find((b) => b.suite === suite && b.kit === kit && b.faultRate === rate)!;
              return `${c.completed}/${c.total}`;
            }),
          ),
        ]),
      ),
    );
  }
  if (report.failures.length) {
    console.log('\nfailed tasks (faults met | why):');
    for (const f of report.failures) console.log(`  kit ${f.kit} ${pct(f.faultRate).padStart(4)} ${f.task}: ${f.faults || 'no fault'} | ${f.failure.slice(0, 140)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`bench:resilience: ${(err as Error).message}`);
      process.exitCode = 2;
      return;
    }
    console.error(err);
    process.exitCode = 1;
  },
);
