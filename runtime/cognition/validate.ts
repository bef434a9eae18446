import { jsonrepair } from 'jsonrepair';
import { z } from 'zod';
import type { TypeRef } from './types.js';

/**
 * Forgiving output alignment (after BAML): small models answer `Coding.`, `"3"`, a bare item
 * instead of a list, JSON inside prose or fences. Each value is aligned to the declared type and
 * every fix is recorded (it goes to the trace); then a zod schema derived from the type has the
 * final word.
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

/** Removes what models wrap answers in: reasoning blocks, code fences, surrounding quotes. */
export function cleanReply(text: string): string {
  let out = text.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/<\/?think>/gi, '');
  const fence = /```[a-zA-Z]*\n?([\s\S]*?)```/.exec(out);
  if (fence) out = fence[1]!;
  return out.trim();
}

export function alignOutput(text: string, type: TypeRef): Alignment {
  const fixes: string[] = [];
  const cleaned = cleanReply(text);
  if (cleaned !== text.trim()) fixes.push('removed reasoning or code fences around the answer');
  let raw: unknown = cleaned;
  let structured = needsJson(type);
  if (structured) {
    const parsed = extractJson(cleaned, fixes);
    if (parsed === undefined) {
      if (type.kind === 'list' || (type.kind === 'optional' && type.inner.kind === 'list')) structured = false;
      else return { ok: false, error: `expected JSON (${shapeOf(type)}), found: ${preview(cleaned)}`, fixes };
    } else raw = parsed;
  }
  const aligned = alignValue(raw, type, '', fixes, structured);
  if (!aligned.ok) return { ok: false, error: aligned.error, fixes };
  const checked = schemaFor(type).safeParse(aligned.value);
  if (!checked.success) return { ok: false, error: z.prettifyError(checked.error).replace(/\n/g, '; '), fixes };
  return { ok: true, value: checked.data, fixes };
}

function needsJson(t: TypeRef): boolean {
  return t.kind === 'record' || t.kind === 'list' || (t.kind === 'optional' && needsJson(t.inner));
}

function extractJson(text: string, fixes: string[]): unknown {
  const tryParse = (s: string): unknown => {
    try {
      return JSON.parse(s);
    } catch {
      try {
        const repaired = JSON.parse(jsonrepair(s));
        fixes.push('repaired malformed JSON');
        return repaired;
      } catch {
        return undefined;
      }
    }
  };
  const direct = tryParse(text);
  if (direct !== undefined && typeof direct === 'object') return direct;
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  const close = text[start] === '{' ? '}' : ']';
  const end = text.lastIndexOf(close);
  if (end <= start) return undefined;
  const inner = tryParse(text.slice(start, end + 1));
  if (inner !== undefined) fixes.push('took the JSON out of surrounding prose');
  return inner;
}

type Aligned = { ok: true; value: unknown } | { ok: false; error: string };

function alignValue(v: unknown, t: TypeRef, path: string, fixes: string[], fromJson: boolean): Aligned {
  const at = path ? ` at ${path}` : '';
  switch (t.kind) {
    case 'optional':
      if (v === null || v === undefined || (typeof v === 'string' && /^(null|none|n\/a|)$/i.test(v.trim()))) return { ok: true, value: null };
      return alignValue(v, t.inner, path, fixes, fromJson);
    case 'string':
      if (typeof v === 'string') return { ok: true, value: v.trim() };
      if (typeof v === 'number' || typeof v === 'boolean') {
        fixes.push(`converted ${JSON.stringify(v)} to a string${at}`);
        return { ok: true, value: String(v) };
      }
      return { ok: false, error: `expected text${at}, found ${preview(v)}` };
    case 'int': case 'float': {
      if (typeof v === 'number') {
        if (t.kind === 'int' && !Number.isInteger(v) && Number.isInteger(Math.round(v)) && Math.abs(v - Math.round(v)) < 1e-9) return { ok: true, value: Math.round(v) };
        return { ok: true, value: v };
      }
      if (typeof v === 'string') {
        const m = /-?\d+(?:\.\d+)?/.exec(v.replace(/,(?=\d{3}\b)/g, ''));
        if (m) {
          fixes.push(`read the number ${m[0]} from ${preview(v)}${at}`);
          return { ok: true, value: Number(m[0]) };
        }
      }
      return { ok: false, error: `expected a number${at}, found ${preview(v)}` };
    }
    case 'bool': {
      if (typeof v === 'boolean') return { ok: true, value: v };
      const s = String(v).trim().toLowerCase().replace(/[.!]$/, '');
      if (['true', 'yes', 'y', '1'].includes(s)) { fixes.push(`read ${preview(v)} as true${at}`); return { ok: true, value: true }; }
      if (['false', 'no', 'n', '0'].includes(s)) { fixes.push(`read ${preview(v)} as false${at}`); return { ok: true, value: false }; }
      return { ok: false, error: `expected true or false${at}, found ${preview(v)}` };
    }
    case 'enum':
      return alignEnum(v, t.values, at, fixes);
    case 'list': {
      let items: unknown[];
      if (Array.isArray(v)) items = v;
      else if (typeof v === 'string' && !fromJson) {
        items = v.split(/\r?\n|,/).map((s) => s.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim()).filter(Boolean);
        fixes.push(`read a list from plain text${at}`);
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
      if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: `expected an object${at}, found ${preview(v)}` };
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const field of t.fields) {
        let key = field.name;
        if (!(key in src)) {
          const alt = Object.keys(src).find((k) => k.toLowerCase().replace(/[-\s]/g, '_') === field.name.toLowerCase());
          if (alt) {
            fixes.push(`matched field '${alt}' to '${field.name}'`);
            key = alt;
          }
        }
        const sub = `${path ? `${path}.` : ''}${field.name}`;
        if (!(key in src)) {
          if (field.type.kind === 'optional') { out[field.name] = null; continue; }
          return { ok: false, error: `missing field '${sub}'` };
        }
        const r = alignValue(src[key], field.type, sub, fixes, fromJson);
        if (!r.ok) return r;
        out[field.name] = r.value;
      }
      return { ok: true, value: out };
    }
  }
}

function alignEnum(v: unknown, values: string[], at: string, fixes: string[]): Aligned {
  if (typeof v === 'string' && values.includes(v)) return { ok: true, value: v };
  const text = String(v ?? '').trim();
  const word = text.toLowerCase().replace(/^["'`*\s]+|["'`*.!\s]+$/g, '');
  const exact = values.find((value) => value.toLowerCase() === word);
  if (exact) {
    fixes.push(`matched ${preview(text)} to '${exact}' ignoring case${at}`);
    return { ok: true, value: exact };
  }
  const prefixed = word.length >= 2 ? values.filter((value) => value.toLowerCase().startsWith(word)) : [];
  if (prefixed.length === 1) {
    fixes.push(`matched ${preview(text)} to '${prefixed[0]}' by unique prefix${at}`);
    return { ok: true, value: prefixed[0] };
  }
  // A sentence that names exactly one of the values: "This is a coding task."
  const mentioned = values.filter((value) => new RegExp(`\\b${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(text));
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
