/**
 * What is written when a search matched only loosely: lines the model copied keep the file's
 * characters, a changed line keeps the file's text around the change, a mis-nested search is
 * refused rather than re-indented by guess, and edge elisions cover no line. Generated cases
 * (fast-check): an exact edit gives exactly the expected text; the same edit with its search
 * loosened gives that text too or a refusal, never a third text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdit, EditError } from '../../../runtime/edit/index.js';

function refusal(run: () => unknown): EditError {
  try {
    run();
  } catch (err) {
    if (err instanceof EditError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the file keeps its characters outside the change', () => {
  it('typographic quotes on a copied line and around a changed part', () => {
    const file = 'msg = “Hello”\nx = 1\ny = 5\n';
    expect(applyEdit(file, { search: 'msg = "Hello"\nx = 1\n', replace: 'msg = "Hello"\nx = 2\n' })).toBe('msg = “Hello”\nx = 2\ny = 5\n');
    expect(applyEdit('msg = “Hello” + name\n', { search: 'msg = "Hello" + name', replace: 'msg = "Hello" + user' })).toBe('msg = “Hello” + user\n');
  });

  it('full-width forms match their ASCII form, and stay full-width', () => {
    expect(applyEdit('print（"hi"）\nend\n', { search: 'print("hi")', replace: 'print("bye")' })).toBe('print（"bye"）\nend\n');
  });

  it('a no-break space and double spaces inside a copied line', () => {
    expect(applyEdit('const\u00a0x = 1;\n', { search: 'const x = 1;', replace: 'const x = 2;' })).toBe('const\u00a0x = 2;\n');
    expect(applyEdit('if  (a) {\n  b();\n}\n', { search: 'if (a) {\n  b();\n', replace: 'if (a) {\n  c();\n' })).toBe('if  (a) {\n  c();\n}\n');
  });

  it('near miss: two places equal after folding are ambiguous', () => {
    expect(refusal(() => applyEdit('a = “q”\nb\na = „q“\n', { search: 'a = "q"\n', replace: 'a = "r"\n' })).kind).toBe('ambiguous');
  });

  it('near miss: superscripts are not folded (x² is not x2)', () => {
    expect(refusal(() => applyEdit('y = x²\n', { search: 'y = x2', replace: 'y = x3' })).kind).toBe('no_match');
  });
});

describe('indentation that differs from line to line', () => {
  it('new lines under a flattened search are refused, naming the line', () => {
    const err = refusal(() => applyEdit('  if (a) {\n    foo();\n  }\nz\n', { search: 'if (a) {\nfoo();\n}\n', replace: 'if (a) {\nfoo();\nbar();\n}\n' }));
    expect(err.kind).toBe('no_match');
    expect(err.message).toMatch(/the file has " {4}foo\(\);"/);
  });

  it('near miss: deleting copied lines applies, each kept line as the file has it', () => {
    expect(applyEdit('  if (a) {\n    foo();\n    bar();\n  }\n', { search: 'if (a) {\nfoo();\nbar();\n}\n', replace: 'if (a) {\nfoo();\n}\n' })).toBe('  if (a) {\n    foo();\n  }\n');
  });
});

describe('elisions at the edges of a search', () => {
  const file = 'def hello():\n    print("a")\n    return 1\n\nx = 2\n';
  it('cover no line: the block after them stays', () => {
    expect(applyEdit(file, { search: 'def hello():\n    # ...', replace: 'def hello(name):\n    # ...' })).toBe(file.replace('hello()', 'hello(name)'));
    expect(applyEdit(file, { search: 'def hello():\n    ...\n', replace: 'def hello():\n    print("hi")\n    ...\n' })).toBe('def hello():\n    print("hi")\n    print("a")\n    return 1\n\nx = 2\n');
  });

  it('near miss: a replacement that drops the trailing elision is refused', () => {
    expect(refusal(() => applyEdit(file, { search: 'def hello():\n    ...\n', replace: 'def hello():\n    print("hi")\n' })).kind).toBe('no_match');
  });

  it('a replacement placeholder in other words is still filled, never written', () => {
    const f = 'function f(x) {\n  const y = x + 1;\n  log(y);\n  return y;\n}\n';
    expect(applyEdit(f, { search: f, replace: 'function f(x) {\n  const y = x + 2;\n  // rest of the function unchanged\n}\n' })).toBe(f.replace('x + 1', 'x + 2'));
  });
});

describe('a replacement cut short before the end of its search', () => {
  const js = 'function f(x) {\n  const y = x + 1;\n  log(y);\n  return y;\n}\n';
  const py = 'def f(x):\n    y = x + 1\n    return y\n';
  it('losing the closing bracket or the final return is refused with what to do', () => {
    const cut = refusal(() => applyEdit(js, { search: js, replace: 'function f(x) {\n  const y = x + 2;\n' }));
    expect(cut.kind).toBe('invalid_edit');
    expect(cut.message).toMatch(/stops before its last line \("\}"\).*unclosed.*replacement is empty/);
    expect(refusal(() => applyEdit(py, { search: py, replace: 'def f(x):\n    y = x + 2\n' })).message).toMatch(/"return y"/);
  });

  it('near misses: a changed or moved return, an empty replacement, an unwrapped block', () => {
    expect(applyEdit(py, { search: py, replace: 'def f(x):\n    return x + 2\n' })).toBe('def f(x):\n    return x + 2\n');
    expect(applyEdit(py, { search: '    y = x + 1\n    return y\n', replace: '' })).toBe('def f(x):\n');
    const wrapped = 'if (a) {\n  x();\n}\n';
    expect(applyEdit(wrapped, { search: wrapped, replace: 'x();\n' })).toBe('x();\n');
    expect(applyEdit(js, { search: '  log(y);\n  return y;\n}', replace: '  log(y);\n  return y;\n} // f' })).toBe(js.replace('}\n', '} // f\n'));
  });
});

/** Files of unique lines with a random indentation structure, and an edit of a run of them. */
const caseArb = fc
  .record({
    depths: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 20 }),
    unit: fc.constantFrom('\t', '  ', '    '),
    start: fc.nat(),
    length: fc.integer({ min: 1, max: 4 }),
    change: fc.nat(),
    finalNewline: fc.boolean(),
    quotes: fc.boolean(),
  })
  .map((c) => {
    const lines = c.depths.map((d, i) => `${c.unit.repeat(d)}item_${i} = call(${c.quotes ? '“k”' : '"k"'}, ${i})`);
    const start = c.start % lines.length;
    const length = Math.min(c.length, lines.length - start);
    const region = lines.slice(start, start + length);
    const at = c.change % length;
    const replaced = region.map((l, i) => (i === at ? l.replace(/, (\d+)\)$/, ', $1 + 1)') : l));
    const file = lines.join('\n') + (c.finalNewline ? '\n' : '');
    const expected = [...lines.slice(0, start), ...replaced, ...lines.slice(start + length)].join('\n') + (c.finalNewline ? '\n' : '');
    return { file, region, replaced, expected };
  });

describe('generated edits (property)', () => {
  it('an exact edit yields exactly the expected text, final newline kept either way', () => {
    fc.assert(
      fc.property(caseArb, ({ file, region, replaced, expected }) => {
        expect(applyEdit(file, { search: `${region.join('\n')}\n`, replace: `${replaced.join('\n')}\n` })).toBe(expected);
        expect(applyEdit(file, { search: region.join('\n'), replace: replaced.join('\n') })).toBe(expected);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('a loosened search (indentation lost, ASCII quotes, trailing spaces) yields the expected text or a refusal', () => {
    const loosen = [
      (l: string) => l.trimStart(),
      (l: string) => l.replace(/[“”]/g, '"'),
      (l: string) => `${l}  `,
    ];
    let applied = 0;
    let runs = 0;
    fc.assert(
      fc.property(caseArb, fc.constantFrom(0, 1, 2), ({ file, region, replaced, expected }, k) => {
        const f = loosen[k]!;
        runs++;
        try {
          expect(applyEdit(file, { search: `${region.map(f).join('\n')}\n`, replace: `${replaced.map(f).join('\n')}\n` })).toBe(expected);
          applied++;
        } catch (err) {
          if (!(err instanceof EditError)) throw err;
        }
      }),
      { numRuns: 200, seed: 8 },
    );
    expect(applied / runs).toBeGreaterThan(0.6);
  });
});
