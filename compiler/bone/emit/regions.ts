/**
 * Extension regions: code a person writes inside generated files, between
 * `// <bone:extension NAME>` and `// </bone:extension NAME>`. A recompile renders the file anew and
 * puts every region's previous body back, so hand-written code survives any schema change.
 */

const OPEN = /^[ \t]*\/\/ <bone:extension ([^>\s]+)>[ \t]*$/;
const CLOSE = (name: string) => new RegExp(`^[ \\t]*// </bone:extension ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>[ \\t]*$`);

export interface Region {
  name: string;
  /** The lines between the markers, joined with '\n' (no trailing newline). */
  body: string;
}

/** Every well-formed region in a file, in order. An unclosed marker is ignored. */
export function readRegions(content: string): Map<string, Region> {
  const lines = content.split('\n');
  const regions = new Map<string, Region>();
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (!open) continue;
    const name = open[1]!;
    const close = CLOSE(name);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    if (end >= lines.length) continue;
    regions.set(name, { name, body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return regions;
}

export interface MergeResult {
  content: string;
  /** Regions of the old file the new one no longer has (their extension point was removed). */
  orphans: Region[];
  /** Regions whose body came from the old file and differs from the generated one. */
  kept: string[];
}

/** The new file with each region's body taken from the old file where the old file has one. */
export function mergeRegions(fresh: string, previous: string | undefined): MergeResult {
  if (previous === undefined) return { content: fresh, orphans: [], kept: [] };
  const old = readRegions(previous);
  if (old.size === 0) return { content: fresh, orphans: [], kept: [] };
  const lines = fresh.split('\n');
  const out: string[] = [];
  const used = new Set<string>();
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    const open = OPEN.exec(line);
    if (!open) continue;
    const name = open[1]!;
    const close = CLOSE(name);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    const previousRegion = old.get(name);
    if (end >= lines.length || !previousRegion) continue;
    const generated = lines.slice(i + 1, end).join('\n');
    if (previousRegion.body !== generated) kept.push(name);
    if (previousRegion.body.length > 0) out.push(...previousRegion.body.split('\n'));
    used.add(name);
    out.push(lines[end]!);
    i = end;
  }
  const orphans = [...old.values()].filter((r) => !used.has(r.name));
  return { content: out.join('\n'), orphans, kept };
}
