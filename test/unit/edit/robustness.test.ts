/**
 * The engine takes its arguments from a model: whatever arrives, the answer is a result or an
 * EditError, never a JavaScript error that the patch tool would pass on to the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, EditError, findMatch, formatEditError, type Edit } from '../../../runtime/edit/index.js';

function refusal(fn: () => unknown): EditError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EditError) return err;
    throw err;
  }
  throw new Error('expected an EditError, the edit applied');
}

describe('no crash', () => {
  it('a search with more lines than the file, similar enough for fuzzy matching, is no_match (issue 18 repro)', () => {
    const err = refusal(() => applyEdit('This is a sample text.', { search: 'This was a sample text.\nAnother line of txt\n', replace: 'x' }));
    expect(err.kind).toBe('no_match');
  });

  it('near miss: the same search against a file that has both lines applies through fuzzy matching', () => {
    const out = applyEdit('This is a sample text.\nAnother line of text\n', { search: 'This was a sample text.\nAnother line of txt\n', replace: 'x\n' });
    expect(out).toBe('x\n');
  });

  it.each([
    ['search is a number', 'abc', { search: 3, replace: 'x' }, "'search' must be a string"],
    ['replace is missing', 'abc', { search: 'a' }, "'replace' must be a string"],
    ['replace is null', 'abc', { search: 'a', replace: null }, "'replace' must be a string, got null"],
    ['edit is a string', 'abc', 'a', 'an edit must be an object'],
    ['text is undefined', undefined, { search: 'a', replace: 'b' }, 'the file text must be a string'],
    ['replaceAll is a string', 'abc', { search: 'a', replace: 'b', replaceAll: 'yes' }, "'replaceAll' must be true or false"],
    ['nearLine is 0', 'abc', { search: 'a', replace: 'b', nearLine: 0 }, "'nearLine' must be a line number"],
    ['after is a number', 'abc', { search: 'a', replace: 'b', after: 1 }, "'after' must be a line of the file"],
  ])('wrong argument types are an invalid_edit EditError: %s', (_name, text, edit, message) => {
    const err = refusal(() => applyEdit(text as string, edit as Edit));
    expect(err.kind).toBe('invalid_edit');
    expect(err.message).toContain(message);
    expect(formatEditError(err, 'a.ts')).toContain('The edit is malformed in a.ts');
  });

  it('applyEdits takes a list, and findMatch checks its arguments too', () => {
    expect(refusal(() => applyEdits('abc', { search: 'a', replace: 'b' } as unknown as Edit[])).kind).toBe('invalid_edit');
    expect(refusal(() => findMatch('abc', null as unknown as string)).kind).toBe('invalid_edit');
    expect(refusal(() => applyEdits('abc', [{ search: 'a', replace: 'b' }, { search: 'b' } as Edit])).editIndex).toBe(1);
  });

  it('near miss: well-typed optional options are accepted', () => {
    expect(applyEdit('a\na\n', { search: 'a', replace: 'b', nearLine: 2 })).toBe('a\nb\n');
    expect(applyEdit('a a', { search: 'a', replace: 'b', replaceAll: true, atEnd: false })).toBe('b b');
  });

  it('any text and any edit: a result or an EditError (property)', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('\n', '\r\n', '  ', '\t', '...', '// ... existing code ...', '}', 'return x;', 'ｆｕｌｌ', '“q”'));
    const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, text, fc.boolean(), (file, search, replace, replaceAll) => {
        try {
          const out = applyEdit(file, { search, replace, replaceAll });
          expect(typeof out).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(EditError);
        }
      }),
      { numRuns: 1500, seed: 18 },
    );
  });
});

describe('replaceAll', () => {
  it('replaces every one of many matches, as split/join would (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('ab;', 'x', ' ', '\n', 'a', 'b;', 'cab;'), { minLength: 1, maxLength: 200 }), (parts) => {
        const file = parts.join('');
        fc.pre(file.includes('ab;'));
        expect(applyEdit(file, { search: 'ab;', replace: '$&-', replaceAll: true })).toBe(file.split('ab;').join('$&-'));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a quarter of a million matches in one line are all replaced (the bench times it)', () => {
    const file = 'ab '.repeat(262_144);
    expect(applyEdit(file, { search: 'ab', replace: 'c', replaceAll: true })).toBe('c '.repeat(262_144));
  });

  it('an ambiguous search with many matches lists a few lines, not all of them', () => {
    const err = refusal(() => applyEdit('ab;\n'.repeat(5000), { search: 'ab;', replace: 'c;' }));
    expect(err.kind).toBe('ambiguous');
    expect(err.candidates).toHaveLength(5000);
    expect(err.message.length).toBeLessThan(300);
    expect(formatEditError(err).length).toBeLessThan(1500);
  });
});
