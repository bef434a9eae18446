/**
 * Which MCP servers a session talks to: the `mcpServers` convention of `.mcp.json`, read from the
 * user's `~/.config/smallcode/mcp.json`, then the project's `.mcp.json`, then
 * `.smallcode/mcp.json` — a later file's entry replaces an earlier one of the same name.
 * `${VAR}` and `${VAR:-default}` are expanded in every string value. A broken file or entry is
 * reported (file, server, what is wrong) and skipped; the other servers still start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { userConfigDir } from '../config/paths.js';

export interface StdioServerConfig {
  type: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface HttpServerConfig {
  /** 'http': Streamable HTTP, falling back to the older SSE transport; 'sse': SSE only. */
  type: 'http' | 'sse';
  url: string;
  headers: Record<string, string>;
}

export type McpServerConfig = (StdioServerConfig | HttpServerConfig) & {
  name: string;
  /** Run its tools without asking. */
  trust: boolean;
  /** The file it was declared in (for messages and /mcp). */
  source: string;
};

const strings = z.record(z.string(), z.string());
const entrySchema = z.object({
  type: z.enum(['stdio', 'http', 'streamable-http', 'sse']).optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  env: strings.optional(),
  cwd: z.string().optional(),
  url: z.string().optional(),
  headers: strings.optional(),
  trust: z.boolean().optional(),
  disabled: z.boolean().optional(),
});
const fileSchema = z.object({ mcpServers: z.record(z.string(), z.unknown()).optional() });

/** One configuration file (or a plugin's servers) in the order of precedence, lowest first. */
export interface McpConfigSource {
  file: string;
  /** Parsed content; when absent the file is read from disk (a missing file is no error). */
  content?: unknown;
}

export interface LoadedMcpConfig {
  servers: McpServerConfig[];
  /** One line per problem: file, server, what is wrong. */
  problems: string[];
}

/** The configuration files a project reads, lowest precedence first. */
export function mcpConfigFiles(root: string, env: NodeJS.ProcessEnv): string[] {
  return [join(userConfigDir(env), 'mcp.json'), join(root, '.mcp.json'), join(root, '.smallcode', 'mcp.json')];
}

export function loadMcpConfig(sources: McpConfigSource[], env: NodeJS.ProcessEnv): LoadedMcpConfig {
  const byName = new Map<string, McpServerConfig | null>();
  const problems: string[] = [];
  for (const source of sources) {
    let content = source.content;
    if (content === undefined) {
      if (!existsSync(source.file)) continue;
      try {
        content = JSON.parse(readFileSync(source.file, 'utf8'));
      } catch (err) {
        problems.push(`${source.file}: not valid JSON (${(err as Error).message}); its servers are skipped`);
        continue;
      }
    }
    const file = fileSchema.safeParse(content);
    if (!file.success) {
      problems.push(`${source.file}: expected { "mcpServers": { "<name>": { … } } }`);
      continue;
    }
    for (const [name, raw] of Object.entries(file.data.mcpServers ?? {})) {
      const parsed = parseEntry(name, raw, source.file, env);
      if (typeof parsed === 'string') {
        problems.push(`${source.file}: server '${name}': ${parsed}`);
        byName.delete(name); // a broken override does not silently fall back to another file's entry
      } else byName.set(name, parsed);
    }
  }
  return { servers: [...byName.values()].filter((s): s is McpServerConfig => s !== null), problems };
}

/** The entry, null when disabled, or what is wrong with it. */
function parseEntry(name: string, raw: unknown, source: string, env: NodeJS.ProcessEnv): McpServerConfig | null | string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return 'a server name may hold only letters, digits, "_" and "-" (it becomes part of tool names)';
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `'${issue.path.join('.') || '(entry)'}': ${issue.message.replace(/^Invalid input: /, '')}`;
  }
  const entry = parsed.data;
  if (entry.disabled) return null;
  try {
    const x = (text: string) => expandVariables(text, env);
    const xs = (rec: Record<string, string> = {}) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, x(v)]));
    const common = { name, trust: entry.trust === true, source };
    const type = entry.type === 'streamable-http' ? 'http' : entry.type ?? (entry.url ? 'http' : 'stdio');
    if (type === 'stdio') {
      if (!entry.command) return 'needs "command" (a stdio server) or "url" (an HTTP server)';
      return { ...common, type, command: x(entry.command), args: (entry.args ?? []).map(x), env: xs(entry.env), ...(entry.cwd ? { cwd: x(entry.cwd) } : {}) };
    }
    if (!entry.url) return `type '${type}' needs "url"`;
    const url = x(entry.url);
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      return `"url" is not a valid URL: ${url}`;
    }
    if (protocol !== 'http:' && protocol !== 'https:') return `"url" must be http(s), got ${protocol}`;
    return { ...common, type, url, headers: xs(entry.headers) };
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * `${VAR}` → the variable (an error names it when unset), `${VAR:-default}` → the variable or
 * the default when it is unset or empty; `$$` is not special. Other text is left as it is.
 */
export function expandVariables(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && (value !== '' || fallback === undefined)) return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`\${${name}} is not set (set it, or write \${${name}:-default})`);
  });
}
