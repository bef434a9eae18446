/**
 * Installed plugins, in the user's data directory (runtime/config/paths.ts):
 *   <data>/plugins/installed.json     which plugins, where, enabled or not
 *   <data>/plugins/local/<name>/      a copy of a local folder (works offline)
 *   <data>/plugins/npm/node_modules/  packages installed with `npm install --prefix`
 * One implementation for `/plugin` in the terminal and `smallcode plugin` in the shell.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { userDataDir } from '../config/paths.js';
import { contributionsOf, readManifest, type PluginContributions, type PluginManifest } from './manifest.js';

type Env = Record<string, string | undefined>;

export interface InstalledPlugin {
  name: string;
  /** The folder holding smallcode-plugin.json. */
  dir: string;
  /** What was installed: the folder path or the npm spec, as given. */
  source: string;
  kind: 'local' | 'npm';
  enabled: boolean;
}

const installedSchema = z.object({
  plugins: z.array(z.object({ name: z.string(), dir: z.string(), source: z.string(), kind: z.enum(['local', 'npm']), enabled: z.boolean() })),
});

export class PluginError extends Error {
  override name = 'PluginError';
}

export function pluginsDir(env: Env = process.env): string {
  return join(userDataDir(env), 'plugins');
}

function installedFile(env: Env): string {
  return join(pluginsDir(env), 'installed.json');
}

/** The installed plugins; a damaged file is an error naming it (nothing is overwritten). */
export function listInstalled(env: Env = process.env): InstalledPlugin[] {
  const file = installedFile(env);
  if (!existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PluginError(`${file}: not valid JSON (${(err as Error).message}); fix or delete it`);
  }
  const parsed = installedSchema.safeParse(raw);
  if (!parsed.success) throw new PluginError(`${file}: not a list of installed plugins; fix or delete it`);
  return parsed.data.plugins;
}

function save(env: Env, plugins: InstalledPlugin[]): void {
  const file = installedFile(env);
  mkdirSync(pluginsDir(env), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ plugins }, null, 2)}\n`);
  renameSync(tmp, file);
}

/** A path (relative, absolute, `~/`) or an existing folder or tarball is local; anything else is an npm spec. */
export function isLocalSpec(spec: string, cwd: string): boolean {
  if (/^(\.{1,2}([\\/]|$)|[\\/]|~[\\/]|[A-Za-z]:[\\/])/.test(spec)) return true;
  return existsSync(resolve(cwd, spec)) && statSync(resolve(cwd, spec)).isDirectory();
}

export interface InstallResult {
  plugin: InstalledPlugin;
  manifest: PluginManifest;
  contributions: PluginContributions;
  /** It replaced an installed plugin of the same name. */
  replaced: boolean;
}

/**
 * Installs a plugin disabled (its code has not run): a local folder is copied, anything else goes
 * through npm. The caller shows `contributions` and enables it when the user agrees.
 */
export async function installPlugin(spec: string, opts: { cwd: string; env?: Env; npm?: string }): Promise<InstallResult> {
  const env = opts.env ?? process.env;
  const installed = listInstalled(env);
  let dir: string;
  let kind: InstalledPlugin['kind'];
  let manifest: PluginManifest;
  const home = env.HOME || env.USERPROFILE || '';
  const expanded = spec.replace(/^~(?=[\\/])/, home);
  if (isLocalSpec(spec, opts.cwd) && !/\.t(ar\.)?gz$/.test(spec)) {
    const from = resolve(opts.cwd, expanded);
    if (!existsSync(from) || !statSync(from).isDirectory()) throw new PluginError(`${from}: no such folder`);
    manifest = checked(readManifest(from));
    kind = 'local';
    dir = join(pluginsDir(env), 'local', manifest.name);
    const staging = `${dir}.${process.pid}.new`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(from, staging, { recursive: true, filter: (path) => basename(path) !== '.git' });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(pluginsDir(env), 'local'), { recursive: true });
    renameSync(staging, dir);
  } else {
    kind = 'npm';
    const prefix = join(pluginsDir(env), 'npm');
    mkdirSync(prefix, { recursive: true });
    if (!existsSync(join(prefix, 'package.json'))) writeFileSync(join(prefix, 'package.json'), '{ "private": true, "dependencies": {} }\n');
    const before = dependencies(prefix);
    const target = /\.t(ar\.)?gz$/.test(spec) ? resolve(opts.cwd, expanded) : spec;
    await npmInstall(opts.npm ?? 'npm', prefix, target, env);
    const added = Object.keys(dependencies(prefix)).filter((name) => before[name] === undefined || before[name] !== dependencies(prefix)[name]);
    const name = added[0] ?? packageNameOf(spec);
    dir = join(prefix, 'node_modules', ...name.split('/'));
    const read = readManifest(dir);
    if ('error' in read) {
      await npmUninstall(opts.npm ?? 'npm', prefix, name, env).catch(() => undefined);
      throw new PluginError(`${spec} is not a SmallCode plugin: ${read.error}`);
    }
    manifest = read;
  }
  const plugin: InstalledPlugin = { name: manifest.name, dir, source: spec, kind, enabled: false };
  const replaced = installed.some((p) => p.name === manifest.name);
  save(env, [...installed.filter((p) => p.name !== manifest.name), plugin]);
  return { plugin, manifest, contributions: contributionsOf(dir, manifest), replaced };
}

function checked(read: PluginManifest | { error: string }): PluginManifest {
  if ('error' in read) throw new PluginError(read.error);
  return read;
}

function dependencies(prefix: string): Record<string, string> {
  try {
    return (JSON.parse(readFileSync(join(prefix, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  } catch {
    return {};
  }
}

/** `@scope/name@1.2` → `@scope/name`; `name@^2` → `name`. */
export function packageNameOf(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at > 0 ? spec.slice(0, at) : spec;
}

function run(command: string, args: string[], env: Env): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { env: env as NodeJS.ProcessEnv, timeout: 300_000, maxBuffer: 8 * 1024 * 1024, shell: process.platform === 'win32' }, (err, _stdout, stderr) => {
      if (!err) return resolvePromise();
      const why = String(stderr).trim().split('\n').filter((l) => /err/i.test(l)).slice(0, 6).join('\n') || err.message;
      reject(new PluginError(`${command} ${args.join(' ')} failed:\n${why}`));
    });
  });
}

function npmInstall(npm: string, prefix: string, spec: string, env: Env): Promise<void> {
  return run(npm, ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--save', spec], env);
}

function npmUninstall(npm: string, prefix: string, name: string, env: Env): Promise<void> {
  return run(npm, ['uninstall', '--prefix', prefix, '--no-audit', '--no-fund', name], env);
}

function find(env: Env, name: string): { all: InstalledPlugin[]; plugin: InstalledPlugin } {
  const all = listInstalled(env);
  const plugin = all.find((p) => p.name === name);
  if (!plugin) throw new PluginError(`no plugin '${name}' is installed${all.length ? ` (installed: ${all.map((p) => p.name).join(', ')})` : ''}`);
  return { all, plugin };
}

export function setPluginEnabled(name: string, enabled: boolean, env: Env = process.env): InstalledPlugin {
  const { all, plugin } = find(env, name);
  const updated = { ...plugin, enabled };
  save(env, all.map((p) => (p.name === name ? updated : p)));
  return updated;
}

/** Deletes the plugin's files (the copy, or the npm package) and its entry. */
export async function removePlugin(name: string, opts: { env?: Env; npm?: string } = {}): Promise<InstalledPlugin> {
  const env = opts.env ?? process.env;
  const { all, plugin } = find(env, name);
  if (plugin.kind === 'local') rmSync(plugin.dir, { recursive: true, force: true });
  else {
    const prefix = join(pluginsDir(env), 'npm');
    const pkg = plugin.dir.slice(join(prefix, 'node_modules').length + 1).split(/[\\/]/).join('/');
    await npmUninstall(opts.npm ?? 'npm', prefix, pkg, env);
  }
  save(env, all.filter((p) => p.name !== name));
  return plugin;
}
