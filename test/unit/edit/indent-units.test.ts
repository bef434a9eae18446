/**
 * Edits written in another indentation unit than the file's (4 spaces into a tab-indented
 * file, 2 into 4, tabs into spaces), at another base depth, with trailing whitespace or CRLF:
 * the replacement lands in the file's unit and depth, or the edit is refused, never a
 * different file. Files and edits are generated (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdit, EditError } from '../../../runtime/edit/index.js';

const UNITS = ['\t', '  ', '    '] as const;

interface Line {
  depth: number;
  text: string;
}

/** Nested code: a line one level deeper always follows a block header; names are unique. */
const codeArb = fc.array(fc.integer({ min: -2, max: 1 }), { minLength: 8, maxLength: 40 }).map((steps) => {
  const lines: Line[] = [];
  let depth = 0;
  steps.forEach((step, i) => {
    const next = Math.max(0, Math.min(4, depth + step));
    if (next > depth && lines.length) lines[lines.length - 1] = { depth, text: `block_${i - 1}:` };
    depth = next > depth && !lines.length ? 0 : next;
    lines.push({ depth, text: `value_${i} = compute(${i}, "x")` });
  });
  return lines;
});

function render(lines: Line[], unit: string, base = 0): string[] {
  return lines.map((l) => unit.repeat(Math.max(0, l.depth - base)) + l.text);
}

const editArb = fc.record({
  code: codeArb,
  fileUnit: fc.constantFrom(...UNITS),
  modelUnit: fc.constantFrom(...UNITS),
  start: fc.nat(),
  length: fc.integer({ min: 2, max: 6 }),
  baseShift: fc.constantFrom('none', 'zero', 'extra'),
  insertAt: fc.nat(),
  deeper: fc.boolean(),
  trailingSpace: fc.boolean(),
  crlf: fc.boolean(),
});

describe('replacements in the file indentation unit and depth (property)', () => {
  it('the result is the intended file, or a refusal', () => {
    let applied = 0;
    let runs = 0;
    fc.assert(
      fc.property(editArb, (e) => {
        const start = e.start % Math.max(1, e.code.length - e.length);
        const region = e.code.slice(start, start + e.length);
        fc.pre(region.length >= 2);
        const regionBase = Math.min(...region.map((l) => l.depth));
        // Where the model puts the block: where the file has it, at the left margin, or one level in.
        const modelBase = e.baseShift === 'none' ? regionBase : e.baseShift === 'zero' ? 0 : regionBase + 1;
        const at = e.insertAt % region.length;
        const inserted: Line = { depth: region[at]!.depth + (e.deeper && region[at]!.text.endsWith(':') ? 1 : 0), text: 'inserted_line = 1' };
        const changed = region.map((l, i) => (i === 0 ? { ...l, text: `${l.text}  # changed` } : l));
        const replacement = [...changed.slice(0, at + 1), inserted, ...changed.slice(at + 1)];
        if (inserted.depth > region[at]!.depth && at + 1 < region.length && region[at + 1]!.depth <= region[at]!.depth) fc.pre(false);

        const shift = (lines: Line[]) => lines.map((l) => ({ ...l, depth: l.depth - regionBase + modelBase }));
        const eol = e.crlf ? '\r\n' : '\n';
        const search = render(shift(region), e.modelUnit).map((l) => (e.trailingSpace ? `${l}  ` : l)).join(eol) + eol;
        const replace = render(shift(replacement), e.modelUnit).join(eol) + eol;
        const file = `${render(e.code, e.fileUnit).join('\n')}\n`;
        // A search that matches as written says nothing about the model's unit: 4 spaces for a
        // new line in a 2-space file may be two levels or alignment, and is kept (documented).
        const asWritten = render(shift(region), e.modelUnit).join('\n') === render(region, e.fileUnit).join('\n');
        fc.pre(!(asWritten && e.modelUnit !== e.fileUnit && e.modelUnit !== '\t' && e.fileUnit !== '\t'));
        const intended = `${render([...e.code.slice(0, start), ...replacement, ...e.code.slice(start + e.length)], e.fileUnit).join('\n')}\n`;
        runs++;
        try {
          expect(applyEdit(file, { search, replace })).toBe(intended);
          applied++;
        } catch (err) {
          if (!(err instanceof EditError)) throw err;
        }
      }),
      { numRuns: 400, seed: 11 },
    );
    // Refusing is allowed, but this class must apply.
    expect(applied / runs).toBeGreaterThan(0.95);
  });
});

describe('indentation units, examples', () => {
  const tabs = 'class A:\n\tdef f(self):\n\t\tif x:\n\t\t\treturn 1\n\t\treturn 2\n';

  it('4 spaces into a tab-indented file', () => {
    const out = applyEdit(tabs, { search: '    if x:\n        return 1\n', replace: '    if x:\n        log()\n        return 1\n' });
    expect(out).toBe('class A:\n\tdef f(self):\n\t\tif x:\n\t\t\tlog()\n\t\t\treturn 1\n\t\treturn 2\n');
  });

  it('2 spaces into a 4-space file, written at the left margin', () => {
    const file = 'def f():\n    if x:\n        return 1\n    return 2\n';
    const out = applyEdit(file, { search: 'if x:\n  return 1\n', replace: 'if x:\n  if y:\n    return 3\n  return 1\n' });
    expect(out).toBe('def f():\n    if x:\n        if y:\n            return 3\n        return 1\n    return 2\n');
  });

  it('tabs into a 2-space file', () => {
    const file = 'a {\n  b {\n    c;\n  }\n}\n';
    expect(applyEdit(file, { search: '\tb {\n\t\tc;\n', replace: '\tb {\n\t\tc;\n\t\td;\n' })).toBe('a {\n  b {\n    c;\n    d;\n  }\n}\n');
  });

  it('near miss: the model already writes the file unit, so nothing is converted', () => {
    const file = 'def f():\n  if x:\n    return 1\n';
    expect(applyEdit(file, { search: 'if x:\n  return 1\n', replace: 'if x:\n  return 2\n' })).toBe('def f():\n  if x:\n    return 2\n');
  });

  it('near miss: alignment spaces after the unit are kept', () => {
    const file = 'def f():\n\tcall(a,\n\t     b)\n';
    expect(applyEdit(file, { search: '    call(a,\n         b)\n', replace: '    call(a,\n         c)\n' })).toBe('def f():\n\tcall(a,\n\t     c)\n');
  });
});
