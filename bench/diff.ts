// npm run bench:diff -- <a> <b> [--margin 0.05] [--all] [--json]
// a, b: results files or folders of them (.smallcode/benchmarks/…). Exit 0 improved, 1 regressed, 2 noise.
import { parseArgs } from 'node:util';
import { pct, seconds } from './harness/cli.js';
import { compareRuns, VERDICT_EXIT, type Comparison } from './harness/diff.js';
import { loadRuns } from './harness/results.js';
import { formatTable } from './harness/table.js';

const HELP = `npm run bench:diff -- <a> <b> [options]

Compares benchmark results b against a (each a results file or a folder of results files; a
folder's runs are pooled, so repeated runs give per-task pass rates).

  --margin <x>   smallest change of the mean pass rate that counts (default 0.05 = 5 points)
  --all          list every task, not only the ones that moved
  --json         print the comparison as JSON

Exit code: 0 improved, 1 regressed, 2 noise (change within the margin); 3 on a usage error.`;

function signed(n: number, digits = 0): string {
  const s = n.toFixed(digits);
  return n > 0 ? `+${s}` : s;
}

const relative = (a: number, b: number) => (a ? ` (${signed(((b - a) / a) * 100)}%)` : '');

function print(c: Comparison, all: boolean): void {
  const moved = c.tasks.filter((t) => all || t.move !== 'same');
  if (moved.length) {
    console.log(formatTable(['task', 'a', 'b', 'move'], moved.map((t) => [t.task, pct(t.a), pct(t.b), t.move])));
    console.log('');
  } else {
    console.log('no task moved\n');
  }
  if (c.onlyInA.length) console.log(`only in a: ${c.onlyInA.join(', ')}`);
  if (c.onlyInB.length) console.log(`only in b: ${c.onlyInB.join(', ')}`);
  console.log(`tasks compared: ${c.tasks.length}`);
  console.log(`pass rate: ${pct(c.passRateA)} → ${pct(c.passRateB)} (${signed(c.passRateDelta * 100, 1)} points; margin ${pct(c.margin)})`);
  console.log(`tokens per task: ${Math.round(c.tokensA)} → ${Math.round(c.tokensB)}${relative(c.tokensA, c.tokensB)}`);
  console.log(`time per task: ${seconds(c.timeMsA)} → ${seconds(c.timeMsB)}${relative(c.timeMsA, c.timeMsB)}`);
  console.log(`verdict: ${c.verdict}`);
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { margin: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`bench:diff: ${(err as Error).message}`);
    return 3;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) {
    console.error('bench:diff: give two results (files or folders): npm run bench:diff -- <a> <b>');
    return 3;
  }
  const margin = values.margin === undefined ? 0.05 : Number(values.margin);
  if (!Number.isFinite(margin) || margin < 0 || margin > 1) {
    console.error(`bench:diff: --margin must be a number from 0 to 1 (got '${values.margin}')`);
    return 3;
  }
  let comparison: Comparison;
  try {
    comparison = compareRuns(await loadRuns(positionals[0]!), await loadRuns(positionals[1]!), margin);
  } catch (err) {
    console.error(`bench:diff: ${(err as Error).message}`);
    return 3;
  }
  if (values.json) console.log(JSON.stringify(comparison, null, 2));
  else print(comparison, values.all ?? false);
  return VERDICT_EXIT[comparison.verdict];
}

process.exitCode = await main(process.argv.slice(2));
