/**
 * `smallcode-plugin.json`: what a plugin folder contributes. Every path in it is relative to the
 * folder and must stay inside it. Reading a manifest runs none of the plugin's code, so install
 * can show what a plugin brings before the user enables it.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';

export const MANIFEST_FILE = 'smallcode-plugin.json';

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !isAbsolute(p) && !p.split(/[\\/]/).includes('..'), 'must be a path inside the plugin folder (relative, no "..")');

export const manifestSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'lower-case letters, digits and hyphens, at most 50'),
  version: z.string().optional(),
  description: z.string().optional(),
  /** Folders of SKILL.md skills (one skill per sub-folder). */
  skills: z.union([relativePath, z.array(relativePath)]).optional(),
  /** Folders of MarrowScript layers (*.marrow), applied above the built-in layer, below the project's. */
  layers: z.union([relativePath, z.array(relativePath)]).optional(),
  /** MCP servers in the `mcpServers` convention; `${PLUGIN_DIR}` is the plugin folder. */
  mcpServers: z.record(z.string(), z.unknown()).optional(),
  /** An ES module exporting `tools`: plain tool definitions (name, description, parameters, execute). */
  tools: relativePath.optional(),
  /** An ES module exporting `commands`: slash commands (name, help, run). */
  commands: relativePath.optional(),
});

export type PluginManifest = z.infer<typeof manifestSchema>;

/** The manifest of `dir`, or what is wrong with it (file and field). */
export function readManifest(dir: string): PluginManifest | { error: string } {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return { error: `${file}: no ${MANIFEST_FILE} (a plugin folder needs one)` };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { error: `${file}: not valid JSON (${(err as Error).message})` };
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `${file}: '${issue.path.join('.') || '(manifest)'}': ${issue.message.replace(/^Invalid input: /, '')}` };
  }
  for (const path of [...list(parsed.data.skills), ...list(parsed.data.layers), parsed.data.tools, parsed.data.commands]) {
    if (path === undefined) continue;
    const problem = insideProblem(dir, path);
    if (problem) return { error: `${file}: '${path}': ${problem}` };
  }
  return parsed.data;
}

export function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A declared path must exist and, symlinks followed, stay in the plugin folder. */
function insideProblem(dir: string, path: string): string | undefined {
  const full = resolve(dir, path);
  if (!existsSync(full)) return 'does not exist';
  const rel = relative(realpathSync(dir), realpathSync(full));
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return 'leads outside the plugin folder';
  return undefined;
}

/** What a plugin brings, from its manifest and files alone (no code runs). */
export interface PluginContributions {
  skills: string[];
  layers: string[];
  mcpServers: string[];
  tools?: string;
  commands?: string;
}

export function contributionsOf(dir: string, manifest: PluginManifest): PluginContributions {
  const subfolders = (folder: string) => {
    try {
      return readdirSync(join(dir, folder)).filter((entry) => existsSync(join(dir, folder, entry, 'SKILL.md'))).sort();
    } catch {
      return [];
    }
  };
  const marrow = (folder: string) => {
    try {
      return readdirSync(join(dir, folder)).filter((f) => f.endsWith('.marrow')).sort().map((f) => `${folder}/${f}`);
    } catch {
      return [];
    }
  };
  return {
    skills: list(manifest.skills).flatMap(subfolders),
    layers: list(manifest.layers).flatMap(marrow),
    mcpServers: Object.keys(manifest.mcpServers ?? {}),
    ...(manifest.tools ? { tools: manifest.tools } : {}),
    ...(manifest.commands ? { commands: manifest.commands } : {}),
  };
}

/** One line per kind of contribution, for install and `/plugin list`. */
export function describeContributions(c: PluginContributions): string[] {
  const lines: string[] = [];
  if (c.skills.length) lines.push(`skills: ${c.skills.join(', ')}`);
  if (c.layers.length) lines.push(`MarrowScript layers: ${c.layers.join(', ')}`);
  if (c.mcpServers.length) lines.push(`MCP servers: ${c.mcpServers.join(', ')}`);
  if (c.tools) lines.push(`tools from ${c.tools} (runs in-process)`);
  if (c.commands) lines.push(`slash commands from ${c.commands} (runs in-process)`);
  return lines.length ? lines : ['nothing (the manifest declares no skills, layers, MCP servers, tools or commands)'];
}
