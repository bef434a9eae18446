// First-hour defects seen headless (issue 10), each through the real CLI against the scripted
// model server or the real compiler.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScriptedServerOptions } from '../../support/scripted-server.js';
import { repoRoot } from '../../support/run-cli.js';
import { makeTempProject, removeTempProject, runCli, runTask, startScriptedServer, type ScriptedServer } from './helpers.js';

describe('smallcode marrow compile', () => {
  it('gives byte-identical output for identical input in separate processes', async () => {
    const dir = await makeTempProject({});
    try {
      copyFileSync(join(repoRoot, 'agents', 'core.marrow'), join(dir, 'core.marrow'));
      for (const out of ['a', 'b']) {
        const r = await runCli(['marrow', 'compile', 'core.marrow', '-o', out], { cwd: dir, timeoutMs: 60_000 });
        expect(r.code, r.stderr).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 1100)); // a clock in the output would show
      }
      const files = readdirSync(join(dir, 'a')).sort();
      expect(files).toEqual(['core.cjs', 'core.meta.json', 'core.ts']);
      expect(readdirSync(join(dir, 'b')).sort()).toEqual(files);
      for (const f of files) expect(readFileSync(join(dir, 'b', f)).equals(readFileSync(join(dir, 'a', f))), f).toBe(true);
    } finally {
      await removeTempProject(dir);
    }
  });
});

const HELLO = [{ toolCalls: [{ name: 'write_file', arguments: { path: 'hello.py', content: 'print("hello")\n' } }] }, { content: 'Created hello.py.' }];
/** The environment of a user who set nothing but the server. */
const serverOnly = (url: string): Record<string, string | undefined> => ({ SMALLCODE_BASE_URL: url, SMALLCODE_MODEL: undefined });
const modelsAsked = (server: ScriptedServer) => server.chatRequests().map((r) => r.body.model);

async function withServer(opts: ScriptedServerOptions, files: Record<string, string>, fn: (dir: string, server: ScriptedServer) => Promise<void>): Promise<void> {
  const dir = await makeTempProject(files);
  const server = await startScriptedServer(opts);
  try {
    await fn(dir, server);
  } finally {
    await server.close();
    await removeTempProject(dir);
  }
}

describe('model choice', () => {
  it('skips an embedding model Ollama lists first and takes the chat model', async () => {
    await withServer({ flavor: 'ollama', models: [{ id: 'nomic-embed-text:latest', embedding: true }, { id: 'qwen2.5-coder:7b' }], turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], serverOnly(server.url));
      expect(r.code, r.stderr).toBe(0);
      expect(new Set(modelsAsked(server))).toEqual(new Set(['qwen2.5-coder:7b']));
    });
  });

  it('with LM Studio, skips its embedding models and prefers the loaded chat model', async () => {
    const models = [{ id: 'text-embedding-nomic-embed-text-v1.5', embedding: true }, { id: 'qwen2.5-7b-instruct' }, { id: 'qwen2.5-coder-14b-instruct', loaded: true }];
    await withServer({ flavor: 'lmstudio', models, turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], serverOnly(server.url));
      expect(r.code, r.stderr).toBe(0);
      expect(new Set(modelsAsked(server))).toEqual(new Set(['qwen2.5-coder-14b-instruct']));
      expect(r.stderr).toContain('serves 2 chat models; using qwen2.5-coder-14b-instruct (loaded)');
    });
  });

  it('a wrong model name is a usage error: exit 2, one line naming the models the server has, no request sent', async () => {
    await withServer({ flavor: 'ollama', models: [{ id: 'nomic-embed-text:latest', embedding: true }, { id: 'qwen2.5-coder:7b' }, { id: 'llama3.2:3b' }], turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'qwen3:8b' });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain("has no model 'qwen3:8b'; it serves qwen2.5-coder:7b, llama3.2:3b");
      expect(r.stderr).not.toMatch(/404|not found/);
      expect(server.chatRequests()).toHaveLength(0);
    });
  });

  it('near misses of a wrong name still run: Ollama\'s name without :latest, and a listed name', async () => {
    await withServer({ flavor: 'ollama', models: [{ id: 'qwen2.5-coder:latest' }], turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'qwen2.5-coder' });
      expect(r.code, r.stderr).toBe(0);
    });
  });
});

describe('errors that say what happened', () => {
  it('a base URL without /v1 that answers a web page is tried as /v1, and says so', async () => {
    await withServer({ webUiOutsideV1: true, turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], { SMALLCODE_BASE_URL: server.origin });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`${server.origin} answered HTTP 404 to GET /models; ${server.origin}/v1 is the OpenAI-compatible API`);
      expect(server.chatRequests()[0]!.path).toBe('/v1/chat/completions');
    });
  });

  it('a server that answers but not with the API says what it answered, not "cannot reach … start it"', async () => {
    await withServer({ webUiOutsideV1: true, turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], { SMALLCODE_BASE_URL: `${server.origin}/api` });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`the server at ${server.origin}/api answered HTTP 404 to GET /models, which is not an OpenAI-compatible API (nor is ${server.origin}/api/v1); fix SMALLCODE_BASE_URL`);
      expect(r.stderr).not.toMatch(/cannot reach|Start the server/);
    });
  });

  it('a 401 with a key set blames the key, not a missing SMALLCODE_API_KEY', async () => {
    const srv = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/v1`;
    const dir = await makeTempProject({});
    try {
      const withKey = await runCli(['run', 'hi'], { cwd: dir, env: { OPENAI_BASE_URL: url, OPENAI_API_KEY: 'sk-wrong' } });
      expect(withKey.code).toBe(2);
      expect(withKey.stderr).toContain('refused the API key from OPENAI_API_KEY (HTTP 401); check that key');
      expect(withKey.stderr).not.toContain('set SMALLCODE_API_KEY');
      const without = await runCli(['run', 'hi'], { cwd: dir, env: { SMALLCODE_BASE_URL: url } });
      expect(without.code).toBe(2);
      expect(without.stderr).toContain('wants an API key (HTTP 401); set SMALLCODE_API_KEY');
    } finally {
      srv.close();
      await removeTempProject(dir);
    }
  });

  it('honours OPENAI_BASE_URL when SMALLCODE_BASE_URL is unset', async () => {
    await withServer({ turns: HELLO }, {}, async (dir, server) => {
      const r = await runCli(['run', 'create hello.py'], { cwd: dir, env: { OPENAI_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model' } });
      expect(r.code, r.stderr).toBe(0);
      expect(server.chatRequests()).toHaveLength(2);
    });
  });
});

describe('the command line', () => {
  it('`smallcode "task"` does the task as `run` does; a misspelt command is a usage error', async () => {
    await withServer({ turns: HELLO }, {}, async (dir, server) => {
      const r = await runCli(['create hello.py that prints hello'], { cwd: dir, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model' } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Created hello.py.');
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe('print("hello")\n');
      const typo = await runCli(['marow'], { cwd: dir, env: {} });
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain("unknown command 'marow' (did you mean 'marrow'?)");
    });
  });

  it('started in a subfolder, works in the repository root: its .env is read and paths are the root\'s', async () => {
    const files = { '.git/HEAD': 'ref: refs/heads/main\n', '.env': 'SMALLCODE_MODEL=from-root-env\n', 'src/deep/keep.txt': '' };
    await withServer({ models: [{ id: 'from-root-env' }, { id: 'other' }], turns: HELLO }, files, async (dir, server) => {
      const r = await runCli(['run', 'create hello.py'], { cwd: join(dir, 'src', 'deep'), env: { SMALLCODE_BASE_URL: server.url } });
      expect(r.code, r.stderr).toBe(0);
      expect(new Set(modelsAsked(server))).toEqual(new Set(['from-root-env']));
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe('print("hello")\n');
    });
  });

  it('a --cwd that does not exist is a usage error (exit 2), not a success', async () => {
    const dir = await makeTempProject({});
    try {
      const r = await runCli(['run', '--cwd', join(dir, 'missing'), 'hi'], { cwd: dir, env: {} });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('missing: no such folder');
    } finally {
      await removeTempProject(dir);
    }
  });
});

describe('the window label', () => {
  it('against a generic server names the default as the source and says how to set it', async () => {
    await withServer({ models: [{ id: 'some-finetune' }], turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], { SMALLCODE_MODEL: 'some-finetune' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('8,192-token window (default; the server does not say: set SMALLCODE_CONTEXT_WINDOW to its real context)');
      expect(r.stderr).not.toContain('LM Studio');
    });
  });

  it('a window the server states is not called a guess', async () => {
    await withServer({ flavor: 'lmstudio', models: [{ id: 'qwen2.5-coder-14b-instruct', loaded: true, contextLength: 32768 }], loadedContext: 16384, turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py', [], { SMALLCODE_MODEL: 'qwen2.5-coder-14b-instruct' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('16,384-token window (LM Studio loaded_context_length)');
    });
  });
});

describe('.smallcode/', () => {
  it('is ignored by git from its first write, with a .gitignore inside it', async () => {
    await withServer({ turns: HELLO }, {}, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py');
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, '.smallcode', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    });
  });
});
