/**
 * Check and use as one step. A path that was proven inside the project can still be swapped for
 * a symlink to outside between the check and the open (a folder replaced by a link in a loop).
 * So every open walks down from an opened handle of the real root, one component at a time,
 * refusing a symlink at every step (O_NOFOLLOW), and re-verifies the real path of what it opened
 * before a byte is read or a file renamed into place.
 *
 * On Linux a directory handle is used as a path through `/proc/self/fd/<fd>/name` (what openat
 * does in C): the kernel resolves `name` in the opened directory, whatever the path now points
 * at. Elsewhere (macOS) the walk uses full paths with the same O_NOFOLLOW checks, and what was
 * opened is compared by device and inode with the real path it resolves to (a narrower window).
 */
import { constants, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK } = constants;

const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/** The walk met a symlink or a path that is no longer what was checked: the caller refuses. */
export class ChangedWhileUsed extends Error {
  constructor(readonly rel: string) {
    super(`'${rel}' changed while it was being used (a folder or file on the way became a symbolic link)`);
  }
}

/** An opened directory proven to lie inside the root. */
export class DirHandle {
  private constructor(
    private readonly handle: fs.FileHandle,
    /** Real absolute path of the directory when it was verified. */
    readonly real: string,
  ) {}

  /** A path that names `name` inside exactly this opened directory. */
  entry(name: string): string {
    return PROC_FD ? `/proc/self/fd/${this.handle.fd}/${name}` : path.join(this.real, name);
  }

  /** Where this directory's entries are read from. */
  get listPath(): string {
    return PROC_FD ? `/proc/self/fd/${this.handle.fd}` : this.real;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  static async open(abs: string, expectedReal: string, rel: string, follow: boolean): Promise<DirHandle> {
    const handle = await fs.open(abs, O_RDONLY | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW)).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ELOOP' || err.code === 'ENOTDIR' ? new ChangedWhileUsed(rel) : err;
    });
    try {
      await verifyOpened(handle, abs, expectedReal, rel);
      return new DirHandle(handle, expectedReal);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}

/** The real path of an open handle is the one that was checked, else ChangedWhileUsed. */
export async function verifyOpened(handle: fs.FileHandle, opened: string, expectedReal: string, rel: string): Promise<void> {
  if (PROC_FD) {
    const real = await fs.readlink(`/proc/self/fd/${handle.fd}`);
    if (real !== expectedReal) throw new ChangedWhileUsed(rel);
    return;
  }
  const [st, real] = await Promise.all([handle.stat(), fs.realpath(opened).catch(() => null)]);
  if (real !== expectedReal) throw new ChangedWhileUsed(rel);
  const now = await fs.stat(real).catch(() => null);
  if (!now || now.dev !== st.dev || now.ino !== st.ino) throw new ChangedWhileUsed(rel);
}

/**
 * Opens the directory `relDir` (project-relative, no symlinks in it: it comes from a realpath)
 * by walking from the real root without following any link. `create` makes missing folders.
 */
export async function openDir(realRoot: string, relDir: string, opts: { create?: boolean } = {}): Promise<DirHandle> {
  let dir = await DirHandle.open(realRoot, realRoot, '.', true);
  const parts = relDir === '.' || relDir === '' ? [] : relDir.split('/');
  let walked = '';
  try {
    for (const part of parts) {
      walked = walked ? `${walked}/${part}` : part;
      if (opts.create) {
        await fs.mkdir(dir.entry(part)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
      }
      const next = await DirHandle.open(dir.entry(part), path.join(dir.real, part), walked, false);
      await dir.close();
      dir = next;
    }
    return dir;
  } catch (err) {
    await dir.close();
    throw err;
  }
}

/** Opens `name` in `dir` for reading, never through a symlink, and proves what was opened. */
export async function openFileIn(dir: DirHandle, name: string, rel: string): Promise<fs.FileHandle> {
  // O_NONBLOCK: opening a FIFO the model points at must not hang; regular files ignore it.
  const handle = await fs.open(dir.entry(name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ELOOP' ? new ChangedWhileUsed(rel) : err;
  });
  try {
    await verifyOpened(handle, dir.entry(name), path.join(dir.real, name), rel);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * Writes `data` to `name` in `dir` atomically: a new temp file (O_EXCL, no symlink followed)
 * beside it, verified, filled, then renamed over the name inside the same opened directory.
 */
export async function writeFileIn(dir: DirHandle, name: string, rel: string, data: string | Uint8Array, mode: number | undefined): Promise<void> {
  const tmp = `.${name}.${Math.random().toString(16).slice(2, 14)}.smallcode-tmp`;
  const handle = await fs.open(dir.entry(tmp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, (mode ?? 0o666) & 0o7777);
  let renamed = false;
  try {
    await verifyOpened(handle, dir.entry(tmp), path.join(dir.real, tmp), rel);
    await handle.writeFile(data);
    if (mode !== undefined) await handle.chmod(mode & 0o7777); // the open's mode is filtered by umask
    await handle.close();
    await fs.rename(dir.entry(tmp), dir.entry(name));
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await fs.rm(dir.entry(tmp), { force: true });
    }
  }
}
