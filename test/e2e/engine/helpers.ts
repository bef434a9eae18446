import { createServer } from 'node:net';
import { startScriptedServer, type ScriptedServer, type ScriptedServerOptions } from '../../support/scripted-server.js';
import { makeTempProject, removeTempProject, runCli, type RunCliResult } from '../../support/run-cli.js';

export { startScriptedServer, makeTempProject, removeTempProject, runCli };
export type { ScriptedServer, RunCliResult };

/** A port nothing listens on: bound, read, released. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `smallcode run <task>` in `cwd` against `server`, with fast retries for tests. */
export function runTask(server: ScriptedServer, cwd: string, task: string, extraArgs: string[] = [], env: Record<string, string | undefined> = {}): Promise<RunCliResult> {
  return runCli(['run', task, ...extraArgs], {
    cwd,
    timeoutMs: 30_000,
    env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', ...env },
  });
}

/** The content of the last message the model received in chat request `index`. */
export function lastMessage(server: ScriptedServer, index: number): { role: string; content: string } {
  const messages = server.chatRequests()[index]!.body.messages as Array<{ role: string; content: string }>;
  return messages[messages.length - 1]!;
}

export async function withProject<T>(files: Record<string, string>, opts: ScriptedServerOptions, fn: (dir: string, server: ScriptedServer) => Promise<T>): Promise<T> {
  const dir = await makeTempProject(files);
  const server = await startScriptedServer(opts);
  try {
    return await fn(dir, server);
  } finally {
    await server.close();
    await removeTempProject(dir);
  }
}
