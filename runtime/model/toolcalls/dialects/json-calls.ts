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
    const parsed = parseLenient(spanText);
    let accepted = false;
    if (parsed === undefined) {
      if (span.closed) unreadable.push({ start: span.start, end: span.end, reason: 'it is not valid JSON' });
    } else {
      const shaped = callsFromJson(parsed.value, { wrapped, toolNames: ctx.toolNames });
      if (shaped && (span.closed || nameSurvivedTruncation(spanText, shaped.calls))) {
        runs.push({ start: span.start, end: span.end, calls: shaped.calls, strength: shaped.strength });
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
