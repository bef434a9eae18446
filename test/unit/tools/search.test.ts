import { symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOutsideDir, makeProject, makeRegistry } from './helpers.js';

const project = () =>
  makeProject({
    '.gitignore': 'dist/\n*.log\n',
    'src/app.ts': 'import { helper } from "./lib.js";\nexport function main() {\n  return helper(1);\n}\n',
    'src/lib.ts': 'export function helper(n: number) {\n  return n + 1;\n}\n',
    'src/notes.md': 'helper docs\n',
    'dist/app.js': 'function helper() {}\n',
    'debug.log': 'helper called\n',
    'node_modules/pkg/index.js': 'helper\n',
    '.smallcode/sessions/s.json': '{"helper": 1}\n',
  });

// The same behaviour whether ripgrep runs or the JavaScript fallback does.
describe.each([
  { engine: 'ripgrep', ripgrepPath: undefined },
  { engine: 'JavaScript fallback', ripgrepPath: false as const },
])('search with $engine', ({ ripgrepPath }) => {
  const search = (args: Record<string, unknown>) => ({ name: 'search', arguments: args });

  it('finds matches as path:line:text, skipping ignored files, node_modules and .smallcode', async () => {
    const tools = makeRegistry(project(), { ripgrepPath });
    const r = await tools.run(search({ pattern: 'helper\\(' }));
    expect(r.ok).toBe(true);
    expect(r.output).toBe(['src/app.ts:3:  return helper(1);', 'src/lib.ts:1:export function helper(n: number) {'].join('\n'));
  });

  it('narrows by path and by glob', async () => {
    const tools = makeRegistry(project(), { ripgrepPath });
    expect((await tools.run(search({ pattern: 'helper', path: 'src/lib.ts' }))).output).toBe('src/lib.ts:1:export function helper(n: number) {');
    const md = await tools.run(search({ pattern: 'helper', glob: '*.md' }));
    expect(md.output).toBe('src/notes.md:1:helper docs');
    const nested = await tools.run(search({ pattern: 'function helper', glob: 'src/**/*.ts' }));
    expect(nested.output).toBe('src/lib.ts:1:export function helper(n: number) {');
  });

  it('searches an invalid regex as plain text and says so', async () => {
    const tools = makeRegistry(project(), { ripgrepPath });
    const r = await tools.run(search({ pattern: 'helper(1' }));
    expect(r.ok).toBe(true);
    expect(r.output).toBe("Searched 'helper(1' (not a valid regex, so searched as plain text):\nsrc/app.ts:3:  return helper(1);");
  });

  it('searches an ignored folder when asked for it by name', async () => {
    const tools = makeRegistry(project(), { ripgrepPath });
    expect((await tools.run(search({ pattern: 'helper', path: 'dist' }))).output).toBe('dist/app.js:1:function helper() {}');
    expect((await tools.run(search({ pattern: 'helper', path: 'node_modules/pkg' }))).output).toBe('node_modules/pkg/index.js:1:helper');
  });

  it('says when nothing matches, and supports (?i)', async () => {
    const tools = makeRegistry(project(), { ripgrepPath });
    expect((await tools.run(search({ pattern: 'nowhere_to_be_found', path: 'src' }))).output).toBe("No matches for 'nowhere_to_be_found' in src.");
    expect((await tools.run(search({ pattern: '(?i)HELPER DOCS' }))).output).toBe('src/notes.md:1:helper docs');
  });

  it('stops at 100 matches and asks for a narrower search', async () => {
    const root = makeProject({ 'many.txt': Array.from({ length: 300 }, (_, i) => `hit ${i}`).join('\n') });
    const r = await makeRegistry(root, { ripgrepPath }).run(search({ pattern: 'hit' }));
    expect(r.output.split('\n').filter((l) => l.startsWith('many.txt:'))).toHaveLength(100);
    expect(r.output).toMatch(/more than 100 matches; narrow the pattern, path or glob/);
  });

  it('refuses to search outside the project or inside .smallcode', async () => {
    const tools = makeRegistry(project(), { ripgrepPath });
    expect((await tools.run(search({ pattern: 'root', path: '/etc' }))).output).toMatch(/outside the project/);
    expect((await tools.run(search({ pattern: 'helper', path: '.smallcode' }))).output).toMatch(/SmallCode's own state/);
  });

  it('does not follow a symlink out of the project', async () => {
    const outside = makeOutsideDir({ 'secret.txt': 'helper secret\n' });
    const root = makeProject({ 'a.txt': 'nothing\n' });
    symlinkSync(outside, path.join(root, 'escape'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
    const r = await makeRegistry(root, { ripgrepPath }).run(search({ pattern: 'secret' }));
    expect(r.output).not.toContain('helper secret');
  });

  it('skips binary files', async () => {
    const root = makeProject({ 'a.txt': 'needle\n' });
    writeFileSync(path.join(root, 'b.bin'), Buffer.concat([Buffer.from('needle\n'), Buffer.from([0, 1, 2])]));
    const r = await makeRegistry(root, { ripgrepPath }).run(search({ pattern: 'needle' }));
    expect(r.output).toBe('a.txt:1:needle');
  });
});

describe('search engine choice', () => {
  it('uses the bundled ripgrep by default (its regex dialect accepts (?P<name>...))', async () => {
    const r = await makeRegistry(project()).run({ name: 'search', arguments: { pattern: '(?P<call>helper)\\(1' } });
    expect(r.output).toBe('src/app.ts:3:  return helper(1);');
  });

  it('falls back to JavaScript when the configured ripgrep binary does not exist', async () => {
    const tools = makeRegistry(project(), { ripgrepPath: '/nonexistent/rg' });
    const r = await tools.run({ name: 'search', arguments: { pattern: 'helper docs' } });
    expect(r.output).toBe('src/notes.md:1:helper docs');
  });
});
