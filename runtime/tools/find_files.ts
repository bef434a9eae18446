import { z } from 'zod';
import { defineTool } from './tool.js';

const args = z.object({
  pattern: z.string().min(1).describe('glob, e.g. **/*.ts'),
  path: z.string().optional().describe('folder to search (default: project root)'),
});

/** More than this many paths tell a model less than a narrower pattern would. */
const MAX_LISTED = 200;

export const findFilesTool = defineTool<z.infer<typeof args>>({
  name: 'find_files',
  category: 'search',
  description: () => 'Find files by glob name pattern. Skips .gitignore\'d files.',
  args,
  readOnly: true,
  aliases: { glob: 'pattern', name: 'pattern', query: 'pattern', dir: 'path', directory: 'path' },
  capHint: 'Use a narrower pattern or path.',
  async execute(a, ctx) {
    const under = await ctx.workspace.resolve(a.path ?? '.');
    const st = await ctx.workspace.stat(under);
    if (!st?.isDirectory()) return { ok: false, output: `'${a.path}' is not a folder in the project.` };
    const found = await ctx.workspace.listFiles(under, [recursiveGlob(a.pattern)]);
    if (found.length === 0 && !isGlob(a.pattern)) {
      // "find_files src" usually means "what is in src": list it rather than answer nothing.
      const folder = await ctx.workspace.resolve(under.rel === '.' ? a.pattern : `${under.rel}/${a.pattern}`).catch(() => null);
      if (folder && (await ctx.workspace.stat(folder))?.isDirectory()) {
        const inside = await ctx.workspace.listFiles(folder);
        return { ok: true, output: `${folder.rel} is a folder; its files:\n${list(inside)}` };
      }
    }
    if (found.length === 0) {
      return { ok: true, output: `No files match '${a.pattern}'${under.rel === '.' ? '' : ` under ${under.rel}`}.` };
    }
    return { ok: true, output: list(found) };
  },
});

function list(paths: string[]): string {
  if (paths.length === 0) return '(none)';
  const more = paths.length > MAX_LISTED ? `\n[... ${paths.length - MAX_LISTED} more; use a narrower pattern]` : '';
  return `${paths.slice(0, MAX_LISTED).join('\n')}${more}`;
}

function isGlob(pattern: string): boolean {
  return /[*?[\]{}!]/.test(pattern);
}

/** `*.ts` or `package.json` means "anywhere below", the way find -name and most models expect. */
export function recursiveGlob(pattern: string): string {
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  return p.includes('/') ? p : `**/${p}`;
}
