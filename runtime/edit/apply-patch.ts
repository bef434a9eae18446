/**
 * The `*** Begin Patch` format (Codex's apply_patch, which gpt-oss models write natively),
 * turned into file operations whose updates are ordinary edits for applyEdits:
 *
 *   *** Begin Patch
 *   *** Add File: path          then every line prefixed with +
 *   *** Delete File: path
 *   *** Update File: path
 *   *** Move to: new/path        (optional)
 *   @@ def bar(self):            (a hunk; the text after @@ is a context line before it)
 *    context / -old / +new lines
 *   *** End of File              (optional: the hunk ends the file)
 *   *** End Patch
 *
 * A hunk's context and `-` lines are the search, its context and `+` lines the replacement;
 * `@@ text` becomes `after`, End of File becomes `atEnd`. A hunk that only adds lines and has
 * no context is appended at the end of the file, as apply_patch does.
 */
import { EditBlockSyntaxError } from './blocks.js';
import { applyEdits, type Edit } from './index.js';

export type PatchOperation =
  | { kind: 'add'; path: string; content: string }
  | { kind: 'delete'; path: string }
  | { kind: 'update'; path: string; moveTo?: string; edits: Edit[] };

/**
 * An update's edits applied to the file. apply_patch writes a file as lines, each ending in a
 * line break, so an updated file ends with one even when the original did not (Codex's
 * apply_patch does the same); the file's own line ending is used.
 */
export function applyPatchUpdate(text: string, edits: Edit[]): string {
  const out = applyEdits(text, edits);
  if (out === '' || out.endsWith('\n')) return out;
  return out + (/\r\n/.test(out) ? '\r\n' : '\n');
}

export function looksLikeApplyPatch(text: string): boolean {
  return /^\*\*\* Begin Patch\s*$/m.test(text);
}

/** Throws EditBlockSyntaxError (with the line) on text that is not a well-formed patch. */
export function parseApplyPatch(text: string): PatchOperation[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let i = lines.findIndex((l) => l.trim() === '*** Begin Patch');
  if (i === -1) throw new EditBlockSyntaxError(1, "no '*** Begin Patch' line");
  i++;
  const ops: PatchOperation[] = [];
  let ended = false;

  while (i < lines.length) {
    const line = lines[i]!;
    const header = /^\*\*\* (Add|Delete|Update) File: (.+)$/.exec(line.trim());
    if (line.trim() === '*** End Patch') {
      ended = true;
      break;
    }
    if (header) {
      const [, verb, rawPath] = header;
      const path = rawPath!.trim();
      i++;
      if (verb === 'Delete') {
        ops.push({ kind: 'delete', path });
      } else if (verb === 'Add') {
        const content: string[] = [];
        while (i < lines.length && !lines[i]!.startsWith('*** ')) {
          const l = lines[i]!;
          if (!l.startsWith('+') && l !== '') throw new EditBlockSyntaxError(i + 1, `a line of an added file must start with '+': '${l}'`);
          content.push(l.slice(1));
          i++;
        }
        while (content.length && content[content.length - 1] === '' && lines[i - 1] === '') content.pop();
        ops.push({ kind: 'add', path, content: content.length ? `${content.join('\n')}\n` : '' });
      } else {
        let moveTo: string | undefined;
        const move = /^\*\*\* Move to: (.+)$/.exec(lines[i]?.trim() ?? '');
        if (move) {
          moveTo = move[1]!.trim();
          i++;
        }
        const parsed = parseHunks(lines, i);
        i = parsed.next;
        ops.push({ kind: 'update', path, ...(moveTo ? { moveTo } : {}), edits: parsed.edits });
      }
      continue;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    throw new EditBlockSyntaxError(i + 1, `expected '*** Add File:', '*** Update File:', '*** Delete File:' or '*** End Patch', found '${line}'`);
  }
  if (!ended) throw new EditBlockSyntaxError(lines.length, "no '*** End Patch' line (the patch may have been cut off)");
  return ops;
}

function parseHunks(lines: string[], start: number): { edits: Edit[]; next: number } {
  const edits: Edit[] = [];
  let i = start;
  let search: string[] = [];
  let replace: string[] = [];
  let after: string | undefined;
  let started = false;
  let hasContext = false;

  const flush = (atEnd: boolean) => {
    if (!started) return;
    // apply_patch reads the patch's trailing empty line as an empty context line; the file has
    // no such line, so it is dropped (apply_patch retries without it).
    while (search.length && search[search.length - 1] === '' && replace[replace.length - 1] === '') {
      search.pop();
      replace.pop();
    }
    const edit: Edit = { search: joinLines(search), replace: joinLines(replace) };
    if (after !== undefined) edit.after = after;
    if (atEnd || (!hasContext && search.length === 0)) edit.atEnd = true;
    if (search.length || replace.length) edits.push(edit);
    search = [];
    replace = [];
    after = undefined;
    started = false;
    hasContext = false;
  };

  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('@@')) {
      flush(false);
      started = true;
      const context = line.slice(2).trim();
      if (context !== '') after = context;
      i++;
      continue;
    }
    if (line.trim() === '*** End of File') {
      flush(true);
      i++;
      continue;
    }
    if (line.startsWith('*** ')) break;
    started = true;
    if (line.startsWith('+')) replace.push(line.slice(1));
    else if (line.startsWith('-')) search.push(line.slice(1));
    else {
      const context = line.startsWith(' ') ? line.slice(1) : line;
      search.push(context);
      replace.push(context);
      hasContext = true;
    }
    i++;
  }
  flush(false);
  return { edits, next: i };
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
