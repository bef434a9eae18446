import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, EditError, findMatch, formatEditError, type Edit } from '../../../runtime/edit/index.js';

function refusal(fn: () => unknown): EditError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EditError) return err;
    throw err;
  }
  throw new Error('expected an EditError, but the edit was applied');
}

describe('ambiguous matches are refused with the candidate lines', () => {
  it('lists the 1-based start line of every exact match', () => {
    const file = 'def alice(self):\n    return None\n\ndef bob(self):\n    return None\n';
    const err = refusal(() => applyEdit(file, { search: '    return None\n', replace: '    return 1\n' }));
    expect(err.kind).toBe('ambiguous');
    expect(err.candidates).toEqual([
      { line: 2, preview: 'return None' },
      { line: 5, preview: 'return None' },
    ]);
  });

  it('also when only a tolerant strategy matches twice', () => {
    const err = refusal(() => applyEdit('    line1\n    line2\n    line1\n', { search: 'line1\n', replace: 'x\n' }));
    expect(err.kind).toBe('ambiguous');
    expect(err.candidates?.map((c) => c.line)).toEqual([1, 3]);
  });

  it('counts matches on one line separately', () => {
    const err = refusal(() => findMatch("const foo = 'foo';", 'foo'));
    expect(err.candidates).toHaveLength(2);
    expect(err.candidates?.every((c) => c.line === 1)).toBe(true);
  });

  it('does not fall through to a looser strategy that might pick one', () => {
    // Exact matches twice; a fuzzy or whitespace strategy must not break the tie.
    expect(refusal(() => applyEdit('a = 1\nb = 2\na = 1\n', { search: 'a = 1', replace: 'a = 3' })).kind).toBe('ambiguous');
  });

  it('the message names the lines and asks for more context', () => {
    const err = refusal(() => applyEdit('x\ny\nx\n', { search: 'x', replace: 'z' }));
    const message = formatEditError(err, 'src/a.ts');
    expect(message).toContain('matches 2 places in src/a.ts (lines 1, 3)');
    expect(message).toContain('line 3: x');
    expect(message).toMatch(/neighbouring lines/);
  });
});

describe('no match shows the closest region', () => {
  const file = ['import x from "x";', '', 'function hello() {', '    console.log("hello")', '}', '', 'export default hello;', ''].join('\n');

  it('with line numbers, the file text and a similarity', () => {
    const err = refusal(() => applyEdit(file, { search: 'function hello() {\n    console.log("wrong")\n}\n', replace: 'x' }));
    expect(err.kind).toBe('no_match');
    expect(err.closest).toMatchObject({ startLine: 3, endLine: 5, text: 'function hello() {\n    console.log("hello")\n}' });
    expect(err.closest!.similarity).toBeGreaterThan(0.8);
    expect(err.closest!.similarity).toBeLessThan(1);
    const message = formatEditError(err, 'hello.js');
    expect(message).toContain('not found in hello.js');
    expect(message).toContain('lines 3-5');
    expect(message).toContain('4 |     console.log("hello")');
    expect(err.closest!.firstDifference).toEqual({ line: 4, file: '    console.log("hello")', search: '    console.log("wrong")' });
    expect(message).toMatch(/First difference, line 4: the file has\n {2}console\.log\("hello"\)\nbut your search text has\n {2}console\.log\("wrong"\)/);
  });

  it('even when no line matches exactly', () => {
    const err = refusal(() => applyEdit(file, { search: 'export defualt hello;', replace: 'y' }));
    expect(err.closest).toMatchObject({ startLine: 7, endLine: 7 });
  });

  it('and no region at all when nothing resembles the search', () => {
    const err = refusal(() => applyEdit('hello world', { search: 'zzzzzzzzzzzzzzzzzzqqq', replace: 'y' }));
    expect(err.kind).toBe('no_match');
    expect(err.closest).toBeUndefined();
    expect(formatEditError(err)).toMatch(/Read the file again/);
  });

  it('a different function with the same outline is not a match', () => {
    const f = 'function processUsers(data) {\n    return data.map(user => user.name);\n}\n';
    const err = refusal(() => applyEdit(f, { search: 'function handleItems(items) {\n    return items.map(item => item.username);\n}\n', replace: 'x' }));
    expect(err.kind).toBe('no_match');
  });

  it('a short search with a typo is not fuzzily matched', () => {
    // 10% of a short line is a different operator or number.
    expect(refusal(() => applyEdit('return a - b;\n', { search: 'return a + b;', replace: 'return a * b;' })).kind).toBe('no_match');
  });
});

describe('empty search and no-op edits', () => {
  it('an empty search fills an empty file', () => {
    expect(applyEdit('', { search: '', replace: 'content\n' })).toBe('content\n');
  });

  it('an empty search on a non-empty file is refused, not guessed', () => {
    const err = refusal(() => applyEdit('existing', { search: '', replace: 'new' }));
    expect(err.kind).toBe('empty_search');
    expect(formatEditError(err, 'a.txt')).toMatch(/empty, but a\.txt is not[\s\S]*write the file instead/);
  });

  it('a whitespace-only search applies only where it occurs exactly once, as written', () => {
    expect(applyEdit('a\n\n\nb\nc\n', { search: '\n\n\n', replace: '\n' })).toBe('a\nb\nc\n');
    expect(applyEdit('a\r\n\r\n\r\nb\r\n', { search: '\n\n\n', replace: '\n\n' })).toBe('a\r\n\r\nb\r\n');
    // Near misses: overlapping places count (`\n\n\n` twice in four newlines), and a blank
    // search that is nowhere exactly is not matched loosely.
    const twice = refusal(() => applyEdit('a\n\n\n\nb\n', { search: '\n\n\n', replace: '\n' }));
    expect(twice.kind).toBe('empty_search');
    expect(formatEditError(twice, 'a.txt')).toMatch(/only whitespace \("\\n\\n\\n"\) and occurs in 2 places/);
    const nowhere = refusal(() => applyEdit('existing', { search: '  \n', replace: 'new' }));
    expect(formatEditError(nowhere, 'a.txt')).toMatch(/only whitespace .* does not occur in the file exactly as written[\s\S]*put the existing lines next to your change/);
  });

  it('identical search and replacement are refused before matching', () => {
    expect(refusal(() => applyEdit('content', { search: 'same', replace: 'same' })).kind).toBe('no_change');
  });

  it('an edit that already landed is reported as such, with the line', () => {
    const err = refusal(() => applyEdit('a\n  total = 2\nc\n', { search: 'total = 1', replace: 'total = 2' }));
    expect(err.kind).toBe('no_change');
    expect(formatEditError(err, 'x.py')).toMatch(/already is \(line 2\): the edit looks applied already/);
  });

  it('a replacement too short to be evidence is not taken as "already applied"', () => {
    expect(refusal(() => applyEdit('a\n}\n', { search: 'b', replace: '}' })).kind).toBe('no_match');
  });

  it('an edit whose re-indented replacement equals the file is refused', () => {
    expect(refusal(() => applyEdit('    a()\n', { search: 'a()\n', replace: '    a()\n' })).kind).toBe('no_change');
  });

  it('an elided search whose replacement drops the elision is refused (the skipped code would be lost)', () => {
    const file = 'function f() {\n  a();\n  b();\n  return 1;\n}\n';
    const err = refusal(() => applyEdit(file, { search: 'function f() {\n  // ...\n  return 1;\n}\n', replace: 'function f() {\n  return 2;\n}\n' }));
    expect(err.kind).toBe('no_match');
    expect(formatEditError(err, 'f.js')).toMatch(/could not be placed in f\.js: .*skipped code would be lost/);
  });

  it('an elided search that fits two places is ambiguous', () => {
    const file = 'function f() {\n  a();\n  return 1;\n}\nfunction f() {\n  b();\n  return 1;\n}\n';
    const err = refusal(() => applyEdit(file, { search: 'function f() {\n  // ...\n  return 1;\n}\n', replace: 'function f() {\n  // ...\n  return 2;\n}\n' }));
    expect(err.kind).toBe('ambiguous');
    expect(err.candidates?.map((c) => c.line)).toEqual([1, 5]);
  });
});

describe('applyEdits', () => {
  it('applies edits in the order given, each to the previous result', () => {
    const file = 'Hello world\nThis is a test file\nGoodbye world';
    const edits: Edit[] = [
      { search: 'Hello world', replace: 'Hi universe' },
      { search: 'Hi universe', replace: 'Greetings cosmos' },
      { search: 'Goodbye', replace: 'Farewell' },
    ];
    expect(applyEdits(file, edits)).toBe('Greetings cosmos\nThis is a test file\nFarewell world');
  });

  it('accepts edits out of file order', () => {
    expect(applyEdits('one\ntwo\nthree\nfour\n', [{ search: 'four\n', replace: '4\n' }, { search: 'two\n', replace: '2\n' }])).toBe('one\n2\nthree\n4\n');
  });

  it('is all-or-nothing and says which edit failed', () => {
    const file = 'Hello world';
    const err = refusal(() => applyEdits(file, [{ search: 'Hello', replace: 'Hi' }, { search: 'not found', replace: 'x' }]));
    expect(err.kind).toBe('no_match');
    expect(err.editIndex).toBe(1);
    expect(formatEditError(err, 'a.txt')).toMatch(/^Edit 2 failed in a\.txt; no edit was applied/);
  });

  it('an empty list changes nothing', () => {
    expect(applyEdits('x', [])).toBe('x');
  });
});

describe('odd input never crashes', () => {
  const odd: Array<[string, string]> = [
    ['', 'something'],
    ['short', 'this is much longer than the file content'],
    ['\n\n\n', 'a'],
    ['a\rb\rc', 'b'],
    ['\uFEFF', 'x'],
    ['x'.repeat(5000), 'y'.repeat(3000)],
    ['a\n'.repeat(50), '\n\n\nb\n\n'],
    ['line\n', '...\n'],
    ['ab', '\\'],
  ];
  it.each(odd)('odd input %#: a result or an EditError', (file, search) => {
    try {
      const out = applyEdit(file, { search, replace: 'R' });
      expect(typeof out).toBe('string');
    } catch (err) {
      expect(err).toBeInstanceOf(EditError);
      expect(formatEditError(err as EditError, 'f').length).toBeGreaterThan(0);
    }
  });
});

describe('a search that is also part of other lines', () => {
  it('is taken as the one line it equals', () => {
    expect(applyEdit('    max = 10\n    x = 1\n', { search: 'x = 1', replace: 'x = 2' })).toBe('    max = 10\n    x = 2\n');
  });

  it('is still ambiguous when it equals several lines', () => {
    expect(refusal(() => applyEdit('x = 1\nmax = 10\nx = 1\n', { search: 'x = 1', replace: 'x = 2' })).kind).toBe('ambiguous');
  });
});

describe('a search written as a whole line', () => {
  it('does not match the front of a longer line', () => {
    const file = 'This is a sample text.\nAnother line.\n';
    expect(refusal(() => applyEdit(file, { search: 'This is a sample text\n', replace: 'Replaced.\n' })).kind).toBe('no_match');
  });
});

describe('random input', () => {
  // Deterministic: a failure reproduces.
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const alphabet = ['a', 'b', ' ', '  ', '\t', '\n', '\r\n', '\r', '{', '}', '...', '// ...', '\\n', '\\"', 'é', 'e\u0301', '\u201c', '😀', '=======', '1 | ', '\uFEFF'];
  const text = (max: number) => Array.from({ length: Math.floor(rand() * max) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');

  it('either applies (changing the text) or throws an EditError, for 400 random edits', () => {
    for (let i = 0; i < 400; i++) {
      const file = text(60);
      const search = rand() < 0.5 && file.length > 4 ? file.slice(Math.floor(rand() * 4), Math.floor(rand() * file.length)) : text(12);
      const edit = { search, replace: text(12), replaceAll: rand() < 0.2 };
      try {
        expect(applyEdit(file, edit)).not.toBe(file);
      } catch (err) {
        if (!(err instanceof EditError)) throw new Error(`crash on ${JSON.stringify({ file, ...edit })}: ${(err as Error).stack}`);
      }
    }
  });
});

describe('fuzzy matches', () => {
  const twin = (name: string, quote: string) => `function ${name}() {\n  console.log(${quote}hello there${quote});\n  return 1;\n}\n`;

  it('two places equally close are ambiguous', () => {
    const file = `${twin('doIt', '"')}\n${twin('doIt', '"')}`;
    const err = refusal(() => applyEdit(file, { search: twin('doIt', "'"), replace: 'x\n' }));
    expect(err.kind).toBe('ambiguous');
    expect(err.candidates?.map((c) => c.line)).toEqual([1, 6]);
  });

  it('a clearly closer place wins over a distant rival', () => {
    const file = `${twin('doIt', '"')}\n${twin('makeSomethingElse', '`')}`;
    const out = applyEdit(file, { search: twin('doIt', "'"), replace: 'function doIt() {}\n' });
    expect(out).toBe(`function doIt() {}\n\n${twin('makeSomethingElse', '`')}`);
  });
});

describe('long candidate lists', () => {
  it('show the first eight and count the rest', () => {
    const err = refusal(() => applyEdit('x\n'.repeat(12), { search: 'x', replace: 'y' }));
    const message = formatEditError(err);
    expect(message).toContain('matches 12 places');
    expect(message).toContain('line 8: x');
    expect(message).not.toContain('line 9: x');
    expect(message).toContain('… and 4 more');
  });
});
