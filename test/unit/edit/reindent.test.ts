import { describe, expect, it } from 'vitest';
import { reindentReplacement } from '../../../runtime/edit/reindent.js';

// [name, search lines (as the model wrote them), matched file lines, replacement lines, expected]
const cases: Array<[string, string[], string[], string[], string[]]> = [
  ['same indentation: untouched', ['  a', '  b'], ['  a', '  b'], ['  x', '    y'], ['  x', '    y']],
  ['missing indentation added, relative kept', ['a', '  b'], ['    a', '      b'], ['x', '  y', 'z'], ['    x', '      y', '    z']],
  ['extra indentation removed', ['      a'], ['  a'], ['      x', '        y'], ['  x', '    y']],
  ['spaces from the model become the file tabs', ['  a', '    b'], ['\ta', '\t\tb'], ['  x', '    y', '      z'], ['\tx', '\t\ty', '\t\t\tz']],
  ['tabs from the model become the file spaces', ['\ta'], ['    a'], ['\tx', '\t\ty'], ['    x', '        y']],
  ['a line less indented than the search moves out by the same amount', ['    a'], ['        a'], ['    x', 'y'], ['        x', '    y']],
  ['blank lines stay blank', ['a'], ['  a'], ['x', '', 'y'], ['  x', '', '  y']],
  ['a replacement already at the file indentation is left alone', ['a'], ['    a'], ['    x', '    y'], ['    x', '    y']],
  ['nothing to align (blank search): untouched', [''], [''], ['x'], ['x']],
];

describe('reindentReplacement', () => {
  it.each(cases)('%s', (_, search, file, replace, expected) => {
    expect(reindentReplacement(search, file, replace)).toEqual(expected);
  });
});
