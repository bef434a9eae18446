import * as path from 'node:path';
import { z } from 'zod';
import { closestNames } from '../../compiler/common/suggest.js';
import { lineNumber, defineTool } from './tool.js';
import { WorkspaceError, type Workspace } from './workspace.js';

const args = z.object({
  path: z.string().describe('file path'),
  start_line: lineNumber.optional(),
  end_line: lineNumber.optional(),
});

export const readFileTool = defineTool<z.infer<typeof args>>({
  name: 'read_file',
  category: 'read',
  description: () => 'Read a file with numbered lines. Use start_line/end_line for big files.',
  args,
  readOnly: true,
  aliases: { file_path: 'path', filepath: 'path', file: 'path', filename: 'path', start: 'start_line', end: 'end_line' },
  capHint: 'Use read_file with start_line/end_line to see the rest.',
  async execute(a, ctx) {
    const target = await ctx.workspace.resolve(a.path);
    const st = await ctx.workspace.stat(target);
    if (!st) return { ok: false, output: await notFound(a.path, ctx.workspace) };
    if (st.isDirectory()) {
      const entries = await ctx.workspace.listDir(target);
      return { ok: true, output: `${target.rel} is a directory with ${entries.length} entries:\n${entries.join('\n')}` };
    }
    const { text } = await ctx.workspace.readText(a.path);
    const lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop(); // the final newline ends a line, it does not start one
    const total = lines.length;
    if (text === '') return { ok: true, output: `${target.rel} is empty.`, filesRead: [target.rel] };

    const start = a.start_line ?? 1;
    if (start > total) {
      return { ok: false, output: `${target.rel} has ${total} lines; start_line ${start} is past the end.` };
    }
    const requestedEnd = Math.min(a.end_line ?? total, total);
    if (requestedEnd < start) {
      return { ok: false, output: `end_line (${a.end_line}) is before start_line (${start}).` };
    }
    // Stop at the cap on a whole line and say where to continue, instead of cutting the middle.
    const width = String(requestedEnd).length;
    const budget = ctx.maxOutputChars - 200;
    const shown: string[] = [];
    let used = 0;
    let end = start - 1;
    for (let n = start; n <= requestedEnd; n++) {
      const line = `${String(n).padStart(width)}\t${lines[n - 1]}`;
      if (used + line.length + 1 > budget && shown.length > 0) break;
      shown.push(line);
      used += line.length + 1;
      end = n;
    }
    const whole = start === 1 && end === total;
    const header = whole ? `${target.rel} (${total} lines)` : `${target.rel} (lines ${start}-${end} of ${total})`;
    const more = end < requestedEnd ? `\n[... continue with start_line=${end + 1}]` : '';
    return { ok: true, output: `${header}\n${shown.join('\n')}${more}`, filesRead: [target.rel] };
  },
});

/** "not found", plus the closest names in the same folder — small models often misspell paths. */
async function notFound(input: string, workspace: Workspace): Promise<string> {
  const dir = path.posix.dirname(input.replace(/\\/g, '/'));
  let suggestions: string[] = [];
  try {
    const parent = await workspace.resolve(dir);
    const entries = (await workspace.listDir(parent)).map((e) => e.replace(/\/$/, ''));
    suggestions = closestNames(path.posix.basename(input), entries).map((name) => (dir === '.' ? name : `${dir}/${name}`));
  } catch (err) {
    if (!(err instanceof WorkspaceError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ' Use find_files to locate it.';
  return `File not found: ${input}.${hint}`;
}
