/**
 * The typed refusals of the edit engine and the text the model receives for each.
 *
 * Every refusal tells the model what to do next: ambiguous matches list the candidate lines so it
 * can add context, a missing match shows the closest region so it can copy the real text.
 */

export type EditErrorKind = 'no_match' | 'ambiguous' | 'empty_search' | 'no_change' | 'overlap' | 'invalid_edit';

export interface EditCandidate {
  /** 1-based line where this match starts. */
  line: number;
  /** The first line of the match, trimmed and shortened. */
  preview: string;
}

export interface ClosestRegion {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The file's text of those lines, as it is on disk (line endings normalised to \n). */
  text: string;
  /** 0..1, how much of the search text this region shares (1 = identical after whitespace folding). */
  similarity: number;
  /** The first line where the search and the region differ (1-based file line). */
  firstDifference?: { line: number; file: string; search: string };
}

export class EditError extends Error {
  override name = 'EditError';
  kind: EditErrorKind;
  candidates?: EditCandidate[];
  closest?: ClosestRegion;
  /** Which edit of `applyEdits` failed (0-based). */
  editIndex?: number;
  /** Why, when the kind alone does not say it (e.g. a context line that is not in the file). */
  detail?: string;

  constructor(
    kind: EditErrorKind,
    message: string,
    details: { candidates?: EditCandidate[]; closest?: ClosestRegion; editIndex?: number; detail?: string } = {},
  ) {
    super(message);
    this.kind = kind;
    if (details.candidates) this.candidates = details.candidates;
    if (details.closest) this.closest = details.closest;
    if (details.editIndex !== undefined) this.editIndex = details.editIndex;
    if (details.detail) this.detail = details.detail;
  }
}

const MAX_CANDIDATES_SHOWN = 8;
const MAX_CLOSEST_LINES_SHOWN = 30;

/** The message the model receives when an edit is refused: what happened, where, what to do. */
export function formatEditError(err: EditError, path?: string): string {
  const where = path ? ` in ${path}` : '';
  const which = err.editIndex !== undefined ? `Edit ${err.editIndex + 1} failed${where}; no edit was applied (edits are all-or-nothing).\n` : '';
  const lines: string[] = [];
  switch (err.kind) {
    case 'no_match': {
      lines.push(err.detail ? `${which}The edit could not be placed${where}: ${err.detail}` : `${which}The search text was not found${where}.`);
      const closest = err.closest;
      if (closest) {
        const range = closest.startLine === closest.endLine ? `line ${closest.startLine}` : `lines ${closest.startLine}-${closest.endLine}`;
        lines.push(`The closest region is ${range} (${Math.round(closest.similarity * 100)}% similar):`);
        lines.push(numbered(closest.text, closest.startLine, MAX_CLOSEST_LINES_SHOWN));
        const d = closest.firstDifference;
        if (d) lines.push(`First difference, line ${d.line}: the file has\n  ${d.file.trim()}\nbut your search text has\n  ${d.search.trim()}`);
        lines.push('Copy the lines you mean exactly as they appear above (without the line numbers) and try again.');
      } else if (!err.detail) {
        lines.push('Nothing in the file resembles it. Read the file again and copy the lines you want to change exactly.');
      }
      break;
    }
    case 'ambiguous': {
      const candidates = err.candidates ?? [];
      const at = candidates.length > 20 ? `${candidates.slice(0, 20).map((c) => c.line).join(', ')}, …` : candidates.map((c) => c.line).join(', ');
      lines.push(`${which}The search text matches ${candidates.length} places${where} (lines ${at}); it must match exactly one.`);
      for (const c of candidates.slice(0, MAX_CANDIDATES_SHOWN)) lines.push(`  line ${c.line}: ${c.preview}`);
      if (candidates.length > MAX_CANDIDATES_SHOWN) lines.push(`  … and ${candidates.length - MAX_CANDIDATES_SHOWN} more`);
      lines.push('Add a few neighbouring lines to the search text (and the same lines to the replacement) so it matches only the place you mean.');
      break;
    }
    case 'empty_search':
      lines.push(err.detail ? `${which}The edit could not be placed${where}: ${err.detail}.` : `${which}The search text is empty, but ${path ?? 'the file'} is not.`);
      lines.push('To change the file, put the existing lines next to your change in the search text; to replace the whole file, write the file instead.');
      break;
    case 'overlap':
      lines.push(`${which}${err.detail ?? 'Two edits change the same lines.'}`);
      lines.push('Put the changes to those lines into one edit (one search with one replacement), or send the second edit after the first has been applied.');
      break;
    case 'invalid_edit':
      lines.push(`${which}The edit is malformed${where}: ${err.detail ?? err.message}.`);
      lines.push("Send 'search' and 'replace' as strings (the exact lines to find and the new lines).");
      break;
    case 'no_change':
      lines.push(`${which}The edit would not change ${path ?? 'the file'}: ${err.detail ?? 'the replacement is the same as the text it replaces.'}`);
      lines.push('If the change is already made, move on; otherwise put the new text in the replacement.');
      break;
  }
  return lines.join('\n');
}

function numbered(text: string, firstLine: number, maxLines: number): string {
  const all = text.split('\n');
  const shown = all.slice(0, maxLines);
  const width = String(firstLine + shown.length - 1).length;
  const out = shown.map((l, i) => `${String(firstLine + i).padStart(width)} | ${l}`);
  if (all.length > maxLines) out.push(`${' '.repeat(width)} | … (${all.length - maxLines} more lines)`);
  return out.join('\n');
}
