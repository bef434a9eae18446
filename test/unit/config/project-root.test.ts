import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../runtime/config/load.js';
import { resolveProjectRoot } from '../../../runtime/config/project-root.js';

/** A fake home with folders and files under it (paths relative to it; a trailing / makes a folder). */
function tree(paths: string[]): string {
  const home = mkdtempSync(join(tmpdir(), 'root-home-'));
  for (const p of paths) {
    if (p.endsWith('/')) mkdirSync(join(home, p), { recursive: true });
    else {
      mkdirSync(join(home, p, '..'), { recursive: true });
      writeFileSync(join(home, p), '');
    }
  }
  return home;
}

describe('the project root', () => {
  it('is the git root when started in a subfolder of a repository', () => {
    const home = tree(['repo/.git/', 'repo/src/lib/', 'repo/src/package.json']);
    expect(resolveProjectRoot(undefined, join(home, 'repo/src/lib'), home)).toBe(join(home, 'repo'));
  });

  it('takes a .git file (a worktree or submodule) as a root too', () => {
    const home = tree(['wt/.git', 'wt/a/b/']);
    expect(resolveProjectRoot(undefined, join(home, 'wt/a/b'), home)).toBe(join(home, 'wt'));
  });

  it('without git, is the nearest folder above with a project file', () => {
    const home = tree(['outer/package.json', 'outer/app/pyproject.toml', 'outer/app/pkg/mod/']);
    expect(resolveProjectRoot(undefined, join(home, 'outer/app/pkg/mod'), home)).toBe(join(home, 'outer/app'));
  });

  it('near misses: a folder named like a project file, or markers only at or above home, leave the start folder', () => {
    const home = tree(['work/notes/', 'work/package.json/']);
    expect(resolveProjectRoot(undefined, join(home, 'work/notes'), home)).toBe(join(home, 'work/notes'));
    const bare = tree(['.git/', 'Makefile', 'scratch/deep/']);
    expect(resolveProjectRoot(undefined, join(bare, 'scratch/deep'), bare)).toBe(join(bare, 'scratch/deep'));
  });

  it('--cwd wins, relative to where it was started; a missing one or a file is a usage error', () => {
    const home = tree(['repo/.git/', 'repo/sub/', 'repo/file.txt']);
    expect(resolveProjectRoot('sub', join(home, 'repo'), home)).toBe(join(home, 'repo/sub'));
    expect(() => resolveProjectRoot('nope', join(home, 'repo'), home)).toThrow(/--cwd nope: no such folder/);
    expect(() => resolveProjectRoot('file.txt', join(home, 'repo'), home)).toThrow(/--cwd file\.txt: not a folder/);
    expect(() => resolveProjectRoot('nope', home, home)).toThrow(ConfigError);
  });
});
