/**
 * One configured MCP server: its connection (stdio, or Streamable HTTP with the older SSE
 * transport as a fallback) through @modelcontextprotocol/sdk, its state, its tools and the last
 * thing that went wrong. Every failure — it does not start, does not answer in time, exits
 * mid-session, answers nonsense — becomes `state: 'failed'` with a reason, reported once through
 * `onNotice`; nothing here throws into the session.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig } from './config.js';

export type McpServerState = 'idle' | 'connecting' | 'ready' | 'failed' | 'closed';

/** A tool as the server lists it (the parts we use). */
export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; title?: string };
}

/** A content block of a tools/call result (text, image, audio, resource, resource_link). */
interface ContentBlock {
  type: string;
  text?: string;
  data?: string;
  mimeType?: string;
  uri?: string;
  name?: string;
  resource?: { uri: string; mimeType?: string; text?: string; blob?: string };
}

export interface McpCallResult {
  ok: boolean;
  output: string;
}

/** The most stderr kept to explain a crash: its last lines. */
const STDERR_KEEP = 2000;

export class McpServer {
  state: McpServerState = 'idle';
  tools: McpToolInfo[] = [];
  lastError: string | undefined;
  /** Which transport is in use (for /mcp). */
  transport: 'stdio' | 'streamable-http' | 'sse' | undefined;
  private client: Client | undefined;
  private stderrTail = '';
  private connecting: Promise<void> | undefined;
  /** Bumped on every (re)connect: events of an older connection are ignored. */
  private generation = 0;

  constructor(
    readonly config: McpServerConfig,
    private readonly opts: {
      root: string;
      /** How long connecting (initialize + tools/list) may take. */
      connectTimeoutMs: number;
      /** One call's limit. */
      callTimeoutMs: number;
      onNotice: (message: string) => void;
      /** The tool list changed (connected, lost, or the server said so). */
      onToolsChanged: () => void;
      version: string;
    },
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Connects (again); resolves when ready or failed, never rejects. */
  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    const generation = ++this.generation;
    this.state = 'connecting';
    this.lastError = undefined;
    this.stderrTail = '';
    this.connecting = this.open(generation)
      .catch((err: unknown) => this.fail(generation, `did not start: ${describe(err)}${this.stderrHint()}`))
      .finally(() => {
        if (this.generation === generation) this.connecting = undefined;
      });
    return this.connecting;
  }

  async restart(): Promise<void> {
    await this.close();
    await this.connect();
  }

  async close(): Promise<void> {
    this.generation++;
    this.connecting = undefined;
    const client = this.client;
    this.client = undefined;
    const hadTools = this.tools.length > 0;
    this.tools = [];
    this.state = 'closed';
    if (hadTools) this.opts.onToolsChanged();
    await client?.close().catch(() => undefined);
  }

  async call(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult> {
    const client = this.client;
    if (this.state !== 'ready' || !client) {
      return { ok: false, output: `MCP server '${this.name}' is not connected (${this.lastError ?? this.state}); its tools are unavailable.` };
    }
    try {
      const result = (await client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: this.opts.callTimeoutMs })) as {
        content?: ContentBlock[];
        structuredContent?: unknown;
        isError?: boolean;
        toolResult?: unknown;
      };
      const text = describeContent(result.content ?? [], result.structuredContent ?? result.toolResult);
      return { ok: result.isError !== true, output: text || (result.isError ? 'The tool reported an error without a message.' : '(no output)') };
    } catch (err) {
      if (signal?.aborted) return { ok: false, output: `${tool} was cancelled.` };
      const reason = describe(err);
      this.lastError = `${tool}: ${reason}`;
      return { ok: false, output: `MCP server '${this.name}' failed on ${tool}: ${reason}` };
    }
  }

  private async open(generation: number): Promise<void> {
    const [{ Client }, { ToolListChangedNotificationSchema }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/types.js'),
    ]);
    const client = new Client({ name: 'smallcode', version: this.opts.version });
    client.onerror = (err) => {
      if (this.generation === generation) this.lastError = `protocol error: ${describe(err)}`;
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      if (this.generation !== generation) return;
      await this.listTools(client).then(
        (tools) => {
          this.tools = tools;
          this.opts.onToolsChanged();
        },
        (err: unknown) => (this.lastError = `tools/list failed: ${describe(err)}`),
      );
    });
    const timeout = this.opts.connectTimeoutMs;
    const connectWith = async (transport: Transport) => {
      await withTimeout(client.connect(transport, { timeout }), timeout, `no answer to initialize within ${timeout} ms`);
    };
    const config = this.config;
    if (config.type === 'stdio') {
      const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
      const transport = new StdioClientTransport({ command: config.command, args: config.args, env: config.env, cwd: config.cwd ?? this.opts.root, stderr: 'pipe' });
      transport.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
      });
      this.transport = 'stdio';
      await connectWith(transport);
    } else {
      const requestInit = { headers: config.headers };
      const url = new URL(config.url);
      const sse = async () => {
        const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
        this.transport = 'sse';
        await connectWith(new SSEClientTransport(url, { requestInit }));
      };
      if (config.type === 'sse') await sse();
      else {
        const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
        this.transport = 'streamable-http';
        try {
          await connectWith(new StreamableHTTPClientTransport(url, { requestInit }));
        } catch (err) {
          // An older server speaks only SSE: a POST to its endpoint is answered 400, 404 or 405.
          if (![400, 404, 405].includes(Number((err as { code?: unknown }).code))) throw err;
          await sse();
        }
      }
    }
    if (this.generation !== generation) {
      await client.close().catch(() => undefined);
      return;
    }
    client.onclose = () => {
      if (this.generation !== generation || this.state === 'closed') return;
      this.client = undefined;
      this.fail(generation, `${config.type === 'stdio' ? 'the server process exited' : 'the connection closed'}${this.stderrHint()}`);
    };
    this.client = client;
    const tools = await withTimeout(this.listTools(client), timeout, `no answer to tools/list within ${timeout} ms`);
    if (this.generation !== generation) return;
    this.tools = tools;
    this.state = 'ready';
    this.opts.onToolsChanged();
  }

  private async listTools(client: Client): Promise<McpToolInfo[]> {
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.opts.connectTimeoutMs });
      tools.push(...(page.tools as McpToolInfo[]));
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  private fail(generation: number, reason: string): void {
    if (this.generation !== generation) return;
    const hadTools = this.tools.length > 0;
    this.state = 'failed';
    this.lastError = reason;
    // The tools stay known (not offered): a call the model still makes is told why it cannot run.
    const client = this.client;
    this.client = undefined;
    void client?.close().catch(() => undefined);
    this.opts.onNotice(`MCP server '${this.name}' ${reason}; its tools are unavailable (/mcp restart ${this.name} to try again)`);
    if (hadTools) this.opts.onToolsChanged();
  }

  private stderrHint(): string {
    const last = this.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
    return last ? ` (stderr: ${last.slice(0, 200)})` : '';
  }
}

/**
 * A result as text for the model: text as it is, embedded text resources with their URI, and
 * everything binary (images, audio, blobs) described, never inlined.
 */
export function describeContent(content: ContentBlock[], structured?: unknown): string {
  const parts = content.map((block) => {
    switch (block.type) {
      case 'text':
        return block.text ?? '';
      case 'image':
      case 'audio':
        return `[${block.type} ${block.mimeType ?? ''}, ${approxBytes(block.data)} bytes, not shown]`;
      case 'resource': {
        const r = block.resource;
        if (!r) return '[resource]';
        if (typeof r.text === 'string') return `[resource ${r.uri}]\n${r.text}`;
        return `[resource ${r.uri} ${r.mimeType ?? ''}, ${approxBytes(r.blob)} bytes of binary data, not shown]`;
      }
      case 'resource_link':
        return `[resource link ${block.uri ?? ''}${block.name ? ` (${block.name})` : ''}]`;
      default:
        return `[${block.type} content, not shown]`;
    }
  });
  if (parts.length === 0 && structured !== undefined) return JSON.stringify(structured, null, 2);
  return parts.join('\n');
}

function approxBytes(base64: string | undefined): number {
  return base64 ? Math.floor((base64.length * 3) / 4) : 0;
}

function describe(err: unknown): string {
  const e = err as { message?: string; code?: string | number; name?: string };
  const message = (e?.message ?? String(err)).replace(/^MCP error -?\d+: /, '');
  if (e?.code === 'ENOENT') return `command not found (${message})`;
  // The SDK's HTTP errors carry the status as their code, not in the message.
  if (typeof e?.code === 'number' && e.code >= 100 && e.code < 600) return `HTTP ${e.code}: ${message}`;
  return message;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
