import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContextState } from '../../../runtime/tools/index.js';
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

/** A TypeScript module of about 6,000 tokens: imports, then 24 functions of 15 body lines each. */
function bigModule(): string {
  const lines = ["import { readFileSync } from 'node:fs';", "import * as path from 'node:path';", ''];
  for (let i = 1; i <= 24; i++) {
    lines.push(`export function handler${i}(input: string, options: { verbose: boolean }): number {`);
    for (let j = 1; j <= 15; j++) lines.push(`  const value${j} = input.length * ${j} + ${i}; // body line ${i}.${j} of handler${i}`);
    lines.push('  return 0;', '}', '');
  }
  return lines.join('\n');
}

/** A module of about 600 tokens: well under half of any window used here. */
function mediumModule(): string {
  const lines = ["import { join } from 'node:path';", ''];
  for (let i = 1; i <= 4; i++) {
    lines.push(`export function step${i}(dir: string): string {`);
    for (let j = 1; j <= 6; j++) lines.push(`  const part${j} = join(dir, 'part-${i}-${j}'); // body of step${i}`);
    lines.push('  return dir;', '}', '');
  }
  return lines.join('\n');
}

const roomy = (window = 4096): ContextState => ({ window, usedTokens: 500, budgetTokens: window - 1500 });

describe('read_file read guard', () => {
  it('answers a whole-file read of a file over half the window with an outline: declarations with line numbers, no body', async () => {
    const tools = makeRegistry(makeProject({ 'src/big.ts': bigModule() }), { contextState: () => roomy() });
    const r = await tools.run(read({ path: 'src/big.ts' }));
    expect(r.ok).toBe(true);
    expect(r.output).toMatch(/^src\/big\.ts: 458 lines, about \d{4} tokens — not shown whole: over 50% of the 4096-token context window\./);
    expect(r.output).toContain("  1\timport { readFileSync } from 'node:fs';");
    expect(r.output).toContain('  4\texport function handler1(input: string, options: { verbose: boolean }): number {');
    expect(r.output).toContain('327\texport function handler18(');
    expect(r.output).toContain('Read a range with read_file start_line/end_line (e.g. start_line=4 end_line=63), or search for a name with search.');
    expect(r.output).not.toContain('body line');
    expect(r.output.length).toBeLessThanOrEqual(4000);
  });

  it('reads a range of the same file as always', async () => {
    const tools = makeRegistry(makeProject({ 'src/big.ts': bigModule() }), { contextState: () => roomy() });
    const r = await tools.run(read({ path: 'src/big.ts', start_line: 5, end_line: 6 }));
    expect(r.output).toBe(
      'src/big.ts (lines 5-6 of 458)\n5\t  const value1 = input.length * 1 + 1; // body line 1.1 of handler1\n6\t  const value2 = input.length * 2 + 1; // body line 1.2 of handler1',
    );
    const from = await tools.run(read({ path: 'src/big.ts', start_line: 300 }));
    expect(from.output).toMatch(/^src\/big\.ts \(lines 300-\d+ of 458\)/);
    expect(from.output).toContain('body line');
  });

  it('reads a small file whole, even when the conversation is past its budget (an outline would not be smaller)', async () => {
    const root = makeProject({ 'src/a.ts': 'const a = 1;\nconst b = 2;\n' });
    const tools = makeRegistry(root, { contextState: () => ({ window: 4096, usedTokens: 5000, budgetTokens: 2500 }) });
    expect((await tools.run(read({ path: 'src/a.ts' }))).output).toBe('src/a.ts (2 lines)\n1\tconst a = 1;\n2\tconst b = 2;');
  });

  it('answers with an outline for a medium file once the conversation is past its budget, and with the content while it is not', async () => {
    let state: ContextState = roomy();
    const tools = makeRegistry(makeProject({ 'src/steps.ts': mediumModule() }), { contextState: () => state, policy: policyWith((p) => (p.tools.read_file = {})) });
    const plain = await tools.run(read({ path: 'src/steps.ts' }));
    expect(plain.output).toMatch(/^src\/steps\.ts \(41 lines\)\n/);
    expect(plain.output).toContain('body of step3');

    state = { window: 4096, usedTokens: 2600, budgetTokens: 2500 };
    const outline = await tools.run(read({ path: 'src/steps.ts' }));
    expect(outline.output).toMatch(/not shown whole: the conversation is already past its budget \(2600 of 2500 tokens\)/);
    expect(outline.output).toContain('23\texport function step3(dir: string): string {');
    expect(outline.output).not.toContain('body of step3');
    expect(outline.output.length * 2).toBeLessThanOrEqual(plain.output.length);

    state = { window: 4096, usedTokens: 2200, budgetTokens: 2500 };
    expect((await tools.run(read({ path: 'src/steps.ts' }))).output).toMatch(/reading it would push the conversation past its budget \(2200 \+ \d+ of 2500 tokens\)/);
  });

  it('pages as before when no context state is given (a registry without an agent)', async () => {
    const tools = makeRegistry(makeProject({ 'src/big.ts': bigModule() }));
    const r = await tools.run(read({ path: 'src/big.ts' }));
    expect(r.output).toMatch(/^src\/big\.ts \(lines 1-\d+ of 458\)\n  1\timport/);
    expect(r.output).toContain('body line 1.1');
    expect(r.output).toMatch(/\[\.\.\. continue with start_line=\d+\]$/);
  });

  it('takes its threshold from the policy (context.readGuard)', async () => {
    const tools = makeRegistry(makeProject({ 'src/big.ts': bigModule() }), {
      contextState: () => ({ window: 16384, usedTokens: 500, budgetTokens: 14000 }),
      policy: policyWith((p) => (p.context.readGuard = 0.9)),
    });
    expect((await tools.run(read({ path: 'src/big.ts' }))).output).toContain('body line 1.1');
    const strict = makeRegistry(makeProject({ 'src/big.ts': bigModule() }), { contextState: () => ({ window: 16384, usedTokens: 500, budgetTokens: 14000 }) });
    expect((await strict.run(read({ path: 'src/big.ts' }))).output).toContain('over 50% of the 16384-token context window');
  });

  it('does not count an outline as having read the file: a whole-file write is refused once', async () => {
    const tools = makeRegistry(makeProject({ 'src/big.ts': bigModule() }), { contextState: () => roomy() });
    await tools.run(read({ path: 'src/big.ts' }));
    const write = await tools.run({ name: 'write_file', arguments: { path: 'src/big.ts', content: 'export {};\n' } });
    expect(write.ok).toBe(false);
    expect(write.output).toMatch(/you have not read it in this session/);
  });

  it('keeps the outline of a file with many declarations within a small cap, nested ones dropped first', async () => {
    const lines = ['class Service:'];
    for (let i = 1; i <= 200; i++) lines.push(`    def method_${i}(self, value):`, `        return value + ${i}  # body ${i}`);
    lines.push('', 'def main():', '    Service().method_1(1)');
    const tools = makeRegistry(makeProject({ 'service.py': lines.join('\n') }), {
      contextState: () => roomy(2048),
      policy: policyWith((p) => (p.context.toolResultMaxChars = 1200)),
    });
    const r = await tools.run(read({ path: 'service.py' }));
    expect(r.output.length).toBeLessThanOrEqual(1200);
    expect(r.output).toContain('403\tdef main():');
    expect(r.output).not.toContain('def method_150');
    expect(r.output).toMatch(/\[\.\.\. \d+ more not shown\]/);
    expect(r.output).toContain('search for a name with search');
  });
});
