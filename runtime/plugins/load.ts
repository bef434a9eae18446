/**
 * The enabled plugins of a session: their manifests checked, their tool and command modules
 * imported, their tools checked. A plugin with any problem is skipped whole (none of its parts
 * join) and reported with what and where; the session goes on without it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { McpConfigSource } from '../mcp/config.js';
import type { SkillFolder } from '../skills/index.js';
import { TOOL_CATEGORIES, type Tool } from '../tools/tool.js';
import { list, MANIFEST_FILE, readManifest, type PluginManifest } from './manifest.js';
import { listInstalled, type InstalledPlugin } from './store.js';

type Env = Record<string, string | undefined>;

/** A slash command a plugin adds (`/name args…`). */
export interface PluginCommand {
  name: string;
  help: string;
  args?: string;
  plugin: string;
  run(args: string[], ctx: PluginCommandContext): unknown;
}

export interface PluginCommandContext {
  /** The project root. */
  root: string;
  /** Prints a line in the terminal. */
  print(text: string): void;
}

export interface LoadedPlugin {
  name: string;
  dir: string;
  manifest: PluginManifest;
  tools: string[];
  commands: string[];
}

export interface PluginSet {
  plugins: LoadedPlugin[];
  /** One line per skipped plugin: which, where, what is wrong. */
  problems: string[];
  skillFolders: SkillFolder[];
  layerDirs: string[];
  mcpSources: McpConfigSource[];
  tools: Tool[];
  commands: PluginCommand[];
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

const plainToolSchema = z.object({
  name: z.string().regex(NAME, 'letters, digits, "_" and "-", at most 64 (the model sees it as a function name)'),
  description: z.string().min(1),
  parameters: z.looseObject({ type: z.literal('object'), properties: z.record(z.string(), z.looseObject({})).optional(), required: z.array(z.string()).optional() }),
  execute: z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', 'must be a function'),
  category: z.enum(TOOL_CATEGORIES).optional(),
  readOnly: z.boolean().optional(),
});

const commandSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and hyphens'),
  help: z.string().min(1),
  args: z.string().optional(),
  run: z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', 'must be a function'),
});

export function emptyPluginSet(): PluginSet {
  return { plugins: [], problems: [], skillFolders: [], layerDirs: [], mcpSources: [], tools: [], commands: [] };
}

/** Loads every enabled plugin; `reserved` are tool names already taken (a clash skips the plugin). */
export async function loadPlugins(opts: { env: Env; reserved?: Iterable<string>; installed?: InstalledPlugin[] }): Promise<PluginSet> {
  const set = emptyPluginSet();
  let installed: InstalledPlugin[];
  try {
    installed = opts.installed ?? listInstalled(opts.env);
  } catch (err) {
    set.problems.push(`plugins: ${(err as Error).message}; no plugin loaded`);
    return set;
  }
  const taken = new Set(opts.reserved ?? []);
  const commandNames = new Set<string>();
  for (const plugin of installed.filter((p) => p.enabled)) {
    const loaded = await loadOne(plugin, taken, commandNames);
    if (typeof loaded === 'string') {
      set.problems.push(`plugin '${plugin.name}' (${plugin.dir}): ${loaded}; skipped`);
      continue;
    }
    const { manifest, dir, tools, commands } = loaded;
    for (const t of tools) taken.add(t.name);
    for (const c of commands) commandNames.add(c.name);
    set.plugins.push({ name: manifest.name, dir, manifest, tools: tools.map((t) => t.name), commands: commands.map((c) => c.name) });
    set.skillFolders.push(...list(manifest.skills).map((folder) => ({ dir: join(dir, folder), source: `plugin ${manifest.name}` })));
    set.layerDirs.push(...list(manifest.layers).map((folder) => join(dir, folder)));
    if (manifest.mcpServers) set.mcpSources.push({ file: `${join(dir, MANIFEST_FILE)} (plugin ${manifest.name})`, content: { mcpServers: withPluginDir(manifest.mcpServers, dir) } });
    set.tools.push(...tools);
    set.commands.push(...commands);
  }
  return set;
}

async function loadOne(plugin: InstalledPlugin, taken: Set<string>, commandNames: Set<string>) {
  const dir = plugin.dir;
  if (!existsSync(dir)) return 'its folder is gone (reinstall it, or /plugin remove it)';
  const manifest = readManifest(dir);
  if ('error' in manifest) return manifest.error;
  const tools: Tool[] = [];
  const commands: PluginCommand[] = [];
  if (manifest.tools) {
    const exported = await importExport(dir, manifest.tools, 'tools');
    if (typeof exported === 'string') return exported;
    for (const [i, raw] of exported.entries()) {
      const tool = pluginTool(raw, manifest.name);
      if (typeof tool === 'string') return `${manifest.tools}: tool ${describeEntry(raw, i)}: ${tool}`;
      if (taken.has(tool.name) || tools.some((t) => t.name === tool.name)) return `${manifest.tools}: tool '${tool.name}' has the name of a tool that already exists`;
      tools.push(tool);
    }
  }
  if (manifest.commands) {
    const exported = await importExport(dir, manifest.commands, 'commands');
    if (typeof exported === 'string') return exported;
    for (const [i, raw] of exported.entries()) {
      const parsed = commandSchema.safeParse(raw);
      if (!parsed.success) return `${manifest.commands}: command ${describeEntry(raw, i)}: ${issueText(parsed.error)}`;
      if (commandNames.has(parsed.data.name)) return `${manifest.commands}: command '/${parsed.data.name}' is already added by another plugin`;
      const run = parsed.data.run as PluginCommand['run'];
      commands.push({ name: parsed.data.name, help: parsed.data.help, ...(parsed.data.args ? { args: parsed.data.args } : {}), plugin: manifest.name, run });
    }
  }
  return { manifest, dir, tools, commands };
}

/** The module's named export (or its default export's), as an array; or what went wrong. */
async function importExport(dir: string, file: string, key: 'tools' | 'commands'): Promise<unknown[] | string> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(dir, file)).href)) as Record<string, unknown>;
  } catch (err) {
    return `${file} threw on import: ${(err as Error)?.message ?? String(err)}`;
  }
  const value = mod[key] ?? (mod.default as Record<string, unknown> | undefined)?.[key] ?? mod.default;
  if (!Array.isArray(value)) return `${file} must export '${key}' as an array`;
  return value;
}

function describeEntry(raw: unknown, index: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `'${name}'` : `#${index + 1}`;
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `'${issue.path.join('.') || '(definition)'}': ${issue.message.replace(/^Invalid input: /, '')}`;
}

/**
 * A plugin's plain tool as a registry tool: its JSON schema sent as written and checked (after
 * the registry's argument repair) by a zod schema built from it, so a bad call gets the same
 * answer as for our own tools. A schema that cannot be read is a broken plugin.
 */
export function pluginTool(raw: unknown, plugin: string): Tool<Record<string, unknown>> | string {
  const parsed = plainToolSchema.safeParse(raw);
  if (!parsed.success) return issueText(parsed.error);
  const def = parsed.data;
  let args: z.ZodType<Record<string, unknown>>;
  try {
    args = z.fromJSONSchema(def.parameters as never) as z.ZodType<Record<string, unknown>>;
  } catch (err) {
    return `'parameters' is not a JSON schema zod can read (${(err as Error).message.split('\n')[0]})`;
  }
  const execute = def.execute as (args: Record<string, unknown>, ctx: { root: string; signal?: AbortSignal }) => unknown;
  return {
    name: def.name,
    category: def.category ?? 'run',
    description: () => def.description,
    parameters: { ...def.parameters, properties: (def.parameters.properties as object | undefined) ?? {} },
    args,
    readOnly: def.readOnly ?? false,
    capHint: '',
    async execute(callArgs, ctx) {
      let result: unknown;
      try {
        result = await execute(callArgs, { root: await ctx.workspace.realRootPath(), ...(ctx.signal ? { signal: ctx.signal } : {}) });
      } catch (err) {
        return { ok: false, output: `${def.name} (plugin ${plugin}) failed: ${(err as Error)?.message ?? String(err)}`, errorKind: 'plugin_error' };
      }
      const changedDisk = def.readOnly !== true;
      if (typeof result === 'string') return { ok: true, output: result, changedDisk };
      const r = result as { ok?: unknown; output?: unknown; filesCreated?: string[]; filesEdited?: string[] } | null;
      if (!r || typeof r.output !== 'string') return { ok: false, output: `${def.name} (plugin ${plugin}) returned neither a string nor { ok, output }`, errorKind: 'plugin_error' };
      return { ok: r.ok !== false, output: r.output, ...(r.filesCreated ? { filesCreated: r.filesCreated } : {}), ...(r.filesEdited ? { filesEdited: r.filesEdited } : {}), changedDisk };
    },
  };
}

/** `${PLUGIN_DIR}` in the plugin's server entries is its folder (a server shipped inside the plugin). */
function withPluginDir(servers: Record<string, unknown>, dir: string): Record<string, unknown> {
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return value.split('${PLUGIN_DIR}').join(dir);
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  return replace(servers) as Record<string, unknown>;
}
