import { afterEach, describe, expect, it } from 'vitest';
import { McpServers, type McpServerConfig } from '../../../runtime/mcp/index.js';
import { startMcpHttpServer, stdioServerCommand, type McpHttpServer } from '../../support/mcp-server.js';

const stdio = (name: string, extra: Partial<McpServerConfig> = {}): McpServerConfig => ({ name, type: 'stdio', ...stdioServerCommand(), env: {}, trust: false, source: 'test', ...extra } as McpServerConfig);

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()));
  open = [];
});

function servers(configs: McpServerConfig[], connectTimeoutMs = 20_000) {
  const notices: string[] = [];
  const s = new McpServers(configs, { root: process.cwd(), env: process.env, connectTimeoutMs, callTimeoutMs: 10_000, onNotice: (m) => notices.push(m), version: 'test' });
  open.push(s);
  return { s, notices };
}
const run = (s: McpServers, name: string, args: Record<string, unknown> = {}) => {
  const tool = s.tools().find((t) => t.name === name)!;
  expect(tool, name).toBeDefined();
  return tool.execute(args, {} as never);
};

describe('MCP servers (a real SDK server over stdio and Streamable HTTP)', () => {
  it('lists a stdio server’s tools as mcp__<server>__<tool> and calls them; binary content is described', async () => {
    const { s, notices } = servers([stdio('calc')]);
    await s.ready(20_000);
    expect(notices).toEqual([]);
    expect(s.status()[0]).toMatchObject({ name: 'calc', state: 'ready', transport: 'stdio' });
    expect(s.tools().map((t) => t.name)).toEqual(['mcp__calc__add', 'mcp__calc__echo', 'mcp__calc__fail', 'mcp__calc__exit', 'mcp__calc__big']);
    const add = s.tools()[0]!;
    expect(add.category).toBe('mcp');
    expect(add.readOnly).toBe(true);
    expect(add.asksApproval).toBe(true);
    expect(add.parameters).toMatchObject({ type: 'object', required: ['a', 'b'] });
    expect(add.args.safeParse({ a: 'x', b: 1 }).success).toBe(false);
    expect(await run(s, 'mcp__calc__add', { a: 2, b: 3 })).toMatchObject({ ok: true, output: '5' });
    const echo = await run(s, 'mcp__calc__echo', { text: 'hi', with_image: true });
    expect(echo.output).toContain('echo: hi');
    expect(echo.output).toMatch(/\[image image\/png, \d+ bytes, not shown\]/);
    expect(echo.output).toContain('[resource test://notes.txt]\nresource text');
    expect(echo.output).not.toContain('iVBOR');
    expect(s.tools()[1]!.description({} as never)).toBe('Echo the text back. (MCP server calc)');
    expect(await run(s, 'mcp__calc__fail')).toMatchObject({ ok: false, output: 'this tool always fails' });
  });

  it('a server that exits mid-session: one notice naming it, its tools no longer offered, a late call is told why', async () => {
    const { s, notices } = servers([stdio('calc')]);
    await s.ready(20_000);
    const tools = s.tools();
    await run(s, 'mcp__calc__exit');
    await expect.poll(() => s.status()[0]!.state, { timeout: 10_000 }).toBe('failed');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/MCP server 'calc' the server process exited; its tools are unavailable \(\/mcp restart calc/);
    expect(tools.every((t) => t.available!() === false)).toBe(true);
    const late = await tools[0]!.execute({ a: 1, b: 1 }, {} as never);
    expect(late).toMatchObject({ ok: false });
    expect(late.output).toContain("MCP server 'calc' is not connected");
    expect(await s.restart('calc')).toBe(true);
    expect(s.status()[0]!.state).toBe('ready');
    expect(await run(s, 'mcp__calc__add', { a: 1, b: 1 })).toMatchObject({ ok: true, output: '2' });
    expect(notices).toHaveLength(1);
  });

  it('a server that does not start, and one that never answers, each give one notice; the others go on', async () => {
    const { s, notices } = servers([
      stdio('missing', { command: '/nonexistent/mcp-server-binary', args: [] } as Partial<McpServerConfig>),
      stdio('silent', { command: 'sleep', args: ['30'] } as Partial<McpServerConfig>),
      stdio('calc'),
    ], 8000);
    await s.start();
    const state = Object.fromEntries(s.status().map((x) => [x.name, x.state]));
    expect(state).toEqual({ missing: 'failed', silent: 'failed', calc: 'ready' });
    expect(notices).toHaveLength(2);
    expect(notices.find((n) => n.includes("'missing'"))).toMatch(/did not start/);
    expect(notices.find((n) => n.includes("'silent'"))).toMatch(/no answer to initialize within 8000 ms/);
    expect(s.tools().map((t) => t.name)).toContain('mcp__calc__add');
  });

  it('Streamable HTTP on 127.0.0.1 with headers; a trusted server does not ask', async () => {
    const http: McpHttpServer = await startMcpHttpServer({ requireHeader: ['authorization', 'Bearer t0ken'] });
    open.push(http);
    const { s, notices } = servers([
      { name: 'web', type: 'http', url: http.url, headers: { Authorization: 'Bearer t0ken' }, trust: true, source: 'test' },
      { name: 'denied', type: 'http', url: http.url, headers: {}, trust: false, source: 'test' },
    ]);
    await s.ready(20_000);
    expect(s.status().map((x) => [x.name, x.state, x.transport])).toEqual([['web', 'ready', 'streamable-http'], ['denied', 'failed', 'streamable-http']]);
    // A refusal (401) is not a reason to try the older SSE transport.
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/MCP server 'denied' did not start: .*401/);
    expect(s.tools()[0]!.asksApproval).toBe(false);
    expect(await run(s, 'mcp__web__add', { a: 40, b: 2 })).toMatchObject({ ok: true, output: '42' });
  });

  it('waits at most the given time, then says which servers are still connecting', async () => {
    const { s, notices } = servers([stdio('silent', { command: 'sleep', args: ['30'] } as Partial<McpServerConfig>)], 20_000);
    const started = Date.now();
    await s.ready(300);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(notices).toEqual(["MCP server 'silent' still connecting after 300 ms; its tools join when ready"]);
  });
});
