/**
 * ReAct / LangChain agents' text format:
 *   Thought: I need the file
 *   Action: read_file
 *   Action Input: {"path": "src/app.ts"}
 * The input is a JSON object, or a plain value that fills a single-parameter tool (arguments.ts).
 * Both lines are required, so prose that merely says "Action:" stays content.
 */
import { scanBalanced } from '../scan.js';
import type { Dialect, DialectMatch } from '../types.js';

/**
 * `Action:` + the tool name (in backticks, quotes or bold too; any script), optionally followed by
 * a description on the same line; blank lines may separate it from `Action Input:`.
 */
const ACTION = /(^|\n)[ \t]*(?:\*\*)?Action(?:\*\*)?:(?:\*\*)?[ \t]*[`"'*]*([\p{L}_][\p{L}\p{N}_.\-]*)[`"'*]*[^\n]*(?:\r?\n[ \t]*)+(?:\*\*)?Action[ _]Input(?:\*\*)?:(?:\*\*)?[ \t]*/gu;

export const react: Dialect = {
  name: 'react',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    ACTION.lastIndex = 0;
    for (let m = ACTION.exec(text); m; m = ACTION.exec(text)) {
      const start = m.index + m[1]!.length;
      const inputAt = m.index + m[0].length;
      const next = text.indexOf('\nObservation:', inputAt);
      const limit = next === -1 ? text.length : next;
      const lineEnd = text.indexOf('\n', inputAt);
      const line = text.slice(inputAt, lineEnd === -1 || lineEnd > limit ? limit : lineEnd);
      // Junk before the JSON input (`** {…}`, `Tool({…})`, a fence): the input starts at its brace.
      const brace = line.indexOf('{');
      const fenced = line.trim() === '' || line.trim().startsWith('```') ? text.indexOf('{', inputAt) : -1;
      const jsonAt = brace !== -1 ? inputAt + brace : fenced !== -1 && fenced < limit && text.slice(inputAt, fenced).trim().replace(/^```\w*/, '').trim() === '' ? fenced : -1;
      let end: number;
      let args: string;
      if (jsonAt !== -1) {
        const span = scanBalanced(text, jsonAt, limit);
        end = span.end;
        args = text.slice(jsonAt, end);
        const after = /^[ \t]*\)?[ \t]*(?:\r?\n[ \t]*)?(?:```)?/.exec(text.slice(end, end + 20));
        if (after) end += after[0].length;
      } else {
        end = lineEnd === -1 || lineEnd > limit ? limit : lineEnd;
        args = line.trim().replace(/^"(.*)"$/, '$1');
      }
      out.push({ start, end, dialect: 'react', calls: [{ name: m[2]!, arguments: args }] });
      ACTION.lastIndex = Math.max(end, ACTION.lastIndex);
    }
    return out;
  },
};
