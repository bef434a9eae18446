import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, makeRegistry, policyWith } from './helpers.js';

const read = (args: Record<string, unknown>) => ({ name: 'read_file', arguments: args });

describe('read_file', () => {
  it('shows the whole file with numbered lines', async () => {
    const tools = makeRegistry(makeProject({ 'src/a.ts': 'const a = 1;\nconst b = 2;\n' }));
    const r = await tools.run(read({ path: 'src/a.ts' }));
    expect(r.ok).toBe(true);
    expect(r.output).toBe('src/a.ts (2 lines)\n1\tconst a = 1;\n2\tconst b = 2;');
  });

  it('shows a line range, accepting line numbers sent as strings', async () => {
    const text = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const tools = makeRegistry(makeProject({ 'f.txt': text }));
    const r = await tools.run(read({ path: 'f.txt', start_line: '9', end_line: 11 }));
    expect(r.output).toBe('f.txt (lines 9-11 of 20)\n 9\tline 9\n10\tline 10\n11\tline 11');
  });

  it('stops a big file at the cap on a whole line and says where to continue', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `line number ${i + 1}`).join('\n');
    const tools = makeRegistry(makeProject({ 'big.txt': text }));
    const r = await tools.run(read({ path: 'big.txt' }));
    expect(r.output.length).toBeLessThanOrEqual(4000);
    const last = Number(/continue with start_line=(\d+)/.exec(r.output)![1]);
    expect(r.output).toMatch(new RegExp(`\\(lines 1-${last - 1} of 3000\\)`));
    expect(r.output).toContain(`${last - 1}\tline number ${last - 1}\n`);
    const next = await tools.run(read({ path: 'big.txt', start_line: last }));
    expect(next.output).toContain(`${last}\tline number ${last}`);
  });

  it('uses the policy cap', async () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i + 1}`).join('\n');
    const tools = makeRegistry(makeProject({ 'f.txt': text }), { policy: policyWith((p) => (p.context.toolResultMaxChars = 600)) });
    const r = await tools.run(read({ path: 'f.txt' }));
    expect(r.output.length).toBeLessThanOrEqual(600);
    expect(r.output).toMatch(/continue with start_line=\d+/);
  });

  it('suggests the closest names for a missing file', async () => {
    const tools = makeRegistry(makeProject({ 'src/index.ts': '' }));
    const r = await tools.run(read({ path: 'src/indx.ts' }));
    expect(r.ok).toBe(false);
    expect(r.output).toBe("File not found: src/indx.ts. Did you mean 'src/index.ts'?");
  });

  it('lists a directory instead of failing', async () => {
    const tools = makeRegistry(makeProject({ 'src/a.ts': '', 'src/lib/b.ts': '' }));
    const r = await tools.run(read({ path: 'src' }));
    expect(r.output).toBe('src is a directory with 2 entries:\na.ts\nlib/');
  });

  it('refuses binary files and ranges past the end with a clear message', async () => {
    const root = makeProject({ 'short.txt': 'one\ntwo\n' });
    writeFileSync(path.join(root, 'img.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
    const tools = makeRegistry(root);
    expect((await tools.run(read({ path: 'img.bin' }))).output).toMatch(/binary file/);
    const past = await tools.run(read({ path: 'short.txt', start_line: 5 }));
    expect(past.ok).toBe(false);
    expect(past.output).toBe('short.txt has 2 lines; start_line 5 is past the end.');
  });

  it('names the bad field when arguments are invalid, and accepts common aliases', async () => {
    const tools = makeRegistry(makeProject({ 'a.txt': 'a' }));
    const bad = await tools.run(read({ path: 42 }));
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/^Invalid arguments for read_file: 'path': expected string, received number\. Expected \{path: string, start_line\?: (integer|number), end_line\?: (integer|number)\}\.$/);
    const zero = await tools.run(read({ path: 'a.txt', start_line: 0 }));
    expect(zero.output).toMatch(/'start_line'/);
    expect((await tools.run(read({ file_path: 'a.txt' }))).output).toContain('1\ta');
  });
});
