/**
 * A file's text prepared for matching: BOM set aside, CRLF folded to LF, split into lines, with
 * a map from positions in the folded text back to positions in the text on disk.
 */

const BOM = '\uFEFF';

export interface PreparedText {
  /** The text exactly as given. */
  original: string;
  /** The text without BOM and with every CRLF folded to LF. */
  normalized: string;
  /** Line contents of `normalized` (no terminators). A final newline does not add an empty line. */
  lines: string[];
  /** Offset in `normalized` where each line starts. */
  lineStarts: number[];
  /** Whether `normalized` ends with \n. */
  endsWithNewline: boolean;
  /** The line ending new text is written with: the file's dominant one. */
  eol: '\n' | '\r\n';
  /** Maps an offset in `normalized` to the offset in `original`. */
  toOriginal(offset: number): number;
}

export function prepareText(original: string): PreparedText {
  const bomLength = original.startsWith(BOM) ? 1 : 0;
  const body = bomLength ? original.slice(bomLength) : original;

  // Positions (in the folded text) of each \n whose \r was removed.
  const foldedAt: number[] = [];
  let normalized = body;
  if (body.includes('\r\n')) {
    const parts: string[] = [];
    let from = 0;
    let removed = 0;
    for (let i = body.indexOf('\r\n'); i !== -1; i = body.indexOf('\r\n', i + 2)) {
      parts.push(body.slice(from, i));
      foldedAt.push(i - removed);
      removed++;
      from = i + 1;
    }
    parts.push(body.slice(from));
    normalized = parts.join('');
  }

  const lineStarts: number[] = [];
  let newlineCount = 0;
  if (normalized !== '') {
    lineStarts.push(0);
    for (let i = normalized.indexOf('\n'); i !== -1; i = normalized.indexOf('\n', i + 1)) {
      newlineCount++;
      if (i + 1 < normalized.length) lineStarts.push(i + 1);
    }
  }
  const endsWithNewline = normalized.endsWith('\n');
  const lines = lineStarts.map((start, i) => {
    const next = i + 1 < lineStarts.length ? lineStarts[i + 1]! - 1 : endsWithNewline ? normalized.length - 1 : normalized.length;
    return normalized.slice(start, next);
  });

  const lfCount = newlineCount - foldedAt.length;
  const eol: '\n' | '\r\n' = foldedAt.length > 0 && foldedAt.length >= lfCount ? '\r\n' : '\n';

  const toOriginal = (offset: number): number => {
    // Count the folded \r whose \n sits before `offset`: an offset pointing at a folded \n maps
    // to its \r, so a match never splits a CRLF pair.
    let lo = 0;
    let hi = foldedAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (foldedAt[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return bomLength + offset + lo;
  };

  return { original, normalized, lines, lineStarts, endsWithNewline, eol, toOriginal };
}

/** Offset in `normalized` just past the content of line `i` (before its \n). */
export function lineEnd(doc: PreparedText, i: number): number {
  return doc.lineStarts[i]! + doc.lines[i]!.length;
}

/** 1-based line number of an offset in `normalized`. */
export function lineOfOffset(doc: PreparedText, offset: number): number {
  let lo = 0;
  let hi = doc.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (doc.lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function foldLineEndings(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
}

export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** Search or replacement text as a list of lines, and whether it ended with a newline. */
export interface LineBlock {
  lines: string[];
  endsWithNewline: boolean;
}

export function toLineBlock(text: string): LineBlock {
  const folded = foldLineEndings(stripBom(text));
  if (folded === '') return { lines: [], endsWithNewline: false };
  const endsWithNewline = folded.endsWith('\n');
  const lines = (endsWithNewline ? folded.slice(0, -1) : folded).split('\n');
  return { lines, endsWithNewline };
}

export function isBlank(line: string): boolean {
  return line.trim() === '';
}

export function leadingWhitespace(line: string): string {
  const m = /^[ \t]*/.exec(line);
  return m ? m[0] : '';
}

/** A line shortened for a one-line preview in a message (reads only what it shows, even of a 1 MB line). */
export function preview(line: string, max = 80): string {
  const lead = leadingWhitespace(line).length;
  const t = line.slice(lead, lead + max + 1).trimEnd();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export interface LineBounds {
  /** Offset in `normalized` of each line's first non-blank character (its end when blank). */
  contentStart: Int32Array;
  /** Offset just past each line's last non-blank character (its start when blank). */
  contentEnd: Int32Array;
}

const boundsCache = new WeakMap<PreparedText, LineBounds>();

/** Where each line's content starts and ends, computed once per text (so per-match checks are O(1)). */
export function lineBounds(doc: PreparedText): LineBounds {
  const cached = boundsCache.get(doc);
  if (cached) return cached;
  const n = doc.lines.length;
  const contentStart = new Int32Array(n);
  const contentEnd = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const line = doc.lines[i]!;
    const start = doc.lineStarts[i]!;
    let a = 0;
    while (a < line.length && /\s/.test(line[a]!)) a++;
    let b = line.length;
    while (b > a && /\s/.test(line[b - 1]!)) b--;
    contentStart[i] = start + a;
    contentEnd[i] = start + (a === line.length ? 0 : b);
  }
  const bounds = { contentStart, contentEnd };
  boundsCache.set(doc, bounds);
  return bounds;
}
