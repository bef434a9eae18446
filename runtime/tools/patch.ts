import { z } from 'zod';
import type { Edit } from '../edit/index.js';
import { defineTool, flag } from './tool.js';

const block = z.object({ search: z.string(), replace: z.string() });

const args = z
  .object({
    path: z.string().min(1).describe('file path'),
    search: z.string().optional().describe('exact lines to find (no line numbers)'),
    replace: z.string().optional(),
    edits: z.array(block).optional().describe('several {search,replace} blocks'),
    replace_all: flag.optional().describe('replace every match'),
  })
  .refine((a) => a.edits?.length || a.search !== undefined, {
    message: "give 'search' and 'replace' (or 'edits': [{search, replace}])",
    path: ['search'],
  })
  .refine((a) => a.search === undefined || a.replace !== undefined, {
    message: "'replace' is missing: give the new text ('' to delete the block)",
    path: ['replace'],
  });

export const patchTool = defineTool<z.infer<typeof args>>({
  name: 'patch',
  category: 'write',
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
      return { ok: false, errorKind: 'not_found', output: `File not found: ${a.path}. Check the path with find_files, or create the file with write_file.` };
    }

    const { text } = await ctx.workspace.readText(a.path);
    // The edit engine (line endings, indentation, line-number repair, closest-match hints) loads
    // on the first patch, not with the registry.
    const engine = await import('../edit/index.js');
    let updated: string;
    try {
      updated = engine.applyEdits(text, a.replace_all ? edits.map((e) => ({ ...e, replaceAll: true })) : edits);
    } catch (err) {
      if (err instanceof engine.EditError) return { ok: false, errorKind: err.kind, output: engine.formatEditError(err, target.rel) };
      throw err;
    }
    await ctx.workspace.writeText(a.path, updated);
    const blocks = edits.length === 1 ? '1 block' : `${edits.length} blocks`;
    return {
      ok: true,
      output: `Patched ${target.rel} (${blocks}):\n${await compactDiff(text, updated)}`,
      filesEdited: [target.rel],
      changedDisk: true,
    };
  },
});

/** The changed lines with one line of context, so the model can check its edit without re-reading. */
async function compactDiff(before: string, after: string): Promise<string> {
  const { structuredPatch } = await import('diff');
  const lf = (s: string) => s.replace(/\r\n/g, '\n');
  const patch = structuredPatch('a', 'b', lf(before), lf(after), '', '', { context: 1 });
  return patch.hunks
    .map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.filter((l) => !l.startsWith('\\'))].join('\n'))
    .join('\n');
}
