/**
 * Where SmallCode keeps what belongs to the user rather than to a project (global memory, a
 * registry of projects): the platform's per-user data directory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Linux and other Unix: $XDG_DATA_HOME/smallcode, else ~/.local/share/smallcode; macOS:
 * ~/Library/Application Support/smallcode; Windows: %LOCALAPPDATA%\smallcode. SMALLCODE_DATA_DIR
 * overrides all of them (tests, portable installs).
 */
export function userDataDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SMALLCODE_DATA_DIR) return env.SMALLCODE_DATA_DIR;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'smallcode');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'smallcode');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'smallcode');
}
