/**
 * Skills in the SKILL.md format: a folder holding `SKILL.md` (YAML front matter `name`,
 * `description`, optional `allowed-tools`; a markdown body) and optional resource files.
 * Progressive disclosure: the system prompt carries only each skill's name and one-line
 * description (under `context.skills_list`); the body is read when the model calls `use_skill`
 * or the user types `/skill use`, and a resource when asked for by name.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { userConfigDir } from '../config/paths.js';
import { countTokens } from '../model/tokens.js';
import { packageRoot } from '../package-root.js';

export interface Skill {
  name: string;
  description: string;
  allowedTools?: string[];
  /** The folder holding SKILL.md. */
  dir: string;
  /** Where it was found: builtin, user, plugin <name>, or the project folder. */
  source: string;
}

export interface SkillFolder {
  dir: string;
  source: string;
}

export interface DiscoveredSkills {
  skills: Skill[];
  /** One line per unreadable skill: file and what is wrong. */
  problems: string[];
}

/** Where skills are looked for, lowest precedence first: a later folder's skill replaces an earlier one of the same name. */
export function skillFolders(root: string, env: NodeJS.ProcessEnv, pluginFolders: SkillFolder[] = []): SkillFolder[] {
  return [
    { dir: join(packageRoot(), 'skills'), source: 'builtin' },
    ...pluginFolders,
    { dir: join(userConfigDir(env), 'skills'), source: 'user' },
    { dir: join(root, '.agents', 'skills'), source: '.agents/skills' },
    { dir: join(root, '.claude', 'skills'), source: '.claude/skills' },
    { dir: join(root, '.smallcode', 'skills'), source: '.smallcode/skills' },
  ];
}

export async function discoverSkills(folders: SkillFolder[]): Promise<DiscoveredSkills> {
  const { parse } = await import('yaml');
  const byName = new Map<string, Skill>();
  const problems: string[] = [];
  for (const folder of folders) {
    if (!existsSync(folder.dir)) continue;
    let entries: string[];
    try {
      entries = readdirSync(folder.dir).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const file = join(folder.dir, entry, 'SKILL.md');
      if (!existsSync(file)) continue;
      const parsed = parseSkillFile(readFileSync(file, 'utf8'), parse);
      if (typeof parsed === 'string') {
        problems.push(`${file}: ${parsed}; skipped`);
        continue;
      }
      byName.set(parsed.name, { ...parsed, dir: join(folder.dir, entry), source: folder.source });
    }
  }
  return { skills: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
}

/** The front matter's fields and the body, or what is wrong with the file. */
export function parseSkillFile(text: string, parseYaml: (source: string) => unknown): Omit<Skill, 'dir' | 'source'> & { body: string } | string {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return 'no front matter (the file must start with ---, name and description, then ---)';
  let meta: unknown;
  try {
    meta = parseYaml(match[1]!);
  } catch (err) {
    return `front matter is not valid YAML (${(err as Error).message.split('\n')[0]})`;
  }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return 'front matter must be a mapping (name: …, description: …)';
  const m = meta as Record<string, unknown>;
  const name = typeof m.name === 'string' ? m.name.trim() : '';
  if (!name) return "front matter needs 'name'";
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return `'name' must be lower-case letters, digits and hyphens, got '${name}'`;
  const description = typeof m.description === 'string' ? m.description.trim().replace(/\s+/g, ' ') : '';
  if (!description) return "front matter needs 'description'";
  const tools = m['allowed-tools'];
  const allowedTools = typeof tools === 'string' ? tools.split(/[\s,]+/).filter(Boolean) : Array.isArray(tools) ? tools.map(String) : undefined;
  return { name, description, ...(allowedTools ? { allowedTools } : {}), body: text.slice(match[0].length).trim() };
}

/** The markdown body of a skill (read when it is used, never before). */
export async function skillBody(skill: Skill): Promise<string> {
  const { parse } = await import('yaml');
  const parsed = parseSkillFile(readFileSync(join(skill.dir, 'SKILL.md'), 'utf8'), parse);
  return typeof parsed === 'string' ? '' : parsed.body;
}

/** The skill's other files, relative to its folder (at most 50). */
export function skillResources(skill: Skill): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      if (out.length >= 50) return;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path !== join(skill.dir, 'SKILL.md')) out.push(relative(skill.dir, path).split(sep).join('/'));
    }
  };
  walk(skill.dir);
  return out;
}

/** What `use_skill` and `/skill use` put in the conversation: the body and how to read its resources. */
export async function skillInstructions(skill: Skill): Promise<string> {
  const resources = skillResources(skill);
  const body = await skillBody(skill);
  const tools = skill.allowedTools?.length ? `\nTools this skill uses: ${skill.allowedTools.join(', ')}.` : '';
  const files = resources.length ? `\n\nFiles of this skill (read one with use_skill {"name": "${skill.name}", "file": "<file>"}): ${resources.join(', ')}` : '';
  return `Skill ${skill.name}: follow these instructions for the task.${tools}\n\n${body}${files}`;
}

/** A resource file of a skill, by its relative name; never a path outside the skill's folder. */
export function skillResource(skill: Skill, file: string): string | { error: string } {
  const wanted = file.replace(/\\/g, '/').replace(/^\.\//, '');
  const resources = skillResources(skill);
  if (!resources.includes(wanted)) {
    return { error: `Skill ${skill.name} has no file '${file}'.${resources.length ? ` Its files: ${resources.join(', ')}.` : ' It has no other files.'}` };
  }
  return readFileSync(join(skill.dir, ...wanted.split('/')), 'utf8');
}

/**
 * The system prompt's skills section: names and one-line descriptions, as many as fit in
 * `maxTokens` (the rest named by count). Built once per session so the prompt stays byte-stable.
 */
export function skillsListing(skills: Skill[], maxTokens: number): string | undefined {
  if (skills.length === 0 || maxTokens <= 0) return undefined;
  const head = 'Skills (step-by-step instructions for kinds of work; call use_skill with the name before doing such work):';
  const lines: string[] = [];
  let used = countTokens(head);
  for (const [i, skill] of skills.entries()) {
    const description = skill.description.length > 160 ? `${skill.description.slice(0, 159)}…` : skill.description;
    const line = `- ${skill.name}: ${description}`;
    const cost = countTokens(line) + 1;
    const rest = skills.length - i - 1;
    const reserve = rest > 0 ? 12 : 0; // room for the "… more" line
    if (used + cost + reserve > maxTokens) {
      lines.push(`- … ${skills.length - i} more (/skill list; use_skill accepts any of them)`);
      break;
    }
    lines.push(line);
    used += cost;
  }
  if (lines.length === 0 || lines[0]!.startsWith('- …')) return undefined;
  return [head, ...lines].join('\n');
}
