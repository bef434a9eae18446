import { describe, expect, it } from 'vitest';
import { applyEdit, EditError, hasElisions, mergeElidedRewrite } from '../../../runtime/edit/index.js';

const calculator = [
  'class Calculator {',
  '  constructor() {',
  '    this.result = 0;',
  '  }',
  '',
  '  add(n) {',
  '    this.result += n;',
  '    return this;',
  '  }',
  '',
  '  reset() {',
  '    this.result = 0;',
  '    return this;',
  '  }',
  '}',
  '',
].join('\n');

describe('mergeElidedRewrite', () => {
  it('fills a placeholder with the methods it stands for, adding the new one after them', () => {
    const rewrite = ['class Calculator {', '  // ... existing code ...', '', '  exp(a) {', '    this.result **= a;', '    return this;', '  }', '}', ''].join('\n');
    expect(mergeElidedRewrite(calculator, rewrite)).toBe(calculator.replace('    return this;\n  }\n}\n', '    return this;\n  }\n\n  exp(a) {\n    this.result **= a;\n    return this;\n  }\n}\n'));
  });

  it('never ends a placeholder inside a method, even when the new code ends like one', () => {
    const rewrite = ['class Calculator {', '  // ...', '', '  exp(a) {', '    this.result **= a;', '    return this;', '  }', '', '  // ...', '}', ''].join('\n');
    const merged = mergeElidedRewrite(calculator, rewrite);
    expect(merged).toContain('  add(n) {\n    this.result += n;\n    return this;\n  }');
    expect(merged).toContain('  reset() {\n    this.result = 0;\n    return this;\n  }');
    expect(merged.match(/return this;/g)).toHaveLength(3);
  });

  it('keeps changed lines around placeholders and drops replaced ones (python)', () => {
    const original = ['from api import App', '', 'app = App()', '', 'def root():', '    return 1', '', 'def landing():', '    return 2', ''].join('\n');
    const rewrite = ['from api import App, Error', '', '# ... same ...', '', 'def landing():', '    raise Error()', ''].join('\n');
    expect(mergeElidedRewrite(original, rewrite)).toBe(['from api import App, Error', '', 'app = App()', '', 'def root():', '    return 1', '', 'def landing():', '    raise Error()', ''].join('\n'));
  });

  it('fills placeholders at the start and end of the file', () => {
    const original = ['const a = 1;', '', 'function f() {', '  return a;', '}', '', 'const z = 26;', ''].join('\n');
    const rewrite = ['// ... existing code ...', '', 'function f() {', '  return a + 1;', '}', '', '// ... existing code ...', ''].join('\n');
    expect(mergeElidedRewrite(original, rewrite)).toBe(original.replace('return a;', 'return a + 1;'));
  });

  it('understands the JSX comment placeholder', () => {
    const original = ['<div>', '  <p>old</p>', '  <Button', '    onClick={go}', '  />', '</div>', ''].join('\n');
    const rewrite = ['<div>', '  <p className="x">old</p>', '  {/* ... existing code ... */}', '</div>', ''].join('\n');
    expect(mergeElidedRewrite(original, rewrite)).toBe(['<div>', '  <p className="x">old</p>', '  <Button', '    onClick={go}', '  />', '</div>', ''].join('\n'));
  });

  it('returns a rewrite without placeholders as it is, unless it would delete most of the file', () => {
    const kept = calculator.replace('return', 'return /* changed */');
    expect(mergeElidedRewrite(calculator, kept)).toBe(kept);
    expect(() => mergeElidedRewrite(calculator, 'class Empty {}\n')).toThrowError(expect.objectContaining({ kind: 'invalid_edit' }));
    expect(hasElisions('a\n// ... existing code ...\nb')).toBe(true);
    expect(hasElisions('const { ...rest } = x;\n')).toBe(false);
  });

  it('keeps the file CRLF line endings', () => {
    const original = 'a {\r\n  one();\r\n  two();\r\n}\r\n';
    expect(mergeElidedRewrite(original, 'a {\n  // ...\n  three();\n}\n')).toBe('a {\r\n  one();\r\n  two();\r\n  three();\r\n}\r\n');
  });

  it('refuses when a placeholder has no block to stand for', () => {
    let error: unknown;
    try {
      mergeElidedRewrite('', 'x\n// ... existing code ...\n');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EditError);
    expect((error as EditError).message).toMatch(/placeholders/);
  });
});

/** The EditError a merge throws, or undefined when it merges. */
function refusal(original: string, rewrite: string): EditError | undefined {
  try {
    mergeElidedRewrite(original, rewrite);
  } catch (err) {
    if (err instanceof EditError) return err;
    throw err;
  }
  return undefined;
}

const module = ['import a;', '', 'function f() {', '  one();', '}', '', 'function g() {', '  two();', '}', ''].join('\n');

describe('mergeElidedRewrite: the whole file, then new code (or new code, then the file)', () => {
  it('appends the new code after a leading placeholder', () => {
    const merged = mergeElidedRewrite(module, ['// ... existing code ...', '', 'function h() {', '  three();', '}', ''].join('\n'));
    expect(merged).toBe(`${module}\nfunction h() {\n  three();\n}\n`);
  });

  it('appends even when the new function resembles the last one, instead of overwriting it', () => {
    const original = ['function a() {', '  return 1;', '}', '', 'function b() {', '  return 2;', '}', ''].join('\n');
    const merged = mergeElidedRewrite(original, ['// ... existing code ...', '', 'function c() {', '  return 3;', '}', ''].join('\n'));
    expect(merged).toBe(`${original}\nfunction c() {\n  return 3;\n}\n`);
  });

  it('prepends new code before a trailing placeholder (new imports)', () => {
    const merged = mergeElidedRewrite(module, ['import b;', '// ... rest of the file ...', ''].join('\n'));
    expect(merged).toBe(`import b;\n${module}`);
  });

  it('keeps CRLF line endings when appending', () => {
    const crlf = module.replace(/\n/g, '\r\n');
    expect(mergeElidedRewrite(crlf, '// ... existing code ...\nfunction h() {}\n')).toBe(`${crlf}function h() {}\r\n`);
  });
});

describe('mergeElidedRewrite refuses placeholders it cannot justify', () => {
  // Each of these rewrites lost original lines (or placed new code by guesswork) before the
  // alignment had to justify every placeholder.
  it('a placeholder indented below the top level, followed only by new code', () => {
    const err = refusal(module, ['  // ... existing code ...', '', '  three();', ''].join('\n'));
    expect(err?.kind).toBe('no_match');
    expect(err?.message).toMatch(/placeholder on line 1 of the new content/);
    expect(err?.message).toMatch(/unchanged line of the file right before or after each placeholder[\s\S]*patch/);
  });

  it('a leading placeholder followed by a line that edits one of the file (not an append)', () => {
    // `module.exports` changed: appending it would leave two; the alignment has to place it, and cannot.
    const original = ['function f() {}', 'module.exports = { f };', ''].join('\n');
    const merged = (() => {
      try {
        return mergeElidedRewrite(original, ['// ... existing code ...', 'function g() {}', 'module.exports = { f, g };', ''].join('\n'));
      } catch (err) {
        return err as EditError;
      }
    })();
    if (typeof merged === 'string') expect(merged.match(/module\.exports/g)).toHaveLength(1);
    else expect(merged.kind).toBe('no_match');
  });

  it('new code between two placeholders that match nothing', () => {
    const err = refusal('const a = 1;\nconst b = 2;\nconst c = 3;\n', '// ... existing code ...\nconst d = 4;\n// ... existing code ...\n');
    expect(err?.kind).toBe('no_match');
    expect(err?.message).toMatch(/placeholder on line 1 of the new content/);
  });

  it('a rewrite of only placeholders and new lines, which dropped the function around them', () => {
    const err = refusal('function f() {\n  a();\n  b();\n  c();\n}\n', '  // ...\n  d();\n  // ...\n');
    expect(err?.message).toMatch(/placeholder on line 1 of the new content/);
  });

  it('an anchored placeholder that stands for nothing while the lines it could cover are deleted', () => {
    // Indented deeper than the functions it stands for, it cannot swallow them; they were deleted.
    const err = refusal(module, ['import a;', '', '    // ...', '', 'function g() {', '  two();', '  three();', '}', ''].join('\n'));
    expect(err?.kind).toBe('no_match');
    expect(err?.message).toMatch(/placeholder on line 3 of the new content/);
    expect(err?.message).toMatch(/line 3-5 of the file|lines 3-5 of the file/);
  });

  it('a method placeholder indented too deep, which deleted both methods of the class', () => {
    const original = ['class A {', '  x() {', '    1;', '  }', '  y() {', '    2;', '  }', '}', ''].join('\n');
    expect(refusal(original, ['class A {', '    // ...', '  z() {', '    3;', '  }', '}', ''].join('\n'))?.message).toMatch(/placeholder on line 2 of the new content/);
  });

  it('an anchored placeholder next to a line that only resembles the one it would overwrite', () => {
    const original = ['import x from "x";', '', 'function load() {', '  return 2;', '}', ''].join('\n');
    const err = refusal(original, ['import x from "x";', '', '// ... existing code ...', '', 'function loadAll() {', '  return 1;', '}', ''].join('\n'));
    expect(err?.message).toMatch(/placeholder on line 3 of the new content/);
    expect(err?.message).toMatch(/function load\(\) \{/);
  });

  it('a placeholder between copies of the anchors, which duplicated one function and dropped another', () => {
    const original = `${module}\nfunction h() {\n  four();\n}\n`;
    const rewrite = ['// ... existing code ...', '', 'function f() {', '  one();', '}', '', 'function h() {', '  four();', '}', ''].join('\n');
    expect(refusal(original, rewrite)?.message).toMatch(/placeholder on line 1 of the new content/);
  });
});

describe('mergeElidedRewrite keeps justified placeholders working', () => {
  it('a placeholder at the start whose only neighbour is a visibly changed line', () => {
    const original = ['import x from "x";', '', 'export function load(path) {', '  return read(path);', '}', '', 'export function save(path, data) {', '  write(path, data);', '}', ''].join('\n');
    const rewrite = ['// ... existing code ...', '', 'export function save(path, data, options) {', '  write(path, data, options);', '}', ''].join('\n');
    expect(mergeElidedRewrite(original, rewrite)).toBe(original.replace('save(path, data)', 'save(path, data, options)').replace('write(path, data)', 'write(path, data, options)'));
  });

  it('a placeholder next to a line whose literal changed', () => {
    const original = ['def landing():', '    x = 1', '    y = 2', '    return {"message": "Welcome"}', ''].join('\n');
    const rewrite = ['def landing():', '    # ... same ...', '    return {"message": "Bye"}', ''].join('\n');
    expect(mergeElidedRewrite(original, rewrite)).toBe(original.replace('Welcome', 'Bye'));
  });

  it('placeholders in nested blocks', () => {
    const original = ['class A {', '  run() {', '    a();', '    b();', '  }', '', '  stop() {', '    c();', '  }', '}', ''].join('\n');
    const rewrite = ['class A {', '  run() {', '    // ... existing code ...', '    d();', '  }', '', '  // ... existing code ...', '}', ''].join('\n');
    expect(mergeElidedRewrite(original, rewrite)).toBe(original.replace('    b();\n', '    b();\n    d();\n'));
  });

  it('a function deleted between two anchors, with no placeholder there, is deleted', () => {
    const original = ['import a;', '', 'function f() {', '  const first = 1;', '  const second = 2;', '  return first + second;', '}', '', 'function g() {', '  two();', '}', '', 'function h() {', '  const third = 3;', '  return third;', '}', ''].join('\n');
    const rewrite = ['// ... existing code ...', '', 'function f() {', '  const first = 1;', '  const second = 2;', '  return first + second;', '}', '', 'function h() {', '  const third = 3;', '  return third;', '}', ''].join('\n');
    expect(mergeElidedRewrite(original, rewrite)).toBe(original.replace('function g() {\n  two();\n}\n\n', ''));
  });

  it('a rewrite of nothing but placeholders leaves the file as it is', () => {
    expect(mergeElidedRewrite(calculator, '// ... existing code ...\n')).toBe(calculator);
  });
});

describe('placeholders in a replacement', () => {
  const file = 'function f() {\n  a();\n  b();\n  return 1;\n}\n';

  it('are filled with the replaced lines they stand for', () => {
    const edit = { search: 'function f() {\n  a();\n  b();\n  return 1;\n}\n', replace: 'function f() {\n  // ... existing code ...\n  return 2;\n}\n' };
    expect(applyEdit(file, edit)).toBe('function f() {\n  a();\n  b();\n  return 2;\n}\n');
  });

  it('read a leading placeholder followed only by new code as "keep the replaced text, then add"', () => {
    const out = applyEdit(file, { search: '  a();\n  b();\n', replace: '  // ... existing code ...\n  c();\n' });
    expect(out).toContain('  a();\n  b();\n  c();\n');
  });

  it('refuse a placeholder with no replaced line next to it', () => {
    let error: unknown;
    try {
      applyEdit(file, { search: '  a();\n  b();\n', replace: '  a();\n  // ... existing code ...\n  c();\n  // ... existing code ...\n' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EditError);
    expect((error as EditError).detail).toMatch(/placeholder/);
  });

  it('refuse the edit when they cannot be placed, rather than writing them', () => {
    let error: unknown;
    try {
      applyEdit('a {\n  x();\n}\n', { search: '}\n', replace: '// ... existing code ...\n}\n' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EditError);
    expect((error as EditError).detail).toMatch(/placeholders/);
  });

  it('standing for the whole replaced text change nothing', () => {
    expect(() => applyEdit(file, { search: '  return 1;\n', replace: '  // ... rest of the code ...\n' })).toThrow(/not change|identical/);
  });
});
