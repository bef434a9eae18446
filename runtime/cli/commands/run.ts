import type { CommandContext } from '../command.js';
import { createSession, type Session } from '../../agent/session.js';
import type { EmitFn } from '../../agent/types.js';
import { ConfigError } from '../../config/load.js';
import { progressPrinter } from '../output.js';
import { sessionOverrides } from './shared.js';
import type { ApprovalRequest } from '../../tools/index.js';

/**
 * `smallcode run "task"`: headless. Progress goes to stderr, the answer to stdout (or the whole
 * RunResult with --json). Exit 0 success, 1 the task failed, 2 usage or configuration error.
 */
export default async function run(ctx: CommandContext): Promise<number> {
  const task = ctx.args.join(' ').trim();
  if (!task) {
    ctx.stderr.write('smallcode run: give the task, e.g. smallcode run "add a --verbose flag"\n');
    return 2;
  }
  const printer = progressPrinter((s) => ctx.stderr.write(s));
  const emit: EmitFn = (event, payload) => {
    const handler = (printer as Record<string, ((p: never) => void) | undefined>)[event];
    handler?.(payload as never);
  };
  let session: Session | undefined;
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('cancelled'));
  process.once('SIGINT', onSigint);
  try {
    session = await createSession({ cwd: ctx.cwd, env: ctx.env, overrides: sessionOverrides(ctx), emit, policy: maxTurns(ctx), headless: true, approve: (req) => headlessApproval(req, session) });
    const { describeWindow } = await import('../../model/server.js');
    ctx.stderr.write(`· ${session.model} at ${session.server.baseUrl}, ${describeWindow(session.context)}\n`);
    const result = await session.agent.run(task, controller.signal);
    if (ctx.options.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.response) ctx.stdout.write(`${result.response}\n`);
    if (!result.success && !ctx.options.json) ctx.stderr.write(`smallcode: task failed: ${result.error}\n`);
    return result.success ? 0 : 1;
  } catch (err) {
    if (err instanceof ConfigError) {
      ctx.stderr.write(`smallcode: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await session?.close();
  }
}

/**
 * No one to ask: a shell command runs when SMALLCODE_APPROVAL (default `never`) lets it run
 * without asking, else it is refused with the reason; a config-file write only with
 * SMALLCODE_ALLOW_CONFIG_WRITES (--allow-config-writes).
 */
async function headlessApproval(req: ApprovalRequest, session: Session | undefined): Promise<true | string> {
  if (!session) return 'the session is not ready';
  if (req.write) {
    if (session.config.allowConfigWrites) return true;
    const { configWriteCannotAsk } = await import('../../tools/index.js');
    return configWriteCannotAsk(req.write);
  }
  const { decideApproval, ProjectApprovals } = await import('../../tui/approval.js');
  const policy = session.config.approval ?? 'never';
  const command = String(req.arguments.command ?? '');
  const decision = await decideApproval(command, { policy, sandboxed: session.sandboxed, approvals: new ProjectApprovals(session.root), ask: async () => 'deny' });
  return decision.run ? true : `this command needs the user's approval (SMALLCODE_APPROVAL=${policy}) and a headless run cannot ask`;
}

function maxTurns(ctx: CommandContext) {
  const n = Number(ctx.options.maxTurns);
  if (!ctx.options.maxTurns) return undefined;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`--max-turns must be a whole number ≥ 1, got '${ctx.options.maxTurns}'`);
  return (p: import('../../agent/policy.js').AgentPolicy) => ({ ...p, loop: { ...p.loop, maxTurns: n } });
}
