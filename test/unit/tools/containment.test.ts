/**
 * Escape attempts against the tools, generated rather than listed: every attempt is counted, and
 * an escape is any answer that names or shows what lies outside the project, or a file created
 * outside it. The symlink race swaps a folder for a link to outside in a real child process while
 * the workspace reads and writes through it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../runtime/tools/index.js';
import { refuseEscapingGlob } from '../../../runtime/tools/workspace.js';
import { makeOutsideDir, makeProject, makeRegistry } from './helpers.js';

const MARKER = 'zz-outside-marker';

function setup() {
  const outside = makeOutsideDir({ [`${MARKER}.txt`]: `${MARKER} content\n`, [`nested/${MARKER}-deep.txt`]: `${MARKER} deep\n` });
  const root = makeProject({
    '.gitignore': 'build/\n',
    'src/a.ts': 'export const a = 1;\n',
    'real/inside.txt': 'inside\n',
    '.smallcode/sessions/s.json': `{"secret":"${MARKER}-conversation"}\n`,
  });
  symlinkSync(outside, path.join(root, 'link-dir'));
  symlinkSync(path.join(outside, `${MARKER}.txt`), path.join(root, 'link-file.txt'));
  symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
  return { outside, root };
}

/** The pieces escape attempts are built from: ways up, ways out, ways through a link. */
const ways = (outside: string) =>
  fc.oneof(
    fc.constantFrom('..', '../..', '../../..', 'src/..', 'src/../..', './..', '.\\..', '..\\..', 'src\\..\\..'),
    fc.constantFrom('/', outside, `${outside}/`, path.dirname(outside), '/tmp', '/etc', 'C:/'),
    fc.constantFrom('link-dir', './link-dir', 'alias/../link-dir', 'real/../link-dir', '.smallcode', './.smallcode', '.smallcode/sessions'),
  );
const tails = fc.constantFrom('*', '**', '**/*', `${MARKER}*`, `**/${MARKER}*`, `{a,${MARKER}.txt}`, '*/*', `nested/*`, '**/*.txt', '*.json', '**/s.json', '');

function joined(way: string, tail: string, sep: string): string {
  if (tail === '') return way;
  return way.endsWith('/') || way.endsWith('\\') ? `${way}${tail}` : `${way}${sep}${tail}`;
}

/** The answer shows something from outside (a name or content), beyond echoing what was asked. */
function leaks(output: string, outside: string, args: Record<string, unknown> = {}): boolean {
  let rest = output;
  const asked = Object.values(args).filter((v): v is string => typeof v === 'string' && v !== '');
  for (const value of asked.sort((a, b) => b.length - a.length)) {
    for (const echo of [value, value.replace(/\\/g, '/')]) rest = rest.split(echo).join('');
  }
  return rest.includes(MARKER) || rest.includes(outside) || rest.includes(path.basename(outside));
}

describe('containment: generated escape attempts', () => {
  it('find_files, search, read_file and write_file never reach outside the project or into .smallcode/', async () => {
    const { outside, root } = setup();
    const tools = makeRegistry(root, { ripgrepPath: undefined });
    let attempts = 0;
    let escapes = 0;
    const escaped: string[] = [];
    const attempt = async (name: string, args: Record<string, unknown>) => {
      attempts++;
      const before = readdirSync(outside).length;
      const r = await tools.run({ name, arguments: args });
      if (leaks(r.output, outside, args) || readdirSync(outside).length !== before) {
        escapes++;
        escaped.push(`${name} ${JSON.stringify(args)} → ${r.output.slice(0, 120)}`);
      }
    };
    await fc.assert(
      fc.asyncProperty(ways(outside), tails, fc.constantFrom('/', '\\'), async (way, tail, sep) => {
        const pattern = joined(way, tail, sep);
        await attempt('find_files', { pattern });
        await attempt('find_files', { pattern: tail || '*', path: way });
        await attempt('search', { pattern: MARKER, path: way });
        await attempt('search', { pattern: MARKER, glob: pattern });
        await attempt('read_file', { path: joined(way, `${MARKER}.txt`, sep) });
        await attempt('write_file', { path: joined(way, `new-${attempts}.txt`, sep), content: 'x' });
      }),
      { numRuns: 60, seed: 18 },
    );
    // The model's own globs cannot pull the state folder in either.
    for (const glob of ['**', '*', '.smallcode/**', '**/.smallcode/**', '**/*.json', '{.smallcode,src}/**']) {
      await attempt('search', { pattern: MARKER, glob });
      await attempt('find_files', { pattern: glob });
    }
    await attempt('read_file', { path: 'link-file.txt' });
    await attempt('read_file', { path: 'link-dir' });
    await attempt('find_files', { pattern: '/**/passwd' });
    expect(attempts).toBeGreaterThanOrEqual(360);
    expect(escaped).toEqual([]);
    expect(escapes).toBe(0);
  }, 120_000);

  it('the JavaScript search (no ripgrep) holds the same line', async () => {
    const { outside, root } = setup();
    const tools = makeRegistry(root, { ripgrepPath: false });
    for (const glob of ['**', '*', '.smallcode/**', 'link-dir/**', '../**', `${outside}/**`]) {
      const args = { pattern: MARKER, glob };
      const r = await tools.run({ name: 'search', arguments: args });
      expect(leaks(r.output, outside, args), `${glob}: ${r.output}`).toBe(false);
    }
  });

  it('near misses stay allowed: names that start with dots, links that stay inside, plain subfolders', async () => {
    const { root } = setup();
    writeFileSync(path.join(root, '..hidden.txt'), 'x');
    mkdirSync(path.join(root, 'sub/..x'), { recursive: true });
    writeFileSync(path.join(root, 'sub/..x/y.txt'), 'y');
    const tools = makeRegistry(root);
    expect((await tools.run({ name: 'find_files', arguments: { pattern: '..hidden*' } })).output).toBe('..hidden.txt');
    expect((await tools.run({ name: 'find_files', arguments: { pattern: 'sub/..x/*' } })).output).toBe('sub/..x/y.txt');
    expect((await tools.run({ name: 'find_files', arguments: { pattern: 'alias/*' } })).output).toBe('alias/inside.txt');
    expect((await tools.run({ name: 'find_files', arguments: { pattern: 'src/../src/*.ts' } })).ok).toBe(false); // refused, not walked
    expect((await tools.run({ name: 'read_file', arguments: { path: 'alias/inside.txt' } })).output).toContain('inside');
    expect((await tools.run({ name: 'find_files', arguments: { pattern: '*.ts' } })).output).toBe('src/a.ts');
  });

  it('a refused pattern says why without walking anything', () => {
    expect(() => refuseEscapingGlob('/**/x')).toThrow(/absolute pattern/);
    expect(() => refuseEscapingGlob('..\\*')).toThrow(/'\.\.'/);
    expect(() => refuseEscapingGlob('{src,..}/*')).toThrow(/'\.\.'/);
    expect(() => refuseEscapingGlob('a/../../b')).toThrow(/leaves the project/);
    for (const fine of ['..a', 'a..', 'src/**/*.ts', '*..*', '.{a,b}', 'x/...']) expect(() => refuseEscapingGlob(fine)).not.toThrow();
  });

  it('a root .gitignore does not make a refused listing name an outside file', async () => {
    const { outside, root } = setup();
    const args = { pattern: `../${path.basename(outside)}/*` };
    const r = await makeRegistry(root).run({ name: 'find_files', arguments: args });
    expect(r.ok).toBe(false);
    expect(leaks(r.output, outside, args)).toBe(false);
  });
});

/**
 * Exchanges the folder `d` and the link `d-link` (to outside) atomically, in a loop: `d` is at every
 * instant either the real folder or a link to outside (renameat2 RENAME_EXCHANGE via python3, else
 * a bash mv loop where `d` is briefly missing).
 */
function spawnSwapper(root: string) {
  const python = `
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(${JSON.stringify(root)})
while True:
    libc.renameat2(-100, b"d", -100, b"d-link", 2)
`;
  if (spawnSync('python3', ['-c', 'import ctypes; ctypes.CDLL(None).renameat2'], { stdio: 'ignore' }).status === 0) {
    return spawn('python3', ['-c', python], { stdio: 'ignore' });
  }
  return spawn('bash', ['-c', `cd '${root}' && while :; do mv d d.real && mv d-link d && mv d d-link && mv d.real d; done`], { stdio: 'ignore' });
}

describe('containment: a folder swapped for a symlink while the tools use it', () => {
  it('reads never return outside content and writes never land outside', async () => {
    const outside = makeOutsideDir({ 'file.txt': `${MARKER} outside\n` });
    const root = makeProject({ 'd/file.txt': 'inside\n' });
    symlinkSync(outside, path.join(root, 'd-link'));
    const swapper = spawnSwapper(root);
    const ws = new Workspace(root);
    const deadline = Date.now() + 20_000;
    let reads = 0;
    let writes = 0;
    let outsideReads = 0;
    let refused = 0;
    let readsInside = 0;
    const why = new Map<string, number>();
    const count = (err: unknown) => {
      refused++;
      const key = String((err as Error).message).replace(/'[^']*'/g, "'…'").slice(0, 60);
      why.set(key, (why.get(key) ?? 0) + 1);
    };
    try {
      const changedMidUse = () => [...why.keys()].some((k) => k.includes('changed while it was being used'));
      // At least 1,500 rounds, more (up to the deadline) until one call met the swap between check and use.
      for (let i = 0; (i < 1500 || !changedMidUse()) && i < 6000 && Date.now() < deadline; i++) {
        reads++;
        try {
          const { text } = await ws.readText('d/file.txt');
          if (text.includes(MARKER)) outsideReads++;
          else readsInside++;
        } catch (err) {
          count(err); // refused (changed, outside) or missing mid-swap: both fine
        }
        if (i % 3 === 0) {
          writes++;
          await ws.writeText(`d/new-${i}.txt`, 'x').catch(count);
        }
      }
    } finally {
      swapper.kill('SIGKILL');
    }
    expect(reads).toBeGreaterThan(100);
    expect(outsideReads).toBe(0);
    expect(readdirSync(outside)).toEqual(['file.txt']);
    expect(readsInside).toBeGreaterThan(0);
    console.log(`symlink race: ${reads} reads (${readsInside} inside), ${writes} writes, ${refused} refused mid-swap, ${outsideReads} outside reads, ${readdirSync(outside).length - 1} outside files`, Object.fromEntries(why));
  }, 60_000);
});
