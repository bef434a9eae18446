/**
 * Continue's system-message tools (for models without native tool calling), as its framework
 * renders a call:
 *   ```tool
 *   TOOL_NAME: read_file
 *   BEGIN_ARG: filepath
 *   "src/app.ts"
 *   END_ARG
 *   ```
 * Each value is JSON (Continue writes `JSON.stringify(value)`), else the text as written. The
 * fence is optional (models drop it); a missing `END_ARG` at the end of the reply (it is often a
 * stop sequence) is fine after a whole JSON value, else the call was cut off.
 */
import { ForwardFinder } from '../scan.js';
import type { Dialect, DialectMatch, RawCall } from '../types.js';
import { addArgument } from './arg-pairs.js';
import { cutOff } from './json-calls.js';

const TOOL_NAME = /(^|\n)[ \t]*(?:```tool[ \t]*\r?\n[ \t]*)?TOOL_NAME:[ \t]*([\p{L}_][\p{L}\p{N}_.\-]*)[ \t]*(?=\r?\n|$)/giu;
const BEGIN_ARG = /^[ \t]*BEGIN_ARG:[ \t]*([^\s]+)[ \t]*\r?\n?/i;

function argumentValue(raw: string): unknown {
  const t = raw.trim();
  try {
    return JSON.parse(t);
  } catch {
    return raw.replace(/^\r?\n/, '').replace(/\r?\n[ \t]*$/, '');
  }
}

function isWholeJson(raw: string): boolean {
  try {
    JSON.parse(raw.trim());
    return raw.trim() !== '';
  } catch {
    return false;
  }
}

export const continueTools: Dialect = {
  name: 'continue',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    if (!/TOOL_NAME:/i.test(text)) return out;
    const finder = new ForwardFinder(text);
    TOOL_NAME.lastIndex = 0;
    for (let m = TOOL_NAME.exec(text); m; m = TOOL_NAME.exec(text)) {
      const start = m.index + m[1]!.length;
      let pos = m.index + m[0].length;
      const args: Record<string, unknown> = {};
      let cut = false;
      for (;;) {
        const nl = /^\r?\n/.exec(text.slice(pos, pos + 2));
        const lineStart = nl ? pos + nl[0].length : pos;
        const arg = BEGIN_ARG.exec(text.slice(lineStart, lineStart + 300));
        if (!arg) break;
        const valueAt = lineStart + arg[0].length;
        const endAt = finder.find('END_ARG', valueAt);
        const nextName = text.slice(valueAt).search(/\n[ \t]*TOOL_NAME:/i);
        if (endAt === -1 || (nextName !== -1 && valueAt + nextName < endAt)) {
          const valueEnd = endAt === -1 ? (nextName === -1 ? text.length : valueAt + nextName) : valueAt + nextName;
          // END_ARG is often a stop sequence, so the reply ends right after the value: a value that
          // is whole JSON is complete; anything else was cut off.
          const value = text.slice(valueAt, valueEnd);
          if (isWholeJson(value)) addArgument(args, arg[1]!, JSON.parse(value.trim()));
          else cut = valueEnd === text.length;
          pos = valueEnd;
          break;
        }
        addArgument(args, arg[1]!, argumentValue(text.slice(valueAt, endAt)));
        pos = endAt + 'END_ARG'.length;
      }
      const fenceEnd = /^[ \t]*\r?\n?[ \t]*```/.exec(text.slice(pos, pos + 40));
      const end = fenceEnd ? pos + fenceEnd[0].length : pos;
      const call: RawCall = cut ? cutOff({ name: m[2]!, arguments: undefined }) : { name: m[2]!, arguments: args };
      out.push({ start, end, dialect: 'continue', calls: [call], cut });
      TOOL_NAME.lastIndex = Math.max(end, TOOL_NAME.lastIndex);
    }
    return out;
  },
};
