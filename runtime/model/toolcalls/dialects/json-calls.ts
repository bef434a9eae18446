/**
 * JSON calls inside a region of text: every top-level `{…}`/`[…]` value, parsed (and repaired)
 * and read as calls. Shared by the wrapper dialects (region = the wrapper's body) and the bare
 * JSON dialect (region = the whole reply).
 */
import { callsFromJson } from '../call-shapes.js';
import { parseLenient } from '../json-repair.js';
import { jsonSpans } from '../scan.js';
import type { DetectContext, RawCall } from '../types.js';

export interface JsonCallRun {
  start: number;
  end: number;
  calls: RawCall[];
  strength: 'full' | 'loose';
}

export interface JsonRegionResult {
  runs: JsonCallRun[];
  /** JSON-looking text that could not be read as calls even after repair. */
  unreadable: Array<{ start: number; end: number; reason: string }>;
}

/**
 * An unclosed value is output cut off at the end. We close it — unless the cut fell inside the
 * tool's name, which then cannot be trusted.
 */
function nameSurvivedTruncation(spanText: string, calls: RawCall[]): boolean {
  return calls.every((c) => spanText.includes(`${c.name}"`) || spanText.includes(`${c.name}'`));
}

/** Calls `fn` for every bracket of JSON text outside strings; returns whether the text ends inside a string. */
function forEachBracket(text: string, fn: (bracket: string, index: number) => void): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[' || ch === '}' || ch === ']') fn(ch, i);
  }
  return inString;
}

/**
 * Cut after a complete call (`[{…}, {…}`, `{"name": "f", "arguments": {…}`): only closing
 * brackets are missing, and every call written is whole.
 */
function cutBetweenCalls(spanText: string): boolean {
  if (!/[}\]]\s*,?\s*$/.test(spanText)) return false;
  const open: string[] = [];
  const inString = forEachBracket(spanText, (ch) => (ch === '{' || ch === '[' ? open.push(ch) : open.pop()));
  if (inString || open.length === 0) return false;
  // Only lists open, or one call object whose (closed) arguments were its last member.
  const objects = open.filter((c) => c === '{').length;
  return objects === 0 || (objects === 1 && open[open.length - 1] === '{' && /}\s*$/.test(spanText));
}

/**
 * In a list that never closed, the end of its last whole element (an object or list that closed
 * at depth 1), when something unfinished follows it; undefined when there is none.
 */
function wholeElements(spanText: string): number | undefined {
  let depth = 0;
  let lastWhole: number | undefined;
  forEachBracket(spanText, (ch, i) => {
    if (ch === '{' || ch === '[') depth++;
    else if (--depth === 1) lastWhole = i + 1;
  });
  if (lastWhole === undefined || !/[^\s,]/.test(spanText.slice(lastWhole))) return undefined;
  return lastWhole;
}

/**
 * `[{…}{…}]` — Ollama's Go templates (Phi-4-mini, Command R) write list items with no comma
 * between them: a comma goes where one closed element meets the next, nothing else changes.
 */
function commasBetweenElements(spanText: string): string {
  let depth = 0;
  let inString = false;
  let out = '';
  let from = 0;
  let justClosed = false;
  for (let i = 0; i < spanText.length; i++) {
    const ch = spanText[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (justClosed && depth === 1) {
        out += `${spanText.slice(from, i)},`;
        from = i;
      }
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      justClosed = depth === 1;
      continue;
    }
    if (!/\s/.test(ch)) justClosed = false;
  }
  return from === 0 ? spanText : out + spanText.slice(from);
}

/** The tool name a broken call was probably for, so the error can name it. */
export function nameIn(text: string): string {
  const m = /"(?:name|tool_name|function)"\s*:\s*"([^"]{1,128})"/.exec(text.slice(0, 2000));
  return m ? m[1]! : '';
}

export const CUT_OFF = 'the reply ended before this call was complete (it was cut off), so it was not run';

export function cutOff(call: RawCall): RawCall {
  return { name: call.name, arguments: undefined, malformed: CUT_OFF };
}

const CALL_KEY = /name|tool|function|action|recipient/i;

function mayNameATool(spanText: string, ctx: DetectContext): boolean {
  if (CALL_KEY.test(spanText)) return true;
  for (const name of ctx.toolNames) if (spanText.includes(name)) return true;
  return false;
}

export function jsonCallsIn(text: string, from: number, to: number, ctx: DetectContext, wrapped: boolean): JsonRegionResult {
  const runs: JsonCallRun[] = [];
  const unreadable: JsonRegionResult['unreadable'] = [];
  const spans = jsonSpans(text, from, to);
  let step = spans.next();
  while (!step.done) {
    const span = step.value;
    const spanText = text.slice(span.start, span.end);
    // Bare text is full of braces (code, prose); only spans that could name a tool are parsed.
    if (!wrapped && !mayNameATool(spanText, ctx)) {
      step = spans.next(false);
      continue;
    }
    // A list cut off after some whole calls (`[{…}, {"name": "b", "argu`): the whole ones run,
    // the last one is reported.
    const whole = !span.closed && spanText[0] === '[' ? wholeElements(spanText) : undefined;
    if (whole !== undefined) {
      const prefix = parseLenient(`${spanText.slice(0, whole)}]`);
      const shaped = prefix && callsFromJson(prefix.value, { wrapped, toolNames: ctx.toolNames });
      if (shaped && shaped.calls.length > 0) {
        runs.push({ start: span.start, end: span.end, calls: [...shaped.calls, cutOff({ name: nameIn(spanText.slice(whole)), arguments: undefined })], strength: shaped.strength });
        step = spans.next(true);
        continue;
      }
    }
    const parsed = parseLenient(spanText[0] === '[' ? commasBetweenElements(spanText) : spanText);
    let accepted = false;
    if (parsed === undefined) {
      if (span.closed) unreadable.push({ start: span.start, end: span.end, reason: 'it is not valid JSON' });
    } else {
      const shaped = callsFromJson(parsed.value, { wrapped, toolNames: ctx.toolNames });
      if (shaped && (span.closed || cutBetweenCalls(spanText))) {
        runs.push({ start: span.start, end: span.end, calls: shaped.calls, strength: shaped.strength });
        accepted = true;
      } else if (shaped && nameSurvivedTruncation(spanText, shaped.calls)) {
        // Cut off at the end of the reply: closing the value would run the call with arguments the
        // model never finished (half a path, a file without its end). It is reported instead.
        runs.push({ start: span.start, end: span.end, calls: shaped.calls.map(cutOff), strength: shaped.strength });
        accepted = true;
      } else if (shaped && !span.closed) {
        unreadable.push({ start: span.start, end: span.end, reason: 'the output was cut off inside the tool name' });
        accepted = true;
      }
    }
    step = spans.next(accepted);
  }
  return { runs, unreadable };
}
