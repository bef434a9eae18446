/**
 * What a shell command changed. A command writes files without going through the workspace, so
 * its originals cannot be captured before each write as the file tools' are. Instead the tree
 * is compared before and after the command, cheaply: a stat walk (mtime + size) of the files git
 * would see (.gitignore'd files, .git/, node_modules/ and .smallcode/ left out), and a copy of a
 * file's bytes kept only when it is new to the watch or changed since it was last copied, so
 * after the first command only what changed is read again. Caps keep a big tree from costing
 * much: past them a file is not watched and a change to it cannot be undone.
 */
import * as fs from 'node:fs/promises';
import type { Workspace } from './workspace.js';

export interface TreeWatchLimits {
  /** Files watched at most (the walk stops counting there). */
  maxFiles: number;
  /** Bigger files are not copied (a change to them cannot be undone). */
  maxFileBytes: number;
  /** Bytes kept in memory at most. */
  maxTotalBytes: number;
}

export const TREE_WATCH_LIMITS: TreeWatchLimits = { maxFiles: 5000, maxFileBytes: 1 << 20, maxTotalBytes: 32 << 20 };

/** A file as it was before the command: its bytes and mode, or absent (the command created it). */
export interface TreeOriginal {
  rel: string;
  existed: boolean;
  bytes?: Buffer;
  mode?: number;
}

interface Known {
  stamp: string;
  bytes?: Buffer;
  mode: number;
}

export class TreeWatch {
  private known = new Map<string, Known>();
  private totalBytes = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly limits: TreeWatchLimits = TREE_WATCH_LIMITS,
  ) {}

  /** Before the command: the current state of every watched file, bytes copied where they changed. */
  async before(): Promise<void> {
    const now = await this.walk();
    for (const rel of [...this.known.keys()]) if (!now.has(rel)) this.forget(rel);
    for (const [rel, { stamp, size, mode }] of now) {
      const had = this.known.get(rel);
      if (had && had.stamp === stamp) continue;
      this.forget(rel);
      const entry: Known = { stamp, mode };
      if (size <= this.limits.maxFileBytes && this.totalBytes + size <= this.limits.maxTotalBytes) {
        const bytes = await fs.readFile(await this.abs(rel)).catch(() => undefined);
        if (bytes) {
          entry.bytes = bytes;
          this.totalBytes += bytes.length;
        }
      }
      this.known.set(rel, entry);
    }
  }

  /**
   * After the command: the originals of the files it changed, created or deleted (those whose
   * bytes were kept; a created file needs none). The watch then forgets them, so the next
   * `before` copies them afresh.
   */
  async after(): Promise<TreeOriginal[]> {
    const now = await this.walk();
    const out: TreeOriginal[] = [];
    for (const [rel, was] of this.known) {
      const is = now.get(rel);
      if (is && is.stamp === was.stamp) continue;
      if (was.bytes) out.push({ rel, existed: true, bytes: was.bytes, mode: was.mode });
    }
    for (const rel of now.keys()) if (!this.known.has(rel)) out.push({ rel, existed: false });
    for (const { rel } of out) this.forget(rel);
    return out.sort((a, b) => a.rel.localeCompare(b.rel));
  }

  private forget(rel: string): void {
    const had = this.known.get(rel);
    if (had?.bytes) this.totalBytes -= had.bytes.length;
    this.known.delete(rel);
  }

  private async abs(rel: string): Promise<string> {
    return (await this.workspace.resolve(rel)).abs;
  }

  private async walk(): Promise<Map<string, { stamp: string; size: number; mode: number }>> {
    const files = (await this.workspace.listFiles(await this.workspace.resolve('.'))).slice(0, this.limits.maxFiles);
    const out = new Map<string, { stamp: string; size: number; mode: number }>();
    const root = await this.workspace.realRootPath();
    await Promise.all(
      files.map(async (rel) => {
        const st = await fs.lstat(`${root}/${rel}`).catch(() => null);
        if (st?.isFile()) out.set(rel, { stamp: `${st.mtimeMs}:${st.size}`, size: st.size, mode: st.mode & 0o7777 });
      }),
    );
    return out;
  }
}
