import { describe, expect, it } from 'vitest';
import { renderDiff } from '../../../runtime/tui/diff-view.js';
import { createStyle, stripAnsi } from '../../../runtime/tui/style.js';

describe('edits as a diff', () => {
  it('shows removed and added lines with a hunk header and context', () => {
    const out = renderDiff('a.py', 'a = 1\nb = 2\nc = 3\n', 'a = 1\nb = 20\nc = 3\n', createStyle(true));
    expect(stripAnsi(out).split('\n')).toEqual(['@@ -1,3 +1,3 @@', ' a = 1', '-b = 2', '+b = 20', ' c = 3']);
    expect(out).toContain('\x1b[31m-b = 2');
    expect(out).toContain('\x1b[32m+b = 20');
  });

  it('says when a file is new, and shows nothing when nothing changed', () => {
    expect(stripAnsi(renderDiff('n.txt', null, 'x\ny\n', createStyle(false)))).toBe('new file, 2 lines\n@@ -1,0 +1,2 @@\n+x\n+y');
    expect(renderDiff('n.txt', 'same\n', 'same\n', createStyle(false))).toBe('');
  });
});

describe('a diff in a narrow terminal', () => {
  it('cuts long lines to the width instead of letting them wrap', () => {
    const out = renderDiff('a.txt', 'short\n', `${'x'.repeat(100)}\n`, createStyle(false), 30);
    const added = out.split('\n').find((l) => l.startsWith('+'))!;
    expect(added).toHaveLength(30);
    expect(added.endsWith('…')).toBe(true);
  });
});
