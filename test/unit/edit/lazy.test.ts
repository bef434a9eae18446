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

  it('returns a rewrite without placeholders as it is', () => {
    expect(mergeElidedRewrite(calculator, 'class Empty {}\n')).toBe('class Empty {}\n');
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

describe('placeholders in a replacement', () => {
  const file = 'function f() {\n  a();\n  b();\n  return 1;\n}\n';

  it('are filled with the replaced lines they stand for', () => {
    const edit = { search: 'function f() {\n  a();\n  b();\n  return 1;\n}\n', replace: 'function f() {\n  // ... existing code ...\n  return 2;\n}\n' };
    expect(applyEdit(file, edit)).toBe('function f() {\n  a();\n  b();\n  return 2;\n}\n');
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
