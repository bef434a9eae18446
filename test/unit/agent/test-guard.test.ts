import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asksToChangeTests, isTestFile, shellRemovesTest, wantsGreenTests, weakening } from '../../../runtime/agent/test-guard.js';

const JS = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\ntest('add', () => {\n  assert.equal(add(2, 3), 5);\n  assert.equal(add(0, 0), 0);\n});\n";
const PY = 'def test_add():\n    assert add(2, 3) == 5\n';

describe('faked-green guard', () => {
  it('knows a test-fixing goal, and a task that asks to change the tests', () => {
    for (const t of ['make the failing tests pass', 'Fix the failing test in calc', 'the tests fail, please fix', 'get npm test green', 'The tests are red after my refactor']) expect(wantsGreenTests(t), t).toBe(true);
    for (const t of ['add a multiply function', 'write tests for add', 'explain the test setup', 'rename calc.js']) expect(wantsGreenTests(t), t).toBe(false);
    for (const t of ['update the test to expect -1', 'the assertion is wrong, change it', 'remove the flaky test and fix the rest', 'rewrite the calc tests']) expect(asksToChangeTests(t), t).toBe(true);
    for (const t of ['make the failing tests pass', 'fix the failing tests', 'the tests fail']) expect(asksToChangeTests(t), t).toBe(false);
  });

  it('recognises test files by convention, and not their near misses', () => {
    for (const p of ['test.js', 'test/add.js', 'src/__tests__/a.ts', 'a.test.ts', 'b.spec.jsx', 'tests/test_x.py', 'pkg/x_test.go', 'spec/a_spec.rb', 'src/FooTest.java']) expect(isTestFile(p), p).toBe(true);
    for (const p of ['src/testing.ts', 'latest.js', 'contest/a.js', 'attest.py', 'src/test-utils.ts.bak', 'docs/testing.md']) expect(isTestFile(p), p).toBe(false);
  });

  it('refuses removed assertions, added skips or onlys, deleted or emptied files', () => {
    expect(weakening(JS, undefined)).toBe('it deletes the test file');
    expect(weakening(JS, JS.replace('  assert.equal(add(0, 0), 0);\n', ''))).toBe('it removes an assertion');
    expect(weakening(JS, JS.replace("test('add'", "test.skip('add'"))).toMatch(/skip\/only/);
    expect(weakening(JS, JS.replace("test('add'", "test.only('add'"))).toMatch(/skip\/only/);
    expect(weakening(PY, `import pytest\n\n@pytest.mark.skip\n${PY}`)).toMatch(/skip\/only/);
    expect(weakening(JS, '')).toMatch(/removes|empties/);
  });

  it('lets legitimate edits through: added assertions, renamed tests, reformatting', () => {
    expect(weakening(JS, JS.replace('  assert.equal(add(0, 0), 0);\n', '  assert.equal(add(0, 0), 0);\n  assert.equal(add(-1, 1), 0);\n'))).toBeUndefined();
    expect(weakening(JS, JS.replace("test('add'", "test('adds numbers'"))).toBeUndefined();
    expect(weakening(JS, JS.replace(/\n {2}/g, '\n    '))).toBeUndefined();
    expect(weakening(PY, `${PY}\ndef test_zero():\n    assert add(0, 0) == 0\n`)).toBeUndefined();
  });

  it('adding anything after the tests never counts as weakening (property)', () => {
    fc.assert(fc.property(fc.string(), (extra) => {
      const skipLike = /skip|only|todo|\bx(it|describe|test)\s*\(|\bf(it|describe)\s*\(|ignore|Disabled/i;
      fc.pre(!skipLike.test(extra));
      return weakening(JS, `${JS}\n// ${extra.replace(/\n/g, ' ')}\n`) === undefined;
    }));
  });

  it('sees a shell command that deletes or moves away a test file', () => {
    expect(shellRemovesTest('rm test/add.test.js')).toBe('test/add.test.js');
    expect(shellRemovesTest('cd x && git rm -f a.spec.ts')).toBe('a.spec.ts');
    expect(shellRemovesTest('mv test.js old.txt')).toBe('test.js');
    expect(shellRemovesTest('mv notes.txt test/notes.txt')).toBeUndefined();
    expect(shellRemovesTest('rm -rf dist && node test.js')).toBeUndefined();
    expect(shellRemovesTest('cat test.js')).toBeUndefined();
  });
});
