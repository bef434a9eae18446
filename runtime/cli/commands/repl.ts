import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';
import type { CommandContext } from '../command.js';
import { createSession, type Session } from '../../agent/session.js';
import type { EmitFn } from '../../agent/types.js';
import { ConfigError } from '../../config/load.js';
import { progressPrinter } from '../output.js';
import { sessionOverrides } from './shared.js';

const HELP = `/help   this list
/quit   leave (also /q, Ctrl+D)`;

/** Several models served and none configured: let the user choose (only in a real terminal). */
async function pickModel(ids: string[]): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  const { select, isCancel } = await import('@clack/prompts');
  const choice = await select({ message: 'Which model?', options: ids.map((id) => ({ value: id, label: id })) });
  return isCancel(choice) ? undefined : String(choice);
}

/**
 * `smallcode` with no command: a line-by-line session in the terminal. Each line is a task in the
 * same conversation; the answer streams as it arrives. Ctrl+C cancels the task in flight.
 */
export default async function repl(ctx: CommandContext): Promise<number> {
  const out = (s: string) => ctx.stdout.write(s);
  const printer = progressPrinter(out);
  const emit: EmitFn = (event, payload) => {
    if (event === 'text') {
      const d = payload as { kind: string; text: string };
      if (d.kind === 'content') out(d.text);
      return;
    }
    const handler = (printer as Record<string, ((p: never) => void) | undefined>)[event];
    handler?.(payload as never);
  };
  let session: Session;
  try {
    session = await createSession({ cwd: ctx.cwd, env: ctx.env, overrides: sessionOverrides(ctx), emit, pickModel });
  } catch (err) {
    if (err instanceof ConfigError) {
      ctx.stderr.write(`smallcode: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  out(pc.dim(`SmallCode · ${session.model} · ${session.context.window}-token window · /help for commands\n`));
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  let running: AbortController | undefined;
  rl.on('SIGINT', () => {
    if (running) running.abort(new Error('cancelled'));
    else rl.close();
  });
  try {
    for (;;) {
      let line: string;
      try {
        line = (await rl.question(pc.bold('› '))).trim();
      } catch {
        break; // input closed (Ctrl+D)
      }
      if (!line) continue;
      if (line === '/quit' || line === '/q') break;
      if (line === '/help') {
        out(`${HELP}\n`);
        continue;
      }
      running = new AbortController();
      const result = await session.agent.run(line, running.signal);
      running = undefined;
      out('\n');
      if (!result.success) out(pc.red(`task ${result.error === 'cancelled' ? 'cancelled' : `failed: ${result.error}`}\n`));
    }
  } finally {
    rl.close();
    await session.close();
  }
  return 0;
}
