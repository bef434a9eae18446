/**
 * JSON calls with no wrapper: in prose, on their own, or in a fenced code block. Because a reply
 * may merely *show* JSON, a bare object counts as a call only when it has the full call shape
 * (a name plus an arguments key), or when its name is one of the tools the model was given.
 * The fence (and a language tag) around a call is removed with it.
 */
import type { Dialect, DialectMatch } from '../types.js';
import { jsonCallsIn } from './json-calls.js';

/** Widens [start, end) over a code fence that holds nothing but the call. */
function widenOverFence(text: string, start: number, end: number): [number, number] {
  const before = /```[\w-]*[ \t]*\r?\n?[ \t]*$/.exec(text.slice(Math.max(0, start - 40), start));
  if (!before) return [start, end];
  const after = /^[ \t]*\r?\n?[ \t]*```/.exec(text.slice(end, end + 40));
  if (!after) return [start, end];
  return [start - before[0].length, end + after[0].length];
}

export const bareJson: Dialect = {
  name: 'json',
  strength: 'bare',
  detect(text, ctx) {
    const out: DialectMatch[] = [];
    const { runs } = jsonCallsIn(text, 0, text.length, ctx, false);
    for (const run of runs) {
      const known = run.calls.every((c) => ctx.toolNames.has(c.name));
      if (run.strength !== 'full' && !known) continue;
      const [start, end] = widenOverFence(text, run.start, run.end);
      const fenced = start !== run.start;
      out.push({ start, end, dialect: fenced ? 'json-fenced' : 'json', calls: run.calls });
    }
    return out;
  },
};
