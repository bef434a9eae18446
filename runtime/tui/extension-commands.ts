/**
 * `/mcp`, `/skill` and `/plugin`: what the session's extensions are, and switching them. Each
 * loads its module only when typed, so the prompt does not wait for them.
 */
import type { CommandHost, SlashCommand } from './commands.js';

export async function mcpCommand(h: CommandHost, args: string[]): Promise<void> {
  const { c } = h.style;
  const mcp = h.session.mcp;
  const [action, name] = args;
  if (!mcp) {
    return h.out.print(c.dim('No MCP servers configured. Add them under "mcpServers" in .mcp.json, .smallcode/mcp.json or ~/.config/smallcode/mcp.json (see docs/extensions.md).'));
  }
  if (action === 'restart') {
    if (!name) return h.out.print(c.red(`/mcp restart needs a server name: ${mcp.status().map((s) => s.name).join(', ')}`));
    if (!mcp.has(name)) return h.out.print(c.red(`No MCP server '${name}'. Configured: ${mcp.status().map((s) => s.name).join(', ')}`));
    h.out.status(`restarting ${name}`);
    try {
      await mcp.restart(name);
    } finally {
      h.out.status(undefined);
    }
    const after = mcp.status().find((s) => s.name === name)!;
    return h.out.print(after.state === 'ready' ? c.green(`${name}: ready, ${after.tools.length} tools`) : c.red(`${name}: ${after.state}${after.lastError ? ` (${after.lastError})` : ''}`));
  }
  if (action) return h.out.print(c.red(`/mcp ${action}: use /mcp, or /mcp restart <name>`));
  const colour = (state: string) => (state === 'ready' ? c.green(state) : state === 'connecting' ? c.yellow(state) : c.red(state));
  const lines = mcp.status().map((s) => {
    const head = `${c.bold(s.name)} ${colour(s.state)}${s.transport ? c.dim(` · ${s.transport}`) : ''}${s.trust ? c.dim(' · trusted') : ''} ${c.dim(`· ${s.source}`)}`;
    const tools = s.tools.length ? `\n    tools: ${s.tools.join(', ')}` : '';
    const error = s.lastError ? `\n    ${c.red(`last error: ${s.lastError}`)}` : '';
    return `  ${head}${tools}${error}`;
  });
  h.out.print(`${c.bold('MCP servers')}\n${lines.join('\n')}\n${c.dim('/mcp restart <name> reconnects one.')}`);
}

/** The skill `/skill use` put into each session's conversation, so `/skill off` can take it out. */
const activeSkill = new WeakMap<object, { name: string; entry: object }>();

export async function skillCommand(h: CommandHost, args: string[]): Promise<void> {
  const { c } = h.style;
  const s = h.session;
  const [action = 'list', name] = args;
  const find = (wanted: string | undefined) => s.skills.find((k) => k.name === wanted);
  const names = () => s.skills.map((k) => k.name).join(', ');
  if (action === 'list') {
    if (s.skills.length === 0) return h.out.print(c.dim('No skills found (skills/, .smallcode/skills, .claude/skills, .agents/skills, ~/.config/smallcode/skills).'));
    const active = activeSkill.get(s)?.name;
    const rows = s.skills.map((k) => `  ${c.cyan(k.name)}${k.name === active ? c.green(' (in use)') : ''} ${c.dim(`· ${k.source}`)}\n      ${k.description}`);
    return h.out.print(`${c.bold('Skills')}\n${rows.join('\n')}\n${c.dim('/skill show <name> prints one; /skill use <name> gives it to the model.')}`);
  }
  if (action === 'off') {
    const active = activeSkill.get(s);
    if (!active) return h.out.print(c.dim('No skill in use.'));
    const entries = s.agent.history.entries;
    const at = entries.indexOf(active.entry as (typeof entries)[number]);
    if (at >= 0) entries.splice(at, 1);
    activeSkill.delete(s);
    s.agent.history.add({ message: { role: 'user', content: `Stop following the skill ${active.name}.` }, turn: s.agent.currentTurn, kind: 'note' });
    return h.out.print(`Skill ${active.name} is off.`);
  }
  if (action !== 'show' && action !== 'use') return h.out.print(c.red(`/skill ${action}: use /skill list, /skill show <name>, /skill use <name> or /skill off`));
  const skill = find(name);
  if (!skill) return h.out.print(c.red(`No skill '${name ?? ''}'. Skills: ${names()}`));
  const { skillBody, skillInstructions } = await import('../skills/index.js');
  if (action === 'show') {
    return h.out.print(`${c.bold(skill.name)} ${c.dim(`· ${skill.source} · ${skill.dir}`)}\n${skill.description}\n\n${await skillBody(skill)}`);
  }
  const previous = activeSkill.get(s);
  if (previous) {
    const at = s.agent.history.entries.indexOf(previous.entry as never);
    if (at >= 0) s.agent.history.entries.splice(at, 1);
  }
  const entry = { message: { role: 'user' as const, content: await skillInstructions(skill) }, turn: s.agent.currentTurn, kind: 'note' as const };
  s.agent.history.add(entry);
  activeSkill.set(s, { name: skill.name, entry: s.agent.history.entries.at(-1)! });
  h.out.print(`Skill ${c.bold(skill.name)} is in use: the model follows it from the next task on (/skill off stops it).`);
}

const PLUGIN_USAGE = '/plugin list, /plugin install <npm name | folder>, /plugin enable <name>, /plugin disable <name>, /plugin remove <name>';

/** `/plugin list|install|enable|disable|remove`: changes apply from the next session (a plugin's code loads at start). */
export async function pluginCommand(h: CommandHost, args: string[]): Promise<void> {
  const { c } = h.style;
  const [action = 'list', ...rest] = args;
  const target = rest.join(' ').trim();
  const p = await import('../plugins/index.js');
  const env = process.env;
  const next = c.dim('It takes effect in the next session (restart smallcode).');
  try {
    if (action === 'list') {
      const loaded = h.session.plugins;
      const skipped = loaded.problems.length ? `\n${loaded.problems.map((line) => c.red(`  ${line}`)).join('\n')}` : '';
      const commands = loaded.commands.length ? `\n${c.dim(`Plugin commands: ${loaded.commands.map((k) => `/${k.name}`).join(', ')}`)}` : '';
      return h.out.print(`${c.bold('Plugins')}\n${p.installedListing(p.listInstalled(env)).replace(/^/gm, '  ')}${skipped}${commands}`);
    }
    if (!['install', 'enable', 'disable', 'remove'].includes(action)) return h.out.print(c.red(`/plugin ${action}: use ${PLUGIN_USAGE}`));
    if (!target) return h.out.print(c.red(`/plugin ${action} needs ${action === 'install' ? 'an npm name or a folder' : 'a plugin name'}`));
    if (action === 'install') {
      h.out.status(`installing ${target}`);
      let result: Awaited<ReturnType<typeof p.installPlugin>>;
      try {
        result = await p.installPlugin(target, { cwd: h.session.root, env });
      } finally {
        h.out.status(undefined);
      }
      h.out.print(p.installSummary(result));
      const answer = await h.choose(`Enable ${result.manifest.name}? Its code runs inside SmallCode with your permissions.`, [
        { value: 'enable', label: 'Enable it' },
        { value: 'keep', label: 'Keep it disabled', hint: `/plugin enable ${result.manifest.name} later` },
      ]);
      if (answer !== 'enable') return h.out.print(`${result.manifest.name} is installed but disabled (/plugin enable ${result.manifest.name}).`);
      p.setPluginEnabled(result.manifest.name, true, env);
      return h.out.print(`${c.green(`${result.manifest.name} is enabled.`)} ${next}`);
    }
    if (action === 'remove') {
      const removed = await p.removePlugin(target, { env });
      return h.out.print(`Removed plugin ${removed.name}. ${next}`);
    }
    const updated = p.setPluginEnabled(target, action === 'enable', env);
    h.out.print(`${updated.name} is ${updated.enabled ? 'enabled' : 'disabled'}. ${next}`);
  } catch (err) {
    if ((err as Error).name !== 'PluginError') throw err;
    h.out.print(c.red((err as Error).message));
  }
}

/** A slash command a plugin added, in the shape of ours; a command that throws is reported by the caller. */
export function pluginSlashCommand(h: Pick<CommandHost, 'session'>, name: string): SlashCommand | undefined {
  const found = h.session.plugins.commands.find((k) => k.name === name);
  if (!found) return undefined;
  return {
    name: found.name,
    help: `${found.help} (plugin ${found.plugin})`,
    ...(found.args ? { args: found.args } : {}),
    run: async (host, args) => {
      const printed = await found.run(args, { root: host.session.root, print: (text) => host.out.print(text) });
      if (typeof printed === 'string' && printed) host.out.print(printed);
    },
  };
}
