import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startScriptedServer, type ScriptedServer, type ScriptedServerOptions } from '../../support/scripted-server.js';
import { makeTempProject } from '../../support/run-cli.js';
import { Terminal } from './tmux.js';

export { Terminal, startScriptedServer, makeTempProject };

/** Removes a test folder; the program may still be writing its last records as its terminal goes away. */
export async function removeTempProject(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
export type { ScriptedServer };

/**
 * Asks the shell in a `Terminal.startShell` pane whether the terminal is back in line mode
 * (icanon) with echo on: 'icanon echo ' when smallcode left it as it found it.
 */
export async function ttyMode(term: Terminal, marker: string): Promise<string> {
  await term.submit(`stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo ${marker}`);
  const answer = new RegExp(`^((?:-?(?:icanon|echo) )*)${marker}$`, 'm'); // the output line, not the command
  return answer.exec(await term.waitFor(answer))![1]!;
}

/** The prompt line, empty (capture-pane drops trailing spaces). */
export const PROMPT = /^›\s*$/m;

export interface Harness {
  dir: string;
  server: ScriptedServer;
  term: Terminal;
  /** Starts another `smallcode` in the same project (e.g. after a kill). */
  restart(args?: string[]): Promise<Terminal>;
}

/**
 * A throwaway project, a scripted model server, and `smallcode <args>` running in tmux against it,
 * with HOME in a temp folder so the user's own config and history never leak in.
 */
export async function withTerminal(
  files: Record<string, string>,
  serverOpts: ScriptedServerOptions,
  fn: (h: Harness) => Promise<void>,
  opts: { args?: string[]; env?: Record<string, string>; columns?: number } = {},
): Promise<void> {
  const dir = await makeTempProject(files);
  const home = await mkdtemp(path.join(os.tmpdir(), 'smallcode-home-'));
  const server = await startScriptedServer(serverOpts);
  const env: Record<string, string> = { ...(process.env.SMALLCODE_TUI_DEBUG ? { SMALLCODE_TUI_DEBUG: process.env.SMALLCODE_TUI_DEBUG } : {}), SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: serverOpts.models?.[0]?.id ?? 'scripted-model', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...opts.env };
  const terminals: Terminal[] = [];
  const start = async (args: string[] = opts.args ?? []) => {
    const t = await Terminal.start({ cwd: dir, args, env, columns: opts.columns });
    terminals.push(t);
    return t;
  };
  try {
    const term = await start();
    await term.waitFor(PROMPT);
    await fn({ dir, server, term, restart: start });
  } finally {
    for (const t of terminals) await t.close();
    await server.close();
    await removeTempProject(dir);
    await removeTempProject(home);
  }
}
