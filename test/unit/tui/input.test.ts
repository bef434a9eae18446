import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PromptHistory, PromptInput } from '../../../runtime/tui/input.js';
import { createStyle } from '../../../runtime/tui/style.js';

describe('the prompt', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'prompt-'));
    for (const f of ['src/main.ts', 'src/math/add.ts', 'README.md', 'node_modules/x/index.js', '.git/HEAD']) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), '');
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const input = () =>
    new PromptInput({ stdin: process.stdin, stdout: process.stdout, style: createStyle(false), root, commands: () => ['/help', '/history', '/quit'], onExitHint: () => {} });

  it('completes @paths one folder level at a time, skipping node_modules and .git', () => {
    const p = input();
    expect(p.complete('look at @sr')).toEqual([['@src/'], '@sr']);
    expect(p.complete('look at @src/ma')).toEqual([['@src/main.ts', '@src/math/'], '@src/ma']);
    expect(p.complete('@node_mod')[0]).toEqual([]);
    expect(p.complete('@add')).toEqual([['@src/math/add.ts'], '@add']); // no prefix match: by substring
    expect(p.complete('no at sign here')).toEqual([[], 'no at sign here']);
  });

  it('completes /commands', () => {
    expect(input().complete('/h')).toEqual([['/help', '/history'], '/h']);
  });

  it('keeps the history across runs, newest first, multi-line entries intact on disk', () => {
    const file = path.join(root, '.smallcode', 'prompt-history');
    const h = new PromptHistory(file);
    h.add('first');
    h.add('two\nlines');
    h.add('first');
    expect(new PromptHistory(file).entries).toEqual(['first', 'two lines']);
    expect(readFileSync(file, 'utf8')).toContain('"two\\nlines"');
  });
});
