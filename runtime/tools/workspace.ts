/**
 * The one door to the disk under the project: every path a tool touches is resolved here, and
 * nothing outside the project root (by `..`, an absolute path or a symlink) or inside SmallCode's
 * own state folder (`.smallcode/`) is ever read or written. Writes are atomic (temp file +
 * rename, file mode kept) so a crash or a kill never leaves a half-written source file.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ChangedWhileUsed, openDir, openFileIn, writeFileIn, type DirHandle } from './confined.js';

/** SmallCode's own state folder inside the project: never offered to the model's tools. */
export const STATE_DIR = '.smallcode';

/** Folders no listing or search walks into unless asked to explicitly. */
export const SKIPPED_FOLDERS = ['.git', 'node_modules'];
const ALWAYS_SKIPPED = [...SKIPPED_FOLDERS, STATE_DIR];

/** A refusal or failure the model can act on; the registry turns it into an ok:false result. */
export class WorkspaceError extends Error {
  constructor(
    message: string,
    readonly kind: 'outside_root' | 'symlink_escape' | 'state_dir' | 'not_found' | 'not_a_file' | 'binary' | 'changed',
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
        // Where the link leads is not named: that would tell the model about the world outside.
        `Path '${input}' goes through a symbolic link that leads outside the project; it cannot be used. Use a path of a real file inside the project.`,
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
    const { bytes } = await this.readConfined(target);
    if (looksBinary(bytes)) {
      throw new WorkspaceError(`'${target.rel}' is a binary file (${bytes.length} bytes); it cannot be shown as text.`, 'binary');
    }
    return { target, text: bytes.toString('utf8') };
  }

  /** Bytes and mode of the file the checked path names, opened through verified handles only. */
  private async readConfined(target: ResolvedPath): Promise<{ bytes: Buffer; mode: number }> {
    return this.inParent(target, async (dir, name) => {
      const handle = await openFileIn(dir, name, target.rel);
      try {
        const st = await handle.stat();
        if (!st.isFile()) throw new WorkspaceError(`'${target.rel}' is not a file.`, 'not_a_file');
        return { bytes: await handle.readFile(), mode: st.mode };
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * Runs `use` with the opened parent folder of a checked path and the final name; a symlink
   * met on the way (the path changed since the check) is refused, never followed.
   */
  private async inParent<T>(target: ResolvedPath, use: (dir: DirHandle, name: string) => Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
    if (target.rel === '.') throw new WorkspaceError(`The project root is a folder; give a file path.`, 'not_a_file');
    const root = await this.realRoot;
    const relDir = path.posix.dirname(target.rel);
    let dir: DirHandle | undefined;
    try {
      dir = await openDir(root, relDir, opts);
      return await use(dir, path.posix.basename(target.rel));
    } catch (err) {
      if (err instanceof ChangedWhileUsed) {
        throw new WorkspaceError(`${err.message}; it was not used. Try again with a path of a real file inside the project.`, 'changed');
      }
      throw err;
    } finally {
      await dir?.close();
    }
  }

  /** Lists a directory's entries (directories get a trailing '/'), hiding the state folder. */
  async listDir(target: ResolvedPath): Promise<string[]> {
    const root = await this.realRoot;
    const dir = await openDir(root, target.rel).catch((err) => {
      throw err instanceof ChangedWhileUsed ? new WorkspaceError(`${err.message}; it was not listed.`, 'changed') : err;
    });
    const entries = await fs.readdir(dir.listPath, { withFileTypes: true }).finally(() => dir.close());
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
    for (const pattern of patterns) refuseEscapingGlob(pattern);
    // The fixed folders a pattern starts with are walked into: prove they stay inside first, so a
    // link to / is refused before anything below it is listed.
    for (const pattern of patterns) {
      const base = staticBase(pattern);
      if (base) await this.resolve(under.rel === '.' ? base : `${under.rel}/${base}`);
    }
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
    const inside = await this.insideAfterResolution(
      root,
      found.map((f) => (under.rel === '.' ? f : `${under.rel}/${f}`)),
    );
    const gitignored = await this.gitignoreFilter(root);
    // A folder asked for by name is searched even if ignored (dist/, a dependency), as ripgrep does.
    const askedForIgnored = under.rel !== '.' && gitignored(`${under.rel}/`);
    return inside.filter((rel) => askedForIgnored || !gitignored(rel)).sort();
  }

  /**
   * The listed paths that are still inside the project once every symlink is followed, and not in
   * the state folder: a listing never names what lies outside, whatever the glob library did.
   */
  private async insideAfterResolution(root: string, rels: string[]): Promise<string[]> {
    const realDirs = new Map<string, Promise<string | null>>();
    const realDir = (dir: string) => {
      let known = realDirs.get(dir);
      if (!known) realDirs.set(dir, (known = fs.realpath(path.join(root, dir)).catch(() => null)));
      return known;
    };
    const checked = await Promise.all(
      rels.map(async (rel) => {
        const normal = path.posix.normalize(rel);
        if (normal !== rel || normal.startsWith('../') || path.posix.isAbsolute(normal)) return null;
        const dir = await realDir(path.posix.dirname(rel));
        if (dir === null || !isInside(root, dir)) return null;
        const full = path.join(dir, path.posix.basename(rel));
        const st = await fs.lstat(full).catch(() => null);
        if (!st) return null;
        const real = st.isSymbolicLink() ? await fs.realpath(full).catch(() => null) : full;
        if (real === null || !isInside(root, real)) return null;
        return toRel(root, real).split('/')[0] === STATE_DIR || rel.split('/')[0] === STATE_DIR ? null : rel;
      }),
    );
    return checked.filter((rel): rel is string => rel !== null);
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
    return this.readConfined(target);
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
    await this.inParent(target, (dir, name) => writeFileIn(dir, name, target.rel, data, mode ?? st?.mode), { create: true });
    return { target, created: st === null };
  }

  /** Deletes a file (used to undo the creation of a file); true if there was one. */
  async remove(input: string): Promise<boolean> {
    const target = await this.resolve(input);
    const st = await statOrNull(target.abs);
    if (!st) return false;
    if (!st.isFile() && !st.isSymbolicLink()) throw new WorkspaceError(`'${target.rel}' is not a file; it was not removed.`, 'not_a_file');
    await this.beforeWrite?.(target);
    await this.inParent(target, (dir, name) => fs.rm(dir.entry(name)));
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

/**
 * A glob that names a place outside the folder it is applied to: absolute (`/x`, `C:/x`), or
 * with a `..` component anywhere (also inside `{a,..}` alternatives, or written with `\\`).
 */
export function refuseEscapingGlob(pattern: string): void {
  const p = pattern.replace(/\\/g, '/');
  const absolute = p.startsWith('/') || /^[A-Za-z]:\//.test(p);
  const climbs = p.split(/[/{},()|]/).some((part) => part === '..');
  if (absolute || climbs) {
    throw new WorkspaceError(
      `The pattern '${pattern}' leaves the project (${absolute ? 'an absolute pattern' : "a '..' in it"}); patterns are matched inside the project: give one relative to it, e.g. 'src/**/*.ts'.`,
      'outside_root',
    );
  }
}

/** The leading folders of a glob that contain no glob characters (`src/lib` of `src/lib/*.ts`). */
function staticBase(pattern: string): string {
  const parts = pattern.replace(/\\/g, '/').split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (/[*?[\]{}()!+@]/.test(part)) break;
    if (part !== '' && part !== '.') fixed.push(part);
  }
  return fixed.join('/');
}

/**
 * Why a project file configures or runs code outside the conversation (so the model may write it
 * only with the user's approval), or null. Names compare case-insensitively: macOS and Windows
 * file systems do.
 */
export function configuresOutsideConversation(rel: string): string | null {
  const parts = rel.toLowerCase().split('/');
  const name = parts[parts.length - 1]!;
  if (parts.length === 1) {
    if (name === '.env') return 'configures SmallCode and the project (endpoint, keys)';
    if (name === '.envrc') return 'is run by direnv when a shell enters the folder';
    if (name === 'smallcode.toml') return "configures SmallCode's next session";
    if (name === '.mcp.json') return 'starts MCP servers (programs) in the next session';
  }
  if (parts[0] === STATE_DIR) return "is SmallCode's own state (agents, approvals)";
  const git = parts.indexOf('.git');
  if (git !== -1 && parts[git + 1] === 'hooks' && parts.length > git + 2) return 'is a git hook, run by git outside the conversation';
  if (git !== -1 && parts[git + 1] === 'config' && parts.length === git + 2) return 'configures git (it can name programs git runs)';
  if (git === parts.length - 1) return 'tells git where the repository is';
  return null;
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
