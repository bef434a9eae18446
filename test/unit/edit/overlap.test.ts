/**
 * Several blocks written against the same original (how models write them): blocks on separate
 * lines apply as if at once; blocks whose changed lines overlap in the original are refused
 * (`overlap`), never applied in sequence into duplicated or undone text. Blocks that share only
 * unchanged context lines apply. Files and edits are generated (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, EditError, mergeElidedRewrite } from '../../../runtime/edit/index.js';

/** A file of unique lines, so every block's search has one place. */
const fileArb = fc.integer({ min: 8, max: 30 }).map((n) => Array.from({ length: n }, (_, i) => `  value_${i} = compute(${i}, "line ${i}");`));

/** A block over original lines [from, to): its search, and a replacement that changes lines [from + keepHead, to - keepTail). */
function block(lines: string[], from: number, to: number, keepHead: number, keepTail: number, tag: string) {
  const search = lines.slice(from, to);
  const replace = search.map((line, k) => (k < keepHead || k >= search.length - keepTail ? line : line.replace('compute', `compute_${tag}`)));
  return { search: `${search.join('\n')}\n`, replace: `${replace.join('\n')}\n` };
}

/** The file with every block's changed lines applied at once, against the original. */
function atOnce(lines: string[], blocks: Array<{ from: number; to: number; keepHead: number; keepTail: number; tag: string }>): string {
  const out = [...lines];
  for (const b of blocks) for (let i = b.from + b.keepHead; i < b.to - b.keepTail; i++) out[i] = out[i]!.replace('compute', `compute_${b.tag}`);
  return out.join('\n') + '\n';
}

const spanArb = (n: number) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }))
  .map(([from, length, keepHead, keepTail]) => {
    const to = Math.min(n, from + length + keepHead + keepTail);
    return { from, to, keepHead: Math.min(keepHead, to - from - 1), keepTail: Math.min(keepTail, Math.max(0, to - from - 1 - keepHead)) };
  })
  .filter((s) => s.to - s.from - s.keepHead - s.keepTail > 0);

describe('several blocks against the same original', () => {
  it('applies blocks that share at most unchanged context as if at once, refuses a block whose search covers another\'s changed lines', () => {
    fc.assert(fc.property(fileArb.chain((lines) => fc.tuple(fc.constant(lines), spanArb(lines.length), spanArb(lines.length))), ([lines, a, b]) => {
      const original = lines.join('\n') + '\n';
      const blocks = [{ ...a, tag: 'a' }, { ...b, tag: 'b' }];
      const edits = blocks.map((s) => block(lines, s.from, s.to, s.keepHead, s.keepTail, s.tag));
      const changedA = [a.from + a.keepHead, a.to - a.keepTail];
      const changedB = [b.from + b.keepHead, b.to - b.keepTail];
      // Refused when one block's changed lines fall inside the other's search (shared unchanged context is fine).
      const meets = (x: number[], y: number[]) => x[0]! < y[1]! && y[0]! < x[1]!;
      const overlap = meets(changedA, [b.from, b.to]) || meets(changedB, [a.from, a.to]);
      let result: string | EditError;
      try {
        result = applyEdits(original, edits);
      } catch (err) {
        if (!(err instanceof EditError)) throw err;
        result = err;
      }
      if (typeof result === 'string') {
        // Whatever applied is what the blocks say against the original: never a duplicate.
        expect(overlap).toBe(false);
        expect(result).toBe(atOnce(lines, blocks));
      } else if (overlap) {
        expect(result.kind).toBe('overlap');
        expect(result.editIndex).toBe(1);
        expect(result.message).toMatch(/edit 2 and edit 1 change the same lines/);
      } else {
        expect.fail(`blocks that share only unchanged context were refused: ${result.message}`);
      }
    }), { numRuns: 300 });
  });

  it('near miss: a second block that edits the first block\'s result (its search exists only there) applies', () => {
    const original = 'a = 1\nb = 2\nc = 3\n';
    const out = applyEdits(original, [{ search: 'b = 2\n', replace: 'b = 20\n' }, { search: 'b = 20\n', replace: 'b = 200\n' }]);
    expect(out).toBe('a = 1\nb = 200\nc = 3\n');
  });

  it('the same block written twice is refused, not applied twice', () => {
    const original = 'one\ntwo\nthree\n';
    const edit = { search: 'two\n', replace: 'two\ntwo and a half\n' };
    expect(() => applyEdits(original, [edit, edit])).toThrowError(expect.objectContaining({ kind: 'overlap', editIndex: 1 }));
  });
});

describe('a whole-file rewrite without placeholders', () => {
  const code = (names: string[]) => names.map((n) => `function ${n}() {\n  return "${n}";\n}\n`).join('\n');

  it('is refused when it would delete more than half the file (a fragment), with what to do instead', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{3,8}$/), { minLength: 3, maxLength: 8 }), fc.nat(), (names, pick) => {
      const original = code(names);
      const one = names[pick % names.length]!;
      const fragment = `function ${one}() {\n  return "${one} changed";\n}\n`;
      expect(() => mergeElidedRewrite(original, fragment)).toThrowError(expect.objectContaining({ kind: 'invalid_edit', message: expect.stringMatching(/looks like a fragment/) }));
    }));
  });

  it('near miss: a rewrite that keeps most of the file is the whole new file', () => {
    const original = code(['alpha', 'beta', 'gamma']);
    const rewrite = code(['alpha', 'beta', 'gamma']).replace('"gamma"', '"gamma!"');
    expect(mergeElidedRewrite(original, rewrite)).toBe(rewrite);
  });
});
