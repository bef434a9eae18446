// A real MCP server for tests, built with @modelcontextprotocol/sdk: over stdio
// (`tsx test/support/mcp-server.ts --stdio`) or Streamable HTTP on 127.0.0.1
// (`startMcpHttpServer()`, or `--http [--port N]`, which prints the URL). Its tools:
//   add {a, b}           → the sum as text
//   echo {text}          → the text (plus an image and an embedded resource when asked)
//   fail {}              → isError with a message
//   exit {}              → the process exits (a server crashing mid-session; stdio only)
//   big {chars}          → that many characters (the result cap)
// MCP_TEST_TOOLS_PREFIX renames the tools (two servers in one session); MCP_TEST_CALLS names a
// file each call is appended to, so a test can assert what reached the server.
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, isInitializeRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

export function buildMcpServer(opts: { exitOnCall?: boolean; prefix?: string; callsFile?: string } = {}): Server {
  const p = opts.prefix ?? '';
  const server = new Server({ name: 'smallcode-test-server', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: `${p}add`,
        description: 'Add two numbers.',
        inputSchema: { type: 'object', properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } }, required: ['a', 'b'] },
        annotations: { readOnlyHint: true },
      },
      {
        name: `${p}echo`,
        description: 'Echo the text back.\n\nA second paragraph the model never needs to see.',
        inputSchema: { type: 'object', properties: { text: { type: 'string' }, with_image: { type: 'boolean' } }, required: ['text'] },
      },
      { name: `${p}fail`, description: 'Always fails.', inputSchema: { type: 'object', properties: {} } },
      { name: `${p}exit`, description: 'Exit the server process.', inputSchema: { type: 'object', properties: {} } },
      { name: `${p}big`, description: 'Return many characters.', inputSchema: { type: 'object', properties: { chars: { type: 'integer' } }, required: ['chars'] } },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const name = req.params.name.slice(p.length);
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    if (opts.callsFile) appendFileSync(opts.callsFile, `${JSON.stringify({ name: req.params.name, args })}\n`);
    switch (name) {
      case 'add':
        return { content: [{ type: 'text', text: String(Number(args.a) + Number(args.b)) }] };
      case 'echo': {
        const content: unknown[] = [{ type: 'text', text: `echo: ${String(args.text)}` }];
        if (args.with_image) {
          content.push({ type: 'image', data: PNG_1PX, mimeType: 'image/png' });
          content.push({ type: 'resource', resource: { uri: 'test://notes.txt', mimeType: 'text/plain', text: 'resource text' } });
        }
        return { content };
      }
      case 'fail':
        return { isError: true, content: [{ type: 'text', text: 'this tool always fails' }] };
      case 'exit':
        setTimeout(() => process.exit(3), 10);
        return { content: [{ type: 'text', text: 'exiting' }] };
      case 'big':
        return { content: [{ type: 'text', text: 'x'.repeat(Number(args.chars)) }] };
      default:
        throw new Error(`unknown tool ${req.params.name}`);
    }
  });
  return server;
}

export interface McpHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Streamable HTTP on 127.0.0.1 (port 0 = a free one), one transport per MCP session. */
export async function startMcpHttpServer(opts: { port?: number; prefix?: string; callsFile?: string; requireHeader?: [string, string] } = {}): Promise<McpHttpServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const httpServer = http.createServer(async (req, res) => {
    if (opts.requireHeader && req.headers[opts.requireHeader[0].toLowerCase()] !== opts.requireHeader[1]) {
      res.writeHead(401).end('unauthorized');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? transports.get(id) : undefined;
    if (!transport && req.method === 'POST' && isInitializeRequest(body)) {
      const fresh = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => void transports.set(sid, fresh) });
      transport = fresh;
      await buildMcpServer({ prefix: opts.prefix, callsFile: opts.callsFile }).connect(fresh);
    }
    if (!transport) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'no session' }, id: null }));
      return;
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => httpServer.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => undefined)));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** Command line for a stdio server process (for .mcp.json in tests): node with the tsx loader. */
export function stdioServerCommand(): { command: string; args: string[] } {
  const tsx = new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url).href;
  return { command: process.execPath, args: ['--import', tsx, new URL(import.meta.url).pathname, '--stdio'] };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const prefix = process.env.MCP_TEST_TOOLS_PREFIX;
  const callsFile = process.env.MCP_TEST_CALLS;
  if (process.argv.includes('--stdio')) {
    await buildMcpServer({ prefix, callsFile }).connect(new StdioServerTransport());
  } else {
    const portAt = process.argv.indexOf('--port');
    const server = await startMcpHttpServer({ port: portAt > 0 ? Number(process.argv[portAt + 1]) : 0, prefix, callsFile });
    process.stdout.write(`${server.url}\n`);
  }
}
