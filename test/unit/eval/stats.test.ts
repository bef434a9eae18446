import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fisherDropP, passAtK, wilson } from '../../../runtime/eval/stats.js';
import { compareResults, type SuiteResult } from '../../../runtime/eval/runner.js';
import { mismatch } from '../../../runtime/eval/suite.js';

/** pass@k by its definition: 1 − C(n−c, k) / C(n, k), by brute-force binomials. */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('eval statistics', () => {
  it('pass@k equals the combinatorial definition, is 1 at c = n, 0 at c = 0, and rises with k', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), fc.nat(), (n, cRaw, kRaw) => {
      const c = cRaw % (n + 1);
      const k = 1 + (kRaw % n);
      expect(passAtK(n, c, k)).toBeCloseTo(1 - choose(n - c, k) / choose(n, k), 9);
      if (c === 0) expect(passAtK(n, c, k)).toBe(0);
      if (c === n) expect(passAtK(n, c, k)).toBe(1);
      if (k < n) expect(passAtK(n, c, k + 1)).toBeGreaterThanOrEqual(passAtK(n, c, k) - 1e-12);
      expect(passAtK(n, c, 1)).toBeCloseTo(c / n, 12);
    }));
  });

  it('the Wilson interval holds the observed rate inside [0, 1] and narrows with more trials', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.nat(), (n, cRaw) => {
      const c = cRaw % (n + 1);
      const [lo, hi] = wilson(c, n);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      expect(lo).toBeLessThanOrEqual(c / n + 1e-12);
      expect(hi).toBeGreaterThanOrEqual(c / n - 1e-12);
      const [lo4, hi4] = wilson(4 * c, 4 * n);
      expect(hi4 - lo4).toBeLessThan(hi - lo + 1e-12);
    }));
    // A textbook value: 8 of 10 → [0.490, 0.943].
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.49, 2);
    expect(hi).toBeCloseTo(0.943, 2);
  });

  it('Fisher: 5/5 → 0/5 is significant (p = 1/252), 1/1 → 0/1 and 3/5 → 2/5 are noise, equal rates give p ≥ 0.5', () => {
    expect(fisherDropP(5, 5, 0, 5)).toBeCloseTo(1 / 252, 9);
    expect(fisherDropP(1, 1, 0, 1)).toBeCloseTo(0.5, 9);
    expect(fisherDropP(3, 5, 2, 5)).toBeGreaterThan(0.05);
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (n, cRaw) => {
      const c = cRaw % (n + 1);
      expect(fisherDropP(c, n, c, n)).toBeGreaterThanOrEqual(0.5 - 1e-9);
    }));
  });
});

const result = (cases: Array<[string, 'prompt' | 'replay', number, number]>): SuiteResult => ({
  suite: 's', file: 's.yaml', at: '', k: 1, passAt1: 0, passAtK: 0, interval: [0, 1], passAtKInterval: [0, 1],
  cases: cases.map(([id, kind, passed, n]) => ({ id, kind, n, passed, passAt1: passed / n, passAtK: passed / n, interval: wilson(passed, n), failures: [] })),
});

describe('compareResults', () => {
  it('calls a drop beyond noise a regression, a small one noise, and any drop of a replay case a regression', () => {
    const moves = compareResults(
      result([['big', 'prompt', 10, 10], ['small', 'prompt', 3, 5], ['replay', 'replay', 1, 1], ['up', 'prompt', 0, 10], ['old', 'prompt', 1, 1]]),
      result([['big', 'prompt', 2, 10], ['small', 'prompt', 2, 5], ['replay', 'replay', 0, 1], ['up', 'prompt', 10, 10], ['new', 'prompt', 1, 1]]),
    );
    expect(Object.fromEntries(moves.map((m) => [m.id, m.verdict]))).toEqual({ big: 'regression', small: 'noise', replay: 'regression', up: 'improved', new: 'new', old: 'gone' });
  });
});

describe('mismatch (case expectations)', () => {
  it('matches fields, operators and values, and says what differs', () => {
    expect(mismatch({ category: 'syntax_error', cause: 'x' }, { category: 'syntax_error' })).toBeUndefined();
    expect(mismatch({ category: 'other' }, { category: 'syntax_error' })).toContain('value.category');
    expect(mismatch('chat', { oneOf: ['coding', 'editing'] })).toContain('not one of');
    expect(mismatch('see api.ts', { matches: 'api\\.ts' })).toBeUndefined();
    expect(mismatch('see apits', { matches: 'api\\.ts' })).toContain('does not match');
    expect(mismatch(0.4, { min: 0.5 })).toContain('<');
    expect(mismatch(['a', 'b'], ['a'])).toContain('expected');
  });
});

describe('the shipped suite', () => {
  it('evals/prompts.yaml is a valid suite naming prompts that agents/core.marrow declares', async () => {
    const { loadSuite } = await import('../../../runtime/eval/suite.js');
    const { readFileSync } = await import('node:fs');
    const suite = loadSuite(new URL('../../../evals/prompts.yaml', import.meta.url).pathname);
    const marrow = readFileSync(new URL('../../../agents/core.marrow', import.meta.url), 'utf8');
    for (const c of suite.cases) if ('prompt' in c) expect(marrow).toContain(`prompt ${c.prompt}(`);
  });
});
