/**
 * Linear-time text scanning shared by the dialects. Nothing here uses backtracking regular
 * expressions: model output can be huge and adversarial, and the parser must never hang.
 */

export interface BalancedSpan {
  start: number;
  /** Exclusive end: one past the closing bracket, or text.length when the value never closed. */
  end: number;
  closed: boolean;
  /** Deepest bracket nesting seen; used to refuse inputs too deep for recursive parsers. */
  maxDepth: number;
}

/**
 * From an opening `{` or `[` at `start`, finds where the value closes, skipping brackets inside
 * double-quoted strings (with backslash escapes). Bracket kinds are not matched against each
 * other: a stray `]` inside an object still counts as a closer, which is what broken model JSON needs.
 */
export function scanBalanced(text: string, start: number, limit = text.length): BalancedSpan {
  let depth = 0;
  let maxDepth = 0;
  let inString = false;
  for (let i = start; i < limit; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      depth++;
      if (depth > maxDepth) maxDepth = depth;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      depth--;
      if (depth === 0) return { start, end: i + 1, closed: true, maxDepth };
    }
  }
  return { start, end: limit, closed: false, maxDepth };
}

/**
 * Every top-level JSON-looking span (`{…}` or `[…]`) in `text[from, to)`, in order. A span that
 * never closes runs to `to`; when the caller rejects it, scanning resumes just after its opening
 * bracket so one stray `{` in prose cannot hide a later call. A work budget proportional to the
 * input keeps the total cost linear even for inputs made of nothing but unclosed brackets.
 */
export function* jsonSpans(text: string, from = 0, to = text.length, openers = '{['): Generator<BalancedSpan, void, boolean | undefined> {
  let budget = 8 * (to - from) + 20_000;
  let i = from;
  while (i < to && budget > 0) {
    const ch = text[i]!;
    if (openers.includes(ch)) {
      const span = scanBalanced(text, i, to);
      budget -= span.end - span.start;
      const accepted = yield span;
      i = span.closed || accepted ? span.end : i + 1;
      continue;
    }
    i++;
  }
}

/** All start offsets of `needle` in `text` (non-overlapping). */
export function findAll(text: string, needle: string, from = 0): number[] {
  const out: number[] = [];
  if (needle === '') return out;
  for (let i = text.indexOf(needle, from); i !== -1; i = text.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}

/**
 * Markup dialects put values on their own lines (`<parameter=x>\nvalue\n</parameter>`): that one
 * framing newline on each side is layout, not value. A value that does not start with a newline
 * is kept exactly as written.
 */
export function unframe(value: string): string {
  if (!value.startsWith('\n') && !value.startsWith('\r\n')) return value;
  let v = value.replace(/^\r?\n/, '');
  v = v.replace(/\r?\n$/, '');
  return v;
}

/** Position of the first non-whitespace character at or after `i`. */
export function skipSpace(text: string, i: number, to = text.length): number {
  while (i < to && /\s/.test(text[i]!)) i++;
  return i;
}

/** True for a plausible tool name (any script: tools may be named in Chinese): no whitespace or brackets, not too long. */
export function isToolName(name: string): boolean {
  return name.length > 0 && name.length <= 128 && /^[\p{L}_$][\p{L}\p{N}_.$:\-/]*$/u.test(name);
}

/**
 * indexOf that remembers each needle's next occurrence, for scans that only move forward:
 * repeated lookups of a needle that no longer occurs cost nothing, keeping loops linear.
 */
export class ForwardFinder {
  private readonly next = new Map<string, number>();
  constructor(private readonly text: string) {}
  find(needle: string, from: number): number {
    const cached = this.next.get(needle);
    if (cached !== undefined && (cached === -1 || cached >= from)) return cached;
    const at = this.text.indexOf(needle, from);
    this.next.set(needle, at);
    return at;
  }
}
