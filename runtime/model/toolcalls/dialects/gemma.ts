/**
 * Gemma 4 `<|tool_call>call:NAME{key:<|"|>text<|"|>,n:1}<tool_call|>` and FunctionGemma
 * `<start_function_call>call:NAME{key:<escape>text<escape>}<end_function_call>`: unquoted keys,
 * strings between delimiter tokens, bare numbers/booleans, nested objects and lists. Output cut
 * off inside a value keeps what was written so far.
 */
import { findAll, ForwardFinder, isToolName } from '../scan.js';
import type { Dialect, DialectMatch, RawCall } from '../types.js';

const FORMS = [
  { open: '<|tool_call>', close: '<tool_call|>', quote: '<|"|>', dialect: 'gemma4' },
  { open: '<start_function_call>', close: '<end_function_call>', quote: '<escape>', dialect: 'functiongemma' },
] as const;

const MAX_DEPTH = 64;

class GemmaReader {
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
      while (this.i < this.s.length) {
        this.ws();
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
      this.i = this.s.length;
      return this.s.slice(from);
    }
    this.i = end + this.quote.length;
    return this.s.slice(from, end);
  }
}

function readGemmaCall(body: string, quote: string): RawCall | undefined {
  const m = /^\s*call:([^{\s]+)\s*/.exec(body);
  if (!m || !isToolName(m[1]!)) return undefined;
  const rest = body.slice(m[0].length);
  if (!rest.startsWith('{')) return { name: m[1]!, arguments: {} };
  return { name: m[1]!, arguments: new GemmaReader(rest, quote).object(0) };
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
        const call = readGemmaCall(text.slice(from, closed ? closeAt : limit), form.quote);
        if (!call) continue;
        out.push({ start: starts[k]!, end: closed ? closeAt + form.close.length : limit, dialect: form.dialect, calls: [call] });
      }
    }
    return out;
  },
};
