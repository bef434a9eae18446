import { resolve } from 'node:path';
import type { CommandContext } from '../command.js';
import { createSession, type Session } from '../../agent/session.js';
import type { EmitFn, RunResult } from '../../agent/types.js';
import { ConfigError, loadConfig } from '../../config/load.js';
import { progressPrinter } from '../output.js';
import { sessionOverrides } from './shared.js';
import { headlessApproval, maxTurns, verdictLine } from './run.js';

/** Tail of the failing output that becomes the task: test summaries end the output. */
const TASK_OUTPUT_CHARS = 3000;

/**
 * `smallcode fix [--test "<cmd>"]`: runs the tests (--test, else SMALLCODE_TEST_RUNNER, else the
 * project's detected test command). Green: exit 0 without asking the model anything. Red: the
 * failing output becomes the task, and the agent works until the tests pass (its checks run the
 * same command) or its budget is spent. Exit 0 only when the tests end green; 1 when they do
 * not; 2 on a usage or configuration error. A pre-commit hook or a CI step.
 */
export default async function fix(ctx: CommandContext): Promise<number> {
  const root = resolve(ctx.cwd);
  const overrides = sessionOverrides(ctx);
  if (typeof ctx.options.test === 'string') {
    if (!ctx.options.test.trim()) {
      ctx.stderr.write('smallcode fix: --test needs a command, e.g. --test "npm test"\n');
      return 2;
    }
    overrides.SMALLCODE_TEST_RUNNER = ctx.options.test;
  }
  try {
    const config = await loadConfig({ cwd: root, env: ctx.env, overrides });
    const { detectChecks, runCheck } = await import('../../agent/checks.js');
    const command = (await detectChecks(root, { ...config, testDisable: false }, ctx.env)).test;
    if (!command) {
      ctx.stderr.write('smallcode fix: no test command found; give one with --test "<cmd>" or SMALLCODE_TEST_RUNNER\n');
      return 2;
    }
    const { loadBuiltinPolicy } = await import('../../cognition/index.js');
    const policy = await loadBuiltinPolicy();
    ctx.stderr.write(`· running ${command}\n`);
    const first = await runCheck(root, 'test', command, { timeoutMs: policy.shell.timeoutMs, maxChars: TASK_OUTPUT_CHARS * 2, env: ctx.env });
    if (first.ok) {
      ctx.stderr.write(`· ${command} passes: nothing to fix\n`);
      if (ctx.options.json) ctx.stdout.write(`${JSON.stringify(greenResult(first.ms), null, 2)}\n`);
      return 0;
    }
    const output = first.output.length > TASK_OUTPUT_CHARS ? `…${first.output.slice(-TASK_OUTPUT_CHARS)}` : first.output;
    const task = `The tests fail: \`${command}\` exits with code ${first.exitCode ?? 'none'}. Make the failing tests pass by fixing the code under test.\n\nOutput:\n${output || '(no output)'}`;
    const result = await runFixTask(ctx, task, overrides);
    if (result === undefined) return 2;
    // The agent's checks ran the same command after its last change; the verdict is the answer.
    const green = result.verified === 'passed';
    if (!green && result.success) {
      result.success = false;
      result.error = result.verified === 'failed' ? `\`${command}\` still fails: ${result.verification?.summary ?? ''}` : `\`${command}\` was not shown to pass (the task changed no files)`;
    }
    if (ctx.options.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      if (result.response) ctx.stdout.write(`${result.response}\n`);
      ctx.stderr.write(verdictLine(result));
      if (!green) ctx.stderr.write(`smallcode fix: the tests are still red: ${result.error}\n`);
    }
    return green ? 0 : 1;
  } catch (err) {
    if (err instanceof ConfigError) {
      ctx.stderr.write(`smallcode: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function runFixTask(ctx: CommandContext, task: string, overrides: Record<string, string>): Promise<RunResult | undefined> {
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
    session = await createSession({ cwd: ctx.cwd, env: ctx.env, overrides, emit, policy: maxTurns(ctx), headless: true, approve: (req) => headlessApproval(req, session) });
    const { describeWindow } = await import('../../model/server.js');
    ctx.stderr.write(`· ${session.model} at ${session.server.baseUrl}, ${describeWindow(session.context)}\n`);
    return await session.agent.run(task, controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await session?.close();
  }
}

/** The RunResult of a run that found the tests green and asked the model nothing. */
function greenResult(ms: number): RunResult {
  return {
    response: 'The tests pass: nothing to fix.',
    toolCalls: [],
    filesCreated: [],
    filesEdited: [],
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, requests: 0, estimated: false },
    durationMs: ms,
    success: true,
    turns: 0,
    verified: 'passed',
  };
}
