/**
 * The shell's sandbox, where the operating system offers one: bubblewrap on Linux, sandbox-exec
 * (Seatbelt) on macOS. Inside it a command can write only in the project and the temporary
 * folder (files that configure the next session stay read-only), and has no network unless
 * allowed. Everything else on the machine stays readable: this confines damage, not curiosity.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export type SandboxKind = 'bubblewrap' | 'sandbox-exec';

export type SandboxProbe = { kind: SandboxKind; program: string } | { kind: 'none'; reason: string };

export interface SandboxSettings {
  /** The real project root (writable). */
  root: string;
  /** Allow network access from inside (SMALLCODE_SANDBOX_NETWORK). */
  network: boolean;
  /** Project-relative paths kept read-only inside the sandbox when they exist. */
  readOnly: readonly string[];
}

/** How to start a program inside the sandbox: run `program` with `args` followed by the command. */
export interface SandboxWrap {
  kind: SandboxKind;
  program: string;
  args: string[];
}

/** Files and folders that configure or run code outside the conversation: read-only in the sandbox. */
export const READ_ONLY_IN_SANDBOX = ['.env', '.envrc', 'smallcode.toml', '.mcp.json', '.smallcode', '.git/config', '.git/hooks'];

let probed: SandboxProbe | undefined;

/** Which sandbox works here, tried for real once per process (a binary can exist and still fail). */
export function probeSandbox(): SandboxProbe {
  probed ??= probe();
  return probed;
}

function probe(): SandboxProbe {
  if (process.platform === 'linux') {
    const program = findProgram('bwrap');
    if (!program) return { kind: 'none', reason: 'bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)' };
    const tried = spawnSync(program, [...bubblewrapArgs({ root: tmpdir(), network: false, readOnly: [] }), 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (tried.status === 0) return { kind: 'bubblewrap', program };
    const why = (tried.stderr || tried.error?.message || `exit ${tried.status}`).trim().split('\n')[0];
    const userns = /namespace|permission|operation not permitted/i.test(why)
      ? ' — user namespaces are unavailable here (e.g. kernel.unprivileged_userns_clone=0, an AppArmor restriction, or a container without them)'
      : '';
    return { kind: 'none', reason: `bubblewrap cannot start a sandbox: ${why}${userns}` };
  }
  if (process.platform === 'darwin') {
    const program = findProgram('sandbox-exec');
    if (!program) return { kind: 'none', reason: 'sandbox-exec is missing' };
    const tried = spawnSync(program, ['-p', seatbeltProfile({ root: tmpdir(), network: false, readOnly: [] }), '/usr/bin/true'], { encoding: 'utf8', timeout: 10_000 });
    if (tried.status === 0) return { kind: 'sandbox-exec', program };
    return { kind: 'none', reason: `sandbox-exec cannot start a sandbox: ${(tried.stderr || `exit ${tried.status}`).trim().split('\n')[0]}` };
  }
  return { kind: 'none', reason: `no sandbox is supported on ${process.platform}` };
}

/** The wrapper for a probed sandbox, or null when none works. */
export function sandboxWrap(probe: SandboxProbe, settings: SandboxSettings): SandboxWrap | null {
  if (probe.kind === 'bubblewrap') return { kind: probe.kind, program: probe.program, args: bubblewrapArgs(settings) };
  if (probe.kind === 'sandbox-exec') return { kind: probe.kind, program: probe.program, args: ['-p', seatbeltProfile(settings)] };
  return null;
}

/** Folders a command may write besides the project: the temporary folder, as the system names it. */
function writableTemp(): string[] {
  const dirs = new Set<string>();
  for (const dir of [tmpdir(), '/tmp']) {
    if (existsSync(dir)) dirs.add(realpathSync(dir));
  }
  return [...dirs];
}

function existingReadOnly(settings: SandboxSettings): string[] {
  return settings.readOnly.map((rel) => path.join(settings.root, rel)).filter((abs) => existsSync(abs));
}

/**
 * The whole file system read-only, then the project and the temp folder writable, then the
 * configuration files read-only again (later mounts win); a fresh /dev and /proc; its own PID
 * namespace, killed with the parent; no network namespace shared unless allowed.
 */
export function bubblewrapArgs(settings: SandboxSettings): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  for (const dir of writableTemp()) args.push('--bind', dir, dir);
  args.push('--bind', settings.root, settings.root);
  for (const abs of existingReadOnly(settings)) args.push('--ro-bind', abs, abs);
  args.push('--unshare-pid', '--die-with-parent');
  if (!settings.network) args.push('--unshare-net');
  args.push('--chdir', settings.root, '--');
  return args;
}

/** A Seatbelt profile with the same rules (macOS; the last matching rule wins). */
export function seatbeltProfile(settings: SandboxSettings): string {
  const quote = (p: string) => JSON.stringify(p);
  const writable = [settings.root, ...writableTemp(), '/private/var/folders'].map((p) => `(subpath ${quote(p)})`).join(' ');
  const readOnly = existingReadOnly(settings).map((p) => `(subpath ${quote(p)})`).join(' ');
  return [
    '(version 1)',
    '(allow default)',
    '(deny file-write*)',
    `(allow file-write* ${writable} (literal "/dev/null") (literal "/dev/tty") (regex #"^/dev/fd/"))`,
    readOnly ? `(deny file-write* ${readOnly})` : '',
    settings.network ? '' : '(deny network*)\n(allow network* (remote unix-socket))',
  ].filter(Boolean).join('\n');
}

function findProgram(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin']) {
    if (existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}
