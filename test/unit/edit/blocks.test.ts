import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, EditBlockSyntaxError, EditError, looksLikeEditBlocks, parseEditBlocks } from '../../../runtime/edit/index.js';

describe('parseEditBlocks', () => {
  it('reads aider-style blocks with the file name before them', () => {
    const text = 'Do this:\n\nsrc/app.ts\n```ts\n<<<<<<< SEARCH\ntwo\n=======\nnew\n>>>>>>> REPLACE\n```\n';
    expect(parseEditBlocks(text)).toEqual([{ path: 'src/app.ts', search: 'two\n', replace: 'new\n' }]);
  });

  it('reads several cline-style blocks with marker lengths other than 7', () => {
    const text = '----- SEARCH\nfirst\n=====\n1st\n+++++++ REPLACE\n\n----------- SEARCH\nthird\n==========\n+++++++ REPLACE';
    expect(parseEditBlocks(text)).toEqual([
      { search: 'first\n', replace: '1st\n' },
      { search: 'third\n', replace: '' },
    ]);
  });

  it('takes the :start_line: hint and leaves it out of the search', () => {
    const text = '<<<<<<< SEARCH\n:start_line:2\n:end_line:2\n-------\n    return 1;\n=======\n    return 2;\n>>>>>>> REPLACE';
    expect(parseEditBlocks(text)).toEqual([{ search: '    return 1;\n', replace: '    return 2;\n', startLine: 2 }]);
  });

  it('keeps a block whose closing marker was cut off at the end of the output', () => {
    expect(parseEditBlocks('------- SEARCH\nline2\n=======\nreplaced')).toEqual([{ search: 'line2\n', replace: 'replaced\n' }]);
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['mixed marker symbols', '<<-- SEARCH\nline2\n=======\nreplaced\n+++++++ REPLACE', /no SEARCH\/REPLACE block|malformed SEARCH/],
    ['too few dashes', '-- SEARCH\nline2\n=======\nreplaced\n+++++++ REPLACE', /malformed SEARCH marker/],
    ['no space before SEARCH', '-------SEARCH\nline2\n=======\nreplaced\n+++++++ REPLACE', /malformed SEARCH marker/],
    ['no divider', '------- SEARCH\nline2\n+++++++ REPLACE\nreplaced', /REPLACE marker before the '=======' divider/],
    ['divider with a trailing space', '------- SEARCH\nline2\n======= \nreplaced\n+++++++ REPLACE', /malformed marker/],
    ['divider glued to dashes', '------- SEARCH\nline2\n------- =======\nreplaced\n+++++++ REPLACE', /malformed marker/],
    ['no markers at all', 'test.ts\nInvalid diff format', /no SEARCH\/REPLACE block/],
    ['search never divided', '<<<<<<< SEARCH\nline2\n', /no '=======' divider/],
  ];
  it.each(malformed)('rejects %s, naming the line', (_, text, message) => {
    let error: unknown;
    try {
      parseEditBlocks(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EditBlockSyntaxError);
    expect((error as EditBlockSyntaxError).message).toMatch(message);
    expect((error as EditBlockSyntaxError).line).toBeGreaterThan(0);
  });

  it('looksLikeEditBlocks spots block text in a reply', () => {
    expect(looksLikeEditBlocks('sure:\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE')).toBe(true);
    expect(looksLikeEditBlocks('no edits here')).toBe(false);
  });

  it('parsed blocks apply in order', () => {
    const blocks = parseEditBlocks('------- SEARCH\nfourth\n=======\nnew fourth\n+++++++ REPLACE\n------- SEARCH\nsecond\n=======\nnew second\n+++++++ REPLACE');
    expect(applyEdits('first\nsecond\nthird\nfourth\n', blocks)).toBe('first\nnew second\nthird\nnew fourth\n');
  });
});

describe('nearLine breaks ties between matches', () => {
  const file = ['function one() {', '    return "target";', '}', 'function two() {', '    return "target";', '}', 'function three() {', '    return "target";', '}'].join('\n');
  const edit = { search: '    return "target";\n', replace: '    return "updated";\n' };

  it('takes the match nearest the line', () => {
    expect(applyEdit(file, { ...edit, nearLine: 7 }).split('\n')[7]).toBe('    return "updated";');
    expect(applyEdit(file, { ...edit, nearLine: 7 }).match(/updated/g)).toHaveLength(1);
  });

  it('still refuses when two matches are equally near', () => {
    let error: unknown;
    try {
      applyEdit('x = 1\ny = 2\nx = 1\n', { search: 'x = 1\n', replace: 'x = 3\n', nearLine: 2 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EditError);
    expect((error as EditError).kind).toBe('ambiguous');
  });
});
