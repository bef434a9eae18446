import { describe, expect, it } from 'vitest';
import { displayWidth, tailFit, truncate } from '../../../runtime/tui/style.js';

describe('fitting text to the terminal width', () => {
  it('counts wide characters (CJK, emoji) as two columns, erring wide', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('✅ done')).toBe(7);
    expect(displayWidth('日本語')).toBe(6);
  });

  it('cuts to the width, never past it, with an ellipsis', () => {
    for (const text of ['a'.repeat(50), '✅'.repeat(30), `mixed ${'日本'.repeat(20)} text`]) {
      for (const width of [5, 10, 33]) {
        expect(displayWidth(truncate(text, width))).toBeLessThanOrEqual(width);
        expect(displayWidth(tailFit(text, width))).toBeLessThanOrEqual(width);
      }
    }
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('line one\nline two', 40)).toBe('line one ⏎ line two');
    expect(tailFit('the end of a long line', 8)).toBe('…ng line');
  });
});
