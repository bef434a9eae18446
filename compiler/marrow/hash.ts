import { createHash } from 'node:crypto';

/** Bumped when emitted code changes shape; part of every source hash, so caches invalidate. */
export const COMPILER_VERSION = 'marrow-0.1.0';

/** The content hash of a .marrow source (with the compiler version): cache key and manifest id. Cheap to import. */
export function sourceHash(source: string): string {
  return `sha256:${createHash('sha256').update(COMPILER_VERSION).update('\0').update(source).digest('hex').slice(0, 16)}`;
}
