import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, EditBlockSyntaxError, EditError, editsFromUnifiedDiff, findMatch, looksLikeApplyPatch, looksLikeUnifiedDiff, mergeElidedRewrite, parseApplyPatch, parseEditBlocks } from '../../../runtime/edit/index.js';

describe('parseApplyPatch', () => {
  it('reads add, delete and update operations', () => {
    const patch = [
      '*** Begin Patch',
      '*** Add File: new.txt',
      '+hello',
      '+world',
      '*** Delete File: old.txt',
      '*** Update File: src/a.py',
      '*** Move to: src/b.py',
      '@@ def bar(self):',
      '-        pass',
      '+        return 123',
      '*** End Patch',
    ].join('\n');
    expect(parseApplyPatch(patch)).toEqual([
      { kind: 'add', path: 'new.txt', content: 'hello\nworld\n' },
      { kind: 'delete', path: 'old.txt' },
      { kind: 'update', path: 'src/a.py', moveTo: 'src/b.py', edits: [{ search: '        pass\n', replace: '        return 123\n', after: 'def bar(self):' }] },
    ]);
    expect(looksLikeApplyPatch(patch)).toBe(true);
  });

  it('drops the empty context line a trailing blank line of the patch makes', () => {
    const [op] = parseApplyPatch('*** Begin Patch\n*** Update File: f\n@@\n foo\n-bar\n+BAR\n\n*** End Patch');
    expect(op).toEqual({ kind: 'update', path: 'f', edits: [{ search: 'foo\nbar\n', replace: 'foo\nBAR\n' }] });
  });

  it('anchors End of File hunks and context-free additions at the end', () => {
    const [op] = parseApplyPatch('*** Begin Patch\n*** Update File: f\n@@\n+added\n@@\n c\n+d\n*** End of File\n*** End Patch');
    expect(op).toMatchObject({ edits: [{ search: '', replace: 'added\n', atEnd: true }, { search: 'c\n', replace: 'c\nd\n', atEnd: true }] });
  });

  it('rejects a cut-off patch and stray lines, naming the line', () => {
    expect(() => parseApplyPatch('*** Begin Patch\n*** Update File: f\n@@\n-a\n+b')).toThrow(EditBlockSyntaxError);
    expect(() => parseApplyPatch('*** Begin Patch\nhello\n*** End Patch')).toThrow(/line 2/);
    expect(() => parseApplyPatch('no patch here')).toThrow(/Begin Patch/);
  });
});

describe('after and atEnd', () => {
  const file = 'fn a\nx=10\ny=2\nfn b\nx=10\ny=20\n';

  it('after: the first match past the context line', () => {
    expect(applyEdit(file, { search: 'x=10\n', replace: 'x=11\n', after: 'fn b' })).toBe('fn a\nx=10\ny=2\nfn b\nx=11\ny=20\n');
  });

  it('after: a context line that is not in the file is refused', () => {
    expect(() => applyEdit(file, { search: 'x=10\n', replace: 'x=11\n', after: 'fn zzz' })).toThrow(EditError);
  });

  it('atEnd: only a match that ends the file', () => {
    expect(applyEdit('start\nmarker\nmiddle\nmarker\nend\n', { search: 'marker\nend\n', replace: 'changed\nend\n', atEnd: true })).toBe('start\nmarker\nmiddle\nchanged\nend\n');
    expect(() => applyEdit('a\nb\nc\n', { search: 'a\n', replace: 'z\n', atEnd: true })).toThrow(EditError);
  });

  it('atEnd with an empty search appends, adding the missing final newline first', () => {
    expect(applyEdit('a\nb', { search: '', replace: 'c\n', atEnd: true })).toBe('a\nb\nc\n');
    expect(applyEdit('a\r\nb\r\n', { search: '\n', replace: 'c\n\n', atEnd: true })).toBe('a\r\nb\r\nc\r\n');
  });
});

describe('editsFromUnifiedDiff', () => {
  it('locates hunks by content, whatever their line numbers say', () => {
    const file = 'package main\n\nimport "fmt"\n\nfunc main() {\n  fmt.Println("Hello")\n}';
    const diff = '--- a/main.go\n+++ b/main.go\n@@ -30,4 +30,4 @@\n \n-import "fmt"\n+import "os"\n \n';
    const edits = editsFromUnifiedDiff(diff);
    expect(edits).toEqual([{ path: 'main.go', search: '\nimport "fmt"\n\n', replace: '\nimport "os"\n\n' }]);
    expect(applyEdits(file, edits)).toBe(file.replace('"fmt"', '"os"'));
    expect(looksLikeUnifiedDiff(diff)).toBe(true);
  });

  it('splits hunks and files', () => {
    const diff = ['--- a/x', '+++ b/x', '@@ -1 +1 @@', '-one', '+1', '@@ -9 +9 @@', ' nine', '+ten', '--- a/y', '+++ b/y', '@@ @@', '-why', '+y'].join('\n');
    expect(editsFromUnifiedDiff(diff)).toEqual([
      { path: 'x', search: 'one\n', replace: '1\n' },
      { path: 'x', search: 'nine\n', replace: 'nine\nten\n' },
      { path: 'y', search: 'why\n', replace: 'y\n' },
    ]);
  });
});

describe('random text never crashes the parsers', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pieces = ['<<<<<<< SEARCH', '=======', '>>>>>>> REPLACE', '------- SEARCH', '+++++++ REPLACE', '*** Begin Patch', '*** End Patch', '*** Update File: f', '*** Add File: g', '@@', '@@ x', '*** End of File', '-a', '+b', ' c', '', 'text', '  // ... existing code ...', '}', '  x();', ':start_line:3', '-------'];
  const text = () => Array.from({ length: Math.floor(rand() * 14) }, () => pieces[Math.floor(rand() * pieces.length)]).join('\n');

  it('parses or refuses with a syntax error / EditError, 300 times each', () => {
    for (let i = 0; i < 300; i++) {
      const t = text();
      for (const run of [() => parseEditBlocks(t), () => parseApplyPatch(t), () => editsFromUnifiedDiff(t), () => mergeElidedRewrite('a {\n  x();\n}\n', t)]) {
        try {
          run();
        } catch (err) {
          if (!(err instanceof EditBlockSyntaxError) && !(err instanceof EditError)) throw new Error(`crash on ${JSON.stringify(t)}: ${(err as Error).stack}`);
        }
      }
    }
  });
});

describe('findMatch takes the same placement options', () => {
  it('nearLine and after choose among duplicates; atEnd finds the end', () => {
    const text = 'x\ny\nx\n';
    expect(findMatch(text, 'x\n', { nearLine: 3 }).start).toBe(4);
    expect(findMatch(text, 'x\n', { after: 'y' }).start).toBe(4);
    expect(findMatch(text, '', { atEnd: true })).toEqual({ start: 6, end: 6, strategy: 'append' });
  });
});
