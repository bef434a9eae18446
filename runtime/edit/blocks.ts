/**
 * SEARCH/REPLACE blocks written as text, the way models write edits when they do not use a
 * structured tool call:
 *
 *   path/to/file.ts              (optional)
 *   <<<<<<< SEARCH               (or ------- SEARCH; 3 or more marker characters)
 *   :start_line:12               (optional, then a ------- line)
 *   old lines
 *   =======
 *   new lines
 *   >>>>>>> REPLACE              (or +++++++ REPLACE; may be cut off at the very end)
 *
 * Parsing is strict about markers: a half-written marker (`-- SEARCH`, `-------SEARCH`,
 * `======= ` with a trailing space, a REPLACE before the divider) rejects the whole text, so a
 * garbled block is never half-applied.
 */
import type { Edit } from './index.js';

export interface EditBlock extends Edit {
  /** The file named on the line before the block, when there is one. */
  path?: string;
  /** A `:start_line:` hint inside the block (1-based). */
  startLine?: number;
}

export class EditBlockSyntaxError extends Error {
  override name = 'EditBlockSyntaxError';
  /** 1-based line in the text where the problem is. */
  line: number;
  constructor(line: number, problem: string) {
    super(`edit blocks, line ${line}: ${problem}`);
    this.line = line;
  }
}

const SEARCH = /^(?:<{3,}|-{3,}) SEARCH$/;
const DIVIDER = /^={3,}$/;
const REPLACE = /^(?:>{3,}|\+{3,}) REPLACE$/;
const HINT = /^:(start_line|end_line):\s*(\d+)\s*$/;
const HINT_END = /^-{3,}$/;
/** Anything a model may have meant as a marker: flagged rather than taken as content. */
const MARKERISH = /^(?:[<>=+-]{2,}.*\b(?:SEARCH|REPLACE)\b.*|[<>=+-]*\s*={3,}\s*[<>=+-]*\s*|(?:SEARCH|REPLACE)\s*[<>=+-]{2,}.*)$/;

/** Whether the text contains something shaped like a SEARCH/REPLACE block. */
export function looksLikeEditBlocks(text: string): boolean {
  return /^(?:<{3,}|-{3,}) ?SEARCH\s*$/m.test(text);
}

/** The blocks in the order written. Throws EditBlockSyntaxError on malformed markers. */
export function parseEditBlocks(text: string): EditBlock[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const blocks: EditBlock[] = [];
  let state: 'outside' | 'search' | 'replace' = 'outside';
  let search: string[] = [];
  let replace: string[] = [];
  let path: string | undefined;
  let startLine: number | undefined;
  let lastTextLine: string | undefined;
  let blockStart = 0;

  const finish = () => {
    const block: EditBlock = { search: joinLines(search), replace: joinLines(replace) };
    if (path) block.path = path;
    if (startLine !== undefined) block.startLine = startLine;
    blocks.push(block);
    search = [];
    replace = [];
    path = undefined;
    startLine = undefined;
    state = 'outside';
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = i + 1;
    switch (state) {
      case 'outside': {
        if (SEARCH.test(line)) {
          state = 'search';
          blockStart = at;
          path = pathFrom(lastTextLine);
          // Roo's optional `:start_line:` / `:end_line:` hints, closed by a dashed line.
          let j = i + 1;
          let hinted = false;
          while (j < lines.length && HINT.test(lines[j]!)) {
            const [, name, value] = HINT.exec(lines[j]!)!;
            if (name === 'start_line') startLine = Number(value);
            hinted = true;
            j++;
          }
          if (hinted) {
            if (!HINT_END.test(lines[j] ?? '')) throw new EditBlockSyntaxError(j + 1, "expected a '-------' line after the :start_line: hint");
            i = j;
          }
        } else if (DIVIDER.test(line) || REPLACE.test(line)) {
          throw new EditBlockSyntaxError(at, `'${line}' outside a block: a block starts with a '<<<<<<< SEARCH' line`);
        } else if (MARKERISH.test(line.trim()) && /SEARCH/.test(line)) {
          throw new EditBlockSyntaxError(at, `malformed SEARCH marker '${line}': write '<<<<<<< SEARCH' (or '------- SEARCH') on its own line`);
        } else if (line.trim() !== '' && !line.startsWith('```')) {
          lastTextLine = line;
        }
        break;
      }
      case 'search': {
        if (DIVIDER.test(line)) state = 'replace';
        else if (REPLACE.test(line)) throw new EditBlockSyntaxError(at, "REPLACE marker before the '=======' divider");
        else if (SEARCH.test(line)) throw new EditBlockSyntaxError(at, `a new SEARCH marker inside the block that starts on line ${blockStart}`);
        else if (MARKERISH.test(line)) throw new EditBlockSyntaxError(at, `malformed marker '${line}': the divider is '=======' alone on its line`);
        else search.push(line);
        break;
      }
      case 'replace': {
        if (REPLACE.test(line)) finish();
        else if (DIVIDER.test(line)) throw new EditBlockSyntaxError(at, `a second '=======' divider in the block that starts on line ${blockStart}`);
        else if (SEARCH.test(line)) throw new EditBlockSyntaxError(at, `SEARCH marker before the REPLACE marker of the block that starts on line ${blockStart}`);
        else if (MARKERISH.test(line)) throw new EditBlockSyntaxError(at, `malformed marker '${line}': end the block with '>>>>>>> REPLACE'`);
        else replace.push(line);
        break;
      }
    }
  }
  if (state === 'search') throw new EditBlockSyntaxError(blockStart, "block has no '=======' divider");
  if (state === 'replace') {
    // Output cut off before the closing marker: the replacement so far is all there is.
    while (replace.length && replace[replace.length - 1] === '') replace.pop();
    finish();
  }
  if (blocks.length === 0) throw new EditBlockSyntaxError(1, "no SEARCH/REPLACE block found (a block starts with a '<<<<<<< SEARCH' line)");
  return blocks;
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function pathFrom(line: string | undefined): string | undefined {
  if (line === undefined) return undefined;
  const t = line.trim().replace(/^[`*#\s]+|[`*:\s]+$/g, '');
  // A path is one token with a dot or a slash; prose before the block is not a path.
  return /^[\w.@/\\{}-]+$/.test(t) && /[./\\]|^\{FILENAME\}$/.test(t) ? t : undefined;
}
