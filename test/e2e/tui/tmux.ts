// Drives the real `smallcode` in a pseudo-terminal: a tmux server of its own (one socket per
// test), keys sent as a user types them, and the screen read back with capture-pane.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliPath } from '../../support/run-cli.js';

const run = promisify(execFile);

export interface TerminalOptions {
  cwd: string;
  args?: string[];
  /** Added to a clean environment (PATH, HOME, TERM). */
  env?: Record<string, string>;
  columns?: number;
  rows?: number;
}

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class Terminal {
  private constructor(
    readonly socket: string,
    readonly startedAt: number,
    /** Where the wrapper writes the program's exit code (`start` only). */
    private readonly exitFile?: string,
  ) {}

  /** Starts `node bin/smallcode.js <args>` in a fresh tmux server; the pane stays open after it exits. */
  static async start(opts: TerminalOptions): Promise<Terminal> {
    const socket = `smallcode-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    const exitFile = join(tmpdir(), `${socket}.exit`);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...opts.env };
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    // A small sh around the program writes its exit code to a file: tmux does not always reap a
    // pane's process promptly (it can stay a zombie for many seconds), so its pane status is no
    // reliable witness of the exit.
    // (`trap :` keeps the wrapper alive through a Ctrl+C meant for the program; the program itself
    // starts with the default disposition, as traps are reset for children.)
    const script = `trap : INT; "$0" "$@"; echo $? > ${shellQuote(exitFile)}`;
    const command = `exec env -i ${assignments} sh -c ${shellQuote(script)} ${shellQuote(process.execPath)} ${shellQuote(cliPath)} ${(opts.args ?? []).map(shellQuote).join(' ')}`;
    const startedAt = performance.now();
    // remain-on-exit before the program starts: the pane (and its last screen) outlives the program.
    await run('tmux', ['-L', socket, '-f', '/dev/null', 'start-server', ';', 'set-option', '-g', 'remain-on-exit', 'on', ';',
      'new-session', '-d', '-x', String(opts.columns ?? 100), '-y', String(opts.rows ?? 40), '-c', opts.cwd, command]);
    return new Terminal(socket, startedAt, exitFile);
  }

  /**
   * An interactive bash (job control on) in the pane instead of smallcode itself, for tests that
   * need a shell around the program: Ctrl+Z and `fg`, the terminal state after a kill.
   */
  static async startShell(opts: TerminalOptions): Promise<Terminal> {
    const socket = `smallcode-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', LANG: 'C.UTF-8', PS1: '$ ', ...opts.env };
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    const startedAt = performance.now();
    await run('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(opts.columns ?? 100), '-y', String(opts.rows ?? 40), '-c', opts.cwd, `exec env -i ${assignments} bash --norc --noprofile -i`]);
    return new Terminal(socket, startedAt);
  }

  /** The shell command line that runs smallcode with `args` (for `startShell`). */
  static commandLine(args: string[] = []): string {
    return `${shellQuote(process.execPath)} ${shellQuote(cliPath)} ${args.map(shellQuote).join(' ')}`.trim();
  }

  /** `ps` of the pane's process and its children, for failure messages. */
  private async processInfo(): Promise<string> {
    const pid = await this.panePid().catch(() => 0);
    const { stdout } = await run('ps', ['-o', 'pid,ppid,stat,etime,wchan:24,cmd', '--pid', String(pid), '--ppid', String(pid)]).catch(() => ({ stdout: 'no such process' }));
    return `pane pid ${pid}:\n${stdout}`;
  }

  /** The process ids of the pane process's children (smallcode under `startShell`). */
  async childPids(): Promise<number[]> {
    const parent = await this.panePid();
    const { stdout } = await run('pgrep', ['-P', String(parent)]).catch(() => ({ stdout: '' }));
    return stdout.split('\n').filter(Boolean).map(Number);
  }

  /** The whole screen plus scrollback, as plain text (lines joined where they wrapped). */
  async screen(opts: { escapes?: boolean } = {}): Promise<string> {
    try {
      const { stdout } = await run('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', ...(opts.escapes ? ['-e'] : []), '-S', '-1000', '-t', '0']);
      return stdout;
    } catch {
      return '';
    }
  }

  /** Whether the program left the cursor visible (tmux tracks the show/hide escapes). */
  async cursorVisible(): Promise<boolean> {
    const { stdout } = await run('tmux', ['-L', this.socket, 'display-message', '-p', '-t', '0', '#{cursor_flag}']);
    return stdout.trim() === '1';
  }

  /** Types text literally (no key names), without pressing Enter. */
  async type(text: string): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', '0', '-l', text]);
  }

  /** Presses keys by tmux name: 'Enter', 'C-c', 'C-d', 'Down', 'Tab' … */
  async press(...keys: string[]): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', '0', ...keys]);
  }

  /** Types a line and presses Enter. */
  async submit(text: string): Promise<void> {
    await this.type(text);
    await this.press('Enter');
  }

  /** Pastes text as a terminal does (bracketed when the program asked for it). */
  async paste(text: string): Promise<void> {
    await run('tmux', ['-L', this.socket, 'set-buffer', '--', text]);
    await run('tmux', ['-L', this.socket, 'paste-buffer', '-p', '-t', '0']);
  }

  /** Polls the screen until `expected` shows up (or `count` times); throws with the screen on timeout. */
  async waitFor(expected: string | RegExp, opts: { timeoutMs?: number; count?: number; since?: number } = {}): Promise<string> {
    const deadline = Date.now() + (opts.timeoutMs ?? 25_000);
    let last = '';
    for (;;) {
      last = await this.screen();
      const text = opts.since ? last.slice(opts.since) : last;
      if (occurrences(text, expected) >= (opts.count ?? 1)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; the screen shows:\n${last}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  /** Whether the program is still running. */
  async alive(): Promise<boolean> {
    if (this.exitFile) return !existsSync(this.exitFile);
    const { stdout } = await run('tmux', ['-L', this.socket, 'list-panes', '-t', '0', '-F', '#{pane_dead}']).catch(() => ({ stdout: '1' }));
    return stdout.trim() === '0';
  }

  /** Waits until the program has exited; its exit code (128 + the signal when killed, as sh says). */
  async waitForExit(timeoutMs = 20_000): Promise<number> {
    if (!this.exitFile) throw new Error('waitForExit needs a terminal made by Terminal.start');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const code = existsSync(this.exitFile) ? readFileSync(this.exitFile, 'utf8').trim() : '';
      if (code) return Number(code);
      if (Date.now() > deadline) throw new Error(`the program did not exit (${await this.processInfo()}); the screen shows:\n${await this.screen()}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  /** The process id of the pane's process (the sh wrapper under `start`, bash under `startShell`). */
  async panePid(): Promise<number> {
    const { stdout } = await run('tmux', ['-L', this.socket, 'list-panes', '-t', '0', '-F', '#{pane_pid}']);
    return Number(stdout.trim());
  }

  /** The program's process id (under `start`: the child of the sh wrapper). */
  async pid(): Promise<number> {
    const pane = await this.panePid();
    if (!this.exitFile) return pane;
    const [child] = await this.childPids();
    if (!child) throw new Error(`the program is not running (${await this.processInfo()})`);
    return child;
  }

  /** Resident memory of the program, in MiB (Linux). */
  async rssMiB(): Promise<number> {
    const status = readFileSync(`/proc/${await this.pid()}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  }

  async close(): Promise<void> {
    await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
    if (this.exitFile) rmSync(this.exitFile, { force: true });
  }
}

function occurrences(text: string, expected: string | RegExp): number {
  if (typeof expected === 'string') return text.split(expected).length - 1;
  const flags = expected.flags.includes('g') ? expected.flags : `${expected.flags}g`;
  return [...text.matchAll(new RegExp(expected.source, flags))].length;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
