import { describe, expect, it } from 'vitest';
import { startMcpHttpServer, stdioServerCommand } from '../../support/mcp-server.js';
import { runTask, withProject } from './helpers.js';

type Body = { tools?: Array<{ function: { name: string; description?: string; parameters?: unknown } }>; messages: Array<{ role: string; content: string; tool_call_id?: string }> };
const toolNames = (body: Body) => (body.tools ?? []).map((t) => t.function.name);
const toolMessages = (body: Body) => body.messages.filter((m) => m.role === 'tool').map((m) => m.content);
const wide = { SMALLCODE_CONTEXT_WINDOW: '32768' };

/** The project's MCP servers, and a longer wait for them: a tsx-started server is slow on a loaded machine. */
function mcpProject(servers: Record<string, unknown>): Record<string, string> {
  return {
    '.mcp.json': JSON.stringify({ mcpServers: servers }, null, 2),
    '.smallcode/agents/wait.marrow': 'agent smallcode {\n  context { mcp_wait: 60s }\n}\n',
  };
}

describe('MCP servers in a headless run (real servers, scripted model)', () => {
  it('offers a stdio and a Streamable HTTP server’s tools with their schemas; the results reach the next request', async () => {
    const http = await startMcpHttpServer({ requireHeader: ['x-token', 'abc'] });
    try {
      const files = mcpProject({ calc: stdioServerCommand(), remote: { type: 'http', url: http.url, headers: { 'X-Token': '${MCP_TOKEN}' } } });
      await withProject(files, {
        turns: [
          { toolCalls: [{ name: 'mcp__calc__add', arguments: { a: 2, b: 3 } }] },
          // A small model's sloppy arguments: a number as a string, repaired against the server's schema.
          { toolCalls: [{ name: 'mcp__remote__add', arguments: '{"a": "40", "b": 2}' }] },
          { toolCalls: [{ name: 'mcp__remote__echo', arguments: { text: 'hello', with_image: true } }] },
          { content: 'The sums are 5 and 42.' },
        ],
      }, async (dir, server) => {
        const r = await runTask(server, dir, 'add the numbers with the tools', ['--json'], { ...wide, MCP_TOKEN: 'abc', XDG_CONFIG_HOME: `${dir}/.xdg` });
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout);
        expect(result.toolCalls.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([['mcp__calc__add', true], ['mcp__remote__add', true], ['mcp__remote__echo', true]]);
        const bodies = server.chatRequests().map((q) => q.body as Body);
        expect(toolNames(bodies[0]!)).toEqual(expect.arrayContaining(['read_file', 'bash', 'mcp__calc__add', 'mcp__calc__echo', 'mcp__remote__add']));
        const add = bodies[0]!.tools!.find((t) => t.function.name === 'mcp__calc__add')!;
        expect(add.function.parameters).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] });
        expect(add.function.description).toBe('Add two numbers. (MCP server calc)');
        expect(toolMessages(bodies[1]!)).toEqual(['5']);
        expect(toolMessages(bodies[2]!)).toEqual(['5', '42']);
        const echoed = toolMessages(bodies[3]!)[2]!;
        expect(echoed).toContain('echo: hello');
        expect(echoed).toMatch(/\[image image\/png, \d+ bytes, not shown\]/);
        expect(echoed).not.toContain('iVBOR');
      });
    } finally {
      await http.close();
    }
  });

  it('caps a large result like any tool result', async () => {
    await withProject(mcpProject({ calc: stdioServerCommand() }), {
      turns: [{ toolCalls: [{ name: 'mcp__calc__big', arguments: { chars: 50_000 } }] }, { content: 'done' }],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'get the big text', [], { ...wide, XDG_CONFIG_HOME: `${dir}/.xdg` });
      expect(r.code, r.stderr).toBe(0);
      const result = toolMessages(server.chatRequests()[1]!.body as Body)[0]!;
      expect(result.length).toBeLessThanOrEqual(4000);
      expect(result).toMatch(/characters \(\d+ lines\) omitted/);
    });
  });

  it('in compact mode the servers’ tools are their own category', async () => {
    await withProject(mcpProject({ calc: stdioServerCommand() }), {
      turns: [{ toolCalls: [{ name: 'use_tools', arguments: { category: 'mcp' } }] }, { toolCalls: [{ name: 'mcp__calc__add', arguments: { a: 1, b: 2 } }] }, { content: '3' }],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'add 1 and 2', [], { XDG_CONFIG_HOME: `${dir}/.xdg` });
      expect(r.code, r.stderr).toBe(0);
      const [first, second, third] = server.chatRequests().map((q) => q.body as Body);
      expect(toolNames(first!)).toEqual(['use_tools', 'read_file', 'use_skill', 'search', 'find_files', 'graph_search', 'explain_symbol', 'list_projects', 'write_file', 'patch', 'bash']);
      expect(first!.tools![0]!.function.description).toContain('mcp: mcp__calc__add, mcp__calc__echo, mcp__calc__fail, mcp__calc__exit, mcp__calc__big');
      // The picked category is appended: what was offered before stays first (prefix caching).
      expect(toolNames(second!)).toEqual(['use_tools', 'read_file', 'use_skill', 'search', 'find_files', 'graph_search', 'explain_symbol', 'list_projects', 'write_file', 'patch', 'bash', 'mcp__calc__add', 'mcp__calc__echo', 'mcp__calc__fail', 'mcp__calc__exit', 'mcp__calc__big']);
      expect(toolMessages(third!)[1]).toBe('3');
    });
  });

  it('a server that exits mid-session: one notice naming it, its tools leave the request, the task goes on', async () => {
    await withProject(mcpProject({ calc: stdioServerCommand(), broken: { command: '/nonexistent/server' } }), {
      turns: [
        { toolCalls: [{ name: 'mcp__calc__exit', arguments: {} }] },
        { toolCalls: [{ name: 'bash', arguments: { command: 'sleep 1; echo waited' } }] },
        { toolCalls: [{ name: 'mcp__calc__add', arguments: { a: 1, b: 1 } }] },
        { content: 'The calculator went away.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'use the calculator', ['--json'], { ...wide, XDG_CONFIG_HOME: `${dir}/.xdg` });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.match(/MCP server 'calc' the server process exited/g)).toHaveLength(1);
      expect(r.stderr.match(/MCP server 'broken' did not start/g)).toHaveLength(1);
      const bodies = server.chatRequests().map((q) => q.body as Body);
      expect(toolNames(bodies[0]!)).toContain('mcp__calc__add');
      expect(toolNames(bodies[2]!).filter((n) => n.startsWith('mcp__'))).toEqual([]);
      // A call of a tool no longer offered is answered like any unknown tool (the parser's error, listing what is there).
      const told = JSON.stringify(bodies[3]!.messages.slice(-2));
      expect(told).toContain('Unknown tool \\"mcp__calc__add\\"');
      expect(JSON.parse(r.stdout).response).toBe('The calculator went away.');
    });
  });
});
