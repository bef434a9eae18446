import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../../runtime/agent/session.js';
import { SmallCode } from '../../../runtime/api/index.js';
import { makeTempProject, removeTempProject, startScriptedServer, type ScriptedServer } from './helpers.js';
import { repoRoot } from '../../support/run-cli.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: Parameters<typeof startScriptedServer>[0], env: Record<string, string> = {}) {
  const server = await startScriptedServer(opts);
  const dir = await makeTempProject({});
  cleanups.push(() => server.close(), () => removeTempProject(dir));
  const notices: string[] = [];
  const session: Session = await createSession({
    cwd: dir,
    env: { SMALLCODE_BASE_URL: server.url, ...env },
    emit: (event, payload) => {
      if (event === 'notice') notices.push((payload as { message: string }).message);
    },
  });
  cleanups.push(() => session.close());
  return { server, dir, session, notices };
}

describe('thinking control', () => {
  it('caps runaway reasoning_content: aborts, re-asks with thinking off, keeps it out of history', async () => {
    const { server, session } = await setup(
      { turns: [{ reasoning: 'hmm '.repeat(5000), content: 'never seen' }, { content: 'The answer is 4.' }, { content: 'ok' }] },
      { SMALLCODE_THINKING_BUDGET: '100' },
    );
    const result = await session.agent.run('what is 2+2?');
    expect(result.response).toBe('The answer is 4.');
    const reask = server.chatRequests()[1]!.body;
    expect(reask.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(reask.messages.at(-1).content).toMatch(/\/no_think$/);
    await session.agent.run('thanks');
    const later = JSON.stringify(server.chatRequests()[2]!.body.messages);
    expect(later).not.toContain('hmm hmm');
    expect(later).not.toContain('/no_think');
  });

  it('separates <think> blocks left in the content and never sends them back', async () => {
    const { server, session } = await setup({ turns: [{ content: '<think>Let me add them: 2+2=4.</think>The answer is 4.' }, { content: 'ok' }] });
    const result = await session.agent.run('what is 2+2?');
    expect(result.response).toBe('The answer is 4.');
    await session.agent.run('thanks');
    expect(JSON.stringify(server.chatRequests()[1]!.body.messages)).not.toContain('Let me add');
  });

  it('asks for thinking off from the start with SMALLCODE_THINKING_DISABLE', async () => {
    const { server, session } = await setup({ turns: [{ content: 'ok' }] }, { SMALLCODE_THINKING_DISABLE: 'true' });
    await session.agent.run('hi');
    expect(server.chatRequests()[0]!.body.chat_template_kwargs).toEqual({ enable_thinking: false });
  });
});

describe('context window detection', () => {
  it('Ollama with its small default context: uses the native API with num_ctx and says so', async () => {
    const { server, session, notices } = await setup({
      flavor: 'ollama',
      models: [{ id: 'qwen2.5-coder:7b', contextLength: 32768 }],
      turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'x.txt', content: 'x' } }] }, { content: 'done' }],
    });
    expect(session.context).toMatchObject({ flavor: 'ollama', transport: 'ollama-native', numCtx: 16384, window: 16384 });
    expect(notices.join('\n')).toMatch(/num_ctx=16384/);
    const result = await session.agent.run('write x.txt');
    expect(result.success).toBe(true);
    expect(readFileSync(join(session.root, 'x.txt'), 'utf8')).toBe('x');
    const chats = server.chatRequests();
    expect(chats.every((r) => r.path === '/api/chat')).toBe(true);
    expect(chats[0]!.body.options.num_ctx).toBe(16384);
    // The tool result went back in Ollama's shape.
    expect(chats[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', tool_name: 'write_file' });
  });

  it('Ollama with the model already loaded large enough: stays on the OpenAI endpoint', async () => {
    const { session } = await setup({ flavor: 'ollama', models: [{ id: 'qwen2.5-coder:7b', contextLength: 32768 }], loadedContext: 32768 });
    expect(session.context).toMatchObject({ transport: 'openai', window: 32768 });
  });

  it('LM Studio with a small loaded context: warns what to change', async () => {
    const { session, notices } = await setup({ flavor: 'lmstudio', models: [{ id: 'qwen2.5-coder-7b-instruct', contextLength: 32768 }], loadedContext: 4096 });
    expect(session.context).toMatchObject({ flavor: 'lmstudio', window: 4096 });
    expect(notices.join('\n')).toMatch(/loaded .* 4096-token context.*Context Length/);
  });

  it('llama.cpp server: reads n_ctx from /props and warns when small', async () => {
    const { session, notices } = await setup({ flavor: 'llamacpp', loadedContext: 4096 });
    expect(session.context).toMatchObject({ flavor: 'llamacpp', window: 4096 });
    expect(notices.join('\n')).toMatch(/-c 16384/);
  });

  it('vLLM-style model list: takes max_model_len', async () => {
    const { session } = await setup({ models: [{ id: 'some/model', contextLength: 24576 }] });
    expect(session.context).toMatchObject({ window: 24576, source: 'server model list' });
  });

  it('falls back to the model profile, then to 8192', async () => {
    const a = await setup({ models: [{ id: 'qwen2.5-coder-14b' }] });
    expect(a.session.context.window).toBe(32768);
    const b = await setup({ models: [{ id: 'mystery-model' }] });
    expect(b.session.context).toMatchObject({ window: 8192, source: 'default' });
  });
});

describe('servers that refuse native tools', () => {
  it('switches to text tool calls described in the system prompt', async () => {
    let n = 0;
    const texts = [
      '<tool_call>\n{"name": "write_file", "arguments": {"path": "t.txt", "content": "t"}}\n</tool_call>',
      'Wrote t.txt.',
    ];
    const { server, session } = await setup({
      respond: (req) => {
        if (req.path !== '/v1/chat/completions') return undefined;
        if (req.body.tools) return { fault: { kind: 'http_error', status: 400, body: '{"error":{"message":"tools param requires --jinja flag"}}' } };
        return { content: texts[n++] ?? 'ok' };
      },
    }, { SMALLCODE_CONTEXT_WINDOW: '32768' }); // above compact_at: every tool is described
    const result = await session.agent.run('write t.txt');
    expect(result.success).toBe(true);
    expect(readFileSync(join(session.root, 't.txt'), 'utf8')).toBe('t');
    const textRequest = server.chatRequests().find((r) => !r.body.tools)!.body;
    expect(textRequest.messages[0].content).toContain('<tool_call>');
    expect(textRequest.messages[0].content).toContain('write_file(');
  });

  it('in compact mode the system prompt lists the meta tool and the categories open from the start', async () => {
    let n = 0;
    const texts = [
      '<tool_call>\n{"name": "use_tools", "arguments": {"category": "write"}}\n</tool_call>',
      '<tool_call>\n{"name": "write_file", "arguments": {"path": "t.txt", "content": "t"}}\n</tool_call>',
      'Wrote t.txt.',
    ];
    const { server, session } = await setup({
      respond: (req) => {
        if (req.path !== '/v1/chat/completions') return undefined;
        if (req.body.tools) return { fault: { kind: 'http_error', status: 400, body: '{"error":{"message":"tools param requires --jinja flag"}}' } };
        return { content: texts[n++] ?? 'ok' };
      },
    }, { SMALLCODE_CONTEXT_WINDOW: '8192' });
    const result = await session.agent.run('write t.txt');
    expect(result.success, result.error).toBe(true);
    expect(readFileSync(join(session.root, 't.txt'), 'utf8')).toBe('t');
    const systems = server.chatRequests().filter((r) => !r.body.tools).map((r) => r.body.messages[0].content as string);
    expect(systems).toHaveLength(3);
    const listed = (system: string) => [...system.matchAll(/^- (\w+)\(/gm)].map((m) => m[1]);
    expect(listed(systems[0]!)).toEqual(['use_tools', 'read_file', 'use_skill', 'search', 'find_files', 'graph_search', 'explain_symbol', 'list_projects', 'write_file', 'patch', 'bash']);
    expect(listed(systems[1]!)).toEqual(listed(systems[0]!));
    expect(systems[1]).toContain('- write_file(path, content): Create or overwrite a file.\n'); // the first sentence only
  });
});

describe('usage', () => {
  it('estimates tokens when the server sends no usage', async () => {
    const { session } = await setup({ turns: [{ content: 'hello there', usage: false }] });
    const result = await session.agent.run('hi');
    expect(result.usage.estimated).toBe(true);
    expect(result.usage.promptTokens).toBeGreaterThan(100);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
  });

  it('takes usage from the server when it sends it', async () => {
    const { session } = await setup({ turns: [{ content: 'hello', usage: { prompt_tokens: 1234, completion_tokens: 5 } }] });
    const result = await session.agent.run('hi');
    expect(result.usage).toMatchObject({ promptTokens: 1234, completionTokens: 5, estimated: false });
  });
});

describe('library API', () => {
  it('runs a task with new SmallCode({ model, baseUrl, cwd }) and emits tool events', async () => {
    const server = await startScriptedServer({
      turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'hello.py', content: 'print("hello world")\n' } }] }, { content: 'Created hello.py.' }],
    });
    const dir = await makeTempProject({});
    cleanups.push(() => server.close(), () => removeTempProject(dir));
    const agent = new SmallCode({ model: 'scripted-model', baseUrl: server.url, cwd: dir, env: {} });
    cleanups.push(() => agent.close());
    const events: string[] = [];
    agent.on('tool_start', ({ name, args }) => events.push(`start ${name} ${String(args.path)}`));
    agent.on('tool_end', ({ name, ms }) => events.push(`end ${name} ${typeof ms}`));
    const result = await agent.run('create hello.py that prints hello world');
    expect(result).toMatchObject({ success: true, response: 'Created hello.py.', filesCreated: ['hello.py'] });
    expect(events).toEqual(['start write_file hello.py', 'end write_file number']);
    expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe('print("hello world")\n');
  });

  it('is loadable with require() and import from the built package', async () => {
    const require = createRequire(import.meta.url);
    const cjs = require(join(repoRoot, 'dist', 'index.cjs')) as typeof import('../../../runtime/api/index.js');
    const esm = (await import(join(repoRoot, 'dist', 'index.js'))) as typeof import('../../../runtime/api/index.js');
    for (const mod of [cjs, esm]) {
      expect(typeof mod.SmallCode).toBe('function');
      expect(mod.parseToolCalls('<tool_call>{"name":"a","arguments":{}}</tool_call>', []).calls).toEqual([{ name: 'a', arguments: {} }]);
      expect(mod.applyEdit('a\nb\n', { search: 'b', replace: 'c' })).toBe('a\nc\n');
    }
  });
});

describe('survival kit off (baseline for benchmarks)', () => {
  it('ignores tool calls written as text and does not repair broken native arguments', async () => {
    const { session, server } = await setup(
      {
        turns: [
          { toolCalls: [{ name: 'write_file', arguments: "{'path': 'a.txt', 'content': 'a',}" }] },
          { content: '<tool_call>{"name": "write_file", "arguments": {"path": "b.txt", "content": "b"}}</tool_call>' },
        ],
      },
      { SMALLCODE_SURVIVAL_KIT: 'false' },
    );
    const result = await session.agent.run('write files');
    expect(result.toolCalls).toEqual([]);
    expect(lastUserText(server.chatRequests()[1]!.body.messages)).toMatch(/not valid JSON/);
    expect(result.response).toContain('<tool_call>'); // taken as the answer, as a strict client would
  });
});

function lastUserText(messages: Array<{ role: string; content: string }>): string {
  return [...messages].reverse().find((m) => m.role === 'user')!.content;
}

describe('adaptive retry temperature (agents/core.marrow: patch retry_temperature [-0.15, +0.15, 0])', () => {
  it('samples a retried failed edit lower, then higher, then at the base temperature', async () => {
    const miss = (n: number) => ({ toolCalls: [{ name: 'patch', arguments: { path: 'a.txt', search: `missing line ${n}`, replace: 'x' } }] });
    const { server, session } = await setup({
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        miss(1), miss(2), miss(3),
        { content: 'Giving up on the patch.' },
      ],
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(session.root, 'a.txt'), 'alpha\n');
    const result = await session.agent.run('change a.txt');
    expect(result.success).toBe(true);
    expect(server.chatRequests().map((r) => r.body.temperature)).toEqual([0.2, 0.2, 0.05, 0.35, 0.2]);
  });

  it('keeps the base temperature with SMALLCODE_TEMP_ADAPT=false', async () => {
    const { server, session } = await setup(
      { turns: [{ toolCalls: [{ name: 'patch', arguments: { path: 'a.txt', search: 'nope', replace: 'x' } }] }, { content: 'done' }] },
      { SMALLCODE_TEMP_ADAPT: 'false' },
    );
    await session.agent.run('change a.txt');
    expect(server.chatRequests().map((r) => r.body.temperature)).toEqual([0.2, 0.2]);
  });
});
