import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './load.js';

/** Files that mark the root of a project when there is no git repository. */
export const PROJECT_FILES = [
  'package.json', 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'Cargo.toml', 'go.mod', 'pom.xml',
  'build.gradle', 'build.gradle.kts', 'Gemfile', 'composer.json', 'mix.exs', 'deno.json', 'CMakeLists.txt', 'Makefile', 'AGENTS.md',
];

/**
 * The project a session works in. `--cwd` names it (it must be an existing folder: a usage
 * error otherwise). Started in a subfolder, it is the enclosing git repository's root, else the
 * nearest folder above with a project file, else the folder itself — so the project's `.env`,
 * AGENTS.md and summary are found. The walk stops below the home folder and the file-system
 * root: neither is a project because something inside it was started there.
 */
export function resolveProjectRoot(cwdOption: string | undefined, startDir: string, home = homedir()): string {
  if (cwdOption !== undefined) {
    const dir = resolve(startDir, cwdOption);
    if (!existsSync(dir)) throw new ConfigError(`--cwd ${cwdOption}: no such folder`);
    if (!statSync(dir).isDirectory()) throw new ConfigError(`--cwd ${cwdOption}: not a folder`);
    return dir;
  }
  const start = resolve(startDir);
  const ancestors: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    if (dir === resolve(home) || dirname(dir) === dir) break;
    ancestors.push(dir);
  }
  // .git is a folder in a clone and a file in a worktree or submodule: both mark the root.
  const gitRoot = ancestors.find((dir) => existsSync(join(dir, '.git')));
  if (gitRoot) return gitRoot;
  return ancestors.find((dir) => PROJECT_FILES.some((f) => isFile(join(dir, f)))) ?? start;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
