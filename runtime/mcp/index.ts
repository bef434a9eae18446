/**
 * The session's MCP servers: started from the configuration files (and plugins), their tools
 * handed to the tool registry while each server is up, `/mcp` status and restart. Nothing here is
 * loaded until a session has at least one server configured.
 */
import type { Tool } from '../tools/tool.js';
import { loadMcpConfig, mcpConfigFiles, type McpConfigSource, type McpServerConfig } from './config.js';
import { McpServer, type McpServerState } from './server.js';
import { mcpTool } from './tools.js';

export { expandVariables, loadMcpConfig, mcpConfigFiles } from './config.js';
export type { McpConfigSource, McpServerConfig } from './config.js';
export { describeContent } from './server.js';
export { mcpServerOf, mcpToolName, MCP_PREFIX } from './tools.js';

export interface McpServerStatus {
  name: string;
  state: McpServerState;
  transport?: string;
  source: string;
  trust: boolean;
  tools: string[];
  lastError?: string;
}

export interface McpServersOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  /** Connecting (initialize + tools/list) per server. */
  connectTimeoutMs: number;
  callTimeoutMs: number;
  onNotice: (message: string) => void;
  version: string;
  /** Servers contributed by plugins: the lowest precedence, below the user's file. */
  extraSources?: McpConfigSource[];
}

export class McpServers {
  private readonly servers = new Map<string, McpServer>();
  private toolCache: Tool[] | undefined;

  constructor(configs: McpServerConfig[], private readonly opts: McpServersOptions) {
    for (const config of configs) {
      this.servers.set(config.name, new McpServer(config, {
        root: opts.root,
        connectTimeoutMs: opts.connectTimeoutMs,
        callTimeoutMs: opts.callTimeoutMs,
        onNotice: opts.onNotice,
        onToolsChanged: () => (this.toolCache = undefined),
        version: opts.version,
      }));
    }
  }

  /** Reads the configuration files; problems in them are reported through `onNotice`. */
  static fromConfig(opts: McpServersOptions): McpServers {
    const sources = [...(opts.extraSources ?? []), ...mcpConfigFiles(opts.root, opts.env).map((file) => ({ file }))];
    const { servers, problems } = loadMcpConfig(sources, opts.env);
    for (const problem of problems) opts.onNotice(`MCP configuration: ${problem}`);
    return new McpServers(servers, opts);
  }

  get size(): number {
    return this.servers.size;
  }

  /** Starts every server in the background; the promise settles when all are ready or failed. */
  start(): Promise<void> {
    return Promise.all([...this.servers.values()].map((s) => s.connect())).then(() => undefined);
  }

  /**
   * Waits for the servers to connect, at most `ms` (headless runs and the library, before their
   * first request). Servers still connecting after that go on in the background, said once.
   */
  async ready(ms: number): Promise<void> {
    if (this.servers.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      this.start().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]).finally(() => clearTimeout(timer));
    if (!waited) {
      const slow = [...this.servers.values()].filter((s) => s.state === 'connecting').map((s) => s.name);
      if (slow.length) this.opts.onNotice(`MCP server${slow.length > 1 ? 's' : ''} ${slow.map((n) => `'${n}'`).join(', ')} still connecting after ${ms} ms; ${slow.length > 1 ? 'their' : 'its'} tools join when ready`);
    }
  }

  /** The tools of every server that has listed some; each is offered only while its server is up. */
  tools(): Tool[] {
    this.toolCache ??= [...this.servers.values()].flatMap((server) => server.tools.map((info) => mcpTool(server, info)));
    return this.toolCache;
  }

  status(): McpServerStatus[] {
    return [...this.servers.values()].map((s) => ({
      name: s.name,
      state: s.state,
      transport: s.transport,
      source: s.config.source,
      trust: s.config.trust,
      tools: s.tools.map((t) => t.name),
      lastError: s.lastError,
    }));
  }

  has(name: string): boolean {
    return this.servers.has(name);
  }

  isTrusted(name: string): boolean {
    return this.servers.get(name)?.config.trust === true;
  }

  /** Reconnects one server; false when there is no server of that name. */
  async restart(name: string): Promise<boolean> {
    const server = this.servers.get(name);
    if (!server) return false;
    await server.restart();
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => s.close()));
  }
}

export { McpServer };
