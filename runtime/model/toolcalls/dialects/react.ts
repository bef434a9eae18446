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

const ACTION = /(^|\n)[ \t]*Action:[ \t]*`?([A-Za-z_][\w.\-]*)`?[ \t]*\r?\n[ \t]*Action[ _]Input:[ \t]*/g;

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
      let end: number;
      let args: string;
      if (text[inputAt] === '{') {
        end = scanBalanced(text, inputAt, limit).end;
        args = text.slice(inputAt, end);
      } else {
        const nl = text.indexOf('\n', inputAt);
        end = nl === -1 || nl > limit ? limit : nl;
        args = text.slice(inputAt, end).trim().replace(/^"(.*)"$/, '$1');
      }
      out.push({ start, end, dialect: 'react', calls: [{ name: m[2]!, arguments: args }] });
      ACTION.lastIndex = Math.max(end, ACTION.lastIndex);
    }
    return out;
  },
};
