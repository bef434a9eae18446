import type { CommandContext } from '../command.js';
import { sessionOverrides } from './shared.js';

/**
 * `smallcode eval [suite] [--compare <earlier>] [--trials n] [--json]`: runs an evaluation suite
 * (runtime/eval), prints pass@1 and pass@k with 95 % intervals, saves the result under
 * .smallcode/evals/results/. Without a suite, lists the suites found. Exit 0 when every case
 * passed and (with --compare) nothing regressed beyond noise, 1 otherwise, 2 for a broken suite.
 */
export default async function evalCommand(ctx: CommandContext): Promise<number> {
  const { findSuite, listSuites, loadSuite, EvalSuiteError } = await import('../../eval/suite.js');
  const { compareResults, loadEarlier, renderMoves, renderResult, runSuite, saveResult } = await import('../../eval/runner.js');
  const { packageRoot } = await import('../../cognition/index.js');
  const builtin = `${packageRoot()}/evals`;
  const ref = ctx.args[0];
  if (!ref) {
    const suites = [...listSuites(ctx.cwd), ...listSuites(packageRoot()).filter((f) => f.startsWith(builtin))];
    ctx.stdout.write(suites.length ? `${suites.join('\n')}\n` : 'No suites (YAML files under evals/ or .smallcode/evals/). See docs/eval.md\n');
    return 0;
  }
  const file = findSuite(ctx.cwd, ref, [builtin]);
  if (!file) {
    ctx.stderr.write(`smallcode eval: no suite '${ref}' (a YAML file, or a name under evals/, .smallcode/evals/ or the built-in ${builtin})\n`);
    return 2;
  }
  let suite;
  try {
    suite = loadSuite(file);
  } catch (err) {
    if (err instanceof EvalSuiteError) {
      ctx.stderr.write(`smallcode eval: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (ctx.options.trials !== undefined) {
    const n = Number(ctx.options.trials);
    if (!Number.isInteger(n) || n < 1) {
      ctx.stderr.write(`smallcode eval: --trials must be a whole number ≥ 1, got '${ctx.options.trials}'\n`);
      return 2;
    }
    suite.trials = n;
  }
  const result = await runSuite(suite, { root: ctx.cwd, env: ctx.env, overrides: sessionOverrides(ctx), progress: (line) => ctx.stderr.write(`${line}\n`) });
  const saved = saveResult(ctx.cwd, result);
  let regressed = false;
  let moves;
  if (ctx.options.compare !== undefined) {
    let earlier;
    try {
      earlier = loadEarlier(ctx.cwd, String(ctx.options.compare), suite.name, saved);
    } catch (err) {
      ctx.stderr.write(`smallcode eval: ${(err as Error).message}\n`);
      return 2;
    }
    moves = compareResults(earlier, result);
    regressed = moves.some((m) => m.verdict === 'regression');
  }
  if (ctx.options.json) ctx.stdout.write(`${JSON.stringify({ ...result, saved, ...(moves ? { moves, regressed } : {}) }, null, 2)}\n`);
  else {
    ctx.stdout.write(`${renderResult(result)}\nsaved ${saved}\n`);
    if (moves) ctx.stdout.write(`compared with the earlier run:\n${renderMoves(moves)}\n${regressed ? 'REGRESSION beyond noise (one-sided Fisher exact test, p < 0.05; any drop of a replay case)' : 'no regression beyond noise'}\n`);
  }
  if (moves) return regressed ? 1 : 0;
  return result.cases.every((c) => c.passed === c.n) ? 0 : 1;
}
