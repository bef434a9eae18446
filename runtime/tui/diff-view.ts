/**
 * An edit as the developer wants to see it: the changed lines of the file, red for removed, green
 * for added, with two lines of context and the line numbers of each hunk. Without colour the
 * `-`/`+` markers carry the meaning.
 */
import { structuredPatch } from 'diff';
import { truncate, type Style } from './style.js';

/** `before` null: the file is new. Returns '' when nothing changed. Lines are cut to `width`. */
export function renderDiff(path: string, before: string | null, after: string | null, style: Style, width = Infinity): string {
  const { c } = style;
  const fit = (line: string) => (line.length > width ? truncate(line, width) : line);
  if (after === null) return before === null ? '' : c.red(`deleted ${path}`);
  const patch = structuredPatch(path, path, before ?? '', after, '', '', { context: 2 });
  if (patch.hunks.length === 0) return '';
  const out: string[] = [];
  if (before === null) {
    const n = after.split('\n').length - (after.endsWith('\n') ? 1 : 0);
    out.push(c.green(`new file, ${n} line${n === 1 ? '' : 's'}`));
  }
  for (const hunk of patch.hunks) {
    out.push(c.cyan(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      if (line.startsWith('+')) out.push(c.green(fit(line)));
      else if (line.startsWith('-')) out.push(c.red(fit(line)));
      else out.push(c.dim(fit(line)));
    }
  }
  return out.join('\n');
}
