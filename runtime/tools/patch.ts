import { z } from 'zod';
import type { Edit } from '../edit/index.js';
import { defineTool } from './tool.js';

const block = z.object({ search: z.string(), replace: z.string() });

const args = z
  .object({
    path: z.string().min(1).describe('file path'),
    search: z.string().optional().describe('exact lines to find (no line numbers)'),
    replace: z.string().optional(),
    edits: z.array(block).optional().describe('several {search,replace} blocks'),
  })
  .refine((a) => a.edits?.length || a.search !== undefined, {
    message: "give 'search' and 'replace' (or 'edits': [{search, replace}])",
    path: ['search'],
  })
  .refine((a) => a.search === undefined || a.replace !== undefined, {
    message: "'replace' is missing: give the new text ('' to delete the block)",
    path: ['replace'],
  });

/** The prefix read_file puts before each line; models often copy it into `search`. */
const LINE_NUMBER_PREFIX = /^ *\d+\t/;

export const patchTool = defineTool<z.infer<typeof args>>({
  name: 'patch',
  description: () =>
    'Edit a file: replace the exact text `search` with `replace`. Read the file first. Empty search on a missing file creates it.',
  args,
  readOnly: false,
  aliases: { file_path: 'path', filepath: 'path', file: 'path', filename: 'path', old: 'search', new: 'replace', old_string: 'search', new_string: 'replace', find: 'search' },
  writeTarget: (a) => a.path,
  capHint: 'The diff was long; read_file the changed lines to check them.',
  async execute(a, ctx) {
    const edits: Edit[] = [];
    if (a.search !== undefined) edits.push({ search: a.search, replace: a.replace ?? '' });
    edits.push(...(a.edits ?? []));

    const target = await ctx.workspace.resolve(a.path);
    const st = await ctx.workspace.stat(target);
    if (!st) {
      // Decision: a single block with an empty search creates the file; anything else is a mistake.
      if (edits.length === 1 && edits[0]!.search === '') {
        const { target: written } = await ctx.workspace.writeText(a.path, edits[0]!.replace);
        return { ok: true, output: `Created ${written.rel}.`, filesCreated: [written.rel], changedDisk: true };
      }
      return { ok: false, output: `File not found: ${a.path}. Check the path with find_files, or create the file with write_file.` };
    }

    const { text: original } = await ctx.workspace.readText(a.path);
    const crlf = original.includes('\r\n');
    const text = crlf ? original.replace(/\r\n/g, '\n') : original;
    const lf = (s: string) => s.replace(/\r\n/g, '\n');
    // The edit engine loads on the first patch, not with the registry.
    const engine = await import('../edit/index.js');
    let updated: string;
    try {
      updated = applyWithNumberedFallback(engine, text, edits.map((e) => ({ search: lf(e.search), replace: lf(e.replace) })));
    } catch (err) {
      if (err instanceof engine.EditError) return { ok: false, output: engine.formatEditError(err, target.rel) };
      throw err;
    }
    const final = crlf ? updated.replace(/\n/g, '\r\n') : updated;
    await ctx.workspace.writeText(a.path, final);
    const blocks = edits.length === 1 ? '1 block' : `${edits.length} blocks`;
    return {
      ok: true,
      output: `Patched ${target.rel} (${blocks}):\n${await compactDiff(text, updated)}`,
      filesEdited: [target.rel],
      changedDisk: true,
    };
  },
});

/**
 * Applies the edits; when nothing matches and every search line carries read_file's line-number
 * prefix, tries once more without the prefixes.
 */
function applyWithNumberedFallback(engine: typeof import('../edit/index.js'), text: string, edits: Edit[]): string {
  const { applyEdits, EditError } = engine;
  try {
    return applyEdits(text, edits);
  } catch (err) {
    if (!(err instanceof EditError) || err.kind !== 'no_match' || !edits.some((e) => isNumbered(e.search))) throw err;
    try {
      return applyEdits(text, edits.map((e) => (isNumbered(e.search) ? { search: unnumber(e.search), replace: isNumbered(e.replace) ? unnumber(e.replace) : e.replace } : e)));
    } catch {
      throw err; // the first error talks about what the model actually sent
    }
  }
}

function isNumbered(s: string): boolean {
  const lines = s.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.every((l) => LINE_NUMBER_PREFIX.test(l));
}

function unnumber(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(LINE_NUMBER_PREFIX, ''))
    .join('\n');
}

/** The changed lines with one line of context, so the model can check its edit without re-reading. */
async function compactDiff(before: string, after: string): Promise<string> {
  const { structuredPatch } = await import('diff');
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: 1 });
  return patch.hunks
    .map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.filter((l) => !l.startsWith('\\'))].join('\n'))
    .join('\n');
}
