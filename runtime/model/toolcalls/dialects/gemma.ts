/**
 * Gemma 4 `<|tool_call>call:NAME{key:<|"|>text<|"|>,n:1}<tool_call|>` and FunctionGemma
 * `<start_function_call>call:NAME{key:<escape>text<escape>}<end_function_call>`: unquoted keys,
 * strings between delimiter tokens, bare numbers/booleans, nested objects and lists. A block
 * whose closing token is missing is read as written (models drop it), but a reply that ends
 * inside a call's arguments was cut off: that call is reported, not run with half its values.
 */
import { findAll, ForwardFinder, isToolName } from '../scan.js';
import type { Dialect, DialectMatch, RawCall } from '../types.js';
import { cutOff } from './json-calls.js';

const FORMS = [
  { open: '<|tool_call>', close: '<tool_call|>', quote: '<|"|>', dialect: 'gemma4' },
  { open: '<start_function_call>', close: '<end_function_call>', quote: '<escape>', dialect: 'functiongemma' },
] as const;

const MAX_DEPTH = 64;

class GemmaReader {
  /** The text ran out inside a string, list or object. */
  incomplete = false;
  constructor(
    private readonly s: string,
    private readonly quote: string,
    public i = 0,
  ) {}

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++; // {
    while (this.i < this.s.length) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      let key: string;
      if (this.s.startsWith(this.quote, this.i)) key = this.str();
      else {
        const colon = this.s.indexOf(':', this.i);
        if (colon === -1) break;
        key = this.s.slice(this.i, colon).trim().replace(/^"|"$/g, '');
        this.i = colon;
      }
      this.ws();
      if (this.s[this.i] === ':') this.i++;
      out[key] = this.value(depth + 1);
    }
    this.incomplete = true;
    return out;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) return null;
    this.ws();
    if (this.s.startsWith(this.quote, this.i)) return this.str();
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') {
      this.i++;
      const out: unknown[] = [];
      for (;;) {
        this.ws();
        if (this.i >= this.s.length) {
          this.incomplete = true;
          break;
        }
        if (this.s[this.i] === ']') {
          this.i++;
          break;
        }
        if (this.s[this.i] === ',') {
          this.i++;
          continue;
        }
        const before = this.i;
        out.push(this.value(depth + 1));
        if (this.i === before) this.i++; // a stray character: skip it rather than loop
      }
      return out;
    }
    if (c === '"') return this.jsonString();
    let j = this.i;
    while (j < this.s.length && !',}]'.includes(this.s[j]!)) j++;
    const word = this.s.slice(this.i, j).trim();
    this.i = j;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (/^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(word)) return Number(word);
    return word.replace(/^"|"$/g, '');
  }

  /** A JSON-quoted string, which Gemma sometimes writes instead of its own delimiters. */
  private jsonString(): string {
    let j = this.i + 1;
    while (j < this.s.length && this.s[j] !== '"') j += this.s[j] === '\\' ? 2 : 1;
    if (j >= this.s.length) this.incomplete = true;
    const literal = this.s.slice(this.i, Math.min(j + 1, this.s.length));
    this.i = Math.min(j + 1, this.s.length);
    try {
      return JSON.parse(literal.endsWith('"') && literal.length > 1 ? literal : `${literal}"`) as string;
    } catch {
      return literal.replace(/^"|"$/g, '');
    }
  }

  private str(): string {
    const from = this.i + this.quote.length;
    const end = this.s.indexOf(this.quote, from);
    if (end === -1) {
      this.incomplete = true;
      this.i = this.s.length;
      return this.s.slice(from);
    }
    this.i = end + this.quote.length;
    return this.s.slice(from, end);
  }
}

const CALL_HEAD = /^[\s,]*call:([^{\s]+)[ \t]*/;

/**
 * Every `call:NAME{…}` at the start of `body`, one after another (a block may hold several).
 * `end` is the offset just past the last call read.
 */
function readGemmaCalls(body: string, quote: string, atEndOfReply: boolean): { calls: RawCall[]; end: number; cut: boolean } {
  const calls: RawCall[] = [];
  let at = 0;
  for (;;) {
    const m = CALL_HEAD.exec(body.slice(at, at + 300));
    if (!m || !isToolName(m[1]!)) break;
    const argsAt = at + m[0].length;
    if (body[argsAt] !== '{') {
      calls.push({ name: m[1]!, arguments: {} });
      at = argsAt;
      continue;
    }
    const reader = new GemmaReader(body, quote, argsAt);
    const call = { name: m[1]!, arguments: reader.object(0) };
    if (reader.incomplete && atEndOfReply) return { calls: [...calls, cutOff(call)], end: body.length, cut: true };
    calls.push(call);
    at = reader.i;
  }
  return { calls, end: at, cut: false };
}

export const gemma: Dialect = {
  name: 'gemma',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    for (const form of FORMS) {
      const starts = findAll(text, form.open);
      const finder = new ForwardFinder(text);
      for (let k = 0; k < starts.length; k++) {
        const from = starts[k]! + form.open.length;
        const limit = k + 1 < starts.length ? starts[k + 1]! : text.length;
        const closeAt = finder.find(form.close, from);
        const closed = closeAt !== -1 && closeAt < limit;
        const read = readGemmaCalls(text.slice(from, closed ? closeAt : limit), form.quote, !closed && limit === text.length);
        if (read.calls.length === 0) continue;
        out.push({ start: starts[k]!, end: closed ? closeAt + form.close.length : from + read.end, dialect: form.dialect, calls: read.calls, cut: read.cut || undefined });
      }
    }
    return out;
  },
};

/**
 * `call:NAME{…}` with the `<|tool_call>` wrapper already stripped by the server: read where
 * `call:` starts a line and a `{` follows the name.
 */
export const gemmaStripped: Dialect = {
  name: 'gemma-stripped',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    if (!text.includes('call:')) return out;
    const quote = text.includes('<escape>') && !text.includes('<|"|>') ? '<escape>' : '<|"|>';
    let floor = 0;
    for (const at of findAll(text, 'call:')) {
      if (at < floor) continue;
      let j = at;
      while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
      if (j > 0 && text[j - 1] !== '\n') continue;
      if (!/^call:[^{\s]+\{/.test(text.slice(at, at + 200))) continue;
      const read = readGemmaCalls(text.slice(at), quote, true);
      if (read.calls.length === 0) continue;
      out.push({ start: at, end: at + read.end, dialect: 'gemma4', calls: read.calls, cut: read.cut || undefined });
      floor = at + read.end;
    }
    return out;
  },
};
