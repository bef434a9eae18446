import { describe, expect, it } from 'vitest';
import { capOutput } from '../../../runtime/tools/index.js';

describe('capOutput', () => {
  it('leaves short output alone', () => {
    expect(capOutput('short', 100)).toBe('short');
  });

  it('keeps the head and the tail within the cap and says how to see more', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i + 1}`);
    const capped = capOutput(lines.join('\n'), 4000, 'Use read_file with start_line.');
    expect(capped.length).toBeLessThanOrEqual(4000);
    expect(capped.startsWith('line 1\nline 2\n')).toBe(true);
    expect(capped.endsWith('line 1999\nline 2000')).toBe(true);
    expect(capped).toMatch(/\[\.\.\. \d+ characters \(\d+ lines\) omitted\. Use read_file with start_line\. \.\.\.\]/);
    expect(capped).not.toContain('line 1000\n');
  });

  it('counts what it left out exactly', () => {
    const text = 'a'.repeat(10_000);
    const capped = capOutput(text, 1000);
    const omitted = Number(/(\d+) characters/.exec(capped)![1]);
    const kept = capped.replace(/\n\[\.\.\. .* \.\.\.\]\n/, '').length;
    expect(kept + omitted).toBe(10_000);
  });
});
