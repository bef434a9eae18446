/**
 * The one door to the disk under the project: every path a tool touches is resolved here, and
 * nothing outside the project root (by `..`, an absolute path or a symlink) or inside SmallCode's
 * own state folder (`.smallcode/`) is ever read or written. Writes are atomic (temp file +
 * rename, file mode kept) so a crash or a kill never leaves a half-written source file.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** SmallCode's own state folder inside the project: never offered to the model's tools. */
export const STATE_DIR = '.smallcode';

/** Folders no listing or search walks into unless asked to explicitly. */
export const SKIPPED_FOLDERS = ['.git', 'node_modules'];
const ALWAYS_SKIPPED = [...SKIPPED_FOLDERS, STATE_DIR];

/** A refusal or failure the model can act on; the registry turns it into an ok:false result. */
export class WorkspaceError extends Error {
  constructor(
    message: string,
    readonly kind: 'outside_root' | 'symlink_escape' | 'state_dir' | 'not_found' | 'not_a_file' | 'binary',
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export interface ResolvedPath {
  /** Absolute path after following symlinks (the real file). */
  abs: string;
  /** Project-relative, with forward slashes; '.' for the root itself. */
  rel: string;
}

/** Called with the resolved target before any write or delete, e.g. to snapshot the original. */
export type BeforeWriteHook = (target: ResolvedPath) => Promise<void>;

export class Workspace {
  private realRootPromise: Promise<string> | null = null;
  beforeWrite?: BeforeWriteHook;

  constructor(readonly root: string) {}

  /** The root with symlinks followed, looked up on first use (a registry may never touch the disk). */
  private get realRoot(): Promise<string> {
    this.realRootPromise ??= fs.realpath(this.root).catch((err: NodeJS.ErrnoException) => {
      this.realRootPromise = null;
      throw new WorkspaceError(`The project root ${this.root} cannot be used (${err.code ?? err.message}).`, 'not_found');
    });
    return this.realRootPromise;
  }

  /**
   * Resolves a model-supplied path (relative to the root, or absolute inside it) and proves it
   * stays inside the project even after following symlinks.
   */
  async resolve(input: string): Promise<ResolvedPath> {
    const root = await this.realRoot;
    const raw = input.trim() === '' ? '.' : input.trim();
    const candidate = path.isAbsolute(raw) ? this.fromAbsolute(root, raw) : path.resolve(root, raw);
    if (!isInside(root, candidate)) {
      throw new WorkspaceError(
        `Path '${input}' is outside the project (${this.root}). Tools can only use files inside the project: give a path relative to it, e.g. 'src/index.ts'.`,
        'outside_root',
      );
    }
    refuseStateDir(input, path.relative(root, candidate));
    const real = await realpathOfLongestExisting(candidate);
    if (!isInside(root, real)) {
      throw new WorkspaceError(
        `Path '${input}' goes through a symbolic link that leads outside the project (to ${real}); it cannot be used. Use a path of a real file inside the project.`,
        'symlink_escape',
      );
    }
    const rel = toRel(root, real);
    refuseStateDir(input, rel);
    return { abs: real, rel };
  }

  /** An absolute path may be spelled with the root as the user gave it, before symlinks are followed. */
  private fromAbsolute(realRoot: string, raw: string): string {
    const givenRoot = path.resolve(this.root);
    const abs = path.resolve(raw);
    return isInside(givenRoot, abs) ? path.join(realRoot, path.relative(givenRoot, abs)) : abs;
  }

  /** Project-relative form of an absolute path under the (real) root. */
  async relative(abs: string): Promise<string> {
    return toRel(await this.realRoot, abs);
  }

  async realRootPath(): Promise<string> {
    return this.realRoot;
  }

  async exists(input: string): Promise<boolean> {
    const target = await this.resolve(input);
    return (await statOrNull(target.abs)) !== null;
  }

  async stat(target: ResolvedPath) {
    return statOrNull(target.abs);
  }

  /** Reads a text file; refuses directories and binary files with a message that says so. */
  async readText(input: string): Promise<{ target: ResolvedPath; text: string }> {
    const target = await this.resolve(input);
    const st = await statOrNull(target.abs);
    if (!st) throw new WorkspaceError(`File not found: ${input}`, 'not_found');
    if (!st.isFile()) throw new WorkspaceError(`'${input}' is not a file.`, 'not_a_file');
    const bytes = await fs.readFile(target.abs);
    if (looksBinary(bytes)) {
      throw new WorkspaceError(`'${target.rel}' is a binary file (${bytes.length} bytes); it cannot be shown as text.`, 'binary');
    }
    return { target, text: bytes.toString('utf8') };
  }

  /** Lists a directory's entries (directories get a trailing '/'), hiding the state folder. */
  async listDir(target: ResolvedPath): Promise<string[]> {
    const entries = await fs.readdir(target.abs, { withFileTypes: true });
    return entries
      .filter((e) => !(target.rel === '.' && e.name === STATE_DIR))
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
  }

  /**
   * Files under `under` matching the globs, project-relative and sorted, leaving out what the
   * project's .gitignore files exclude, plus .git/, node_modules/ and the state folder (unless
   * `under` is itself inside one of those, or ignored itself).
   */
  async listFiles(under: ResolvedPath, patterns: string[] = ['**/*']): Promise<string[]> {
    const root = await this.realRoot;
    const { glob } = await import('tinyglobby');
    const skip = ALWAYS_SKIPPED.filter((dir) => !under.rel.split('/').includes(dir));
    const found = await glob(patterns, {
      cwd: under.abs,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      ignore: skip.map((dir) => `**/${dir}/**`),
      expandDirectories: false,
    });
    const gitignored = await this.gitignoreFilter(root);
    // A folder asked for by name is searched even if ignored (dist/, a dependency), as ripgrep does.
    const askedForIgnored = under.rel !== '.' && gitignored(`${under.rel}/`);
    return found
      .map((f) => (under.rel === '.' ? f : `${under.rel}/${f}`))
      .filter((rel) => rel.split('/')[0] !== STATE_DIR && (askedForIgnored || !gitignored(rel)))
      .sort();
  }

  /** One matcher per .gitignore, each applied to paths below its own folder, as git does. */
  private async gitignoreFilter(root: string): Promise<(rel: string) => boolean> {
    const { glob } = await import('tinyglobby');
    const { default: ignore } = await import('ignore');
    const files = await glob(['**/.gitignore'], {
      cwd: root,
      dot: true,
      ignore: ALWAYS_SKIPPED.map((dir) => `**/${dir}/**`),
      followSymbolicLinks: false,
    });
    const matchers = await Promise.all(
      files.map(async (file) => {
        const dir = path.posix.dirname(file);
        return { dir, matcher: ignore().add(await fs.readFile(path.join(root, file), 'utf8')) };
      }),
    );
    return (rel) =>
      matchers.some(({ dir, matcher }) => {
        if (dir === '.') return matcher.ignores(rel);
        const below = rel.startsWith(`${dir}/`) ? rel.slice(dir.length + 1) : '';
        return below !== '' && below !== '/' && matcher.ignores(below);
      });
  }

  /** The raw bytes and mode of an existing file (snapshots keep originals byte for byte). */
  async readBytes(target: ResolvedPath): Promise<{ bytes: Buffer; mode: number }> {
    const [bytes, st] = await Promise.all([fs.readFile(target.abs), fs.stat(target.abs)]);
    return { bytes, mode: st.mode };
  }

  /**
   * Writes atomically, creating parent folders and keeping the mode of a file it replaces
   * (or setting `mode` when given).
   */
  async writeText(input: string, data: string | Uint8Array, mode?: number): Promise<{ target: ResolvedPath; created: boolean }> {
    const target = await this.resolve(input);
    const st = await statOrNull(target.abs);
    if (st?.isDirectory()) throw new WorkspaceError(`'${target.rel}' is a directory; give a file path.`, 'not_a_file');
    await this.beforeWrite?.(target);
    await fs.mkdir(path.dirname(target.abs), { recursive: true });
    await atomicWriteFile(target.abs, data, mode ?? st?.mode);
    return { target, created: st === null };
  }

  /** Deletes a file (used to undo the creation of a file); true if there was one. */
  async remove(input: string): Promise<boolean> {
    const target = await this.resolve(input);
    const st = await statOrNull(target.abs);
    if (!st) return false;
    if (!st.isFile() && !st.isSymbolicLink()) throw new WorkspaceError(`'${target.rel}' is not a file; it was not removed.`, 'not_a_file');
    await this.beforeWrite?.(target);
    await fs.rm(target.abs);
    return true;
  }
}

/** temp file in the same folder + rename: readers see the old or the new file, never half of one. */
export async function atomicWriteFile(abs: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.smallcode-tmp`);
  try {
    await fs.writeFile(tmp, data, mode === undefined ? undefined : { mode: mode & 0o7777 });
    if (mode !== undefined) await fs.chmod(tmp, mode & 0o7777); // writeFile's mode is filtered by umask
    await fs.rename(tmp, abs);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export async function statOrNull(abs: string) {
  try {
    return await fs.stat(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

/** NUL bytes in the first 8 KB: the same heuristic git and ripgrep use. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function toRel(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

function refuseStateDir(input: string, rel: string): void {
  const first = rel.split(/[\\/]/)[0];
  if (first === STATE_DIR) {
    throw new WorkspaceError(`'${input}' is inside ${STATE_DIR}/, SmallCode's own state; tools cannot read or change it.`, 'state_dir');
  }
}

/** realpath of the path if it exists, else of its deepest existing ancestor plus the rest. */
async function realpathOfLongestExisting(p: string): Promise<string> {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...missing);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      // A dangling symlink: where it points decides, not that it is missing.
      const link = await fs.readlink(current).catch(() => null);
      if (link !== null) {
        return path.join(await realpathOfLongestExisting(path.resolve(path.dirname(current), link)), ...missing);
      }
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}
