/**
 * Unified diffs turned into search/replace edits, one per hunk: context and `-` lines are the
 * search, context and `+` lines the replacement. Hunk line numbers are ignored: models get them
 * wrong, and the search locates each hunk by content (with all the engine's tolerance).
 */
import type { Edit } from './index.js';

export interface DiffEdit extends Edit {
  /** The file named by the `+++` header, without its `b/` prefix. */
  path?: string;
}

export function looksLikeUnifiedDiff(text: string): boolean {
  return /^@@ .*@@/m.test(text) || (/^--- /m.test(text) && /^\+\+\+ /m.test(text));
}

export function editsFromUnifiedDiff(diff: string): DiffEdit[] {
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  const edits: DiffEdit[] = [];
  let path: string | undefined;
  let search: string[] | undefined;
  let replace: string[] = [];

  const flush = () => {
    if (search && (search.length || replace.length)) {
      const edit: DiffEdit = { search: joinLines(search), replace: joinLines(replace) };
      if (path) edit.path = path;
      edits.push(edit);
    }
    search = undefined;
    replace = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('@@')) {
      flush();
      search = [];
      continue;
    }
    if (line.startsWith('+++ ') && (search === undefined || lines[i - 1]?.startsWith('--- '))) {
      flush();
      path = line.slice(4).trim().replace(/^b\//, '').replace(/\t.*$/, '') || undefined;
      if (path === '/dev/null') path = undefined;
      continue;
    }
    if (search === undefined) continue;
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      flush();
      continue;
    }
    if (line.startsWith('\\')) continue; // "\ No newline at end of file"
    if (line.startsWith('-')) search.push(line.slice(1));
    else if (line.startsWith('+')) replace.push(line.slice(1));
    else {
      // Context: ' ' prefixed, or a line whose space prefix the model dropped (blank lines
      // most often). A trailing empty line of the diff text itself is not context.
      if (line === '' && i === lines.length - 1) continue;
      const context = line.startsWith(' ') ? line.slice(1) : line;
      search.push(context);
      replace.push(context);
    }
  }
  flush();
  return edits;
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
