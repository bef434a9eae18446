/**
 * Pythonic calls: `[read_file(path="a.py"), ls()]` (Llama 4, LFM2, Olmo 3), `name.call(code="…")`
 * (Llama 3.1 `<|python_tag|>`), and a reply that is nothing but call expressions. Values are
 * Python literals (strings with escapes, True/False/None, lists, tuples, dicts) plus JSON's
 * true/false/null; a single positional dict is taken as the arguments object.
 */
import { cutOff } from './json-calls.js';
import type { DetectContext, Dialect, DialectMatch, RawCall } from '../types.js';

const MAX_DEPTH = 64;

/** Thrown to abandon a parse; a shared plain object, because building Errors (stack traces) is slow. */
const FAIL: unique symbol = Symbol('pythonic parse failed');

export class PythonicReader {
  /** How far the last failed attempt got: callers charge it to their work budget. */
  furthest = 0;

  constructor(
    readonly s: string,
    public i = 0,
  ) {}

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private ident(): string | undefined {
    const m = /^[A-Za-z_][\w]*(?:[.-][A-Za-z_][\w]*)*/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  /** `name(args)`; undefined (position restored) when the text here is not a call. */
  call(): RawCall | undefined {
    const start = this.i;
    try {
      this.ws();
      let name = this.ident();
      if (!name) throw FAIL;
      if (name.endsWith('.call')) name = name.slice(0, -5);
      this.ws();
      if (this.s[this.i] !== '(') throw FAIL;
      this.i++;
      const args: Record<string, unknown> = {};
      const positional: unknown[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === ')') {
          this.i++;
          break;
        }
        const save = this.i;
        const key = this.ident();
        this.ws();
        if (key && this.s[this.i] === '=' && this.s[this.i + 1] !== '=') {
          this.i++;
          args[key] = this.value(0);
        } else {
          this.i = save;
          positional.push(this.value(0));
        }
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== ')') throw FAIL;
      }
      if (positional.length === 1 && isObject(positional[0]) && Object.keys(args).length === 0) {
        return { name, arguments: positional[0] };
      }
      if (positional.length > 0) return { name, arguments: args, malformed: 'positional arguments are not supported; name every argument (name=value)' };
      return { name, arguments: args };
    } catch (err) {
      if (err !== FAIL) throw err;
      this.furthest = Math.max(this.furthest, this.i);
      this.i = start;
      return undefined;
    }
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw FAIL;
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) throw FAIL;
    if (c === '"' || c === "'") return this.str();
    if ((c === 'r' || c === 'b' || c === 'f') && (this.s[this.i + 1] === '"' || this.s[this.i + 1] === "'")) {
      this.i++;
      return this.str(c === 'r');
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      this.i++;
      const out: unknown[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === close) {
          this.i++;
          return out;
        }
        out.push(this.value(depth + 1));
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== close) throw FAIL;
      }
    }
    if (c === '{') {
      this.i++;
      const out: Record<string, unknown> = {};
      for (;;) {
        this.ws();
        if (this.s[this.i] === '}') {
          this.i++;
          return out;
        }
        const key = this.value(depth + 1);
        this.ws();
        if (this.s[this.i] !== ':') throw FAIL;
        this.i++;
        out[String(key)] = this.value(depth + 1);
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== '}') throw FAIL;
      }
    }
    const num = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.s.slice(this.i, this.i + 64));
    if (num) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    const word = this.ident();
    if (word === undefined) throw FAIL;
    if (word === 'True' || word === 'true') return true;
    if (word === 'False' || word === 'false') return false;
    if (word === 'None' || word === 'null') return null;
    return word; // an unquoted word: the model meant the string
  }

  private str(raw = false): string {
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    while (this.i < this.s.length) {
      if (this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      const ch = this.s[this.i]!;
      if (ch === '\\' && !raw && this.i + 1 < this.s.length) {
        const n = this.s[this.i + 1]!;
        const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (n in esc) out += esc[n];
        else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 4;
        } else out += '\\' + n;
        this.i += 2;
        continue;
      }
      out += ch;
      this.i++;
    }
    throw FAIL;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `[call, call]` at `start` (which is `[`); returns the calls and the end offset. */
export function readCallList(text: string, start: number, cost?: { scanned: number }): { calls: RawCall[]; end: number; cut?: boolean; cutName?: string } | undefined {
  const r = new PythonicReader(text, start + 1);
  const calls: RawCall[] = [];
  for (;;) {
    const call = r.call();
    if (cost) cost.scanned = Math.max(r.furthest, r.i) - start;
    if (!call) {
      // Whole calls, then one the reply ended inside (`[a(x=1), b(pa`): the list was cut off.
      // With no whole call before it, only a known tool's name makes it a call (`cutName`).
      const head = /^\s*([A-Za-z_][\w.-]*)(?:\s*\(|$)/.exec(text.slice(r.i, r.i + 200));
      const cut = head !== null && Math.max(r.furthest, r.i) >= text.trimEnd().length - 1;
      return cut ? { calls, end: text.length, cut, cutName: head[1]! } : undefined;
    }
    calls.push(call);
    while (r.i < text.length && /\s/.test(text[r.i]!)) r.i++;
    if (text[r.i] === ',') {
      r.i++;
      continue;
    }
    if (text[r.i] === ']') return { calls, end: r.i + 1 };
    return undefined;
  }
}

/**
 * The whole of `text` as call expressions separated by newlines, `;` or `,` (optionally inside
 * one pair of brackets). Undefined unless every character belongs to a call.
 */
export function readCallSequence(text: string): RawCall[] | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.startsWith('[')) {
    const list = readCallList(t, 0);
    return list && !list.cut && t.slice(list.end).trim() === '' ? list.calls : undefined;
  }
  const r = new PythonicReader(t, 0);
  const calls: RawCall[] = [];
  while (r.i < t.length) {
    const call = r.call();
    if (!call) return undefined;
    calls.push(call);
    while (r.i < t.length && /[\s;,]/.test(t[r.i]!)) r.i++;
  }
  return calls.length ? calls : undefined;
}

function namesAcceptable(calls: RawCall[], ctx: DetectContext): boolean {
  return ctx.toolNames.size === 0 || calls.every((c) => ctx.toolNames.has(c.name));
}

/** `[name(...)]` lists anywhere in prose: the name must be a known tool when tools are given. */
export const pythonicList: Dialect = {
  name: 'pythonic',
  strength: 'bare',
  detect(text, ctx) {
    const out: DialectMatch[] = [];
    let budget = 4 * text.length + 10_000;
    for (let i = text.indexOf('['); i !== -1 && budget > 0; i = text.indexOf('[', i + 1)) {
      if (!/[A-Za-z_]/.test(text[i + 1] ?? '')) continue;
      const cost = { scanned: 0 };
      const list = readCallList(text, i, cost);
      budget -= cost.scanned + 1;
      if (!list) continue;
      if (!namesAcceptable(list.calls, ctx)) continue;
      // A cut list counts when a whole call came first, or it is the reply itself and names a known tool.
      if (list.cut && list.calls.length === 0 && !(ctx.toolNames.has(list.cutName!) && text.slice(0, i).trim() === '')) continue;
      const calls = list.cut ? [...list.calls, cutOff({ name: list.cutName!, arguments: undefined })] : list.calls;
      out.push({ start: i, end: list.end, dialect: 'pythonic', calls, cut: list.cut });
      i = list.end - 1;
    }
    return out;
  },
};

/** A reply that is nothing but call expressions: `read_file(path="a.py")`. */
export const pythonicReply: Dialect = {
  name: 'pythonic',
  strength: 'bare',
  detect(text, ctx) {
    const calls = readCallSequence(text);
    if (!calls || !namesAcceptable(calls, ctx)) return [];
    const start = text.length - text.trimStart().length;
    return [{ start, end: text.trimEnd().length, dialect: 'pythonic', calls }];
  },
};
