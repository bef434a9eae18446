import pkg from '../../../package.json' with { type: 'json' };
import { debugLog } from '../../tui/terminal.js';
import type { CommandContext } from '../command.js';
import { sessionOverrides } from './shared.js';

/**
 * `smallcode` with no command: the interactive terminal (runtime/tui). `--classic` (or a
 * terminal that is not one: a pipe, TERM=dumb) gives the plain line-by-line mode.
 */
export default async function repl(ctx: CommandContext): Promise<number> {
  const { runInteractive } = await import('../../tui/app.js');
  const resume = ctx.options.resume;
  const code = await runInteractive({
    cwd: ctx.cwd,
    env: ctx.env,
    overrides: sessionOverrides(ctx),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    version: pkg.version,
    classic: Boolean(ctx.options.classic),
    yes: Boolean(ctx.options.yes),
    continue: Boolean(ctx.options.continue),
    resume: resume === true ? true : typeof resume === 'string' || typeof resume === 'number' ? String(resume) : undefined,
  });
  // The user has left: an engine still starting up or an idle keep-alive connection must not keep
  // the terminal waiting. Everything worth keeping is on disk already; flush the output and go.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  debugLog(`exit ${code}`);
  process.on('exit', () => debugLog('exit handlers ran'));
  process.exit(code);
}
