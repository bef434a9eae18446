/**
 * One bash process per session, so `cd`, exported and plain shell variables survive between
 * calls. Each command is sent as an `eval` of a single-quoted string (a syntax error stays inside
 * the eval instead of swallowing what follows), with stdin from /dev/null (nothing waits for
 * input), followed by a sentinel line carrying the exit code and working directory. bash runs
 * in its own process group, so a timeout kills the command and everything it started.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface ShellRunResult {
  /** stdout and stderr interleaved as they were written. */
  output: string;
  /** null when the command did not finish (timeout, abort) or the shell died. */
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** The shell itself ended (e.g. the command ran `exit`); the next call starts a fresh one. */
  shellExited: boolean;
  /** Working directory after the command (absolute), when it finished. */
  cwd?: string;
}

export interface ShellOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Start bash inside this sandbox (runtime/sandbox); absent: unconfined. */
  sandbox?: { program: string; args: string[] } | null;
  /** false: every run gets a fresh shell that is killed afterwards. */
  persist: boolean;
}

/** Non-interactive defaults: no pager, no colours, no password prompts that would hang. */
const NON_INTERACTIVE_ENV = { PAGER: 'cat', GIT_PAGER: 'cat', TERM: 'dumb', NO_COLOR: '1', GIT_TERMINAL_PROMPT: '0' };

/** Output beyond this is trimmed in the middle while it streams, so a runaway command cannot exhaust memory. */
const MAX_BUFFERED_CHARS = 4_000_000;

/** Longest sentinel line: nonce, exit code and a working directory path. */
const MARKER_MAX_CHARS = 4200;

interface PendingRun {
  marker: RegExp;
  finish(result: Omit<ShellRunResult, 'output'>, outputEnd?: number): void;
}

export class ShellSession {
  private proc: ChildProcessWithoutNullStreams | null = null;
  private buffer = '';
  private pending: PendingRun | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ShellOptions) {}

  /** Runs one command; calls are queued, never interleaved. */
  run(command: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ShellRunResult> {
    const next = this.queue.then(() => this.runNow(command, opts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Kills the shell and everything it started. */
  async dispose(): Promise<void> {
    await this.queue;
    this.kill();
  }

  private runNow(command: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ShellRunResult> {
    if (opts.signal?.aborted) {
      return Promise.resolve({ output: '', exitCode: null, timedOut: false, aborted: true, shellExited: false });
    }
    const proc = this.ensureStarted();
    const nonce = randomBytes(8).toString('hex');
    this.buffer = '';
    return new Promise<ShellRunResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        this.pending?.finish({ exitCode: null, timedOut: false, aborted: true, shellExited: false });
      };
      this.pending = {
        marker: new RegExp(`\\n__SMALLCODE_${nonce}__ (\\d+) ([^\\n]*)\\n`),
        finish: (result, outputEnd) => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.pending = null;
          const output = outputEnd === undefined ? this.buffer : this.buffer.slice(0, outputEnd);
          this.buffer = '';
          if (result.timedOut || result.aborted || !this.options.persist) this.kill();
          resolve({ output, ...result });
        },
      };
      timer = setTimeout(() => {
        this.pending?.finish({ exitCode: null, timedOut: true, aborted: false, shellExited: false });
      }, opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const quoted = `'${command.replace(/'/g, `'\\''`)}'`;
      proc.stdin.write(`eval ${quoted} < /dev/null\nprintf '\\n__SMALLCODE_%s__ %d %s\\n' '${nonce}' "$?" "$PWD"\n`);
    });
  }

  private ensureStarted(): ChildProcessWithoutNullStreams {
    if (this.proc) return this.proc;
    const bash = ['bash', '--noprofile', '--norc'];
    const [program, ...args] = this.options.sandbox ? [this.options.sandbox.program, ...this.options.sandbox.args, ...bash] : bash;
    const proc = spawn(program!, args, {
      cwd: this.options.cwd,
      env: { ...(this.options.env ?? process.env), ...NON_INTERACTIVE_ENV },
      detached: true, // its own process group, so a kill reaches every child
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => this.onOutput(chunk));
    proc.stderr.on('data', (chunk: string) => this.onOutput(chunk));
    proc.stdin.on('error', () => undefined); // EPIPE when the shell died; the exit handler reports it
    // The shell ended by itself (`exit`, a crash): stop what it left behind, then report once
    // its pipes have delivered everything.
    proc.on('exit', () => killGroup(proc.pid));
    proc.on('close', (code, sig) => {
      if (this.proc !== proc) return;
      this.proc = null;
      this.pending?.finish({ exitCode: code ?? (sig ? 128 : null), timedOut: false, aborted: false, shellExited: true });
    });
    // stderr joins stdout inside the shell so both arrive in the order they were written.
    proc.stdin.write('exec 2>&1\n');
    this.proc = proc;
    return proc;
  }

  private onOutput(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_BUFFERED_CHARS) {
      const keep = MAX_BUFFERED_CHARS / 4;
      this.buffer = `${this.buffer.slice(0, keep)}\n[... output trimmed while streaming ...]\n${this.buffer.slice(-keep)}`;
    }
    const pending = this.pending;
    if (!pending) return;
    // The marker can only end in this chunk: look at the tail, not the whole buffer every time.
    const from = Math.max(0, this.buffer.length - chunk.length - MARKER_MAX_CHARS);
    const match = pending.marker.exec(this.buffer.slice(from));
    if (match) {
      pending.finish(
        { exitCode: Number(match[1]), timedOut: false, aborted: false, shellExited: false, cwd: match[2] },
        from + match.index,
      );
    }
  }

  private kill(): void {
    const proc = this.proc;
    this.proc = null;
    if (!proc) return;
    killGroup(proc.pid);
    proc.stdin.destroy();
    proc.stdout.destroy();
    proc.stderr.destroy();
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
