// Runs the real CLI (`node bin/smallcode.js`) as a child process, and makes throwaway projects for it.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'bin', 'smallcode.js');

export interface RunCliOptions {
  cwd: string;
  /** Added to a clean environment (only PATH and HOME are inherited); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (stdin is closed at once when absent). */
  input?: string;
  /** Default 20 s; the child is killed (SIGKILL) when it runs longer. */
  timeoutMs?: number;
  /** Script to run instead of bin/smallcode.js (for testing this helper itself). */
  entry?: string;
  /** An executable to run instead of node (the single-file binary); `args` go to it directly. */
  executable?: string;
}

export interface RunCliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the child was killed because it ran past timeoutMs. */
  timedOut: boolean;
}

export function runCli(args: string[], opts: RunCliOptions): Promise<RunCliResult> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const key of ['PATH', 'HOME'] as const) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const argv = opts.executable ? args : [opts.entry ?? cliPath, ...args];
    const child = spawn(opts.executable ?? process.execPath, argv, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    // The child may exit before reading its input; that is its business, not an error here.
    child.stdin.on('error', () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Creates a temp directory under os.tmpdir() holding `files` (relative path → content). */
export async function makeTempProject(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'smallcode-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  return dir;
}

export async function removeTempProject(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
