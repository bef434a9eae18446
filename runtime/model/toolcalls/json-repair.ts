import { jsonrepair } from 'jsonrepair';
import { jsonSpans, scanBalanced } from './scan.js';
import { linearRepair } from './linear-repair.js';
import { inventsData } from './no-invention.js';

/** Deeper nesting than this is refused before it reaches a recursive parser (stack safety). */
const MAX_REPAIR_DEPTH = 256;

/**
 * jsonrepair backtracks on quotes it cannot place (a long string with quotes inside costs
 * quadratic time: 512 KB took minutes), so it only sees texts up to this size; larger ones are
 * repaired by our single-pass `linearRepair`, which handles the common faults.
 */
export const JSONREPAIR_MAX_CHARS = 16 * 1024;

export interface LenientParse {
  value: unknown;
  /** True when the text was not valid JSON and had to be repaired. */
  repaired: boolean;
}

/**
 * Parses JSON as written, else as repaired: first our string fixes, then jsonrepair (trailing
 * commas, single quotes, unquoted keys, comments, Python constants, raw newlines in strings,
 * missing closing brackets) or, for large texts, `linearRepair`. A repair may drop, close and
 * unquote but never add data: a result holding a null, a container or a text the model did not
 * write (`{invalid_json` → `{"invalid_json": null}`) is refused (see no-invention.ts).
 * Returns undefined when no faithful repair exists.
 */
export function parseLenient(text: string): LenientParse | undefined {
  try {
    return { value: JSON.parse(text), repaired: false };
  } catch {
    // fall through to repair
  }
  if (depthOf(text) > MAX_REPAIR_DEPTH) return undefined;
  const fixed = fixStrings(text);
  const repair = text.length <= JSONREPAIR_MAX_CHARS ? (t: string) => jsonrepair(dropDanglingKey(t)) : (t: string) => linearRepair(dropDanglingKey(t));
  const attempts = fixed === text ? [() => repair(text)] : [() => fixed, () => repair(fixed), () => repair(text)];
  for (const attempt of attempts) {
    try {
      const value: unknown = JSON.parse(attempt());
      if (!inventsData(value, text)) return { value, repaired: true };
    } catch {
      // next attempt
    }
  }
  return undefined;
}

/**
 * Two mistakes inside double-quoted strings that jsonrepair resolves the wrong way for code:
 * - a backslash that starts no JSON escape (`"C:\Users\me"`) is a literal backslash, kept;
 * - a `"` not followed by `,` `}` `]` `:`, a comment, the end, or a line starting with `"` is a quote inside the text
 *   (`"print("hi")"`), escaped rather than ending the string.
 * Linear: one pass, and each lookahead only crosses the whitespace right after a quote.
 */
function fixStrings(text: string): string {
  const firstDouble = text.indexOf('"');
  const firstSingle = text.indexOf("'");
  if (firstDouble === -1 || (firstSingle !== -1 && firstSingle < firstDouble)) return text;
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (!inString) {
      if (ch === '"') inString = true;
      out += ch;
      continue;
    }
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== undefined && '"\\/bfnrtu'.includes(next)) {
        out += ch + next;
        i++;
      } else out += '\\\\';
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let newline = false;
      for (; j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r' || text[j] === '\n'); j++) {
        if (text[j] === '\n') newline = true;
      }
      // Ends the string: a delimiter, a comment, the end, or a new line starting the next key.
      if (j >= text.length || ',}]:/'.includes(text[j]!) || (newline && text[j] === '"')) {
        inString = false;
        out += ch;
      } else out += '\\"';
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * Output cut off right after `"key":` (or a comma) leaves a key with no value; repairing it
 * would invent `null`, so the dangling key is dropped instead.
 */
function dropDanglingKey(text: string): string {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  if (text[end - 1] === ',') return text.slice(0, end - 1);
  if (text[end - 1] === '"') return dropUnansweredKey(text, end);
  if (text[end - 1] !== ':') return text;
  let i = end - 2;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  if (text[i] !== '"') return text;
  i--;
  while (i >= 0 && !(text[i] === '"' && text[i - 1] !== '\\')) i--;
  if (i < 0) return text;
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j]!)) j--;
  return text[j] === ',' ? text.slice(0, j) : text.slice(0, i);
}

/** `{"a": 1, "b"` (cut after a key): the key has no value, so it goes rather than becoming null. */
function dropUnansweredKey(text: string, end: number): string {
  let i = end - 2;
  while (i >= 0 && !(text[i] === '"' && text[i - 1] !== '\\')) i--;
  if (i < 0) return text;
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j]!)) j--;
  if (text[j] === '{') return text.slice(0, i);
  if (text[j] === ',' && innermostOpen(text, i) === '{') return text.slice(0, j);
  return text;
}

/** The innermost bracket still open at `end` (double-quoted strings skipped), or undefined. */
function innermostOpen(text: string, end: number): string | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < end; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch);
    else if (ch === '}' || ch === ']') stack.pop();
  }
  return stack[stack.length - 1];
}

function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 123 || ch === 91) max = Math.max(max, ++depth);
    else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}

const NUMBER_WITH_SEPARATORS = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
const LITERALS: Record<string, unknown> = { true: true, false: false, null: null, True: true, False: false, None: null };

/**
 * Recovers a JSON value from model text: the whole text when it is (repairable) JSON or a scalar
 * literal, else the first fenced code block, else the first `{…}`/`[…]` value in the prose.
 * Returns undefined when the text holds nothing JSON-like (plain prose is not a value).
 */
export function repairJson(text: string): unknown | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;

  if (trimmed in LITERALS) return LITERALS[trimmed];
  if (NUMBER_WITH_SEPARATORS.test(trimmed)) return Number(trimmed.replace(/,/g, ''));

  const first = trimmed[0]!;
  if (first === '{' || first === '[' || first === '"') {
    const span = first === '"' ? undefined : scanBalanced(trimmed, 0);
    // A complete value followed by prose: parse just the value.
    const body = span && span.closed ? trimmed.slice(0, span.end) : trimmed;
    const parsed = parseLenient(body);
    if (parsed !== undefined) return parsed.value;
  }

  const fence = /```[\w-]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/.exec(trimmed);
  if (fence && fence[1]!.trim() !== '') {
    const inner = repairJson(fence[1]!);
    if (inner !== undefined) return inner;
  }

  for (const span of jsonSpans(trimmed)) {
    const parsed = parseLenient(trimmed.slice(span.start, span.end));
    if (parsed !== undefined && typeof parsed.value === 'object' && parsed.value !== null) return parsed.value;
  }
  return undefined;
}
