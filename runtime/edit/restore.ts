/**
 * Writing a replacement back over lines that matched only through a tolerant comparison
 * (indentation, inner whitespace, typographic or full-width characters, fuzzy). The model's
 * copy of the file differs from the file, and its replacement repeats that copy wherever it did
 * not mean to change anything. Those parts keep the file's own characters:
 * - a replacement line equal to a search line (context the model copied) is written as the
 *   file's line it matched, byte for byte;
 * - a changed line paired with a search line keeps the file's text before and after the part
 *   the model changed (`“Hello” + name` → `“Hello” + user`, not `"Hello" + user`);
 * - a new line is indented like the rest of the replacement (reindent.ts). When the search
 *   matched with a uniform indentation offset that is the whole block's offset; when the offset
 *   varies from line to line (the model flattened nested code), a new line takes the offset of
 *   the nearest copied line before it, never one offset for everything.
 * A restored line must equal the model's own line under the comparison that matched, so what is
 * written never differs from what the model asked for by more than that comparison forgives.
 */
import { diffArrays, diffChars } from 'diff';
import { EditError } from './errors.js';
import { foldPunctuation } from './normalize.js';
import { isBlank, leadingWhitespace } from './text.js';

/** Above this many changed lines between search and replacement, lines are not paired (cost). */
const MAX_LINE_EDITS = 2000;
/** Lines longer than this are written as the model gave them (a character diff would be slow). */
const MAX_RESTORED_LINE = 4000;

export interface WriteBack {
  /** The search lines, aligned one to one with `window`. */
  search: string[];
  /** The file's lines the search matched. */
  window: string[];
  /** The model's replacement lines. */
  replace: string[];
  /** The replacement re-indented as one block (same length as `replace`). */
  reindented: string[];
  /** Re-indents one replacement line from one search/file pair (for a non-uniform offset). */
  reindentFrom(searchLine: string, fileLine: string, replaceLine: string): string;
  /** The comparison the match was made under (none for fuzzy matches). */
  key?: (line: string) => string;
  /** Whether every search line sits at the same indentation offset from its file line. */
  uniform: boolean;
}

/** The replacement lines to write (see the module comment). */
export function writeBack(w: WriteBack): string[] {
  const { search, window, replace, reindented } = w;
  if (search.length !== window.length) return reindented;
  const changes = diffArrays(search, replace, { maxEditLength: MAX_LINE_EDITS });
  if (!changes) return reindented;
  // For every replacement line: the search line it copies or changes, if any.
  const pairOf: Array<{ j: number; kept: boolean } | undefined> = new Array(replace.length);
  let j = 0;
  let i = 0;
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c]!;
    const count = change.count ?? change.value.length;
    if (!change.added && !change.removed) {
      for (let k = 0; k < count; k++) pairOf[i + k] = { j: j + k, kept: true };
      i += count;
      j += count;
    } else if (change.removed) {
      const next = changes[c + 1];
      if (next?.added) {
        // A removed run followed by an added one: lines changed in place, paired in order.
        const added = next.count ?? next.value.length;
        for (let k = 0; k < Math.min(count, added); k++) pairOf[i + k] = { j: j + k, kept: false };
        i += added;
        c++;
      }
      j += count;
    } else {
      i += count;
    }
  }

  if (!w.uniform) refuseGuessedIndent(w, pairOf);
  let lastPaired: number | undefined;
  const firstPaired = pairOf.findIndex((p) => p !== undefined && !isBlank(search[p.j]!) && !isBlank(window[p.j]!));
  return replace.map((line, r) => {
    const pair = pairOf[r];
    if (pair && !isBlank(search[pair.j]!) && !isBlank(window[pair.j]!)) lastPaired = r;
    if (pair?.kept) return window[pair.j]!;
    const indented = w.uniform ? reindented[r]! : localIndent(w, pairOf, r, lastPaired ?? (firstPaired === -1 ? undefined : firstPaired));
    if (!pair || isBlank(line)) return indented;
    const restored = restoreLine(search[pair.j]!, window[pair.j]!, line, indented);
    return restored !== undefined && (!w.key || w.key(restored) === w.key(indented)) ? restored : indented;
  });
}

/**
 * A replacement for part of a line found with whitespace ignored: the file's spacing kept
 * around the part the model changed (`const\u00a0x = 1` stays `const\u00a0x = 2`).
 */
export function writeBackSpan(search: string, span: string, replace: string): string {
  if (search.includes('\n') || replace.includes('\n')) return replace;
  const key = (t: string) => t.replace(/\s+/g, '');
  const restored = restoreLine(search, span, replace, replace);
  return restored !== undefined && key(restored) === key(replace) ? restored : replace;
}

/**
 * The search matched with an indentation offset that changes from line to line (the model
 * flattened or mis-nested the code). Lines it copied are written as the file has them, but the
 * indentation of any other line would be a guess, so such a replacement is refused.
 */
function refuseGuessedIndent(w: WriteBack, pairOf: Array<{ j: number; kept: boolean } | undefined>): void {
  if (w.replace.every((line, r) => isBlank(line) || pairOf[r]?.kept)) return;
  const j = w.search.findIndex((line, k) => k > 0 && !isBlank(line) && !isBlank(w.window[k]!) && w.reindentFrom(w.search[0]!, w.window[0]!, line) !== w.window[k]);
  const at = j === -1 ? '' : ` (the file has "${w.window[j]!.trimEnd()}" where your search has "${w.search[j]!.trimEnd()}")`;
  const detail = `the search text matches lines whose indentation relative to each other differs from the file's${at}, so where the new lines go in the nesting would be a guess. Copy the lines with their indentation exactly as the file has them, in the search and in the replacement.`;
  throw new EditError('no_match', detail, { detail });
}

/** A line re-indented from the offset of the copied or changed line nearest before it. */
function localIndent(w: WriteBack, pairOf: Array<{ j: number } | undefined>, r: number, from: number | undefined): string {
  const line = w.replace[r]!;
  if (from === undefined || isBlank(line)) return w.reindented[r]!;
  const j = pairOf[from]!.j;
  // The model's replacement line relative to its own search line, moved by that pair's offset.
  return w.reindentFrom(w.search[j]!, w.window[j]!, line);
}

/**
 * The model's changed line with the file's text kept around the change: `indented` (the model's
 * line at the file's indentation) with its unchanged start and end taken from the file line.
 */
function restoreLine(searchLine: string, fileLine: string, replaceLine: string, indented: string): string | undefined {
  if (searchLine.length > MAX_RESTORED_LINE || fileLine.length > MAX_RESTORED_LINE || replaceLine.length > MAX_RESTORED_LINE) return undefined;
  const s = searchLine.slice(leadingWhitespace(searchLine).length);
  const f = fileLine.slice(leadingWhitespace(fileLine).length);
  const r = replaceLine.slice(leadingWhitespace(replaceLine).length);
  const indent = leadingWhitespace(indented);
  let p = 0;
  while (p < s.length && p < r.length && s[p] === r[p]) p++;
  let q = 0;
  while (q < s.length - p && q < r.length - p && s[s.length - 1 - q] === r[r.length - 1 - q]) q++;
  if (p === 0 && q === 0) return undefined;
  const segments = alignChars(s, f);
  const head = mapStart(segments, p);
  const tail = mapEnd(segments, s.length - q, s.length, f.length);
  const middleEnd = r.length - (s.length - tail.s);
  if (head.f > tail.f || head.s > middleEnd) return undefined;
  return indent + f.slice(0, head.f) + r.slice(head.s, middleEnd) + f.slice(tail.f);
}

interface Segment {
  s: [number, number];
  f: [number, number];
  equal: boolean;
}

/** The two lines as runs of equal and differing characters, with their offsets in each. */
function alignChars(s: string, f: string): Segment[] {
  const segments: Segment[] = [];
  let a = 0;
  let b = 0;
  const parts = diffChars(s, f);
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const next = parts[k + 1];
    // One character written two ways (`"` and `“`, a space and a no-break space) is the same
    // character to the comparison: an equal run, so a change next to it does not take it along.
    if (next && part.removed !== next.removed && (part.added || part.removed) && (next.added || next.removed) && sameCharacters(part.value, next.value)) {
      const [removed, added] = part.removed ? [part.value, next.value] : [next.value, part.value];
      segments.push({ s: [a, a + removed.length], f: [b, b + added.length], equal: removed.length === added.length });
      a += removed.length;
      b += added.length;
      k++;
      continue;
    }
    const n = part.value.length;
    if (part.added) {
      segments.push({ s: [a, a], f: [b, b + n], equal: false });
      b += n;
    } else if (part.removed) {
      segments.push({ s: [a, a + n], f: [b, b], equal: false });
      a += n;
    } else {
      segments.push({ s: [a, a + n], f: [b, b + n], equal: true });
      a += n;
      b += n;
    }
  }
  return segments;
}

function sameCharacters(a: string, b: string): boolean {
  const fold = (t: string) => foldPunctuation(t).replace(/\s+/g, ' ');
  return fold(a) === fold(b);
}

/**
 * The end of the common start in both lines: `p`, or earlier when the search's characters just
 * before `p` are not in the file (they are then written from the model's line). A difference
 * right after the common start belongs to the change.
 */
function mapStart(segments: Segment[], p: number): { s: number; f: number } {
  let best = { s: 0, f: 0 };
  for (const seg of segments) {
    if (!seg.equal) continue;
    if (seg.s[0] < p && p <= seg.s[1]) return { s: p, f: seg.f[0] + (p - seg.s[0]) };
    if (seg.s[1] < p) best = { s: seg.s[1], f: seg.f[1] };
  }
  return best;
}

/** The start of the common end in both lines: `x`, or later (the mirror of mapStart). */
function mapEnd(segments: Segment[], x: number, sLength: number, fLength: number): { s: number; f: number } {
  for (const seg of segments) {
    if (!seg.equal) continue;
    if (seg.s[0] <= x && x < seg.s[1]) return { s: x, f: seg.f[0] + (x - seg.s[0]) };
    if (seg.s[0] > x) return { s: seg.s[0], f: seg.f[0] };
  }
  return { s: sLength, f: fLength };
}
