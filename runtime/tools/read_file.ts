import * as path from 'node:path';
import { z } from 'zod';
import { closestNames } from '../../compiler/common/suggest.js';
import { countTokens, loadTokenizer } from '../model/tokens.js';
import { findDeclarations, fitDeclarations } from './outline.js';
import { lineNumber, defineTool, type ToolContext } from './tool.js';
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
    const page = numberedPage(target.rel, lines, start, requestedEnd, ctx.maxOutputChars);
    if (a.start_line === undefined && a.end_line === undefined) {
      const guard = await readGuard(text, page, ctx);
      if (guard) {
        const outline = renderOutline(target.rel, lines, guard, ctx.maxOutputChars);
        // Under budget pressure alone, an outline that saves little is not worth the extra read it costs.
        if (guard.fileTooBig || outline.length * 2 <= page.length) return { ok: true, output: outline };
      }
    }
    return { ok: true, output: page, filesRead: [target.rel] };
  },
});

/** Lines start..end numbered, stopped at the cap on a whole line with where to continue (not cut in the middle). */
function numberedPage(rel: string, lines: readonly string[], start: number, requestedEnd: number, maxChars: number): string {
  const total = lines.length;
  const width = String(requestedEnd).length;
  const budget = maxChars - 200;
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
  const header = whole ? `${rel} (${total} lines)` : `${rel} (lines ${start}-${end} of ${total})`;
  const more = end < requestedEnd ? `\n[... continue with start_line=${end + 1}]` : '';
  return `${header}\n${shown.join('\n')}${more}`;
}

interface GuardVerdict {
  fileTokens: number;
  /** The file alone is over the read_guard share of the window (else: the conversation's budget is the reason). */
  fileTooBig: boolean;
  why: string;
}

/**
 * The read guard: a whole-file read answers with an outline when the file alone would take more
 * than `context.readGuard` of the window, or when the conversation is past its budget or this
 * read would push it past. Without a context state (no agent), reads are sized by the cap alone.
 */
async function readGuard(text: string, page: string, ctx: ToolContext): Promise<GuardVerdict | null> {
  const state = ctx.contextState?.();
  if (!state) return null;
  const share = ctx.policy.context.readGuard;
  const { usedTokens: used, budgetTokens: budget } = state;
  // A token is at least one byte: most reads are settled by sizes alone, without tokenizing.
  const fitsByBytes = Buffer.byteLength(text) <= state.window * share && used + Buffer.byteLength(page) <= budget;
  if (fitsByBytes) return null;
  await loadTokenizer();
  const fileTokens = countTokens(text);
  if (fileTokens > state.window * share) {
    return { fileTokens, fileTooBig: true, why: `over ${Math.round(share * 100)}% of the ${state.window}-token context window` };
  }
  if (used >= budget) return { fileTokens, fileTooBig: false, why: `the conversation is already past its budget (${used} of ${budget} tokens)` };
  // What the read would add is the page, not the whole file: the cap already bounds it.
  const adds = countTokens(page);
  if (used + adds > budget) return { fileTokens, fileTooBig: false, why: `reading it would push the conversation past its budget (${used} + ${adds} of ${budget} tokens)` };
  return null;
}

/** At most this many first lines in an outline (imports and the file's header, usually). */
const OUTLINE_HEAD_LINES = 12;
/** Longer lines are cut in an outline: a signature is recognisable from its start. */
const OUTLINE_LINE_CHARS = 160;

/** The file's size, its first lines, its declarations with line numbers, and how to read on; within the cap. */
function renderOutline(rel: string, lines: readonly string[], guard: GuardVerdict, maxChars: number): string {
  const total = lines.length;
  const width = String(total).length;
  const numbered = (line: number, text: string) => {
    const cut = text.length > OUTLINE_LINE_CHARS ? `${text.slice(0, OUTLINE_LINE_CHARS)}…` : text;
    return `${String(line).padStart(width)}\t${cut}`;
  };
  const budget = maxChars - 100; // room for the registry's own notes
  const intro = `${rel}: ${total} lines, about ${guard.fileTokens} tokens — not shown whole: ${guard.why}. Its outline:`;
  const declarations = findDeclarations(lines, rel);
  const first = declarations[0];
  const example = first ? `start_line=${first.line} end_line=${Math.min(total, first.line + 59)}` : `start_line=1 end_line=${Math.min(total, 60)}`;
  const hint = `Read a range with read_file start_line/end_line (e.g. ${example}), or search for a name with search.`;

  // The head is what comes before the first declaration (imports, the file's header comment), and
  // gets at most a third of the room, so small caps still leave space for the declarations.
  let headEnd = Math.min(OUTLINE_HEAD_LINES, first ? first.line - 1 : total);
  while (headEnd > 0 && lines[headEnd - 1]!.trim() === '') headEnd--;
  const head: string[] = [];
  let headChars = 0;
  for (let n = 1; n <= headEnd; n++) {
    const line = numbered(n, lines[n - 1]!.trimEnd());
    if (headChars + line.length + 1 > budget / 3 && head.length > 0) break;
    head.push(line);
    headChars += line.length + 1;
  }
  const fixed = intro.length + headChars + hint.length + 80;
  const { shown, left } = fitDeclarations(declarations, budget - fixed, (d) => numbered(d.line, d.text));

  const parts = [intro];
  if (head.length) parts.push(`First lines:\n${head.join('\n')}`);
  if (declarations.length === 0) parts.push('Declarations: none recognised.');
  else if (shown.length === 0) parts.push(`Declarations: ${left} found, too many to show here.`);
  else {
    const more = left > 0 ? `\n[... ${left} more not shown]` : '';
    parts.push(`Declarations (line, text):\n${shown.map((d) => numbered(d.line, d.text)).join('\n')}${more}`);
  }
  parts.push(hint);
  return parts.join('\n');
}

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
