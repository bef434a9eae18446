/**
 * `/mcp`, `/skill` and `/plugin`: what the session's extensions are, and switching them. Each
 * loads its module only when typed, so the prompt does not wait for them.
 */
import type { CommandHost } from './commands.js';

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
