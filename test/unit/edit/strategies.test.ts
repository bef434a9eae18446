import { describe, expect, it } from 'vitest';
import { applyEdit, applyEditDetailed, findMatch } from '../../../runtime/edit/index.js';

interface Case {
  name: string;
  file: string;
  search: string;
  replace: string;
  expected: string;
  /** Prefix of the strategy that must have matched. */
  strategy: string;
}

const cases: Case[] = [
  // exact
  { name: 'partial-line substring', file: 'hello world', search: 'world', replace: 'moon', expected: 'hello moon', strategy: 'exact' },
  { name: 'regex metacharacters are literal', file: 'const r = /[a-z]+/g;', search: '/[a-z]+/g', replace: '/[A-Z]+/g', expected: 'const r = /[A-Z]+/g;', strategy: 'exact' },
  { name: '$ patterns in the replacement are literal', file: 'hello world', search: 'hello', replace: "$&-$'-$`-$1-$$", expected: "$&-$'-$`-$1-$$ world", strategy: 'exact' },
  { name: 'deleting whole lines removes their line breaks', file: 'a\n  // drop me\nb\n', search: '  // drop me\n', replace: '', expected: 'a\nb\n', strategy: 'exact' },
  {
    name: 'whole-line search whose replacement lost its newline keeps lines apart',
    file: 'one\ntwo\nthree\n',
    search: 'two\n',
    replace: 'TWO',
    expected: 'one\nTWO\nthree\n',
    strategy: 'exact',
  },

  // line endings
  { name: 'CRLF file, LF search: CRLF kept', file: 'a\r\nb\r\nc\r\n', search: 'a\nb\n', replace: 'a\nB\nextra\n', expected: 'a\r\nB\r\nextra\r\nc\r\n', strategy: 'line-endings' },
  { name: 'LF file, CRLF search and replacement: LF kept', file: 'alpha\nbeta\ngamma\n', search: 'alpha\r\nbeta', replace: 'alpha\r\nbeta2', expected: 'alpha\nbeta2\ngamma\n', strategy: 'line-endings' },
  { name: 'CRLF file, single-word search', file: 'x\r\nold\r\ny', search: 'old', replace: 'new', expected: 'x\r\nnew\r\ny', strategy: 'exact' },

  // whole lines
  { name: 'search ends with a newline, the last line has none', file: 'a\n\tb', search: '\tb\n', replace: '\tc\n', expected: 'a\n\tc', strategy: 'lines' },
  { name: 'deleting the last line (no final newline)', file: 'a\nb\nc', search: 'c\n', replace: '', expected: 'a\nb\n', strategy: 'lines' },
  { name: 'trailing whitespace ignored', file: 'foo   \nbar\t\nbaz\n', search: 'foo\nbar\n', replace: 'FOO\nBAR\n', expected: 'FOO\nBAR\nbaz\n', strategy: 'trailing-whitespace' },

  // indentation
  {
    name: 'missing uniform indent is re-added, relative indent kept',
    file: '\n    line1\n    line2\n        line3\n    line4\n',
    search: 'line2\n    line3\n',
    replace: 'new_line2\n    new_line3\n',
    expected: '\n    line1\n    new_line2\n        new_line3\n    line4\n',
    strategy: 'indentation',
  },
  {
    name: 'over-indented search is dedented',
    file: 'class A {\n    m() {\n        return 1;\n    }\n}',
    search: '        m() {\n            return 1;\n        }\n',
    replace: '        m() {\n            return 2;\n        }\n',
    expected: 'class A {\n    m() {\n        return 2;\n    }\n}',
    strategy: 'indentation',
  },
  {
    name: 'tabs in the file, spaces from the model',
    file: 'function f() {\n\tconst x = 1;\n}\n',
    search: '  const x = 1;',
    replace: '  const x = 2;\n  if (x) {\n    go();\n  }',
    expected: 'function f() {\n\tconst x = 2;\n\tif (x) {\n\t\tgo();\n\t}\n}\n',
    strategy: 'indentation',
  },
  {
    name: 'python block re-indented with the added line',
    file: 'class Foo:\n    def bar(self):\n        if True:\n            x = 1\n',
    search: 'if True:\n    x = 1',
    replace: 'if True:\n    x = 1\n    y = 2',
    expected: 'class Foo:\n    def bar(self):\n        if True:\n            x = 1\n            y = 2\n',
    strategy: 'indentation',
  },
  {
    name: 'replacement already in the file indentation is left alone',
    file: '  // comment\n\n  function oldFunc() {}',
    search: '\nfunction oldFunc() {}',
    replace: '\n  function newFunc() {}',
    expected: '  // comment\n\n  function newFunc() {}',
    strategy: 'indentation',
  },

  // whitespace inside lines
  {
    name: 'different spacing inside lines',
    file: 'def outer():\n    if  True:\n        return  42\n',
    search: 'if True:\n    return 42',
    replace: 'if True:\n    return 99',
    // The line the model copied unchanged keeps the file's spacing.
    expected: 'def outer():\n    if  True:\n        return 99\n',
    strategy: 'whitespace',
  },

  // blank lines at the edges
  { name: 'spurious leading blank line and partial indent', file: '    line1\n    line2\n    line3\n', search: '\n  line1\n  line2\n', replace: '  new1\n  new2\n', expected: '    new1\n    new2\n    line3\n', strategy: 'blank-edges+indentation' },
  { name: 'spurious trailing blank line', file: 'foo\nbar\nbaz\n', search: 'foo\nbar\n\n', replace: 'FOO\nbar\n\n', expected: 'FOO\nbar\nbaz\n', strategy: 'blank-edges+lines' },

  // repairs
  { name: 'over-escaped search and replacement', file: 'say find "me".', search: 'find \\"me\\"', replace: 'find \\"you\\"', expected: 'say find "you".', strategy: 'unescaped+exact' },
  { name: 'escaped newline written literally', file: 'a = 1\nb = 2\n', search: 'a = 1\\nb = 2', replace: 'a = 10\\nb = 20', expected: 'a = 10\nb = 20\n', strategy: 'unescaped+exact' },
  {
    name: 'line-number prefixes copied from a file view',
    file: 'class E {\n    constructor() {\n        this.v = 0;\n    }\n}',
    search: '2 |     constructor() {\n3 |         this.v = 0;\n4 |     }\n',
    replace: '    constructor() {\n        this.v = 1;\n    }\n',
    expected: 'class E {\n    constructor() {\n        this.v = 1;\n    }\n}',
    strategy: 'line-numbers+',
  },
  {
    name: 'typographic punctuation in the file',
    file: 'import asyncio  # local import \u2013 avoids top\u2011level dep\n',
    search: 'import asyncio  # local import - avoids top-level dep\n',
    replace: 'import asyncio\n',
    expected: 'import asyncio\n',
    strategy: 'punctuation',
  },
  {
    name: 'XML entities left by an XML tool-call format',
    file: 'if (a < b && c > d) {\n  go();\n}\n',
    search: 'if (a &lt; b &amp;&amp; c &gt; d) {',
    replace: 'if (a &lt;= b) {',
    expected: 'if (a <= b) {\n  go();\n}\n',
    strategy: 'entities+',
  },
  {
    name: 'markdown fence around search and replacement',
    file: 'def f():\n    return 1\n',
    search: '```python\n    return 1\n```',
    replace: '```python\n    return 2\n```\n',
    expected: 'def f():\n    return 2\n',
    strategy: 'fence+',
  },
  { name: 'stray spaces around a one-line search', file: 'const foo = bar;', search: '  foo  ', replace: ' baz ', expected: 'const baz = bar;', strategy: 'trimmed' },
  {
    name: 'all whitespace removed by the model',
    file: 'before\nfunction test() {\n  return true;\n}\nafter',
    search: 'function test(){return true;}',
    replace: 'function test() { return false; }',
    expected: 'before\nfunction test() { return false; }\nafter',
    strategy: 'ignore-whitespace',
  },

  // elision
  {
    name: 'elided middle carried over from the file',
    file: 'function f() {\n  a();\n  b();\n  c();\n  return 1;\n}\n',
    search: 'function f() {\n  // ... existing code ...\n  return 1;\n}\n',
    replace: 'function f() {\n  // ... existing code ...\n  return 2;\n}\n',
    expected: 'function f() {\n  a();\n  b();\n  c();\n  return 2;\n}\n',
    strategy: 'elision',
  },

  // fuzzy
  {
    name: 'one typo in a long block',
    file: 'function getData() {\n    const results = fetchData();\n    return results.filter(Boolean);\n}\n',
    search: 'function getData() {\n    const result = fetchData();\n    return results.filter(Boolean);\n}\n',
    replace: 'function getData() {\n    const data = fetchData();\n    return data.filter(Boolean);\n}\n',
    expected: 'function getData() {\n    const data = fetchData();\n    return data.filter(Boolean);\n}\n',
    strategy: 'fuzzy',
  },
  {
    name: 'typo plus missing indentation',
    file: '    const myConfig = {\n      enableFeature: true,\n      retries: 3\n    };',
    search: 'const myConfig = {\n  enableFeature: true\n  retries: 3\n};',
    replace: 'const myConfig = {\n  enableFeature: false,\n  retries: 5\n};',
    expected: '    const myConfig = {\n      enableFeature: false,\n      retries: 5\n    };',
    strategy: 'fuzzy',
  },

  {
    name: 'decomposed accents in the file, composed in the search',
    file: 'const name = "Jose\u0301";\nok();\n',
    search: 'const name = "Jos\u00e9";\n',
    replace: 'const name = "Ana";\n',
    expected: 'const name = "Ana";\nok();\n',
    strategy: 'punctuation',
  },

  // BOM and unicode
  { name: 'BOM kept, search matches after it', file: '\uFEFFusing System;\nclass T {}\n', search: 'using System;', replace: 'using Up;', expected: '\uFEFFusing Up;\nclass T {}\n', strategy: 'exact' },
  { name: 'emoji and accents', file: 'const s = "caf\u00e9 \uD83D\uDE80";\n', search: '"caf\u00e9 \uD83D\uDE80"', replace: '"th\u00e9 \uD83C\uDF0D"', expected: 'const s = "th\u00e9 \uD83C\uDF0D";\n', strategy: 'exact' },
  {
    name: 'unicode lines with missing indent',
    file: 'def f():\n    print("\u65e5\u672c\u8a9e")\n    return "\u00fc"\n',
    search: 'print("\u65e5\u672c\u8a9e")\nreturn "\u00fc"\n',
    replace: 'print("\u4e2d\u6587")\nreturn "\u00f6"\n',
    expected: 'def f():\n    print("\u4e2d\u6587")\n    return "\u00f6"\n',
    strategy: 'indentation',
  },
];

describe('matching strategies', () => {
  it.each(cases)('$name', ({ file, search, replace, expected, strategy }) => {
    const applied = applyEditDetailed(file, { search, replace });
    expect(applied.text).toBe(expected);
    expect(applied.strategy.startsWith(strategy)).toBe(true);
  });
});

describe('findMatch offsets', () => {
  it('points into the text as given, CRLF and BOM included', () => {
    const text = '\uFEFFa\r\nb\r\nc\r\n';
    const m = findMatch(text, 'b\nc\n');
    expect(text.slice(m.start, m.end)).toBe('b\r\nc\r\n');
  });

  it('covers whole lines for a line-level strategy', () => {
    const text = 'x\n    foo()\n    bar()\ny';
    const m = findMatch(text, 'foo()\nbar()');
    expect(text.slice(m.start, m.end)).toBe('    foo()\n    bar()');
    expect(m.strategy).toBe('indentation');
  });

  it('finds text far into a long line', () => {
    const text = `${'a'.repeat(10_000)}target`;
    expect(findMatch(text, 'target')).toEqual({ start: 10_000, end: 10_006, strategy: 'exact' });
  });

  it('ignore-whitespace does not land inside an identifier', () => {
    expect(() => findMatch('const label = 1;', 'a b')).toThrow();
  });
});

describe('replaceAll', () => {
  it('replaces every match instead of refusing', () => {
    expect(applyEdit('foo bar foo baz foo', { search: 'foo', replace: 'qux', replaceAll: true })).toBe('qux bar qux baz qux');
  });

  it('re-indents each indentation-tolerant match', () => {
    const file = '  match1\n  match2\n  match1\n  match2\n';
    expect(applyEdit(file, { search: 'match1\nmatch2', replace: 'r1\nr2\nr3', replaceAll: true })).toBe('  r1\n  r2\n  r3\n  r1\n  r2\n  r3\n');
  });
});

describe('one-line searches written without the line indentation', () => {
  it('indent every line of a multi-line replacement like the matched line', () => {
    expect(applyEdit('if (x) {\n    foo();\n}\n', { search: 'foo();', replace: 'bar();\nbaz();' })).toBe('if (x) {\n    bar();\n    baz();\n}\n');
  });

  it('leave a replacement that already carries the indentation alone', () => {
    expect(applyEdit('if (x) {\n    foo();\n}\n', { search: 'foo();\n', replace: '    bar();\n    baz();\n' })).toBe('if (x) {\n    bar();\n    baz();\n}\n');
  });

  it('keep whitespace after the match on that line', () => {
    expect(applyEdit('  hello  world  \n  foo  ', { search: 'hello  world', replace: 'goodbye world' })).toBe('  goodbye world  \n  foo  ');
  });
});

describe('ignore-whitespace on a search written as lines', () => {
  const file = 'a();\n  if (x) {\n    foo();\n  }\nb();\n';

  it('replaces whole lines, keeping the line break and the indentation', () => {
    expect(applyEdit(file, { search: 'if(x){\nfoo();}\n', replace: 'if (x) {\n  bar();\n}\n' })).toBe('a();\n  if (x) {\n    bar();\n  }\nb();\n');
  });

  it('deletes the lines with their breaks', () => {
    expect(applyEdit(file, { search: 'if(x){\nfoo();}\n', replace: '' })).toBe('a();\nb();\n');
  });
});
