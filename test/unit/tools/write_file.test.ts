import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, makeRegistry, policyWith } from './helpers.js';

const write = (p: string, content: string) => ({ name: 'write_file', arguments: { path: p, content } });

describe('write_file', () => {
  it('creates a new file with its folders and reports it as created', async () => {
    const root = makeProject();
    const tools = makeRegistry(root);
    const r = await tools.run(write('src/new.ts', 'export const x = 1;\n'));
    expect(r).toMatchObject({ ok: true, output: 'Created src/new.ts (1 lines).', filesCreated: ['src/new.ts'], filesEdited: [] });
    expect(readFileSync(path.join(root, 'src/new.ts'), 'utf8')).toBe('export const x = 1;\n');
  });

  it('refuses the first overwrite of a file the session has not read, with a hint; the second goes through', async () => {
    const root = makeProject({ 'config.json': '{"keep": true}' });
    const tools = makeRegistry(root);
    const first = await tools.run(write('config.json', '{}'));
    expect(first.ok).toBe(false);
    expect(first.output).toMatch(/config\.json already exists and you have not read it.*read_file first.*call write_file again/);
    expect(readFileSync(path.join(root, 'config.json'), 'utf8')).toBe('{"keep": true}');
    const second = await tools.run(write('config.json', '{}'));
    expect(second).toMatchObject({ ok: true, filesEdited: ['config.json'], filesCreated: [] });
    expect(readFileSync(path.join(root, 'config.json'), 'utf8')).toBe('{}');
  });

  it('lets the session overwrite a file it has read, or created itself', async () => {
    const root = makeProject({ 'a.txt': 'old' });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: './a.txt' } });
    expect((await tools.run(write('a.txt', 'new'))).ok).toBe(true);
    await tools.run(write('b.txt', 'one'));
    expect((await tools.run(write('b.txt', 'two'))).ok).toBe(true);
    expect(readFileSync(path.join(root, 'b.txt'), 'utf8')).toBe('two');
  });

  it('has no guard when the policy turns it off', async () => {
    const root = makeProject({ 'a.txt': 'old' });
    const tools = makeRegistry(root, { policy: policyWith((p) => (p.tools.write_file = {})) });
    expect((await tools.run(write('a.txt', 'new'))).ok).toBe(true);
  });

  it('accepts the argument names small models often use', async () => {
    const root = makeProject();
    const tools = makeRegistry(root);
    expect((await tools.run({ name: 'write_file', arguments: { file_path: 'x.txt', contents: 'hi' } })).ok).toBe(true);
    expect(readFileSync(path.join(root, 'x.txt'), 'utf8')).toBe('hi');
    const missing = await tools.run({ name: 'write_file', arguments: { path: 'y.txt' } });
    expect(missing.output).toMatch(/^Invalid arguments for write_file: 'content': expected string, received undefined/);
  });

  it('fills "... existing code ..." placeholders from the file instead of deleting that code', async () => {
    const original = 'import fs from "node:fs";\n\nexport function a() {\n  return 1;\n}\n\nexport function b() {\n  return 2;\n}\n';
    const root = makeProject({ 'm.ts': original });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'm.ts' } });
    const rewrite = 'import fs from "node:fs";\n\n// ... existing code ...\n\nexport function b() {\n  return 3;\n}\n';
    const r = await tools.run(write('m.ts', rewrite));
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toMatch(/placeholders were filled/);
    expect(readFileSync(path.join(root, 'm.ts'), 'utf8')).toBe(original.replace('return 2;', 'return 3;'));
  });

  it('refuses a rewrite whose placeholders cannot be placed, writing nothing', async () => {
    const root = makeProject({ 'm.ts': '' });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'm.ts' } });
    const r = await tools.run(write('m.ts', 'function other() {}\n// ... existing code ...\n'));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/placeholders for existing code, but the file is empty[\s\S]*Nothing was written/);
    expect(readFileSync(path.join(root, 'm.ts'), 'utf8')).toBe('');
  });

  it('refuses placeholders that stand next to nothing of the file, naming the placeholder and writing nothing', async () => {
    const root = makeProject({ 'm.ts': 'const a = 1;\nconst b = 2;\nconst c = 3;\n' });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'm.ts' } });
    const r = await tools.run(write('m.ts', 'const x = 0;\n// ... existing code ...\nconst d = 4;\n// ... existing code ...\n'));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/placeholder on line 2 of the new content[\s\S]*Nothing was written/);
    expect(readFileSync(path.join(root, 'm.ts'), 'utf8')).toBe('const a = 1;\nconst b = 2;\nconst c = 3;\n');
  });

  it('refuses a merge that would silently drop most of the file', async () => {
    // The placeholder is justified, but the rewrite stops after the function: the engine reads
    // that as deleting the rest, which is almost never what a model writing "..." meant.
    const original = "function f() {\n  f1();\n  return 'f';\n}\n\nexport const A = 1;\nexport const B = 2;\nexport const C = 3;\nexport const D = 4;\nexport const E = 5;\n";
    const root = makeProject({ 'm.ts': original });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'm.ts' } });
    const r = await tools.run(write('m.ts', "function f() {\n  // ... existing code ...\n  log('f');\n  return 'f';\n}\n"));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/placeholders for existing code, yet \d+% of the file's lines would be gone[\s\S]*Nothing was written/);
    expect(readFileSync(path.join(root, 'm.ts'), 'utf8')).toBe(original);
  });
});
