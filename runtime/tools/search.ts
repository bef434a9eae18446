import { spawn } from 'node:child_process';
import { z } from 'zod';
import { recursiveGlob } from './find_files.js';
import { defineTool, type ToolContext } from './tool.js';
import { SKIPPED_FOLDERS, STATE_DIR, type ResolvedPath } from './workspace.js';

const args = z.object({
  pattern: z.string().min(1).describe('regex'),
  path: z.string().optional().describe('file or folder (default: project root)'),
  glob: z.string().optional().describe('only files matching, e.g. *.ts'),
});

type Args = z.infer<typeof args>;

/** More matches than this tell a model less than a narrower search would. */
const MAX_MATCHES = 100;
const MAX_LINE_CHARS = 300;
/** The JavaScript fallback skips files bigger than this (minified bundles, data). */
const MAX_FILE_BYTES = 2_000_000;

interface Matches {
  lines: string[];
  truncated: boolean;
}

export const searchTool = defineTool<Args>({
  name: 'search',
  category: 'search',
  description: () => 'Search file contents for a regex (ripgrep). Shows path:line: text.',
  args,
  readOnly: true,
  aliases: { query: 'pattern', regex: 'pattern', text: 'pattern', dir: 'path', directory: 'path', include: 'glob', file_pattern: 'glob' },
  capHint: 'Narrow the search with a more specific pattern, path or glob.',
  async execute(a, ctx) {
    const under = await ctx.workspace.resolve(a.path ?? '.');
    if (!(await ctx.workspace.stat(under))) return { ok: false, output: `Path not found: ${a.path}. Use find_files to locate it.` };

    const pattern = a.pattern;
    const rg = await ctx.ripgrepPath();
    let literal = false;
    let found = rg ? await searchWithRipgrep(rg, pattern, false, under, a.glob, ctx) : null;
    if (found === 'invalid_regex') {
      literal = true;
      found = await searchWithRipgrep(rg!, pattern, true, under, a.glob, ctx);
    }
    if (found === null || found === 'invalid_regex') {
      literal = !isValidRegex(pattern);
      found = await searchWithJavaScript(pattern, literal, under, a.glob, ctx);
    }

    const note = literal ? ` (not a valid regex, so searched as plain text)` : '';
    const where = under.rel === '.' ? '' : ` in ${under.rel}`;
    if (found.lines.length === 0) return { ok: true, output: `No matches for '${pattern}'${where}${a.glob ? ` (${a.glob})` : ''}${note}.` };
    const more = found.truncated ? `\n[... more than ${MAX_MATCHES} matches; narrow the pattern, path or glob]` : '';
    return { ok: true, output: `${note ? `Searched '${pattern}'${note}:\n` : ''}${found.lines.join('\n')}${more}` };
  },
});

/**
 * The bundled ripgrep: fast, .gitignore-aware. null when it cannot run (the caller falls back),
 * 'invalid_regex' when ripgrep's regex dialect rejects the pattern.
 */
function searchWithRipgrep(
  rgPath: string,
  pattern: string,
  literal: boolean,
  under: ResolvedPath,
  glob: string | undefined,
  ctx: ToolContext,
): Promise<Matches | null | 'invalid_regex'> {
  return ctx.workspace.realRootPath().then(
    (root) =>
      new Promise((resolve) => {
        const argv = ['--line-number', '--no-heading', '--with-filename', '--color', 'never', '--sort', 'path'];
        argv.push('--max-columns', String(MAX_LINE_CHARS), '--max-columns-preview', '--hidden', '--no-require-git');
        // Skipped unless the search is inside one of them; the state folder always.
        for (const dir of SKIPPED_FOLDERS) if (!under.rel.split('/').includes(dir)) argv.push('--glob', `!${dir}`);
        if (glob) argv.push('--glob', glob);
        // ripgrep lets the last matching glob win: the state folder's exclusion comes after the model's.
        argv.push('--glob', `!${STATE_DIR}`);
        if (literal) argv.push('--fixed-strings');
        argv.push('--regexp', pattern);
        if (under.rel !== '.') argv.push('--', under.rel);

        const child = spawn(rgPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], signal: ctx.signal });
        const lines: string[] = [];
        let partial = '';
        let stderr = '';
        let truncated = false;
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          if (truncated) return;
          const parts = (partial + chunk).split('\n');
          partial = parts.pop()!;
          for (const line of parts) {
            if (lines.length === MAX_MATCHES) {
              truncated = true;
              child.kill();
              return;
            }
            if (!inStateDir(line)) lines.push(line);
          }
        });
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('error', () => resolve(null)); // binary missing or not executable
        child.on('close', (code) => {
          if (!truncated && partial !== '' && lines.length < MAX_MATCHES && !inStateDir(partial)) lines.push(partial);
          if (code === 2 && lines.length === 0 && /regex parse error|error parsing regex/i.test(stderr)) return resolve('invalid_regex');
          resolve({ lines, truncated });
        });
      }),
  );
}

/** Used when the ripgrep binary is missing: same output, JavaScript regex dialect. */
async function searchWithJavaScript(
  pattern: string,
  literal: boolean,
  under: ResolvedPath,
  glob: string | undefined,
  ctx: ToolContext,
): Promise<Matches> {
  const regex = toJsRegex(pattern, literal);
  const st = await ctx.workspace.stat(under);
  const files = st?.isFile() ? [under.rel] : await ctx.workspace.listFiles(under, [glob ? recursiveGlob(glob) : '**/*']);
  const lines: string[] = [];
  for (const file of files) {
    ctx.signal?.throwIfAborted();
    const target = await ctx.workspace.resolve(file).catch(() => null); // a symlink out of the project is skipped
    if (!target) continue;
    const fileStat = await ctx.workspace.stat(target);
    if (!fileStat?.isFile() || fileStat.size > MAX_FILE_BYTES) continue;
    const text = await ctx.workspace.readText(file).then((r) => r.text, () => null); // binary files are skipped
    if (text === null) continue;
    const fileLines = text.split('\n');
    for (let i = 0; i < fileLines.length; i++) {
      const line = fileLines[i]!.replace(/\r$/, '');
      regex.lastIndex = 0;
      if (!regex.test(line)) continue;
      if (lines.length === MAX_MATCHES) return { lines, truncated: true };
      lines.push(`${file}:${i + 1}:${line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} [... omitted]` : line}`);
    }
  }
  return { lines, truncated: false };
}

/** A match line (`path:line:text`) from a SmallCode state folder: never shown, whatever the globs said. */
function inStateDir(line: string): boolean {
  const file = line.slice(0, line.search(/:\d+:/) >>> 0);
  return `/${file}`.includes(`/${STATE_DIR}/`);
}

function isValidRegex(pattern: string): boolean {
  try {
    toJsRegex(pattern, false);
    return true;
  } catch {
    return false;
  }
}

/** ripgrep's inline `(?i)` flag is common in model output; JavaScript wants it as a flag. */
function toJsRegex(pattern: string, literal: boolean): RegExp {
  const caseless = pattern.startsWith('(?i)');
  const body = caseless ? pattern.slice(4) : pattern;
  const source = literal ? body.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : body;
  return new RegExp(source, caseless ? 'i' : '');
}
