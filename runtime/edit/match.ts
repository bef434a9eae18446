/**
 * The matching strategies, tried from the strictest to the most forgiving. The first strategy
 * that finds the search text anywhere decides: one place is a match, several places are
 * ambiguous (never "pick the first"), none moves on to the next strategy.
 *
 * Offsets here are into the prepared (BOM-less, LF) text; index.ts maps them back.
 */
import { decodeEntities, foldPunctuation, hasEntities, hasEscapes, isElisionLine, stripFence, stripLineNumbers, unescapeText } from './normalize.js';
import { convertForeignIndent, detectUnit, reindentReplacement, type IndentUnit } from './reindent.js';
import { writeBack, writeBackSpan } from './restore.js';
import { blockSimilarity, foldWhitespace } from './similarity.js';
import { foldLineEndings, isBlank, leadingWhitespace, lineBounds, lineEnd, lineOfOffset, stripBom, toLineBlock, type LineBlock, type PreparedText } from './text.js';

/** One place the search text matched, and how to turn the model's replacement into file text. */
export interface Located {
  start: number;
  end: number;
  /** 0-based line where the match starts. */
  line: number;
  /** The replacement as it should be written at this place (LF line endings). */
  render(replace: string): string;
}

export interface Found {
  strategy: string;
  matches: Located[];
}

/** Fuzzy matching needs this much similarity (after whitespace folding)… */
export const FUZZY_THRESHOLD = 0.9;
/** …and at least this many characters, below which a 10% difference is a different statement. */
export const FUZZY_MIN_CHARS = 40;
/** A second place within this much similarity of the best one makes a fuzzy match ambiguous. */
const FUZZY_RIVAL_MARGIN = 0.05;

/**
 * The matches of the first strategy that finds the search. `accept` narrows where a match may
 * be (after an anchor line, at the end of the file); a strategy whose matches are all outside
 * counts as finding nothing.
 */
export function findAll(doc: PreparedText, search: string, accept: (m: Located) => boolean = () => true, every = false): Found | null {
  const s = foldLineEndings(stripBom(search));
  const strategies: Array<() => Found | null> = [
    () => findPlain(doc, s, (r) => r, '', accept, every),
    () => findTrimmedSubstring(doc, s, every),
    () => findIgnoringWhitespace(doc, s),
    () => findRepaired(doc, s, accept, every),
    () => findElided(doc, s),
    () => findFuzzy(doc, s),
  ];
  for (const strategy of strategies) {
    const found = narrow(strategy(), accept);
    if (found) return found;
  }
  return null;
}

function narrow(found: Found | null, accept: (m: Located) => boolean): Found | null {
  if (!found) return null;
  const matches = found.matches.filter(accept);
  return matches.length ? { strategy: found.strategy, matches } : null;
}

/** Exact text, then whole lines under looser comparisons, with and without blank edge lines. */
/** `every`: the edit replaces every match (replaceAll), so no match is preferred over another. */
function findPlain(doc: PreparedText, s: string, fixReplace: (r: string) => string, prefix: string, accept: (m: Located) => boolean, every: boolean): Found | null {
  const exact = narrow(named(findExact(doc, s, fixReplace, every) ?? [], prefix + 'exact'), accept);
  if (exact) return exact;
  const block = toLineBlock(s);
  if (!block.lines.some((l) => !isBlank(l))) return null;
  const variants: Array<[string, LineBlock, (r: LineBlock) => LineBlock]> = [['', block, (r) => r]];
  const trimmed = trimBlankEdges(block);
  if (trimmed) variants.push(['blank-edges+', trimmed.block, trimmed.fixReplace]);
  for (const comparator of COMPARATORS) {
    for (const [variantName, variant, fixBlock] of variants) {
      const matches = findLines(doc, variant, comparator, (r) => fixBlock(toLineBlock(fixReplace(r)))).filter(accept);
      if (matches.length) return { strategy: prefix + variantName + comparator.name, matches };
    }
  }
  return null;
}

function named(matches: Located[], strategy: string): Found {
  return { strategy, matches };
}

function findExact(doc: PreparedText, s: string, fixReplace: (r: string) => string, every: boolean): Located[] | null {
  if (s === '') return null;
  const matches: Located[] = [];
  const text = doc.normalized;
  const oneLine = !s.slice(0, -1).includes('\n');
  const { contentStart } = lineBounds(doc);
  for (let at = text.indexOf(s); at !== -1; at = text.indexOf(s, at + s.length)) {
    const line = lineIndexAt(doc, at);
    const lineStart = doc.lineStarts[line]!;
    const lineContent = doc.lines[line]!;
    // A one-line search that is the whole line without its indentation is a line edit: the
    // replacement (maybe several lines) is indented like the line, not pasted after its indent.
    if (oneLine && at > lineStart && at <= contentStart[line]! && lineContent.trim() === s.trim()) {
      const withBreak = s.endsWith('\n');
      matches.push({
        start: lineStart,
        end: at + s.length,
        line,
        render: (replace) => {
          const lines = reindentReplacement([s.replace(/\n$/, '')], [lineContent], toLineBlock(fixReplace(replace)).lines, fileUnit(doc));
          return lines.length === 0 ? '' : lines.join('\n') + (withBreak ? '\n' : '');
        },
      });
      continue;
    }
    matches.push(new SubstringMatch(at, at + s.length, line, at === lineStart && s.endsWith('\n'), fixReplace, doc));
  }
  if (matches.length > 1 && !every) {
    // "x = 1" inside "max = 10" and as a line of its own: the model copied the line.
    const wholeLines = matches.filter((m) => isWholeLines(doc, m.start, m.end));
    if (wholeLines.length === 1) return wholeLines;
  }
  return matches.length ? matches : null;
}

/**
 * The search found as a substring. A class, not a closure per match: replaceAll over a 1 MB
 * file makes hundreds of thousands of these.
 */
class SubstringMatch implements Located {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly line: number,
    /** Starts a line and ends with a newline: the replacement must keep lines apart. */
    private readonly lineAligned: boolean,
    private readonly fixReplace: (r: string) => string,
    private readonly doc: PreparedText,
  ) {}

  render(replace: string): string {
    let r = foldLineEndings(this.fixReplace(replace));
    // Whole lines: their indentation is written in the file's unit.
    if (this.lineAligned && r.includes('\n')) {
      const block = toLineBlock(r);
      r = convertForeignIndent(block.lines, fileUnit(this.doc)).join('\n') + (block.endsWithNewline ? '\n' : '');
    }
    // A whole-line search ending in a newline whose replacement lost it would glue lines.
    return this.lineAligned && r !== '' && !r.endsWith('\n') ? `${r}\n` : r;
  }
}

/** Only whitespace between the match and the line breaks around it (O(log lines) per call). */
function isWholeLines(doc: PreparedText, start: number, end: number): boolean {
  const { contentStart, contentEnd } = lineBounds(doc);
  const first = lineIndexAt(doc, start);
  if (start > contentStart[first]!) return false;
  if (doc.normalized[end - 1] === '\n') return true;
  const last = lineIndexAt(doc, Math.max(start, end - 1));
  return end >= contentEnd[last]!;
}

interface Comparator {
  name: string;
  key(line: string): string;
  /** Extra condition on a window whose keys all matched. */
  accept?(search: string[], window: string[]): boolean;
  reindent: boolean;
}

const COMPARATORS: Comparator[] = [
  { name: 'lines', key: (l) => l, reindent: false },
  { name: 'trailing-whitespace', key: (l) => l.trimEnd(), reindent: false },
  { name: 'indentation', key: (l) => l.trim(), accept: uniformIndentOffset, reindent: true },
  { name: 'whitespace', key: (l) => l.replace(/\s+/g, ''), reindent: true },
  { name: 'punctuation', key: (l) => foldPunctuation(l).replace(/\s+/g, ''), reindent: true },
];

/**
 * The lines keep the search's relative indentation: each line is indented from the first
 * non-blank line exactly as in the file. The base indents themselves may differ in anything
 * (missing, extra, tabs for spaces); that is the offset re-added to the replacement.
 */
function uniformIndentOffset(search: string[], window: string[]): boolean {
  let baseS: string | undefined;
  let baseF = '';
  for (let i = 0; i < search.length; i++) {
    const s = search[i]!;
    const f = window[i]!;
    if (isBlank(s) && isBlank(f)) continue;
    const si = leadingWhitespace(s);
    const fi = leadingWhitespace(f);
    if (baseS === undefined) {
      baseS = si;
      baseF = fi;
      continue;
    }
    if (si.startsWith(baseS) && fi.startsWith(baseF)) {
      if (si.slice(baseS.length) !== fi.slice(baseF.length)) return false;
    } else if (baseS.startsWith(si) && baseF.startsWith(fi)) {
      if (baseS.length - si.length !== baseF.length - fi.length) return false;
    } else return false;
  }
  return true;
}

function findLines(doc: PreparedText, block: LineBlock, comparator: Comparator, replaceBlock: (r: string) => LineBlock): Located[] {
  const search = block.lines;
  const m = search.length;
  const n = doc.lines.length;
  if (m === 0 || m > n) return [];
  const keys = fileKeys(doc, comparator);
  const searchKeys = search.map(comparator.key);
  const anchor = searchKeys.findIndex((k) => k !== '');
  if (anchor === -1) return [];
  const matches: Located[] = [];
  for (let i = 0; i + m <= n; i++) {
    if (keys[i + anchor] !== searchKeys[anchor]) continue;
    let all = true;
    for (let j = 0; j < m && all; j++) all = keys[i + j] === searchKeys[j];
    if (!all) continue;
    const window = doc.lines.slice(i, i + m);
    if (comparator.accept && !comparator.accept(search, window)) continue;
    matches.push(lineRegion(doc, i, m, block.endsWithNewline, (replace) => {
      const r = replaceBlock(replace).lines;
      const reindented = comparator.reindent ? reindentReplacement(search, window, r, fileUnit(doc)) : convertForeignIndent(r, fileUnit(doc));
      // Identical lines: nothing of the file differs from the model's copy.
      if (comparator.name === 'lines') return reindented;
      return writeBackLines(doc, search, window, r, reindented, comparator.key);
    }));
    i += m - 1;
  }
  return matches;
}

/** The replacement over lines matched loosely, keeping the file's characters the model did not change (restore.ts). */
function writeBackLines(doc: PreparedText, search: string[], window: string[], replace: string[], reindented: string[], key?: (line: string) => string): string[] {
  const unit = fileUnit(doc);
  return writeBack({
    search,
    window,
    replace,
    reindented,
    reindentFrom: (s, f, line) => reindentReplacement([s], [f], [line], unit)[0]!,
    key,
    uniform: movesOntoFile(search, window, unit),
  });
}

/**
 * Whether re-indenting the search itself as one block puts every line at its file line's
 * indentation: one offset (unit conversion included) explains the whole match.
 */
function movesOntoFile(search: string[], window: string[], unit: IndentUnit | undefined): boolean {
  const moved = reindentReplacement(search, window, search, unit);
  return moved.every((line, j) => isBlank(line) || isBlank(window[j] ?? '') || leadingWhitespace(line) === leadingWhitespace(window[j]!));
}

const unitCache = new WeakMap<PreparedText, IndentUnit | null>();

/** The indentation unit of the whole file (once per text), which replacements are written in. */
function fileUnit(doc: PreparedText): IndentUnit | undefined {
  if (!unitCache.has(doc)) unitCache.set(doc, detectUnit(doc.normalized) ?? null);
  return unitCache.get(doc) ?? undefined;
}

const keyCache = new WeakMap<PreparedText, Map<string, string[]>>();

function fileKeys(doc: PreparedText, comparator: Comparator): string[] {
  let perDoc = keyCache.get(doc);
  if (!perDoc) keyCache.set(doc, (perDoc = new Map()));
  let keys = perDoc.get(comparator.name);
  if (!keys) perDoc.set(comparator.name, (keys = doc.lines.map(comparator.key)));
  return keys;
}

/**
 * Whole lines [first, first+count). A search ending in a newline takes the line break after
 * its last line too, so deleting lines deletes their breaks; at the end of a file without a
 * final newline there is no break to take, and the replacement gets none either.
 */
function lineRegion(doc: PreparedText, first: number, count: number, withNewline: boolean, replacementLines: (replace: string) => string[]): Located {
  const last = first + count - 1;
  const hasBreakAfter = last < doc.lines.length - 1 || doc.endsWithNewline;
  const takesBreak = withNewline && hasBreakAfter;
  return {
    start: doc.lineStarts[first]!,
    end: lineEnd(doc, last) + (takesBreak ? 1 : 0),
    line: first,
    render: (replace) => {
      const lines = replacementLines(replace);
      if (lines.length === 0) return '';
      return lines.join('\n') + (takesBreak ? '\n' : '');
    },
  };
}

/** The block without blank lines at its start and end (models add them around code). */
function trimBlankEdges(block: LineBlock): { block: LineBlock; fixReplace: (r: LineBlock) => LineBlock } | null {
  let head = 0;
  while (head < block.lines.length && isBlank(block.lines[head]!)) head++;
  let tail = 0;
  while (tail < block.lines.length - head && isBlank(block.lines[block.lines.length - 1 - tail]!)) tail++;
  if (head === 0 && tail === 0) return null;
  const lines = block.lines.slice(head, block.lines.length - tail);
  if (lines.length === 0) return null;
  return {
    block: { lines, endsWithNewline: block.endsWithNewline || tail > 0 },
    // The replacement usually carries the same blank lines; drop as many as the search lost.
    fixReplace: (r) => {
      let h = 0;
      while (h < head && h < r.lines.length && isBlank(r.lines[h]!)) h++;
      let t = 0;
      while (t < tail && t < r.lines.length - h && isBlank(r.lines[r.lines.length - 1 - t]!)) t++;
      return { lines: r.lines.slice(h, r.lines.length - t), endsWithNewline: r.endsWithNewline || t > 0 };
    },
  };
}

/** `  hello  ` found as `hello`: a one-line search with stray spaces around it. */
function findTrimmedSubstring(doc: PreparedText, s: string, every: boolean): Found | null {
  const t = s.trim();
  // A search with a line break is about lines; trimming it would match part of a line.
  if (t === s || t === '' || s.includes('\n')) return null;
  const matches = findExact(doc, t, (r) => r.trim(), every);
  return matches ? named(matches, 'trimmed') : null;
}

const WORD = /[\p{L}\p{N}_$]/u;

/**
 * Every whitespace character ignored on both sides: `function f(){return 1;}` finds the
 * three-line function. The match must start and end on token boundaries, so a short search
 * cannot land inside an identifier. The replacement is written as given.
 */
function findIgnoringWhitespace(doc: PreparedText, s: string): Found | null {
  const needle = s.replace(/\s+/g, '');
  if (needle === '') return null;
  const lineShaped = s.trim().includes('\n') || s.endsWith('\n');
  const text = doc.normalized;
  const { squeezed, positions } = squeezeWhitespace(doc);
  const matches: Located[] = [];
  for (let at = squeezed.indexOf(needle); at !== -1; at = squeezed.indexOf(needle, at + needle.length)) {
    const start = positions[at]!;
    const end = positions[at + needle.length - 1]! + 1;
    if (WORD.test(needle[0]!) && start > 0 && WORD.test(text[start - 1]!)) continue;
    if (WORD.test(needle[needle.length - 1]!) && end < text.length && WORD.test(text[end]!)) continue;
    if (!lineShaped) {
      const span = text.slice(start, end);
      matches.push({ start, end, line: lineIndexAt(doc, start), render: (r) => writeBackSpan(s, span, foldLineEndings(r)) });
      continue;
    }
    // A search written as lines must cover whole lines, not the front of a longer one, and is
    // replaced as lines: indented like the file, line breaks kept.
    if (!isWholeLines(doc, start, end)) continue;
    const first = lineIndexAt(doc, start);
    const last = lineIndexAt(doc, end - 1);
    const window = doc.lines.slice(first, last + 1);
    const searchLines = toLineBlock(s).lines;
    matches.push(lineRegion(doc, first, last - first + 1, s.endsWith('\n'), (r) => {
      const lines = toLineBlock(r).lines;
      return writeBackLines(doc, searchLines, window, lines, reindentReplacement(searchLines, window, lines, fileUnit(doc)), (l) => l.replace(/\s+/g, ''));
    }));
  }
  return matches.length ? named(matches, 'ignore-whitespace') : null;
}

const squeezedCache = new WeakMap<PreparedText, { squeezed: string; positions: Int32Array }>();

/** The text without whitespace, and where each remaining character was. */
function squeezeWhitespace(doc: PreparedText): { squeezed: string; positions: Int32Array } {
  const cached = squeezedCache.get(doc);
  if (cached) return cached;
  const text = doc.normalized;
  const squeezed = text.replace(/\s+/g, '');
  const positions = new Int32Array(squeezed.length);
  let k = 0;
  for (let i = 0; i < text.length && k < squeezed.length; i++) {
    if (text[i] === squeezed[k]) positions[k++] = i;
  }
  const result = { squeezed, positions };
  squeezedCache.set(doc, result);
  return result;
}

/** The search repaired (line numbers stripped, escapes undone) and matched again. */
function findRepaired(doc: PreparedText, s: string, accept: (m: Located) => boolean, every: boolean): Found | null {
  const unfenced = stripFence(s);
  if (unfenced !== null) {
    // The replacement is fenced too, usually; if not, it is taken as written.
    const found = findPlain(doc, unfenced, (r) => stripFence(r) ?? r, 'fence+', accept, every);
    if (found) return found;
  }
  const block = toLineBlock(s);
  const numbered = stripLineNumbers(block.lines);
  if (numbered) {
    const repaired = numbered.join('\n') + (block.endsWithNewline ? '\n' : '');
    const fixReplace = (r: string) => {
      const rb = toLineBlock(r);
      const stripped = stripLineNumbers(rb.lines);
      return stripped ? stripped.join('\n') + (rb.endsWithNewline ? '\n' : '') : r;
    };
    const found = findPlain(doc, repaired, fixReplace, 'line-numbers+', accept, every);
    if (found) return found;
  }
  if (hasEntities(s)) {
    // XML tool-call formats leave `&lt;` for `<`; the replacement came the same way.
    const found = findPlain(doc, decodeEntities(s), (r) => decodeEntities(r), 'entities+', accept, every);
    if (found) return found;
  }
  if (hasEscapes(s)) {
    const unescaped = unescapeText(s);
    // The replacement was written by the same hand: undo its escaping too.
    const found = findPlain(doc, unescaped, (r) => unescapeText(r), 'unescaped+', accept, every);
    if (found) return found;
  }
  return null;
}

/**
 * A search with `// ... existing code ...` lines: each piece between elisions must match whole
 * lines, in order. Only allowed when the replacement elides the same number of times, so the
 * code the model did not see is carried over instead of deleted.
 */
function findElided(doc: PreparedText, s: string): Found | null {
  const block = toLineBlock(s);
  const split = splitAtElisions(block.lines);
  // One piece with nothing elided around it is a plain search (found or not before this).
  if (!split || (split.pieces.length < 2 && !split.leading && !split.trailing)) return null;
  const { pieces } = split;
  const keys = fileKeys(doc, COMPARATORS[1]!);
  const pieceKeys = pieces.map((p) => p.map((l) => l.trimEnd()));
  const matches: Located[] = [];
  // Every placement, each starting after the previous one's first line: two make it ambiguous.
  for (let from = 0; matches.length < 2; ) {
    const starts = findPiecesInOrder(keys, pieceKeys, from);
    if (!starts) break;
    matches.push(elidedRegion(doc, split, starts, block.endsWithNewline));
    from = starts[0]! + 1;
  }
  return matches.length ? named(matches, 'elision') : null;
}

/**
 * A `...` before the first or after the last piece stands for code around the match that the
 * edit leaves alone: it covers no line, so a search ending in `# ...` never swallows (or cuts)
 * the rest of the block. The replacement must elide at the same edges and as often between.
 */
function elidedRegion(doc: PreparedText, split: ElidedSearch, starts: number[], withNewline: boolean): Located {
  const { pieces } = split;
  const first = starts[0]!;
  const last = pieces.length - 1;
  const lastLine = starts[last]! + pieces[last]!.length - 1;
  return lineRegion(doc, first, lastLine - first + 1, withNewline, (replace) => {
    const replaced = splitAtElisions(toLineBlock(replace).lines);
    if (!replaced || replaced.pieces.length !== pieces.length || replaced.leading !== split.leading || replaced.trailing !== split.trailing) throw new ElisionMismatch();
    const out: string[] = [];
    for (let p = 0; p < replaced.pieces.length; p++) {
      out.push(...replaced.pieces[p]!);
      if (p < last) out.push(...doc.lines.slice(starts[p]! + pieces[p]!.length, starts[p + 1]!));
    }
    return out;
  });
}

/** Thrown by an elided match's render when the replacement keeps different elisions. */
export class ElisionMismatch extends Error {
  constructor() {
    super('the replacement must keep the same "..." placeholders as the search text');
  }
}

interface ElidedSearch {
  /** The runs of lines between elisions, blank edge lines dropped. */
  pieces: string[][];
  /** An elision before the first piece / after the last one. */
  leading: boolean;
  trailing: boolean;
}

function splitAtElisions(lines: string[]): ElidedSearch | null {
  if (!lines.some(isElisionLine)) return null;
  const pieces: string[][] = [[]];
  for (const line of lines) {
    if (isElisionLine(line)) pieces.push([]);
    else pieces[pieces.length - 1]!.push(line);
  }
  let leading = false;
  let trailing = false;
  while (pieces.length && pieces[0]!.every(isBlank)) {
    pieces.shift();
    leading = true;
  }
  while (pieces.length && pieces[pieces.length - 1]!.every(isBlank)) {
    pieces.pop();
    trailing = true;
  }
  if (pieces.length === 0 || pieces.some((p) => p.every(isBlank))) return null;
  // Blank lines beside an elision at an edge belong to the code it stands for.
  if (leading) {
    const p = pieces[0]!;
    pieces[0] = p.slice(p.findIndex((l) => !isBlank(l)));
  }
  if (trailing) {
    const p = pieces[pieces.length - 1]!;
    let end = p.length;
    while (isBlank(p[end - 1]!)) end--;
    pieces[pieces.length - 1] = p.slice(0, end);
  }
  return { pieces, leading, trailing };
}

function findPiecesInOrder(keys: string[], pieces: string[][], from: number): number[] | null {
  const starts: number[] = [];
  let at = from;
  for (const piece of pieces) {
    const start = findRun(keys, piece, at);
    if (start === -1) return null;
    starts.push(start);
    at = start + piece.length;
  }
  return starts;
}

function findRun(keys: string[], piece: string[], from: number): number {
  for (let i = from; i + piece.length <= keys.length; i++) {
    let all = true;
    for (let j = 0; j < piece.length && all; j++) all = keys[i + j] === piece[j];
    if (all) return i;
  }
  return -1;
}

/**
 * A unique run of lines at least FUZZY_THRESHOLD similar to the search (whitespace folded).
 * Windows are only scored where a line matches exactly, unless the search is three lines or
 * fewer, which keeps this linear on large files.
 */
function findFuzzy(doc: PreparedText, s: string): Found | null {
  const block = trimBlankEdges(toLineBlock(s))?.block ?? toLineBlock(s);
  // Skipped code in the search: only the elision strategy may say where it is.
  if (block.lines.some(isElisionLine)) return null;
  // A search longer than the file cannot be a run of its lines (scoring a prefix would match
  // part of the search and drop the rest).
  if (block.lines.length > doc.lines.length) return null;
  const folded = block.lines.map((l) => foldWhitespace(foldPunctuation(l)));
  const chars = folded.reduce((sum, l) => sum + l.length, 0);
  if (chars < FUZZY_MIN_CHARS) return null;
  const scored = scoreWindows(doc, folded, FUZZY_THRESHOLD);
  const good = scored.filter((w) => w.similarity >= FUZZY_THRESHOLD).sort((a, b) => b.similarity - a.similarity || a.start - b.start);
  if (good.length === 0) return null;
  const m = block.lines.length;
  // Non-overlapping windows, best first; a rival nearly as good as the best makes it ambiguous.
  const picked: ScoredWindow[] = [];
  for (const w of good) {
    if (picked.some((p) => Math.abs(p.start - w.start) < m)) continue;
    if (picked.length && w.similarity < picked[0]!.similarity - FUZZY_RIVAL_MARGIN) break;
    picked.push(w);
  }
  const best = picked[0]!;
  const matches = picked.map((w) => {
    const window = doc.lines.slice(w.start, w.start + m);
    return lineRegion(doc, w.start, m, block.endsWithNewline, (replace) => {
      const lines = toLineBlock(replace).lines;
      // No comparison to hold restored lines to: the file's text around a change is what the
      // model's near-copy stood for.
      return writeBackLines(doc, block.lines, window, lines, reindentReplacement(block.lines, window, lines, fileUnit(doc)));
    });
  });
  return named(matches, `fuzzy(${Math.round(best.similarity * 100)}%)`);
}

export interface ScoredWindow {
  start: number;
  similarity: number;
}

const foldedCache = new WeakMap<PreparedText, string[]>();

export function foldedLines(doc: PreparedText): string[] {
  let folded = foldedCache.get(doc);
  if (!folded) foldedCache.set(doc, (folded = doc.lines.map((l) => foldWhitespace(foldPunctuation(l)))));
  return folded;
}

/**
 * Similarity of candidate windows of the search's length. Candidates: every window for short
 * searches, else the windows where at least one line is identical after folding.
 */
export function scoreWindows(doc: PreparedText, search: string[], atLeast: number, maxWindows = Infinity): ScoredWindow[] {
  const m = search.length;
  const lines = foldedLines(doc);
  const n = lines.length;
  if (m === 0 || n === 0) return [];
  const size = Math.min(m, n);
  const starts = new Set<number>();
  if (m <= 3 || n <= 3) {
    for (let i = 0; i + size <= n; i++) starts.add(i);
  } else {
    const where = new Map<string, number[]>();
    search.forEach((l, j) => {
      if (l === '') return;
      const list = where.get(l);
      if (list) list.push(j);
      else where.set(l, [j]);
    });
    const hits = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const l = lines[i]!;
      if (where.has(l)) (hits.get(l) ?? hits.set(l, []).get(l)!).push(i);
    }
    // Anchor on the rarest lines: a `}` that occurs a thousand times anchors nothing useful,
    // and a window worth finding almost always shares a rarer line too.
    const counts = [...hits.values()].map((h) => h.length).sort((a, b) => a - b);
    const limit = Math.max(RARE_ANCHOR_MAX, counts[0] ?? 0);
    for (const [l, positions] of hits) {
      if (positions.length > limit) continue;
      for (const i of positions) {
        for (const j of where.get(l)!) {
          const start = i - j;
          if (start >= 0 && start + size <= n) starts.add(start);
        }
      }
    }
  }
  const out: ScoredWindow[] = [];
  const probe = size === m ? search : search.slice(0, size);
  for (const start of starts) {
    if (out.length >= maxWindows) break;
    out.push({ start, similarity: blockSimilarity(probe, lines, atLeast, start) });
  }
  return out;
}

/** Search lines occurring at most this often in the file anchor fuzzy windows. */
const RARE_ANCHOR_MAX = 8;

/** 0-based line index of an offset (lineOfOffset is 1-based). */
function lineIndexAt(doc: PreparedText, offset: number): number {
  return lineOfOffset(doc, offset) - 1;
}
