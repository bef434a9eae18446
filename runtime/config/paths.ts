/**
 * The user's own folders (not a project's), in one place for every module: configuration
 * (layers, `mcp.json`, skills, knowledge/) and data (global memory, installed plugins).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * `$SMALLCODE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/smallcode`, else `~/.config/smallcode` — the
 * same on every platform, so the paths the docs name (`~/.config/smallcode/…`) hold everywhere.
 */
export function userConfigDir(env: Env = process.env): string {
  if (env.SMALLCODE_CONFIG_DIR) return env.SMALLCODE_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(env.HOME || env.USERPROFILE || homedir(), '.config'), 'smallcode');
}

/**
 * The platform's per-user data directory. Linux and other Unix: $XDG_DATA_HOME/smallcode, else
 * ~/.local/share/smallcode; macOS: ~/Library/Application Support/smallcode; Windows:
 * %LOCALAPPDATA%\smallcode. SMALLCODE_DATA_DIR overrides all of them (tests, portable installs).
 */
export function userDataDir(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SMALLCODE_DATA_DIR) return env.SMALLCODE_DATA_DIR;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'smallcode');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'smallcode');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'smallcode');
}
