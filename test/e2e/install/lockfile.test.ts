// The lockfile cannot drift: npm ci accepts it as it is, and it holds every platform's optional
// packages (a lockfile without them made `npm ci` fail on every other platform).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unresolvedOptionalDependencies, type Lockfile } from '../../../scripts/lockfile.js';
import { repoRoot } from '../../support/run-cli.js';

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Lockfile;

describe('package-lock.json', () => {
  it('is accepted by npm ci as it stands (checked offline, from the lockfile alone)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smallcode-lock-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(repoRoot, f), join(dir, f));
      const r = spawnSync('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('locks every optional platform package of every dependency', () => {
    expect(unresolvedOptionalDependencies(lock)).toEqual([]);
    // The walk does see them: esbuild's and ripgrep's per-platform packages are there.
    expect(Object.keys(lock.packages).filter((p) => /\/@esbuild\/(darwin|win32|linux)-/.test(p)).length).toBeGreaterThan(3);
    expect(Object.keys(lock.packages)).toContain('node_modules/@vscode/ripgrep-darwin-arm64');
  });
});

describe('unresolvedOptionalDependencies', () => {
  const base = (packages: Lockfile['packages']): Lockfile => ({ lockfileVersion: 3, packages: { '': {}, ...packages } });

  it('names a platform package that was left out', () => {
    const l = base({
      'node_modules/esbuild': { optionalDependencies: { '@esbuild/linux-x64': '0.27.7', '@esbuild/darwin-arm64': '0.27.7' } },
      'node_modules/@esbuild/linux-x64': {},
    });
    expect(unresolvedOptionalDependencies(l)).toEqual(['node_modules/esbuild → @esbuild/darwin-arm64']);
  });

  it('finds one nested under the dependent, or under an enclosing package', () => {
    const l = base({
      'node_modules/tsx': {},
      'node_modules/tsx/node_modules/esbuild': { optionalDependencies: { '@esbuild/win32-x64': '0.28.2', '@esbuild/linux-arm64': '0.28.2' } },
      'node_modules/tsx/node_modules/esbuild/node_modules/@esbuild/win32-x64': {},
      'node_modules/tsx/node_modules/@esbuild/linux-arm64': {},
    });
    expect(unresolvedOptionalDependencies(l)).toEqual([]);
  });

  it('does not take a copy nested under a sibling, which Node would not find', () => {
    const l = base({
      'node_modules/vite/node_modules/@rollup/rollup-darwin-x64': {},
      'node_modules/rollup': { optionalDependencies: { '@rollup/rollup-darwin-x64': '4.0.0' } },
    });
    expect(unresolvedOptionalDependencies(l)).toEqual(['node_modules/rollup → @rollup/rollup-darwin-x64']);
  });

  it('checks the root package optional dependencies too', () => {
    const l: Lockfile = { lockfileVersion: 3, packages: { '': { optionalDependencies: { 'better-sqlite3': '^12' } } } };
    expect(unresolvedOptionalDependencies(l)).toEqual(['(root) → better-sqlite3']);
  });

  it('refuses a version 1 lockfile instead of passing it unchecked', () => {
    expect(() => unresolvedOptionalDependencies({ lockfileVersion: 1, packages: {} })).toThrow(/lockfileVersion 1/);
  });
});
