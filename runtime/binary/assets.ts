import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Inside the single-file executable, the files SmallCode reads at run time (agents/, templates/,
 * the native SQLite module, ripgrep …) are SEA assets. They are unpacked once into a cache folder
 * named after their content hash, laid out like an installed package, so everything that finds
 * files from the package root or `require`s a package from disk works unchanged.
 */

/** The asset that lists the others; written by scripts/build-binary.ts. */
export const MANIFEST_ASSET = 'smallcode-files.json';

export interface BinaryManifest {
  /** `<version>-<hash of every file>`: the cache folder's name, so a new build never reuses old files. */
  id: string;
  files: { path: string; mode: number }[];
}

/** The file name release assets, install.sh and install.ps1 agree on: smallcode-linux-x64, smallcode-windows-x64.exe … */
export function binaryName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  return `smallcode-${os}-${arch}${platform === 'win32' ? '.exe' : ''}`;
}

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
  getAsset(key: string, encoding: string): string;
}

/** Where unpacked files go: $SMALLCODE_CACHE_DIR, else the platform's user cache folder. */
export function binaryCacheBase(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SMALLCODE_CACHE_DIR) return env.SMALLCODE_CACHE_DIR;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'smallcode', 'cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'smallcode');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'smallcode');
}

/** The unpacked package root when running as the single-file executable, else undefined. */
export function binaryPackageRoot(): string | undefined {
  let sea: SeaModule;
  try {
    // Plain `require` in the SEA's main script loads built-in modules only, which is all this needs.
    sea = require('node:sea') as SeaModule;
  } catch {
    return undefined;
  }
  if (!sea.isSea()) return undefined;
  const manifest = JSON.parse(sea.getAsset(MANIFEST_ASSET, 'utf8')) as BinaryManifest;
  return unpack(manifest, (path) => new Uint8Array(sea.getAsset(path)), binaryCacheBase());
}

/**
 * Writes the files into `<base>/binary/<id>` unless a complete copy is there. Files go to a
 * private folder first, which is renamed into place: a crash or a second process starting at the
 * same time never leaves a half-written folder that looks complete.
 */
export function unpack(manifest: BinaryManifest, read: (path: string) => Uint8Array, base: string): string {
  const dir = join(base, 'binary', manifest.id);
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return dir;
  const staging = `${dir}.${process.pid}-${createHash('sha256').update(`${Date.now()}${Math.random()}`).digest('hex').slice(0, 8)}`;
  try {
    for (const file of manifest.files) {
      const target = join(staging, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, read(file.path));
      if (process.platform !== 'win32') chmodSync(target, file.mode);
    }
    writeFileSync(join(staging, '.complete'), `${manifest.id}\n`);
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(dir, { recursive: true, force: true }); // an incomplete leftover (no marker) from an older crash
    renameSync(staging, dir);
  } catch (err) {
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // nothing was created (the base is not a folder): nothing to clean
    }
    if (existsSync(marker)) return dir; // another process unpacked the same files first
    throw new Error(`cannot unpack SmallCode's files into ${dir} (${(err as Error).message}); set SMALLCODE_CACHE_DIR to a writable folder`);
  }
  return dir;
}

/** Content id of a set of files, as the build computes it (path and bytes of each, in order). */
export function contentId(version: string, files: { path: string; bytes: Uint8Array }[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.bytes).update('\0');
  return `${version}-${hash.digest('hex').slice(0, 16)}`;
}
