/**
 * Helpers to run a generated BoneScript project for real: install its dependencies (cached),
 * type-check it, start its server as a child process and talk to it over HTTP.
 *
 * Dependencies: installed ONCE per distinct dependency set into a cache folder keyed by a hash of
 * the generated package.json's dependencies (`$SMALLCODE_BONE_DEPS_CACHE`, default
 * `<os tmp>/smallcode-bone-deps/<hash>`), with `npm install --prefer-offline --ignore-scripts`,
 * then symlinked as the project's node_modules. The only native module, better-sqlite3, is not
 * rebuilt: SmallCode's own build of the same version is copied in (a rebuild costs a minute of
 * CPU), and only if the versions differ does `npm rebuild better-sqlite3` run. A warm cache makes
 * "install" a symlink; a cold one is ~10 s of download.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SMALLCODE_ROOT = path.resolve(import.meta.dirname, '../../..');

export function depsCacheRoot(): string {
  return process.env.SMALLCODE_BONE_DEPS_CACHE ?? path.join(os.tmpdir(), 'smallcode-bone-deps');
}

function run(command: string, args: string[], cwd: string, timeoutMs = 300_000): { code: number; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { code: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Links a ready node_modules into the project; installs into the cache first when needed. */
export function ensureDependencies(projectDir: string): { cacheDir: string; installed: boolean; ms: number } {
  const started = Date.now();
  const manifest = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const deps = { dependencies: manifest.dependencies ?? {}, devDependencies: manifest.devDependencies ?? {} };
  const hash = crypto.createHash('sha256').update(JSON.stringify(deps)).digest('hex').slice(0, 16);
  const cacheDir = path.join(depsCacheRoot(), hash);
  let installed = false;
  if (!fs.existsSync(path.join(cacheDir, 'ready'))) {
    // Install next to the cache entry and rename into place, so a parallel run never sees half of it.
    const staging = `${cacheDir}.staging-${process.pid}-${Date.now()}`;
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'bone-deps-cache', private: true, ...deps }, null, 2));
    const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], staging);
    if (install.code !== 0) throw new Error(`npm install of the generated dependencies failed:\n${install.output}`);
    provideBetterSqlite3(staging);
    fs.writeFileSync(path.join(staging, 'ready'), new Date().toISOString());
    try {
      fs.renameSync(staging, cacheDir);
      installed = true;
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another run won the race; use theirs
    }
  }
  const link = path.join(projectDir, 'node_modules');
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(path.join(cacheDir, 'node_modules'), link, 'dir');
  return { cacheDir, installed, ms: Date.now() - started };
}

/** better-sqlite3 without a native rebuild: SmallCode's compiled copy when the versions match. */
function provideBetterSqlite3(dir: string): void {
  const target = path.join(dir, 'node_modules', 'better-sqlite3');
  const ours = path.join(SMALLCODE_ROOT, 'node_modules', 'better-sqlite3');
  const version = (p: string) => (JSON.parse(fs.readFileSync(path.join(p, 'package.json'), 'utf8')) as { version: string }).version;
  if (fs.existsSync(path.join(ours, 'build', 'Release', 'better_sqlite3.node')) && version(ours) === version(target)) {
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(ours, target, { recursive: true });
    return;
  }
  const rebuild = run('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], dir, 600_000);
  if (rebuild.code !== 0) throw new Error(`building better-sqlite3 failed:\n${rebuild.output}`);
}

/** `npm test` of the generated project: its own tsc --noEmit, then its generated tests. */
export function runProjectTests(projectDir: string): { ok: boolean; output: string; ms: number } {
  const started = Date.now();
  const env = { ...process.env };
  delete env.DATABASE_URL; // the generated tests use their own SQLite file
  const result = spawnSync('npm', ['test', '--silent'], { cwd: projectDir, encoding: 'utf8', timeout: 300_000, env });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, ms: Date.now() - started };
}

export interface RunningProject {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `src/index.ts` of the project (through its tsx) on a free port and waits until it listens. */
export async function startProject(projectDir: string, env: Record<string, string>): Promise<RunningProject> {
  const tsx = path.join(projectDir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, 'src/index.ts'], {
    cwd: projectDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: on a loaded 2-core CI machine tsx alone can take several seconds to start.
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function client(baseUrl: string) {
  return async function call(method: string, url: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const response = await fetch(baseUrl + url, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: response.status, headers: response.headers, body };
  };
}
