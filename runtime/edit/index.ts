/**
 * The search-and-replace edit engine behind the `patch` tool. See README.md for the matching
 * policy. Everything here is pure: text in, text out, or a typed EditError.
 */
import { closestRegion } from './closest.js';
import { hasElisions, mergeElidedRewrite } from './lazy.js';
import { EditError, type EditCandidate } from './errors.js';
import { ElisionMismatch, findAll, type Found, type Located } from './match.js';
import { foldPunctuation, unescapeOverEscapedQuotes } from './normalize.js';
import { foldLineEndings, isBlank, lineOfOffset, preview, prepareText, toLineBlock, type PreparedText } from './text.js';

export { EditError, formatEditError } from './errors.js';
export { EditBlockSyntaxError, looksLikeEditBlocks, parseEditBlocks, type EditBlock } from './blocks.js';
export { editsFromUnifiedDiff, looksLikeUnifiedDiff, type DiffEdit } from './udiff.js';
export { hasElisions, mergeElidedRewrite } from './lazy.js';
export { applyPatchUpdate, looksLikeApplyPatch, parseApplyPatch, type PatchOperation } from './apply-patch.js';
export type { EditErrorKind, EditCandidate, ClosestRegion } from './errors.js';

export interface Edit {
  search: string;
  replace: string;
  /** Replace every place the search matches instead of refusing when there are several. */
  replaceAll?: boolean;
  /**
   * Where the model thinks the text is (1-based line, e.g. from a read_file view). Only breaks
   * ties: of several matches, the one starting nearest this line is taken if it is strictly
   * nearest. A unique match elsewhere is still taken.
   */
  nearLine?: number;
  /**
   * A line that comes before the search text (apply_patch's `@@ def bar():` context): the match
   * must start at or after the first line equal to it (ignoring surrounding whitespace), and
   * the first such match is taken.
   */
  after?: string;
  /** The search text ends the file (apply_patch's `*** End of File`); an empty search appends. */
  atEnd?: boolean;
}

/** The options of an Edit that say where it may match. */
export type MatchOptions = Omit<Edit, 'search' | 'replace'>;

/** Character offsets into the text as given (BOM and CRLF included). */
export interface MatchResult {
  start: number;
  end: number;
  strategy: string;
}

/** What applyEditDetailed did, for a tool that wants to tell the model how its edit landed. */
export interface AppliedEdit {
  text: string;
  strategy: string;
  /** 1-based lines of the first replaced region, in the original text. */
  startLine: number;
  endLine: number;
  /** How many places were replaced (more than 1 only with replaceAll). */
  replacements: number;
}

/**
 * Where `search` matches in `text` (the first match with `replaceAll`). Throws EditError:
 * no_match, ambiguous, empty_search.
 */
export function findMatch(text: string, search: string, options: MatchOptions = {}): MatchResult {
  checkArguments(text, { search, replace: '', ...options });
  const doc = prepareText(text);
  if (isBlank(search)) {
    if (isBlank(doc.normalized)) return { start: 0, end: text.length, strategy: 'empty-file' };
    if (options.atEnd) return { start: text.length, end: text.length, strategy: 'append' };
    const at = uniqueWhitespace(doc, search);
    return { start: doc.toOriginal(at), end: doc.toOriginal(at + foldLineEndings(search).length), strategy: 'exact-whitespace' };
  }
  const found = locate(doc, search, options);
  const m = found.matches[0]!;
  return { start: doc.toOriginal(m.start), end: doc.toOriginal(m.end), strategy: strategyName(doc, found, search) };
}

/** `text` with the edit applied. Throws EditError: no_match, ambiguous, empty_search, no_change. */
export function applyEdit(text: string, edit: Edit): string {
  return applyEditDetailed(text, edit).text;
}

export function applyEditDetailed(text: string, edit: Edit): AppliedEdit {
  checkArguments(text, edit);
  const search = edit.search;
  let replace = edit.replace;
  if (foldLineEndings(search) === foldLineEndings(replace)) throw noChange();
  if (!hasElisions(replace)) refuseDroppedEnding(search, replace);
  const doc = prepareText(text);
  if (isBlank(search) && edit.atEnd && !isBlank(doc.normalized)) return appendAtEnd(doc, edit);
  if (isBlank(search) && search !== '' && !isBlank(doc.normalized)) {
    // Blank lines or spaces to change: only exactly as written, and only where they occur once.
    const at = uniqueWhitespace(doc, search);
    const end = at + foldLineEndings(search).length;
    const replacement = foldLineEndings(replace);
    const eolFixed = doc.eol === '\r\n' ? replacement.replace(/\n/g, '\r\n') : replacement;
    const out = splice(text, [{ start: doc.toOriginal(at), end: doc.toOriginal(end), replacement: eolFixed }]);
    if (out === text) throw noChange();
    const startLine = lineAt(doc, at);
    return { text: out, strategy: 'exact-whitespace', startLine, endLine: Math.max(startLine, lineAt(doc, Math.max(at, end - 1))), replacements: 1 };
  }
  if (isBlank(search)) {
    // Only an empty file may be filled from an empty search; anything else would be a guess
    // (overwrite? insert at the top?) that silently destroys or misplaces code.
    if (!isBlank(doc.normalized)) throw emptySearch();
    const lineCount = replace === '' ? 0 : foldLineEndings(replace).replace(/\n$/, '').split('\n').length;
    return { text: replace, strategy: 'empty-file', startLine: 1, endLine: Math.max(1, lineCount), replacements: 1 };
  }
  const found = locate(doc, search, edit, replace);
  // A search that matched only unescaped had its replacement unescaped with it.
  if (!found.strategy.includes('unescaped+')) replace = unescapeOverEscapedQuotes(replace, doc.normalized);
  // "// ... existing code ..." in the replacement only: the model skipped lines it keeps.
  const fillElisions = hasElisions(replace) && !hasElisions(search);
  const pieces = found.matches.map((m) => {
    let replacement: string;
    try {
      replacement = m.render(replace);
      if (fillElisions) replacement = mergeElidedRewrite(doc.normalized.slice(m.start, m.end), replacement);
    } catch (err) {
      if (err instanceof EditError && fillElisions) {
        const detail = 'the replacement has "..." placeholders for code it keeps, and they could not be matched to the replaced lines (each needs an unchanged line of the search text next to it, and no replaced line may be lost beside it). Write the replacement in full, or make the search text smaller.';
        throw new EditError('no_match', detail, { detail });
      }
      if (err instanceof ElisionMismatch) {
        const detail = 'the search text skips code with "..." lines, but the replacement does not keep the same "..." lines, so the skipped code would be lost. Keep the "..." lines in the replacement where the skipped code stays, or copy the skipped lines into both.';
        throw new EditError('no_match', detail, { detail });
      }
      throw err;
    }
    const eolFixed = doc.eol === '\r\n' ? replacement.replace(/\n/g, '\r\n') : replacement;
    return { start: doc.toOriginal(m.start), end: doc.toOriginal(m.end), replacement: eolFixed };
  });
  const out = splice(text, pieces);
  if (out === text) throw noChange();
  const first = found.matches[0]!;
  const startLine = lineAt(doc, first.start);
  const endLine = Math.max(startLine, lineAt(doc, Math.max(first.start, first.end - 1)));
  return { text: out, strategy: strategyName(doc, found, search), startLine, endLine, replacements: pieces.length };
}

/**
 * The edits applied one after another, each to the result of the previous one. All or nothing:
 * if any edit fails, the EditError says which (editIndex) and the caller's text is untouched.
 */
export function applyEdits(text: string, edits: Edit[]): string {
  if (!Array.isArray(edits)) throw invalidEdit(`the edits must be a list of {search, replace}, got ${describeValue(edits)}`);
  let out = text;
  const inOriginal: PlacedEdit[] = [];
  edits.forEach((edit, i) => {
    try {
      if (edits.length > 1) refuseOverlap(text, edit, i, inOriginal);
      out = applyEdit(out, edit);
    } catch (err) {
      if (err instanceof EditError) err.editIndex = i;
      throw err;
    }
  });
  return out;
}

/**
 * Blocks are usually all written against the file as the model last saw it. Two whose searches
 * land on overlapping text of that original cannot both be applied as written: in sequence the
 * second matches the first's result only approximately and repeats or undoes it. So each search is
 * also placed in the original, and one overlapping an earlier block's place there is refused. A
 * search found only in an earlier block's result (an edit of that result) is not placed and applies.
 */
interface PlacedEdit {
  whole: { start: number; end: number };
  changed: { start: number; end: number };
  edit: number;
}

function refuseOverlap(original: string, edit: Edit, index: number, placed: PlacedEdit[]): void {
  if (typeof edit?.search !== 'string' || isBlank(edit.search) || edit.replaceAll) return;
  let at: MatchResult;
  try {
    at = findMatch(original, edit.search, edit);
  } catch (err) {
    if (err instanceof EditError) return;
    throw err;
  }
  const changed = changedPart(original, at, edit);
  const meets = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
  // Changed lines of one inside the other's match: the later search no longer matches as written
  // (it would undo the change through the tolerant matcher) or rewrites what the earlier one wrote.
  const hit = placed.find((p) => meets(changed, p.whole) || meets(p.changed, at));
  if (hit) {
    const line = original.slice(0, Math.max(at.start, hit.whole.start)).split('\n').length;
    throw new EditError('overlap', `edit ${index + 1} and edit ${hit.edit + 1} change the same lines of the file (around line ${line}). Applied one after the other, the second would repeat or undo the first: merge them into one edit`);
  }
  placed.push({ whole: { start: at.start, end: at.end }, changed, edit: index });
}

/**
 * The matched region without the lines the replacement keeps unchanged at its start and end:
 * context copied from the search is not changed, and a neighbouring block may share it.
 */
function changedPart(original: string, at: MatchResult, edit: Edit): { start: number; end: number } {
  const search = foldLineEndings(edit.search).replace(/\n$/, '').split('\n');
  const replace = typeof edit.replace === 'string' ? foldLineEndings(edit.replace).replace(/\n$/, '').split('\n') : [];
  const same = (a: string, b: string) => a.trim() === b.trim();
  let head = 0;
  while (head < search.length - 1 && head < replace.length && same(search[head]!, replace[head]!)) head++;
  let tail = 0;
  while (tail < search.length - 1 - head && tail < replace.length - head && same(search[search.length - 1 - tail]!, replace[replace.length - 1 - tail]!)) tail++;
  if (head === 0 && tail === 0) return { start: at.start, end: at.end };
  // Line starts of the original inside the region; its lines correspond to the search's only when the counts agree.
  const starts = [at.start];
  for (let k = original.indexOf('\n', at.start); k !== -1 && k < at.end - 1; k = original.indexOf('\n', k + 1)) starts.push(k + 1);
  if (starts.length !== search.length) return { start: at.start, end: at.end };
  const start = starts[head]!;
  const end = search.length - tail < starts.length ? starts[search.length - tail]! : at.end;
  return { start, end: Math.max(start, end) };
}

function locate(doc: PreparedText, search: string, options: MatchOptions, replace?: string): Found {
  const accept = placement(doc, options);
  let found = findAll(doc, search, accept, options.replaceAll === true);
  if (found && options.after !== undefined && found.matches.length > 1 && !options.replaceAll) {
    found = { strategy: `${found.strategy}, after '${options.after.trim()}'`, matches: [found.matches[0]!] };
  }
  // (Only for replacements specific enough that finding them is evidence.)
  if (!found && replace !== undefined && replace.replace(/\s+/g, '').length >= 5 && !options.replaceAll) {
    // Small models retry edits that already landed; say so instead of "not found".
    const already = findAll(doc, replace, accept);
    if (already && already.matches.length === 1 && !/fuzzy|elision/.test(already.strategy)) {
      const line = already.matches[0]!.line + 1;
      const detail = `the search text is not in the file, but the replacement already is (line ${line}): the edit looks applied already.`;
      throw new EditError('no_change', detail, { detail });
    }
  }
  if (!found) {
    const closest = closestRegion(doc, search);
    throw new EditError('no_match', closest ? `search text not found; closest region is lines ${closest.startLine}-${closest.endLine}` : 'search text not found', closest ? { closest } : {});
  }
  if (found.matches.length > 1 && !options.replaceAll && options.nearLine !== undefined) {
    const target = options.nearLine - 1;
    const byDistance = [...found.matches].sort((a, b) => Math.abs(a.line - target) - Math.abs(b.line - target));
    if (Math.abs(byDistance[0]!.line - target) < Math.abs(byDistance[1]!.line - target)) {
      return { strategy: `${found.strategy}, nearest line ${options.nearLine}`, matches: [byDistance[0]!] };
    }
  }
  if (found.matches.length > 1 && !options.replaceAll) {
    const candidates: EditCandidate[] = found.matches.map((m) => ({ line: m.line + 1, preview: preview(doc.lines[m.line] ?? '') }));
    throw new EditError('ambiguous', `search text matches ${candidates.length} places (lines ${listLines(candidates)})`, { candidates });
  }
  return found;
}

/** Where a match may be, from the edit's `after` and `atEnd`. */
function placement(doc: PreparedText, options: MatchOptions): (m: Located) => boolean {
  let from = 0;
  if (options.after !== undefined && options.after.trim() !== '') {
    const anchor = foldPunctuation(options.after.trim());
    const at = doc.lines.findIndex((l) => foldPunctuation(l.trim()) === anchor);
    if (at === -1) {
      const closest = closestRegion(doc, options.after);
      const detail = `the context line '${options.after.trim()}' is not in the file.`;
      throw new EditError('no_match', detail, closest ? { closest, detail } : { detail });
    }
    from = at;
  }
  const atEnd = options.atEnd === true;
  // Past the last non-blank character nothing but whitespace follows (one scan, not one per match).
  const contentEnd = doc.normalized.trimEnd().length;
  return (m) => m.line >= from && (!atEnd || m.end >= contentEnd);
}

/** An empty search anchored at the end of the file: the replacement is appended. */
function appendAtEnd(doc: PreparedText, edit: Edit): AppliedEdit {
  // The blank lines written as the (empty) search stand for the end of the file, not new lines.
  const blankLines = toLineBlock(edit.search).lines.length;
  const block = toLineBlock(edit.replace);
  let lines = block.lines;
  for (let k = 0; k < blankLines && lines.length && isBlank(lines[lines.length - 1]!); k++) lines = lines.slice(0, -1);
  const addition = lines.join('\n') + (lines.length ? '\n' : '');
  const separator = doc.endsWithNewline ? '' : '\n';
  const appended = (separator + addition).replace(/\n/g, doc.eol);
  const text = doc.original + appended;
  if (text === doc.original) throw noChange();
  const startLine = doc.lines.length + 1;
  return { text, strategy: 'append', startLine, endLine: startLine + Math.max(0, lines.length - 1), replacements: 1 };
}

const RETURN_LIKE = /^(?:return|raise|throw)\b/;

/**
 * A replacement that starts like the search but stops before the search's ending: the final
 * `return` (with no return left anywhere in it) or the closing bracket (more brackets opened
 * than closed). Models cut a replacement short when they mean "the rest stays"; written, that
 * deletes the end of the block. An empty replacement (a deletion) is never this.
 */
function refuseDroppedEnding(search: string, replace: string): void {
  const solid = (t: string) => foldLineEndings(t).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const S = solid(search);
  const R = solid(replace);
  if (S.length < 2 || R.length === 0 || R[0] !== S[0]) return;
  const ending = S[S.length - 1]!;
  const returnDropped = RETURN_LIKE.test(ending) && !R.some((l) => RETURN_LIKE.test(l));
  const closerDropped = /^[)\]}]/.test(ending) && bracketBalance(R) > bracketBalance(S);
  if (!returnDropped && !closerDropped) return;
  const detail = `the replacement starts like the search text but stops before its last line ("${ending.slice(0, 60)}"), which would be deleted${closerDropped ? ' and leave a block unclosed' : ''}. Write the replacement through to the end of the search text (keep that line if it stays), or leave it out of the search text; to delete it, send an edit whose replacement is empty`;
  throw new EditError('invalid_edit', detail, { detail });
}

/** Opening minus closing brackets, outside string literals. */
function bracketBalance(lines: string[]): number {
  let depth = 0;
  for (const line of lines) {
    const code = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '');
    for (const ch of code) {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth--;
    }
  }
  return depth;
}

/** Line numbers for a message, the first few of a long list. */
export function listLines(candidates: EditCandidate[], max = 20): string {
  const shown = candidates.slice(0, max).map((c) => c.line).join(', ');
  return candidates.length > max ? `${shown}, … ${candidates.length - max} more` : shown;
}

function strategyName(doc: PreparedText, found: Found, search: string): string {
  if (found.strategy !== 'exact') return found.strategy;
  const m = found.matches[0]!;
  return doc.original.slice(doc.toOriginal(m.start), doc.toOriginal(m.end)) === search ? 'exact' : 'line-endings';
}

function lineAt(doc: PreparedText, offset: number): number {
  return doc.lineStarts.length === 0 ? 1 : lineOfOffset(doc, offset);
}

/** The pieces (non-overlapping, offsets into `text`) written in one pass: linear in the text and the pieces. */
function splice(text: string, pieces: Array<{ start: number; end: number; replacement: string }>): string {
  const sorted = [...pieces].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const p of sorted) {
    parts.push(text.slice(at, p.start), p.replacement);
    at = p.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * The arguments come from a model through a tool call: a wrong type is a refusal that says
 * which argument, never a TypeError deep in the matcher.
 */
function checkArguments(text: unknown, edit: unknown): asserts edit is Edit {
  if (typeof text !== 'string') throw invalidEdit(`the file text must be a string, got ${describeValue(text)}`);
  if (typeof edit !== 'object' || edit === null) throw invalidEdit(`an edit must be an object with 'search' and 'replace', got ${describeValue(edit)}`);
  const e = edit as Record<string, unknown>;
  if (typeof e.search !== 'string') throw invalidEdit(`'search' must be a string, got ${describeValue(e.search)}`);
  if (typeof e.replace !== 'string') throw invalidEdit(`'replace' must be a string, got ${describeValue(e.replace)}`);
  for (const flag of ['replaceAll', 'atEnd'] as const) {
    if (e[flag] !== undefined && typeof e[flag] !== 'boolean') throw invalidEdit(`'${flag}' must be true or false, got ${describeValue(e[flag])}`);
  }
  if (e.nearLine !== undefined && !(typeof e.nearLine === 'number' && Number.isInteger(e.nearLine) && e.nearLine >= 1)) {
    throw invalidEdit(`'nearLine' must be a line number (1 or more), got ${describeValue(e.nearLine)}`);
  }
  if (e.after !== undefined && typeof e.after !== 'string') throw invalidEdit(`'after' must be a line of the file, got ${describeValue(e.after)}`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

function invalidEdit(detail: string): EditError {
  return new EditError('invalid_edit', detail, { detail });
}

/**
 * Where a whitespace-only search occurs, exactly as written (line endings folded), when that is
 * exactly one place, counting overlapping places (`\n\n` occurs twice in `\n\n\n`). No tolerant
 * comparison applies: to them every blank run looks alike.
 */
function uniqueWhitespace(doc: PreparedText, search: string): number {
  const s = foldLineEndings(search);
  const places: number[] = [];
  for (let at = doc.normalized.indexOf(s); at !== -1 && places.length < 21; at = doc.normalized.indexOf(s, at + 1)) places.push(at);
  if (places.length === 1) return places[0]!;
  const what = `the search text is only whitespace (${JSON.stringify(s).slice(0, 40)})`;
  const detail = places.length === 0
    ? `${what} and does not occur in the file exactly as written`
    : `${what} and occurs in ${places.length > 20 ? 'more than 20' : places.length} places (lines ${places.slice(0, 20).map((p) => lineAt(doc, p)).join(', ')})`;
  return throwEmpty(detail);
}

function throwEmpty(detail: string): never {
  throw new EditError('empty_search', detail, { detail });
}

function emptySearch(): EditError {
  return new EditError('empty_search', 'search text is empty and the file is not');
}

function noChange(): EditError {
  return new EditError('no_change', 'replacement is identical to the search text');
}
