import { z } from 'zod';
import { EditError, hasElisions, mergeElidedRewrite } from '../edit/index.js';
import { defineTool } from './tool.js';

const args = z.object({
  path: z.string().min(1).describe('file path'),
  content: z.string().describe('the whole new file content'),
});

export const writeFileTool = defineTool<z.infer<typeof args>>({
  name: 'write_file',
  category: 'write',
  description: () => 'Create or overwrite a file. To change part of a file use patch.',
  args,
  readOnly: false,
  aliases: { file_path: 'path', filepath: 'path', file: 'path', filename: 'path', contents: 'content', text: 'content', code: 'content' },
  writeTarget: (a) => a.path,
  capHint: '',
  async execute(a, ctx) {
    let content = a.content;
    let merged = false;
    // Small models rewrite a file with "// ... existing code ..." for the parts they keep; written
    // as is, that would delete the code. Fill the placeholders from the file, or refuse.
    if (hasElisions(content)) {
      const existing = await ctx.workspace.readText(a.path).catch(() => undefined);
      if (existing) {
        try {
          content = mergeElidedRewrite(existing.text, content);
          merged = content !== a.content;
          const lost = lostLineShare(existing.text, content);
          if (lost > 0.5) {
            return { ok: false, output: `Cannot write ${existing.target.rel}: your content uses "..." placeholders for existing code, yet ${Math.round(lost * 100)}% of the file's lines would be gone, so the placeholders do not say what they stand for. Nothing was written. Use patch to change part of the file, or write the whole content without placeholders.` };
          }
        } catch (err) {
          if (!(err instanceof EditError)) throw err;
          return { ok: false, output: `Cannot write ${existing.target.rel}: ${err.message}. Nothing was written. Use patch to change part of the file, or write the whole content without "..." placeholders.` };
        }
      }
    }
    const { target, created } = await ctx.workspace.writeText(a.path, content);
    const lines = content === '' ? 0 : content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
    const note = merged ? ' The "..." placeholders were filled with the existing code they stand for.' : '';
    return created
      ? { ok: true, output: `Created ${target.rel} (${lines} lines).`, filesCreated: [target.rel], changedDisk: true }
      : { ok: true, output: `Wrote ${target.rel} (${lines} lines).${note}`, filesEdited: [target.rel], changedDisk: true };
  },
});

/** Share of the original's non-blank lines that no longer appear in the new content. */
function lostLineShare(original: string, next: string): number {
  const lines = original.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return 0;
  const kept = new Set(next.split(/\r?\n/).map((l) => l.trim()));
  return lines.filter((l) => !kept.has(l)).length / lines.length;
}
