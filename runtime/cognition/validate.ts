import { z } from 'zod';
import { parseLenient } from '../model/toolcalls/json-repair.js';
import { jsonSpans } from '../model/toolcalls/scan.js';
import type { TypeRef } from './types.js';

/**
 * Forgiving output alignment (after BAML): small models answer `Coding - because…`, `"90%"`, a
 * bare item instead of a list, JSON inside prose or fences, a draft followed by the real answer.
 * The type decides: of the JSON values in a reply the first that fits wins, and each value is
 * aligned to the declared type with every fix recorded (it goes to the trace); then a zod schema
 * derived from the type has the final word. Scored by `npm run bench:parser`.
 */
export type Alignment = { ok: true; value: unknown; fixes: string[] } | { ok: false; error: string; fixes: string[] };

export function schemaFor(t: TypeRef): z.ZodType {
  switch (t.kind) {
    case 'string': return z.string();
    case 'int': return z.number().int();
    case 'float': return z.number();
    case 'bool': return z.boolean();
    case 'enum': return z.enum(t.values as [string, ...string[]]);
    case 'list': return z.array(schemaFor(t.item));
    case 'record': return z.object(Object.fromEntries(t.fields.map((f) => [f.name, schemaFor(f.type)])));
    case 'optional': return schemaFor(t.inner).nullable();
  }
}

/** The format instructions a template shows as {{output_format}}. */
export function formatInstructions(t: TypeRef): string {
  switch (t.kind) {
    case 'string': return 'Answer with plain text.';
    case 'int': return 'Answer with a whole number only.';
    case 'float': return 'Answer with a number only.';
    case 'bool': return 'Answer with true or false only.';
    case 'enum': return `Answer with exactly one word, one of: ${t.values.join(', ')}.`;
    case 'optional': return formatInstructions(t.inner);
    default: return `Answer with JSON only, in this shape: ${shapeOf(t)}`;
  }
}

function shapeOf(t: TypeRef): string {
  switch (t.kind) {
    case 'string': return 'string';
    case 'int': return 'integer';
    case 'float': return 'number';
    case 'bool': return 'true|false';
    case 'enum': return t.values.map((v) => JSON.stringify(v)).join('|');
    case 'list': return `[${shapeOf(t.item)}, …]`;
    case 'record': return `{${t.fields.map((f) => `"${f.name}": ${shapeOf(f.type)}`).join(', ')}}`;
    case 'optional': return `${shapeOf(t.inner)} or null`;
  }
}

/** Removes what models wrap answers in: reasoning blocks and code fences (quotes are left to the value alignment). */
export function cleanReply(text: string): string {
  let out = stripReasoning(text);
  const fence = /```[a-zA-Z]*\n?([\s\S]*?)```/.exec(out);
  if (fence) out = fence[1]!;
  return out.trim();
}

export function alignOutput(text: string, type: TypeRef): Alignment {
  const fixes: string[] = [];
  const cleaned = cleanReply(text);
  if (cleaned !== text.trim()) fixes.push('removed reasoning or code fences around the answer');
  if (needsJson(type)) return alignStructured(stripReasoning(text), cleaned, type, fixes);
  // A scalar answered as JSON (`{"category": "coding"}`, `[3]`): align the value inside, else the
  // text as written. Plain strings keep the text: JSON-looking prose is still prose.
  if (type.kind !== 'string' && /^[[{]/.test(cleaned)) {
    const parsed = parseLenient(cleaned);
    if (parsed !== undefined && typeof parsed.value === 'object' && parsed.value !== null) {
      const jsonFixes = [...fixes, 'read the answer from JSON'];
      const fromJson = finish(alignValue(parsed.value, type, '', jsonFixes, true), type, jsonFixes);
      if (fromJson.ok) return fromJson;
    }
  }
  return finish(alignValue(cleaned, type, '', fixes, false), type, fixes);
}

/** zod has the final word on whatever alignment produced. */
function finish(aligned: Aligned, type: TypeRef, fixes: string[]): Alignment {
  if (!aligned.ok) return { ok: false, error: aligned.error, fixes };
  const checked = schemaFor(type).safeParse(aligned.value);
  if (!checked.success) return { ok: false, error: z.prettifyError(checked.error).replace(/\n/g, '; '), fixes };
  return { ok: true, value: checked.data, fixes };
}

function needsJson(t: TypeRef): boolean {
  return t.kind === 'record' || t.kind === 'list' || (t.kind === 'optional' && needsJson(t.inner));
}

/** The item type of a list or an optional list. */
function listItem(t: TypeRef): TypeRef | undefined {
  if (t.kind === 'optional') return listItem(t.inner);
  return t.kind === 'list' ? t.item : undefined;
}

function stripReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/<\/?think>/gi, '').trim();
}

interface JsonCandidate {
  value: unknown;
  repaired: boolean;
  /** The value was the whole reply (or the whole of a fence), not cut out of prose. */
  whole: boolean;
}

/**
 * Every JSON object or array in the reply, in the order a reader would trust them: fenced blocks
 * first (a fence is where models put the answer), then the rest of the text. A reply cut off
 * inside a fence still counts. Parsing is the tool-call parser's lenient one (jsonrepair plus
 * fixes for quotes inside strings and dangling keys).
 */
function jsonCandidates(text: string): JsonCandidate[] {
  const sources: string[] = [];
  let rest = text;
  const fence = /```[\w-]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/g;
  for (const m of text.matchAll(fence)) {
    sources.push(m[1]!);
    rest = rest.replace(m[0], ' ');
  }
  sources.push(rest);
  const out: JsonCandidate[] = [];
  for (const source of sources) {
    const trimmed = source.trim();
    for (const span of jsonSpans(source)) {
      const parsed = parseJsonValue(source.slice(span.start, span.end));
      if (parsed === undefined || typeof parsed.value !== 'object' || parsed.value === null) continue;
      out.push({ value: parsed.value, repaired: parsed.repaired, whole: source.slice(span.start, span.end).trim() === trimmed });
    }
  }
  return out;
}

/**
 * `"amount": -2,000.00` — a number written with thousands separators is not JSON, and repair
 * would split it into two values. Joined only after a key and before a delimiter, where a comma
 * followed by exactly three digits cannot start a new key.
 */
function joinDigitGroups(text: string): string {
  return text.replace(/(:\s*-?\d{1,3})((?:,\d{3})+)(\.\d+)?(?=\s*[,}\]\r\n])/g, (_, head: string, groups: string, fraction: string | undefined) => head + groups.replace(/,/g, '') + (fraction ?? ''));
}

function parseJsonValue(text: string): { value: unknown; repaired: boolean } | undefined {
  try {
    return { value: JSON.parse(text), repaired: false };
  } catch {
    const joined = joinDigitGroups(text);
    const parsed = joined !== text ? parseLenient(joined) : undefined;
    return parsed ? { value: parsed.value, repaired: true } : parseLenient(text);
  }
}

function alignStructured(text: string, cleaned: string, type: TypeRef, fixes: string[]): Alignment {
  const candidates = jsonCandidates(text);
  const item = listItem(type);
  // A list may come as plain lines or comma-separated words; an optional value as `null`/`none`.
  if (candidates.length === 0 && (item || (type.kind === 'optional' && NULL_WORDS.test(cleaned)))) {
    return finish(alignValue(cleaned, type, '', fixes, false), type, fixes);
  }
  const attempt = (candidate: JsonCandidate, index: number): Alignment => {
    const own = [...fixes];
    if (candidate.repaired) own.push('repaired malformed JSON');
    if (!candidate.whole) own.push('took the JSON out of surrounding prose');
    if (index > 0) own.push(`took JSON value ${index + 1} of ${candidates.length}, the first that fits the type`);
    return finish(alignValue(candidate.value, type, '', own, true), type, own);
  };
  if (item) {
    // A list written as a list wins over single items that could be wrapped.
    const arrays = candidates.map((c, i) => [c, i] as const).filter(([c]) => Array.isArray(c.value));
    for (const [candidate, index] of arrays) {
      const r = attempt(candidate, index);
      if (r.ok) return r;
    }
    // Items written one after another (`{…} {…}` or one per paragraph) form the list.
    const items = candidates.filter((c) => !Array.isArray(c.value) && finish(alignValue(c.value, item, '', [], true), item, []).ok);
    if (items.length >= 2) {
      const own = [...fixes, `collected ${items.length} separate JSON values into a list`];
      if (items.some((c) => c.repaired)) own.push('repaired malformed JSON');
      return finish(alignValue(items.map((c) => c.value), type, '', own, true), type, own);
    }
  }
  let first: Alignment | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const r = attempt(candidates[i]!, i);
    if (r.ok) return r;
    first ??= r;
  }
  const record = type.kind === 'record' ? type : type.kind === 'optional' && type.inner.kind === 'record' ? type.inner : undefined;
  const loose = record && looseRecord(text, record.fields.map((f) => f.name));
  if (loose) {
    const own = [...fixes, 'read the fields by name from JSON that could not be repaired'];
    const r = finish(alignValue(loose, type, '', own, true), type, own);
    if (r.ok || !first) return r;
  }
  return first ?? { ok: false, error: `expected JSON (${shapeOf(type)}), found: ${preview(cleaned)}`, fixes };
}

/**
 * Last resort for an object whose values are not JSON at all — unquoted prose running over
 * several lines (`"fix": Run **npm install**, then…`). Knowing the field names, each value is
 * the text from its key to the next known key or the closing brace; a value that parses as JSON
 * is taken as parsed, anything else as text.
 */
function looseRecord(text: string, fields: string[]): Record<string, unknown> | undefined {
  const open = text.indexOf('{');
  if (open < 0) return undefined;
  const close = text.lastIndexOf('}');
  const body = text.slice(open + 1, close > open ? close : text.length);
  const keys: Array<{ name: string; start: number; valueStart: number }> = [];
  for (const name of fields) {
    const m = new RegExp(`(?:^|[,\\n])\\s*(["']?)${escapeRegExp(name)}\\1\\s*:`, 'i').exec(body);
    if (m) keys.push({ name, start: m.index, valueStart: m.index + m[0].length });
  }
  if (keys.length === 0) return undefined;
  keys.sort((a, b) => a.start - b.start);
  const out: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    const raw = body.slice(key.valueStart, keys[i + 1]?.start ?? body.length).trim().replace(/,$/, '').trim();
    const parsed = /^[[{"'\d-]|^(?:true|false|null)$/.test(raw) ? parseJsonValue(raw) : undefined;
    out[key.name] = parsed !== undefined ? parsed.value : raw;
  });
  return out;
}

const NULL_WORDS = /^(null|none|n\/a|)$/i;

type Aligned = { ok: true; value: unknown } | { ok: false; error: string };

/** `file_name`, `fileName`, `File Name` and `file-name` are one key to a model. */
const normalizeKey = (key: string) => key.toLowerCase().replace(/[\s_-]+/g, '');

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function alignValue(v: unknown, t: TypeRef, path: string, fixes: string[], fromJson: boolean): Aligned {
  const at = path ? ` at ${path}` : '';
  if (t.kind !== 'list' && t.kind !== 'optional' && Array.isArray(v) && v.length === 1) {
    fixes.push(`took the only element of a one-element list${at}`);
    return alignValue(v[0], t, path, fixes, fromJson);
  }
  // `{"category": "coding"}` where only the word was asked for.
  if ((t.kind === 'enum' || t.kind === 'int' || t.kind === 'float' || t.kind === 'bool') && isPlainObject(v) && Object.keys(v).length === 1) {
    const [key, inner] = Object.entries(v)[0]!;
    fixes.push(`took the value of the only field '${key}'${at}`);
    return alignValue(inner, t, path, fixes, fromJson);
  }
  switch (t.kind) {
    case 'optional':
      if (v === null || v === undefined || (typeof v === 'string' && NULL_WORDS.test(v.trim()))) return { ok: true, value: null };
      return alignValue(v, t.inner, path, fixes, fromJson);
    case 'string':
      if (typeof v === 'string') return { ok: true, value: v.trim() };
      if (typeof v === 'number' || typeof v === 'boolean') {
        fixes.push(`converted ${JSON.stringify(v)} to a string${at}`);
        return { ok: true, value: String(v) };
      }
      return { ok: false, error: `expected text${at}, found ${preview(v)}` };
    case 'int': case 'float':
      return alignNumber(v, t.kind, at, fixes);
    case 'bool':
      return alignBool(v, at, fixes);
    case 'enum':
      return alignEnum(v, t.values, at, fixes);
    case 'list': {
      let items: unknown[];
      if (Array.isArray(v)) items = v;
      else if (typeof v === 'string' && !fromJson) {
        items = v.split(/\r?\n|,/).map((s) => s.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim()).filter(Boolean);
        fixes.push(`read a list from plain text${at}`);
      } else if (isPlainObject(v) && Object.keys(v).length === 1 && Array.isArray(Object.values(v)[0])) {
        // `{"steps": [...]}` for a list of steps; if its items do not fit, the object is one item.
        const [key, inner] = Object.entries(v)[0]!;
        const own = [`took the list from the only field '${key}'${at}`];
        const r = alignValue(inner, t, path, own, fromJson);
        if (r.ok) {
          fixes.push(...own);
          return r;
        }
        items = [v];
        fixes.push(`took a single value as a one-element list${at}`);
      } else {
        items = [v];
        fixes.push(`took a single value as a one-element list${at}`);
      }
      const out: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        const r = alignValue(items[i], t.item, `${path}[${i}]`, fixes, fromJson);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
    case 'record': {
      if (!isPlainObject(v)) return { ok: false, error: `expected an object${at}, found ${preview(v)}` };
      const keys = Object.keys(v);
      const wanted = new Set(t.fields.map((f) => normalizeKey(f.name)));
      // `{"diagnosis": {…}}`: the answer inside an envelope that names none of the fields.
      if (keys.length === 1 && isPlainObject(v[keys[0]!]) && !wanted.has(normalizeKey(keys[0]!))) {
        fixes.push(`took the object inside the field '${keys[0]}'${at}`);
        return alignValue(v[keys[0]!], t, path, fixes, fromJson);
      }
      const out: Record<string, unknown> = {};
      for (const field of t.fields) {
        let key = field.name;
        if (!(key in v)) {
          const alternatives = keys.filter((k) => normalizeKey(k) === normalizeKey(field.name));
          if (alternatives.length === 1) {
            fixes.push(`matched field '${alternatives[0]}' to '${field.name}'`);
            key = alternatives[0]!;
          }
        }
        const sub = `${path ? `${path}.` : ''}${field.name}`;
        if (!(key in v)) {
          if (field.type.kind === 'optional') { out[field.name] = null; continue; }
          return { ok: false, error: `missing field '${sub}'` };
        }
        const r = alignValue(v[key], field.type, sub, fixes, fromJson);
        if (!r.ok) return r;
        out[field.name] = r.value;
      }
      return { ok: true, value: out };
    }
  }
}

function alignNumber(v: unknown, kind: 'int' | 'float', at: string, fixes: string[]): Aligned {
  if (typeof v === 'number') {
    if (kind === 'int' && !Number.isInteger(v) && Math.abs(v - Math.round(v)) < 1e-9) return { ok: true, value: Math.round(v) };
    return { ok: true, value: v };
  }
  if (typeof v === 'string') {
    const text = v.replace(/(\d),(?=\d{3}\b)/g, '$1');
    const m = /[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(text);
    if (m) {
      const after = text.slice(m.index + m[0].length);
      const denominator = /^\s*\/\s*(\d+(?:\.\d+)?)/.exec(after);
      // A float written as a percentage or a fraction: confidence "90%", "4/5".
      if (kind === 'float' && /^\s*%/.test(after)) {
        const value = Number(m[0]) / 100;
        fixes.push(`read ${m[0]}% from ${preview(v)} as ${value}${at}`);
        return { ok: true, value };
      }
      if (kind === 'float' && denominator && Number(denominator[1]) !== 0) {
        const value = Number(m[0]) / Number(denominator[1]);
        fixes.push(`read the fraction ${m[0]}/${denominator[1]} from ${preview(v)} as ${value}${at}`);
        return { ok: true, value };
      }
      fixes.push(`read the number ${m[0]} from ${preview(v)}${at}`);
      return { ok: true, value: Number(m[0]) };
    }
  }
  return { ok: false, error: `expected a number${at}, found ${preview(v)}` };
}

/** After a leading answer word: punctuation, a spaced dash, a line break or the end — not more words. */
const SET_OFF = String.raw`(?![\w])(?=\s*(?:[:.,;!?"'\`*)]|\r?\n|$)|\s+[-–—]\s)`;

const BOOL_WORDS: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, false: false, no: false, n: false, '0': false };

function alignBool(v: unknown, at: string, fixes: string[]): Aligned {
  if (typeof v === 'boolean') return { ok: true, value: v };
  const text = String(v).trim();
  const word = stripMarkup(text).toLowerCase();
  if (Object.hasOwn(BOOL_WORDS, word)) {
    fixes.push(`read ${preview(v)} as ${BOOL_WORDS[word]}${at}`);
    return { ok: true, value: BOOL_WORDS[word]! };
  }
  // "False. The statement is wrong because…", "Yes - the file exists."
  const leading = new RegExp(`^(true|false|yes|no)${SET_OFF}`, 'i').exec(stripMarkup(text, 'leading'));
  if (leading) {
    const value = BOOL_WORDS[leading[1]!.toLowerCase()]!;
    fixes.push(`read the leading ${JSON.stringify(leading[1])} in ${preview(v)} as ${value}${at}`);
    return { ok: true, value };
  }
  // "Answer: **True**": true or false named in the prose, and no yes/no saying otherwise.
  const named = [...text.matchAll(/(?<!\bnot\s+)\b(true|false)\b/gi)].map((m) => m[1]!.toLowerCase() === 'true');
  const answered = [...text.matchAll(/\b(yes|no)\b/gi)].map((m) => m[1]!.toLowerCase() === 'yes');
  const found = new Set([...named, ...answered]);
  if (named.length > 0 && found.size === 1) {
    const value = found.has(true);
    fixes.push(`found ${value} in ${preview(v)}${at}`);
    return { ok: true, value };
  }
  return { ok: false, error: `expected true or false${at}, found ${preview(v)}` };
}

/** Quotes, emphasis, list bullets and trailing punctuation around a one-word answer. */
function stripMarkup(text: string, side: 'both' | 'leading' = 'both'): string {
  const lead = text.trim().replace(/^(?:[-*•>#]+\s+|\d+[.)]\s+)?["'`*_([\s]*/, '');
  return side === 'leading' ? lead : lead.replace(/["'`*_.,;:!?)\]\s]+$/, '');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A value as a model may write it: any case, `syntax error` or `syntax-error` for `syntax_error`. */
const valuePattern = (value: string) => escapeRegExp(value).replace(/[_\s-]+/g, '[\\s_-]+');

function alignEnum(v: unknown, values: string[], at: string, fixes: string[]): Aligned {
  if (typeof v === 'string' && values.includes(v)) return { ok: true, value: v };
  const text = String(v ?? '').trim();
  const word = stripMarkup(text);
  const exact = values.filter((value) => normalizeKey(value) === normalizeKey(word));
  if (exact.length === 1) {
    fixes.push(`matched ${preview(text)} to '${exact[0]}' ignoring case${at}`);
    return { ok: true, value: exact[0] };
  }
  const prefixed = word.length >= 2 && /^[\w\s-]+$/.test(word) ? values.filter((value) => normalizeKey(value).startsWith(normalizeKey(word))) : [];
  if (prefixed.length === 1) {
    fixes.push(`matched ${preview(text)} to '${prefixed[0]}' by unique prefix${at}`);
    return { ok: true, value: prefixed[0] };
  }
  // "Coding - the user wants a new function": a value standing first, set off by punctuation.
  const lead = stripMarkup(text, 'leading');
  const leading = values
    .filter((value) => new RegExp(`^${valuePattern(value)}${SET_OFF}`, 'i').test(lead))
    .sort((a, b) => b.length - a.length);
  if (leading.length > 0) {
    fixes.push(`took the leading '${leading[0]}' from ${preview(text)}${at}`);
    return { ok: true, value: leading[0] };
  }
  // A sentence that names exactly one of the values: "This is a coding task."
  const mentioned = values.filter((value) => new RegExp(`(?<![\\w])${valuePattern(value)}(?![\\w])`, 'i').test(text));
  if (mentioned.length === 1) {
    fixes.push(`found '${mentioned[0]}' in ${preview(text)}${at}`);
    return { ok: true, value: mentioned[0] };
  }
  return { ok: false, error: `expected one of ${values.join(', ')}${at}, found ${preview(text)}` };
}

function preview(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

/** Extra validators named in `validate:`; schema_only is alignment itself. */
export async function runValidators(names: readonly string[], value: unknown, raw: string): Promise<string | undefined> {
  for (const name of names) {
    switch (name) {
      case 'schema_only':
        break;
      case 'non_empty':
        if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0)) return 'the answer is empty';
        break;
      case 'single_line':
        if (typeof value === 'string' && value.trim().includes('\n')) return 'the answer must be a single line';
        break;
      case 'json':
        try {
          JSON.parse(typeof value === 'string' ? cleanReply(value) : raw);
        } catch (err) {
          return `the answer is not valid JSON: ${(err as Error).message}`;
        }
        break;
      case 'ast_compiles': {
        const { ts } = await import('ts-morph');
        const source = typeof value === 'string' ? cleanReply(value) : raw;
        const out = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { allowJs: true } });
        const first = out.diagnostics?.[0];
        if (first) return `the code does not parse: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`;
        break;
      }
    }
  }
  return undefined;
}
