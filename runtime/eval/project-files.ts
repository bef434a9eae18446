/**
 * The project's text files as a task starts and ends, kept content-addressed beside the traces
 * (`.smallcode/traces/files/<sha256>`), so replaying a task can recreate the folder it ran in and
 * a second task over the same files costs nothing more.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore from 'ignore';

/** Beyond these the snapshot stops and says so (`truncated`); a replay of it is refused. */
export const SNAPSHOT_LIMITS = { maxFiles: 2000, maxFileBytes: 512 * 1024, maxTotalBytes: 16 * 1024 * 1024 };
const SKIPPED = new Set(['.git', 'node_modules', '.smallcode']);

export interface FileSnapshot {
  /** Relative path (forward slashes) → sha256 of the content. */
  files: Record<string, string>;
  /** Set when a limit cut the walk short, with the reason. */
  truncated?: string;
}

export function blobsDir(root: string): string {
  return join(root, '.smallcode', 'traces', 'files');
}

function storeBlob(root: string, content: Buffer): string {
  const sha = createHash('sha256').update(content).digest('hex');
  const file = join(blobsDir(root), sha);
  if (!existsSync(file)) {
    mkdirSync(blobsDir(root), { recursive: true });
    writeFileSync(file, content);
  }
  return sha;
}

export function readBlob(root: string, sha: string): string {
  return readFileSync(join(blobsDir(root), sha), 'utf8');
}

function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/** Every text file of the project (.gitignore respected), stored as blobs. */
export function snapshotProject(root: string): FileSnapshot {
  const files: Record<string, string> = {};
  const rules = ignore();
  try {
    rules.add(readFileSync(join(root, '.gitignore'), 'utf8'));
  } catch {
    // no .gitignore: everything but the skipped folders
  }
  let total = 0;
  let count = 0;
  const walk = (dir: string): string | undefined => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIPPED.has(entry.name)) continue;
      const abs = join(dir, entry.name);
      const rel = relative(root, abs).split(sep).join('/');
      if (rules.ignores(entry.isDirectory() ? `${rel}/` : rel)) continue;
      if (entry.isDirectory()) {
        const cut = walk(abs);
        if (cut) return cut;
        continue;
      }
      if (!entry.isFile()) continue;
      const size = statSync(abs).size;
      if (size > SNAPSHOT_LIMITS.maxFileBytes) return `${rel} is larger than ${SNAPSHOT_LIMITS.maxFileBytes} bytes`;
      if (++count > SNAPSHOT_LIMITS.maxFiles) return `more than ${SNAPSHOT_LIMITS.maxFiles} files`;
      total += size;
      if (total > SNAPSHOT_LIMITS.maxTotalBytes) return `more than ${SNAPSHOT_LIMITS.maxTotalBytes} bytes of files`;
      const content = readFileSync(abs);
      if (isBinary(content)) return `${rel} is a binary file`;
      files[rel] = storeBlob(root, content);
    }
    return undefined;
  };
  const truncated = walk(root);
  return truncated ? { files, truncated } : { files };
}

/** The given files as they are now: sha256, or null for a file that no longer exists. */
export function snapshotFiles(root: string, paths: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const rel of paths) {
    try {
      out[rel] = storeBlob(root, readFileSync(join(root, rel)));
    } catch {
      out[rel] = null;
    }
  }
  return out;
}
