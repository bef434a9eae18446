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
    if (found.length === 0) {
      return { ok: true, output: `No files match '${a.pattern}'${under.rel === '.' ? '' : ` under ${under.rel}`}.` };
    }
    const more = found.length > MAX_LISTED ? `\n[... ${found.length - MAX_LISTED} more; use a narrower pattern]` : '';
    return { ok: true, output: `${found.slice(0, MAX_LISTED).join('\n')}${more}` };
  },
});

/** `*.ts` or `package.json` means "anywhere below", the way find -name and most models expect. */
export function recursiveGlob(pattern: string): string {
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  return p.includes('/') ? p : `**/${p}`;
}
