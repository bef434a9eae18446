/**
 * The user's own folders (not the project's): configuration (`mcp.json`, skills) and data
 * (installed plugins). XDG variables first, as on Linux; the same layout elsewhere.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CONFIG_HOME/smallcode`, else `~/.config/smallcode`. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'smallcode');
}

/** `$XDG_DATA_HOME/smallcode`, else `~/.local/share/smallcode`. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share'), 'smallcode');
}
