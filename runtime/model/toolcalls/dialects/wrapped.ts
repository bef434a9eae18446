/**
 * Calls inside an explicit wrapper: a tag or special token that opens a tool-call region
 * (`<tool_call>…</tool_call>`, `[TOOL_CALLS]…`, `<|tool_call_start|>…<|tool_call_end|>` …).
 * The table below is the whole list; the body of any wrapper may be written in any body syntax
 * (JSON, XML parameters, GLM arg pairs, pythonic, child tags, a bare name), because models mix
 * them freely. A wrapper that is never closed runs to the next wrapper of its kind or the end.
 */
import { findAll, ForwardFinder, scanBalanced, skipSpace } from '../scan.js';
import type { DetectContext, Dialect, DialectMatch, RawCall } from '../types.js';
import { cutOff, jsonCallsIn, nameIn as nameHint } from './json-calls.js';
import { readCallSequence } from './pythonic.js';
import { readGlmBody } from './arg-pairs.js';
import { readChildTagCall, readXmlCalls } from './xml.js';

export interface Wrapper {
  dialect: string;
  open: string;
  /** Closing markers; none means the region ends where its calls end. */
  close: readonly string[];
  /** Match the open/close markers case-insensitively (`<JSON>`, `<json>`). */
  caseInsensitive?: boolean;
  /**
   * Generic tags that also wrap non-call text (`<response>`, `<json>`): a body that is not a
   * call is left alone instead of being reported as a malformed call.
   */
  weak?: boolean;
  /** The first non-space character after the opening marker must be one of these. */
  requireNext?: string;
}

export const WRAPPERS: readonly Wrapper[] = [
  { dialect: 'hermes', open: '<tool_call>', close: ['</tool_call>'] },
  { dialect: 'tools-tag', open: '<tools>', close: ['</tools>'] },
  { dialect: 'tool-calls-tag', open: '<tool_calls>', close: ['</tool_calls>'] },
  { dialect: 'tool-tag', open: '<tool>', close: ['</tool>'] },
  { dialect: 'tool-use-tag', open: '<tool_use>', close: ['</tool_use>'] },
  { dialect: 'seed-oss', open: '<seed:tool_call>', close: ['</seed:tool_call>'] },
  { dialect: 'minimax-m2', open: '<minimax:tool_call>', close: ['</minimax:tool_call>'] },
  { dialect: 'deepseek-dsml', open: '<｜DSML｜function_calls>', close: ['</｜DSML｜function_calls>'] },
  { dialect: 'deepseek-dsml', open: '<｜DSML｜tool_calls>', close: ['</｜DSML｜tool_calls>'] },
  { dialect: 'nemotron', open: '<TOOLCALL>', close: ['</TOOLCALL>'] },
  // Granite writes no closing marker; Phi-4-mini closes the same token with `<|/tool_call|>`.
  { dialect: 'granite', open: '<|tool_call|>', close: ['<|/tool_call|>'] },
  { dialect: 'functools', open: 'functools', close: [], requireNext: '[' },
  { dialect: 'function-call-tag', open: '<function_call>', close: ['</function_call>'] },
  { dialect: 'function-calls-tag', open: '<function_calls>', close: ['</function_calls>'] },
  { dialect: 'llama3-python-tag', open: '<|python_tag|>', close: ['<|eom_id|>', '<|eot_id|>'] },
  { dialect: 'llama4-pythonic', open: '<|python_start|>', close: ['<|python_end|>'] },
  { dialect: 'lfm2', open: '<|tool_call_start|>', close: ['<|tool_call_end|>'] },
  { dialect: 'apertus', open: '<|tools_prefix|>', close: ['<|tools_suffix|>'] },
  { dialect: 'longcat', open: '<longcat_tool_call>', close: ['</longcat_tool_call>'] },
  { dialect: 'internlm2', open: '<|action_start|><|plugin|>', close: ['<|action_end|>'] },
  { dialect: 'command-r7b', open: '<|START_ACTION|>', close: ['<|END_ACTION|>'] },
  { dialect: 'gigachat3', open: '<|function_call|>', close: [] },
  { dialect: 'gigachat3', open: 'function call<|role_sep|>', close: [] },
  { dialect: 'command-r-plus', open: 'Action:', close: [], weak: true, requireNext: '`[{' },
  { dialect: 'tool-code-fence', open: '```tool_code', close: ['```'] },
  { dialect: 'tool-code-fence', open: '```tool_call', close: ['```'] },
  { dialect: 'json-tag', open: '<json>', close: ['</json>'], caseInsensitive: true, weak: true },
  { dialect: 'xml-tag', open: '<xml>', close: ['</xml>'], caseInsensitive: true, weak: true },
  { dialect: 'response-tag', open: '<response>', close: ['</response>'], weak: true },
];

export interface BodyResult {
  calls: RawCall[];
  /** Offset (relative to the text) where the last recognised call ended. */
  end: number;
}

/** Reads the calls in text[from, to), whatever body syntax they use. */
export function readBody(text: string, from: number, to: number, ctx: DetectContext, wrapper?: Wrapper): BodyResult | { unreadable: string } | undefined {
  const body = text.slice(from, to);
  const trimmed = body.trim();
  if (trimmed === '') return { calls: [], end: from };

  if (/<function[=\s]|invoke\s+name|<(?:tool_call|tool_use|function_call|tool|call)\s+name/.test(body)) {
    const xml = readXmlCalls(text, from, to);
    if (xml.length) return { calls: xml.flatMap((m) => m.calls), end: xml[xml.length - 1]!.end };
  }

  const glm = readGlmBody(body);
  // A bare word in a generic tag is prose unless it names a known tool.
  const bareWord = glm !== undefined && typeof glm.arguments === 'object' && Object.keys(glm.arguments as object).length === 0;
  if (glm && !(bareWord && (wrapper?.weak || !wrapper) && !ctx.toolNames.has(glm.name))) return { calls: [glm], end: to };

  const first = trimmed[0]!;
  if (first === '{' || (first === '[' && !/^\[\s*[A-Za-z_][\w.]*\s*\(/.test(trimmed)) || trimmed.startsWith('```')) {
    const json = jsonCallsIn(text, from, to, ctx, true);
    if (json.runs.length) return { calls: json.runs.flatMap((r) => r.calls), end: json.runs[json.runs.length - 1]!.end };
    if (wrapper?.weak) return undefined;
    return { unreadable: json.unreadable[0]?.reason ?? 'it is not valid JSON' };
  }

  const py = readPythonicPrefix(body);
  if (py) return { calls: py.calls, end: from + py.end };

  const child = readChildTagCall(body);
  if (child) return { calls: [child], end: to };

  // Wrappers nested in this one (Hunyuan: `<tool_calls><tool_call>NAME<tool_sep>…</tool_call></tool_calls>`).
  const nested = wrappedCalls.detect(body, ctx).filter((m) => m.calls.every((c) => c.malformed === undefined));
  if (nested.length) return { calls: nested.flatMap((m) => m.calls), end: from + nested[nested.length - 1]!.end };

  // Anything else with a JSON object somewhere in it (e.g. `<tools>` nested in `<tool_call>`).
  const json = jsonCallsIn(text, from, to, ctx, true);
  if (json.runs.length) return { calls: json.runs.flatMap((r) => r.calls), end: json.runs[json.runs.length - 1]!.end };
  return wrapper?.weak || !wrapper ? undefined : { unreadable: 'its body is neither JSON nor a known call syntax' };
}

/** Pythonic calls at the start of a body, e.g. `[a(x=1)]<|tool_call_end|>` or `name.call(code="…")`. */
function readPythonicPrefix(body: string): { calls: RawCall[]; end: number } | undefined {
  const whole = readCallSequence(body);
  if (whole) return { calls: whole, end: body.trimEnd().length };
  return undefined;
}

function findOpenings(text: string, w: Wrapper): number[] {
  if (!w.caseInsensitive) return findAll(text, w.open);
  const re = new RegExp(w.open.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  const out: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m.index);
  return out;
}

function findClose(w: Wrapper, from: number, finder: ForwardFinder, lowerFinder: ForwardFinder | undefined): { at: number; len: number } | undefined {
  let best: { at: number; len: number } | undefined;
  for (const c of w.close) {
    const at = w.caseInsensitive ? lowerFinder!.find(c.toLowerCase(), from) : finder.find(c, from);
    if (at !== -1 && (!best || at < best.at)) best = { at, len: c.length };
  }
  return best;
}

function detectWrapper(text: string, w: Wrapper, ctx: DetectContext): DialectMatch[] {
  const out: DialectMatch[] = [];
  const starts = findOpenings(text, w);
  if (starts.length === 0) return out;
  const finder = new ForwardFinder(text);
  // Lower-casing can change length only for a few non-ASCII letters; markers are ASCII, so the
  // lower-cased copy is used only when it kept every offset.
  const lower = w.caseInsensitive ? text.toLowerCase() : undefined;
  const lowerFinder = lower !== undefined && lower.length === text.length ? new ForwardFinder(lower) : undefined;
  if (w.caseInsensitive && !lowerFinder) return out;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    const bodyStart = start + w.open.length;
    if (w.requireNext !== undefined) {
      const next = text.slice(bodyStart, bodyStart + 200).trimStart()[0];
      if (next === undefined || !w.requireNext.includes(next)) continue;
    }
    const limit = k + 1 < starts.length ? starts[k + 1]! : text.length;
    // A closing marker inside a JSON string is data (`"replace": "… </tool_call> …"`): when the
    // body is JSON values (one, or several back to back as Ollama's templates write them) that
    // close before the next opening, look for the marker after them.
    const jsonEnd = afterJsonValues(text, bodyStart, limit);
    const close = findClose(w, jsonEnd, finder, lowerFinder);
    const closed = close !== undefined && close.at < limit;
    const bodyEnd = closed ? close!.at : limit;
    // The reply ended inside this wrapper (no closing marker, nothing after it): its last call may be cut.
    const atEnd = !closed && bodyEnd === text.length;
    const body = text.slice(bodyStart, bodyEnd);
    const result = readBody(text, bodyStart, bodyEnd, ctx, w);
    const nothingRead = result !== undefined && !('unreadable' in result) && result.calls.length === 0 && atEnd && startsACall(body);
    if (result === undefined || 'unreadable' in result || nothingRead) {
      // An unclosed marker followed by prose is a mention ("I might call <tool_call> later").
      if (!closed && !/^\s*[[{<`]/.test(body.slice(0, 200)) && !(atEnd && startsACall(body))) continue;
      if (result === undefined && !atEnd) continue;
      const why = atEnd && (result === undefined || nothingRead || startsACall(body)) ? CUT_SHORT : `the call inside ${w.open} could not be read: ${(result as { unreadable: string }).unreadable}`;
      out.push({ start, end: closed ? close!.at + close!.len : bodyEnd, dialect: w.dialect, calls: [{ name: nameHint(body), arguments: undefined, malformed: why }], cut: atEnd || undefined });
      continue;
    }
    if (w.weak && result.calls.length === 0) continue;
    if (atEnd && w.close.length > 0 && result.calls.length > 0 && jsonEnd === bodyStart && endsInsideMarkup(body)) {
      // `<arg_value>half a val` at the end of the reply: the value is not whole, the call is not run.
      const calls = [...result.calls.slice(0, -1), cutOff(result.calls[result.calls.length - 1]!)];
      out.push({ start, end: bodyEnd, dialect: w.dialect, calls, cut: true });
      continue;
    }
    if (atEnd && continuesACall(text.slice(result.end, bodyEnd))) {
      // Whole calls, then the start of one more that the reply never finished.
      out.push({ start, end: bodyEnd, dialect: w.dialect, calls: [...result.calls, cutOff({ name: nameHint(text.slice(result.end, bodyEnd)), arguments: undefined })], cut: true });
      continue;
    }
    // An unclosed wrapper ends where its last call ends; what follows is prose again — except the
    // closing fence of a fenced body (Command R: Action: ```json […]```).
    const fenceEnd = !closed && body.trimStart().startsWith('```') ? /^\s*```/.exec(text.slice(result.end, result.end + 20)) : null;
    const end = closed ? close!.at + close!.len : result.end + (fenceEnd?.[0].length ?? 0);
    out.push({ start, end, dialect: w.dialect, calls: result.calls });
  }
  return out;
}

const CUT_SHORT = 'the reply ended before this call was complete (it was cut off), so it was not run';

/** Where the run of JSON values starting at `from` ends (`from` itself when there is none or one never closes). */
function afterJsonValues(text: string, from: number, limit: number): number {
  let end = from;
  for (let at = skipSpace(text, from, limit); at < limit && (text[at] === '{' || text[at] === '['); ) {
    const span = scanBalanced(text, at, limit);
    if (!span.closed) break;
    end = span.end;
    at = skipSpace(text, span.end, limit);
    if (text[at] === ',') at = skipSpace(text, at + 1, limit);
  }
  return end;
}

/** A body that begins like a call, not like prose: `name(`, `name{`, `name\n<arg…`, `call:name{`. */
function startsACall(body: string): boolean {
  return /^\s*(?:[[{]|<[a-z_]|(?:call:)?[\p{L}_][\p{L}\p{N}_.\-]*(?:\s*[({[]|\r?\n\s*<[a-z_]|\r?\n?\s*<?$))/u.test(body) && body.trim() !== '';
}

/** Text after whole calls that is the start of another call (a JSON value, a list item, a tag), not prose. */
function continuesACall(rest: string): boolean {
  return /^\s*(?:,\s*)?(?:[{[]|<[a-z_])/.test(rest);
}

/**
 * The body (of a wrapper the reply never closed) ends inside a markup call: GLM argument pairs, an
 * opened `<parameter…>`, `<invoke…>` or `<function=…>` never closed, or half a tag.
 */
function endsInsideMarkup(body: string): boolean {
  const opened = (open: string, close: string) => body.lastIndexOf(open) > body.lastIndexOf(close);
  if (/<\/?[\w:=" .-]*$/.test(body.slice(-200))) return true;
  // GLM pairs have no end of their own: only `</tool_call>` says the last pair was the last one.
  if (body.includes('<arg_key>') || body.includes('<arg_value>')) return true;
  // Qwen3-Coder models drop `</parameter>` before `</function>`; that value is complete.
  const lastParam = body.lastIndexOf('<parameter');
  if (opened('<parameter', '</parameter>') && !/<\/(?:function|invoke)>/.test(body.slice(lastParam))) return true;
  return opened('<function=', '</function>') || opened('<invoke ', '</invoke>');
}

export const wrappedCalls: Dialect = {
  name: 'wrapped',
  strength: 'marked',
  detect(text, ctx) {
    const out: DialectMatch[] = [];
    for (const w of WRAPPERS) out.push(...detectWrapper(text, w, ctx));
    return out;
  },
};
