import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../../../runtime/agent/session.js';
import { countTokens } from '../../../runtime/model/tokens.js';
import { makeTempProject, removeTempProject, runTask, startScriptedServer, withProject, type ScriptedServer } from './helpers.js';

const HELLO = 'print("hello world")\n';
const ALL_TOOLS = ['read_file', 'write_file', 'patch', 'bash', 'search', 'find_files', 'memory_remember', 'memory_load', 'graph_search', 'explain_symbol', 'list_projects', 'use_skill'];

type Tools = Array<{ function: { name: string; description?: string; parameters?: unknown } }> | undefined;
const toolNames = (tools: Tools) => (tools ?? []).map((t) => t.function.name);
const offered = (server: ScriptedServer) => server.chatRequests().map((r) => toolNames(r.body.tools));
/** An override that turns off the categories open from the start: the strict two-stage routing. */
const STRICT = { '.smallcode/agents/strict.marrow': 'agent smallcode {\n  context { compact_open: [] }\n}\n' };
const OPEN_AT_START = ['use_tools', 'read_file', 'use_skill', 'search', 'find_files', 'graph_search', 'explain_symbol', 'list_projects', 'write_file', 'patch', 'bash'];

describe('compact mode through the CLI (two-stage tool routing)', () => {
  it('with an 8192-token window: the declared categories from the first request, short, with the meta tool first', async () => {
    await withProject({ 'notes.txt': 'old\n' }, {
      turns: [
        { toolCalls: [{ name: 'patch', arguments: { path: 'notes.txt', search: 'old', replace: 'new' } }] },
        { content: 'notes.txt now says new.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'change old to new in notes.txt', [], { SMALLCODE_CONTEXT_WINDOW: '8192' });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('new\n');
      // context { compact_open: [read, search, write, run] }: one tool list for the whole task.
      expect(offered(server)).toEqual([OPEN_AT_START, OPEN_AT_START]);
      expect(server.chatRequests()[0]!.body.tools[OPEN_AT_START.indexOf('patch')].function.description).toBe('Edit a file: replace the exact text `search` with `replace`.');
    });
  });

  it('strict two-stage routing (compact_open: []): only the meta tool, then the chosen category, then the task completes', async () => {
    await withProject(STRICT, {
      turns: [
        { toolCalls: [{ name: 'use_tools', arguments: { category: 'write' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'hello.py', content: HELLO } }] },
        { content: 'Created hello.py.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py that prints hello world', ['--json'], { SMALLCODE_CONTEXT_WINDOW: '8192' });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe(HELLO);
      const result = JSON.parse(r.stdout);
      expect(result.success).toBe(true);
      expect(result.toolCalls.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([['use_tools', true], ['write_file', true]]);

      expect(offered(server)).toEqual([['use_tools'], ['use_tools', 'write_file', 'patch'], ['use_tools', 'write_file', 'patch']]);
      const [first, second] = server.chatRequests().map((req) => req.body);
      expect(first.tools[0].function.description).toContain('write: write_file, patch');
      expect(first.tools[0].function.parameters.properties.category.enum).toEqual(['read', 'write', 'search', 'run', 'memory']);
      // The meta tool's result names the tools it brought.
      expect(second.messages.at(-1)).toMatchObject({ role: 'tool' });
      expect(second.messages.at(-1).content).toContain('write_file, patch');
      // Short schemas: first sentence, no parameter descriptions; names, types and required stay.
      const writeFile = second.tools[1].function;
      expect(writeFile.description).toBe('Create or overwrite a file.');
      expect(writeFile.parameters).toEqual({ type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] });
    });
  });

  it('with a 32768-token window: every tool with its full description, and no meta tool', async () => {
    await withProject({}, {
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'hello.py', content: HELLO } }] },
        { content: 'Created hello.py.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py that prints hello world', [], { SMALLCODE_CONTEXT_WINDOW: '32768' });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe(HELLO);
      expect(offered(server)).toEqual([ALL_TOOLS, ALL_TOOLS]);
      const writeFile = server.chatRequests()[0]!.body.tools[1].function;
      expect(writeFile.description).toBe('Create or overwrite a file. To change part of a file use patch.');
      expect(writeFile.parameters.properties.content.description).toBe('the whole new file content');
    });
  });

  it('executes direct calls to tools that were not offered, and adds their category (the list only grows)', async () => {
    await withProject({ ...STRICT, 'notes.txt': 'old\n' }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'notes.txt' } }] },
        { toolCalls: [{ name: 'patch', arguments: { path: 'notes.txt', search: 'old', replace: 'new' } }] },
        { toolCalls: [{ name: 'bash', arguments: { command: 'cat notes.txt' } }] },
        { content: 'notes.txt now says new.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'change old to new in notes.txt', [], { SMALLCODE_CONTEXT_WINDOW: '8192' });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('new\n');
      expect(offered(server)).toEqual([
        ['use_tools'],
        ['use_tools', 'read_file', 'use_skill'],
        ['use_tools', 'read_file', 'use_skill', 'write_file', 'patch'],
        ['use_tools', 'read_file', 'use_skill', 'write_file', 'patch', 'bash'],
      ]);
      expect(server.chatRequests()[3]!.body.messages.at(-1).content).toContain('new');
    });
  });

  it('SMALLCODE_COMPACT forces it: false on a small window, true on a large one; the kit off turns it off', async () => {
    const answer = { turns: [{ content: 'ok' }] };
    await withProject({}, answer, async (dir, server) => {
      expect((await runTask(server, dir, 'hi', [], { SMALLCODE_CONTEXT_WINDOW: '8192', SMALLCODE_COMPACT: 'false' })).code).toBe(0);
      expect(offered(server)).toEqual([ALL_TOOLS]);
    });
    await withProject({}, answer, async (dir, server) => {
      expect((await runTask(server, dir, 'hi', [], { SMALLCODE_CONTEXT_WINDOW: '65536', SMALLCODE_COMPACT: 'true' })).code).toBe(0);
      expect(offered(server)).toEqual([OPEN_AT_START]);
    });
    await withProject({}, answer, async (dir, server) => {
      expect((await runTask(server, dir, 'hi', [], { SMALLCODE_CONTEXT_WINDOW: '8192', SMALLCODE_SURVIVAL_KIT: 'false' })).code).toBe(0);
      expect(offered(server)).toEqual([ALL_TOOLS]);
    });
  });

  it('an override of compact_at in .smallcode/agents moves the threshold', async () => {
    await withProject({ '.smallcode/agents/small.marrow': 'agent smallcode {\n  context { compact_at: 4096 tokens }\n}\n' }, { turns: [{ content: 'ok' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'hi', [], { SMALLCODE_CONTEXT_WINDOW: '8192' });
      expect(r.code, r.stderr).toBe(0);
      expect(offered(server)).toEqual([ALL_TOOLS]);
    });
  });
});

describe('compact mode in a session', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('keeps the opened categories for the next task (one tool list to cache), and budgets the messages for the schemas it sends', async () => {
    const server = await startScriptedServer({
      turns: [
        { toolCalls: [{ name: 'use_tools', arguments: { category: 'search' } }] },
        { toolCalls: [{ name: 'find_files', arguments: { pattern: '*.txt' } }] },
        { content: 'a.txt' },
        { content: 'Nothing else.' },
      ],
    });
    const dir = await makeTempProject({ ...STRICT, 'a.txt': 'a\n' });
    cleanups.push(() => server.close(), () => removeTempProject(dir));
    const session = await createSession({ cwd: dir, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', SMALLCODE_CONTEXT_WINDOW: '8192' } });
    cleanups.push(() => session.close());
    const { agent, policy } = session;
    expect(agent.compactMode).toBe(true);

    const budget = (names: string[]) => {
      const tools = agent.offeredTools();
      expect(toolNames(tools)).toEqual(names);
      expect(agent.messageBudget()).toBe(8192 - policy.context.replyReserveTokens - countTokens(JSON.stringify(tools)));
      return agent.messageBudget();
    };
    const metaOnly = budget(['use_tools']);
    expect((await agent.run('which text files are there?')).success).toBe(true);
    const searchOnly = budget(['use_tools', 'search', 'find_files', 'graph_search', 'explain_symbol', 'list_projects']);
    expect(metaOnly).toBeGreaterThan(searchOnly);
    expect(searchOnly).toBeGreaterThan(8192 - policy.context.replyReserveTokens - countTokens(JSON.stringify(session.tools.definitions())));

    expect((await agent.run('anything else?')).success).toBe(true);
    const search = ['use_tools', 'search', 'find_files', 'graph_search', 'explain_symbol', 'list_projects'];
    expect(offered(server)).toEqual([['use_tools'], search, search, search]);
  });
});
