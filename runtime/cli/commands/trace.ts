import type { CommandContext } from '../command.js';

/**
 * `smallcode trace list` and `smallcode trace test <id>`: the latter turns a recorded session
 * trace (.smallcode/traces/) into a regression suite, evals/trace-<session>.yaml.
 */
export default async function trace(ctx: CommandContext): Promise<number> {
  const [action, ref] = ctx.args;
  const { findTrace, listTraces } = await import('../../tui/traces.js');
  if (action === 'list') {
    for (const t of listTraces(ctx.cwd)) ctx.stdout.write(`${t.name}  ${t.kind}, ${t.records} records\n`);
    return 0;
  }
  if (action !== 'test' || !ref) {
    ctx.stderr.write('smallcode trace: use `smallcode trace list` or `smallcode trace test <id>` (a trace name, session id or list number)\n');
    return 2;
  }
  const found = findTrace(ctx.cwd, ref, '');
  if (!found) {
    ctx.stderr.write(`smallcode trace: no trace '${ref}'. smallcode trace list shows them\n`);
    return 2;
  }
  const { traceToSuite } = await import('../../eval/trace-test.js');
  try {
    const { file, cases } = traceToSuite(ctx.cwd, found);
    ctx.stdout.write(`${file}\n`);
    ctx.stderr.write(`${cases} replay case${cases === 1 ? '' : 's'} from ${found.name}; run it with: smallcode eval ${file}\n`);
    return 0;
  } catch (err) {
    ctx.stderr.write(`smallcode trace: ${(err as Error).message}\n`);
    return 1;
  }
}
