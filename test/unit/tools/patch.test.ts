import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSnapshots } from '../../../runtime/tools/index.js';
import { makeProject, makeRegistry } from './helpers.js';

const patch = (args: Record<string, unknown>) => ({ name: 'patch', arguments: args });
const source = 'function add(a, b) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\n';

describe('patch', () => {
  it('replaces one block and shows the change as a short diff', async () => {
    const root = makeProject({ 'math.js': source });
    const tools = makeRegistry(root);
    const r = await tools.run(patch({ path: 'math.js', search: '  return a + b;', replace: '  return a + b + 0;' }));
    expect(r).toMatchObject({ ok: true, filesEdited: ['math.js'], filesCreated: [] });
    expect(r.output).toBe('Patched math.js (1 block):\n@@ -1,3 +1,3 @@\n function add(a, b) {\n-  return a + b;\n+  return a + b + 0;\n }');
    expect(readFileSync(path.join(root, 'math.js'), 'utf8')).toBe(source.replace('a + b;', 'a + b + 0;'));
  });

  it('applies several blocks all-or-nothing', async () => {
    const root = makeProject({ 'math.js': source });
    const tools = makeRegistry(root);
    const ok = await tools.run(
      patch({ path: 'math.js', edits: [{ search: 'a + b', replace: 'b + a' }, { search: 'a - b', replace: '-(b - a)' }] }),
    );
    expect(ok.output).toMatch(/^Patched math\.js \(2 blocks\)/);
    const after = readFileSync(path.join(root, 'math.js'), 'utf8');
    expect(after).toContain('return b + a;');
    expect(after).toContain('return -(b - a);');

    const failed = await tools.run(patch({ path: 'math.js', edits: [{ search: 'b + a', replace: 'a + b' }, { search: 'no such code', replace: 'x' }] }));
    expect(failed.ok).toBe(false);
    expect(failed.output).toMatch(/Edit 2 failed in math\.js; no edit was applied/);
    expect(readFileSync(path.join(root, 'math.js'), 'utf8')).toBe(after);
  });

  it('explains a search that matches nothing or several places, and changes nothing', async () => {
    const root = makeProject({ 'math.js': source });
    const tools = makeRegistry(root);
    const missing = await tools.run(patch({ path: 'math.js', search: 'return a * b;', replace: 'return 0;' }));
    expect(missing.ok).toBe(false);
    expect(missing.output).toMatch(/The search text was not found in math\.js/);
    const ambiguous = await tools.run(patch({ path: 'math.js', search: '(a, b) {', replace: '(x, y) {' }));
    expect(ambiguous.ok).toBe(false);
    expect(ambiguous.output).toMatch(/matches 2 places in math\.js \(lines 1, 5\)/);
    expect(readFileSync(path.join(root, 'math.js'), 'utf8')).toBe(source);
    expect(missing.filesEdited).toEqual([]);
  });

  it('replaces every match with replace_all (also sent as the string "true")', async () => {
    const root = makeProject({ 'math.js': source });
    const r = await makeRegistry(root).run(patch({ path: 'math.js', search: '(a, b)', replace: '(x, y)', replace_all: 'true' }));
    expect(r.ok).toBe(true);
    expect(readFileSync(path.join(root, 'math.js'), 'utf8').match(/\(x, y\)/g)).toHaveLength(2);
  });

  it('accepts a search copied from read_file with its line numbers', async () => {
    const root = makeProject({ 'math.js': source });
    const tools = makeRegistry(root);
    const shown = (await tools.run({ name: 'read_file', arguments: { path: 'math.js', start_line: 5, end_line: 6 } })).output;
    const search = shown.split('\n').slice(1).join('\n');
    expect(search).toBe('5\tfunction sub(a, b) {\n6\t  return a - b;');
    const r = await tools.run(patch({ path: 'math.js', search, replace: 'function sub(a, b) {\n  return a - b - 0;' }));
    expect(r.ok).toBe(true);
    expect(readFileSync(path.join(root, 'math.js'), 'utf8')).toContain('return a - b - 0;');
  });

  it('keeps CRLF line endings of a Windows file', async () => {
    const root = makeProject({ 'win.txt': 'one\r\ntwo\r\nthree\r\n' });
    const r = await makeRegistry(root).run(patch({ path: 'win.txt', search: 'two\n', replace: 'TWO\n' }));
    expect(r.ok).toBe(true);
    expect(readFileSync(path.join(root, 'win.txt'), 'utf8')).toBe('one\r\nTWO\r\nthree\r\n');
  });

  it('creates a missing file from an empty search, and refuses other patches of missing files', async () => {
    const root = makeProject();
    const tools = makeRegistry(root);
    const created = await tools.run(patch({ path: 'src/new.ts', search: '', replace: 'export {};\n' }));
    expect(created).toMatchObject({ ok: true, output: 'Created src/new.ts.', filesCreated: ['src/new.ts'] });
    expect(readFileSync(path.join(root, 'src/new.ts'), 'utf8')).toBe('export {};\n');
    const missing = await tools.run(patch({ path: 'nope.ts', search: 'x', replace: 'y' }));
    expect(missing).toMatchObject({ ok: false, output: 'File not found: nope.ts. Check the path with find_files, or create the file with write_file.' });
  });

  it('refuses an empty search on a file that has content', async () => {
    const root = makeProject({ 'a.txt': 'content\n' });
    const r = await makeRegistry(root).run(patch({ path: 'a.txt', search: '', replace: 'new' }));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/search text is empty, but a\.txt is not.[\s\S]*write the file instead/);
  });

  it('names what is missing from the arguments, and accepts old_string/new_string', async () => {
    const root = makeProject({ 'a.txt': 'alpha\n' });
    const tools = makeRegistry(root);
    expect((await tools.run(patch({ path: 'a.txt' }))).output).toMatch(/^Invalid arguments for patch: 'search': give 'search' and 'replace'/);
    expect((await tools.run(patch({ path: 'a.txt', search: 'alpha' }))).output).toMatch(/'replace': 'replace' is missing/);
    expect((await tools.run(patch({ file_path: 'a.txt', old_string: 'alpha', new_string: 'beta' }))).ok).toBe(true);
    expect(readFileSync(path.join(root, 'a.txt'), 'utf8')).toBe('beta\n');
  });

  it('snapshots the original before the first patch of a turn', async () => {
    const root = makeProject({ 'a.txt': 'v0\n' });
    const tools = makeRegistry(root, { sessionId: 'p1' });
    tools.beginTurn(3);
    await tools.run(patch({ path: 'a.txt', search: 'v0', replace: 'v1' }));
    await tools.run(patch({ path: 'a.txt', search: 'v1', replace: 'v2' }));
    expect(readFileSync(path.join(root, '.smallcode/snapshots/p1/3/files/a.txt'), 'utf8')).toBe('v0\n');
    expect((await listSnapshots(root, 'p1'))[0]!.files).toEqual([{ path: 'a.txt', existed: true, mode: expect.any(Number) }]);
  });

  it('invalidates the dedup cache, so the next search sees the patched file', async () => {
    const root = makeProject({ 'a.txt': 'v0\n' });
    const tools = makeRegistry(root);
    const search = { name: 'search', arguments: { pattern: 'v1' } };
    expect((await tools.run(search)).output).toBe("No matches for 'v1'.");
    await tools.run(patch({ path: 'a.txt', search: 'v0', replace: 'v1' }));
    const again = await tools.run(search);
    expect(again.cached).toBeUndefined();
    expect(again.output).toBe('a.txt:1:v1');
  });
});
