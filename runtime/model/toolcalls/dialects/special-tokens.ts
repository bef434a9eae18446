/**
 * Dialects written with special tokens:
 * - DeepSeek V3 / R1 / V3.1, Cogito, Step-3: `<｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json {…}```<｜tool▁call▁end｜>`
 *   or `<｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{…}<｜tool▁call▁end｜>`
 * - Kimi K2: `<|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>{…}<|tool_call_end|>`
 * - Solar Open: `<|tool_call:begin|>ID<|tool_call:name|>NAME<|tool_call:args|>{…}<|tool_call:end|>`
 * - Mistral: `[TOOL_CALLS]NAME[CALL_ID]id[ARGS]{…}` and `[TOOL_CALLS][{…}]`
 * - Functionary v3.2: `>>>NAME\n{…}`; at the very start of a reply also `NAME\n{…}` for a known tool.
 * DeepSeek's fullwidth bars and `▁` are read like `|` and `_` (one UTF-16 unit each, so offsets hold).
 */
import { findAll, ForwardFinder, isToolName, scanBalanced, skipSpace } from '../scan.js';
import type { DetectContext, Dialect, DialectMatch, RawCall } from '../types.js';
import { readBody } from './wrapped.js';
import { readXmlCalls } from './xml.js';
import { cutOff } from './json-calls.js';

function normalizeTokens(text: string): string {
  return text.replace(/｜/g, '|').replace(/▁/g, '_');
}

/** Drops a ```json fence around an arguments object. */
function unfence(s: string): string {
  let t = s.trim();
  if (t.startsWith('```')) {
    const nl = t.indexOf('\n');
    t = nl === -1 ? t.replace(/^```\w*/, '') : t.slice(nl + 1);
  }
  if (t.endsWith('```')) t = t.slice(0, -3);
  return t.trim();
}

const CALL_BEGIN = '<|tool_call_begin|>';
const CALL_END = '<|tool_call_end|>';
const KIMI_ARGS = '<|tool_call_argument_begin|>';
const DS_SEP = '<|tool_sep|>';
const DS_R1_CALLS = '<|tool_calls|>';
const SECTION_ENDS = ['<|tool_calls_end|>', '<|tool_calls_section_end|>'];
const SECTION_BEGINS = [DS_R1_CALLS, '<|tool_calls_begin|>', '<|tool_calls_section_begin|>'];

function readSpecialBody(norm: string, original: string, from: number, to: number): { call: RawCall; dialect: string } | undefined {
  const body = norm.slice(from, to);
  const kimi = body.indexOf(KIMI_ARGS);
  if (kimi !== -1) {
    const header = body.slice(0, kimi).trim();
    const name = header.replace(/^functions\./, '').replace(/:\d+$/, '').trim();
    if (!isToolName(name)) return undefined;
    return { call: { name, arguments: unfence(original.slice(from + kimi + KIMI_ARGS.length, to)), id: header }, dialect: 'kimi-k2' };
  }
  const sep = body.indexOf(DS_SEP);
  if (sep !== -1) {
    const left = body.slice(0, sep).trim();
    const right = original.slice(from + sep + DS_SEP.length, to);
    if (left === 'function' || left === '') {
      const m = /^\s*([^\s`{]+)/.exec(right);
      if (!m || !isToolName(m[1]!)) return undefined;
      return { call: { name: m[1]!, arguments: unfence(right.slice(m[0].length)) }, dialect: 'deepseek' };
    }
    if (!isToolName(left)) return undefined;
    return { call: { name: left, arguments: unfence(right) }, dialect: 'deepseek-v3.1' };
  }
  const xml = readXmlCalls(original, from, to);
  if (xml.length) return { call: xml[0]!.calls[0]!, dialect: 'step3' };
  return undefined;
}

/** The JSON arguments of a call region (after Kimi's argument token, DeepSeek's separator and optional fence), scanned for their end. */
function jsonArgumentsEnd(norm: string, from: number, limit: number): { end: number; closed: boolean } | undefined {
  const markers = [KIMI_ARGS, DS_SEP];
  let at = -1;
  for (const m of markers) {
    const i = norm.indexOf(m, from);
    if (i !== -1 && i < limit && (at === -1 || i < at)) at = i + m.length;
  }
  if (at === -1) return undefined;
  const brace = norm.indexOf('{', at);
  if (brace === -1 || brace >= limit || brace - at > 200) return undefined;
  // Only a fence, a name line or spaces may stand between the marker and the arguments.
  if (!/^[\s\w.\-`]*$/.test(norm.slice(at, brace))) return undefined;
  return scanBalanced(norm, brace, limit);
}

export const deepseekKimi: Dialect = {
  name: 'deepseek-kimi',
  strength: 'marked',
  detect(text) {
    if (!/tool.call|tool_calls/.test(text) && !text.includes('tool▁call')) return [];
    const norm = normalizeTokens(text);
    const begins = findAll(norm, CALL_BEGIN).map((at) => ({ at, len: CALL_BEGIN.length }));
    // A section opener right before a call's name (no call-begin token) starts that call too:
    // DeepSeek V3.1 models often drop the first `<｜tool▁call▁begin｜>`.
    for (const opener of SECTION_BEGINS) {
      for (const at of findAll(norm, opener)) {
        if (!norm.startsWith('<|tool_call', skipSpace(norm, at + opener.length))) begins.push({ at, len: opener.length });
      }
    }
    begins.sort((a, b) => a.at - b.at);
    const finder = new ForwardFinder(norm);
    const out: DialectMatch[] = [];
    for (let k = 0; k < begins.length; k++) {
      const b = begins[k]!;
      const from = b.at + b.len;
      let limit = k + 1 < begins.length ? begins[k + 1]!.at : norm.length;
      for (const s of SECTION_ENDS) {
        const at = finder.find(s, from);
        if (at !== -1 && at < limit) limit = at;
      }
      // The end token inside a JSON string is data: when the arguments are a JSON value, look after it.
      const args = jsonArgumentsEnd(norm, from, limit);
      const endAt = finder.find(CALL_END, args?.closed ? args.end : from);
      const closed = endAt !== -1 && endAt < limit;
      const to = closed ? endAt : limit;
      const read = readSpecialBody(norm, text, from, to);
      if (!read) continue;
      // The reply ended inside the arguments (JSON never closed, no end token): cut off, not run.
      const cut = !closed && to === norm.length && args !== undefined && !args.closed;
      out.push({ start: b.at, end: closed ? endAt + CALL_END.length : to, dialect: read.dialect, calls: [cut ? cutOff(read.call) : read.call], cut: cut || undefined });
    }
    return out;
  },
};

export const solarOpen: Dialect = {
  name: 'solar-open',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    const begins = findAll(text, '<|tool_call:begin|>');
    const finder = new ForwardFinder(text);
    for (let k = 0; k < begins.length; k++) {
      const from = begins[k]! + '<|tool_call:begin|>'.length;
      const limit = k + 1 < begins.length ? begins[k + 1]! : text.length;
      const endAt = finder.find('<|tool_call:end|>', from);
      const to = endAt !== -1 && endAt < limit ? endAt : limit;
      const body = text.slice(from, to);
      const n = body.indexOf('<|tool_call:name|>');
      const a = body.indexOf('<|tool_call:args|>');
      if (n === -1) continue;
      const name = body.slice(n + 18, a === -1 ? body.length : a).trim();
      if (!isToolName(name)) continue;
      const id = body.slice(0, n).trim() || undefined;
      out.push({
        start: begins[k]!,
        end: to === endAt ? endAt + '<|tool_call:end|>'.length : to,
        dialect: 'solar-open',
        calls: [{ name, arguments: a === -1 ? {} : body.slice(a + 18), id }],
      });
    }
    return out;
  },
};

export const mistral: Dialect = {
  name: 'mistral',
  strength: 'marked',
  detect(text, ctx: DetectContext) {
    const out: DialectMatch[] = [];
    const starts = findAll(text, '[TOOL_CALLS]');
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k]!;
      const from = start + '[TOOL_CALLS]'.length;
      const limit = k + 1 < starts.length ? starts[k + 1]! : text.length;
      const p = skipSpace(text, from, limit);
      const c = text[p];
      if (c === '[' || c === '{') {
        const closeAt = text.indexOf('[/TOOL_CALLS]', p);
        const to = closeAt !== -1 && closeAt < limit ? closeAt : limit;
        const body = readBody(text, p, to, ctx, { dialect: 'mistral', open: '[TOOL_CALLS]', close: ['[/TOOL_CALLS]'] });
        if (!body) continue;
        const end = to === closeAt ? closeAt + '[/TOOL_CALLS]'.length : 'end' in body ? body.end : to;
        out.push({
          start,
          end,
          dialect: 'mistral',
          calls: 'unreadable' in body ? [{ name: '', arguments: undefined, malformed: `the calls after [TOOL_CALLS] could not be read: ${body.unreadable}` }] : body.calls,
        });
        continue;
      }
      const read = readNamedArgsCalls(text, p, limit);
      if (read) out.push({ start, end: read.end, dialect: 'mistral', calls: read.calls, cut: read.cut });
    }
    return out;
  },
};

const NAMED_ARGS = /^([\p{L}_][\p{L}\p{N}_.\-]*)\s*(?:\[CALL_ID\]\s*([^[\s]*)\s*)?\[ARGS\]/u;

/**
 * Mistral v11+ `NAME[CALL_ID]id[ARGS]{…}`, one or several in a row (some models write one
 * `[TOOL_CALLS]` for all). A call whose arguments never close is cut off.
 */
function readNamedArgsCalls(text: string, from: number, limit: number): { calls: RawCall[]; end: number; cut: boolean } | undefined {
  const calls: RawCall[] = [];
  let p = from;
  let end = from;
  for (;;) {
    const m = NAMED_ARGS.exec(text.slice(p, Math.min(limit, p + 400)));
    if (!m) break;
    const argsAt = skipSpace(text, p + m[0].length, limit);
    if (text[argsAt] !== '{') {
      calls.push({ name: m[1]!, arguments: text.slice(argsAt, limit).trim(), id: m[2] || undefined });
      end = limit;
      break;
    }
    const span = scanBalanced(text, argsAt, limit);
    if (!span.closed) return { calls: [...calls, cutOff({ name: m[1]!, arguments: undefined })], end: span.end, cut: true };
    calls.push({ name: m[1]!, arguments: text.slice(argsAt, span.end), id: m[2] || undefined });
    end = span.end;
    p = skipSpace(text, span.end, limit);
  }
  return calls.length ? { calls, end, cut: false } : undefined;
}

/** `NAME[ARGS]{…}` at the start of a line with the `[TOOL_CALLS]` token stripped by the server. */
export const mistralStripped: Dialect = {
  name: 'mistral-stripped',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    let floor = 0;
    for (const at of findAll(text, '[ARGS]')) {
      if (at < floor) continue;
      // Back over `NAME[CALL_ID]id` (bounded: a name and an id are short).
      let i = at;
      const low = Math.max(floor, at - 300);
      while (i > low && /[\p{L}\p{N}_.\-\[\]]/u.test(text[i - 1]!)) i--;
      if (text.slice(i, at).includes('[TOOL_CALLS]') || text.slice(i, at).includes('[ARGS]')) continue;
      // The name starts a line (or the reply).
      let j = i;
      while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
      if (j > 0 && text[j - 1] !== '\n') continue;
      const read = readNamedArgsCalls(text, i, text.length);
      if (!read) continue;
      out.push({ start: i, end: read.end, dialect: 'mistral', calls: read.calls, cut: read.cut });
      floor = read.end;
    }
    return out;
  },
};

function functionaryCallAt(text: string, nameStart: number, ctx: DetectContext, requireKnown: boolean, limit = text.length): { call: RawCall; end: number } | undefined {
  const m = /^([A-Za-z_][\w.\-]*)[ \t]*\r?\n/.exec(text.slice(nameStart, nameStart + 200));
  if (!m || m[1] === 'all') return undefined;
  if (requireKnown && !ctx.toolNames.has(m[1]!)) return undefined;
  const argsAt = skipSpace(text, nameStart + m[0].length, limit);
  if (text[argsAt] !== '{') return undefined;
  const span = scanBalanced(text, argsAt, limit);
  return { call: { name: m[1]!, arguments: text.slice(argsAt, span.end) }, end: span.end };
}

export const functionary: Dialect = {
  name: 'functionary-v3.2',
  strength: 'marked',
  detect(text, ctx) {
    const out: DialectMatch[] = [];
    const starts = findAll(text, '>>>');
    for (let k = 0; k < starts.length; k++) {
      const at = starts[k]!;
      const read = functionaryCallAt(text, at + 3, ctx, false, k + 1 < starts.length ? starts[k + 1]! : text.length);
      if (read) out.push({ start: at, end: read.end, dialect: 'functionary-v3.2', calls: [read.call] });
    }
    return out;
  },
};

/** `NAME\n{…}` as the whole start of a reply: only for a tool the model was given. */
export const functionaryStart: Dialect = {
  name: 'functionary-v3.2',
  strength: 'bare',
  detect(text, ctx) {
    if (ctx.toolNames.size === 0) return [];
    const start = skipSpace(text, 0);
    const read = functionaryCallAt(text, start, ctx, true);
    return read ? [{ start, end: read.end, dialect: 'functionary-v3.2', calls: [read.call] }] : [];
  },
};
