/**
 * The terminal's state, and putting it back. The prompt and the approval prompts switch the
 * terminal to raw mode and hide the cursor; whatever way the process ends — exit, a crash, a
 * kill, Ctrl+Z — the terminal is left as it was found.
 */
import { appendFileSync } from 'node:fs';

const SHOW_CURSOR = '\x1b[?25h';

/** SMALLCODE_TUI_DEBUG=<file>: a timestamped log of the terminal's key moments (for flaky terminals). */
export function debugLog(what: string): void {
  const file = process.env.SMALLCODE_TUI_DEBUG;
  if (!file) return;
  try {
    appendFileSync(file, `${new Date().toISOString()} ${process.pid} ${what}\n`);
  } catch {
    // debugging must never break the terminal
  }
}
export const HIDE_CURSOR = '\x1b[?25l';
export const BRACKETED_PASTE_ON = '\x1b[?2004h';
export const BRACKETED_PASTE_OFF = '\x1b[?2004l';
export const CLEAR_LINE = '\r\x1b[2K';

type Stdin = NodeJS.ReadStream;
type Stdout = NodeJS.WriteStream;

/**
 * Raw mode off, cursor on, bracketed paste off — safe to call any number of times. `clearLine`
 * also wipes the status line (when dying mid-task, so the shell prompt starts on a clean line).
 */
export function restoreTerminal(stdin: Stdin, stdout: Stdout, clearLine = false): void {
  try {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
  } catch {
    // the terminal is already gone
  }
  if (stdout.isTTY && !stdout.destroyed) {
    try {
      stdout.write(`${clearLine ? CLEAR_LINE : ''}${BRACKETED_PASTE_OFF}${SHOW_CURSOR}`);
    } catch {
      // ditto
    }
  }
}

export interface TerminalGuardHooks {
  /** Runs first when the process is killed or crashes (e.g. stop the shell child). */
  cleanup?: () => void;
  /** The one line printed on a crash, once the terminal is restored (it records the stack elsewhere). */
  describeCrash?: (err: unknown, kind: 'uncaught exception' | 'unhandled rejection') => string;
  /** The line printed on SIGTERM (on SIGHUP the terminal is gone: nothing is printed). */
  describeStop?: (signal: NodeJS.Signals) => string;
}

/**
 * Restores the terminal on exit, on SIGTERM/SIGHUP (then exits as killed), and on a crash (then
 * prints one line and exits with 1). Returns a function that removes the handlers.
 */
export function installTerminalGuard(stdin: Stdin, stdout: Stdout, stderr: NodeJS.WritableStream, hooks: TerminalGuardHooks = {}): () => void {
  const restore = () => restoreTerminal(stdin, stdout);
  const onExit = () => restore();
  const signals: Array<[NodeJS.Signals, number]> = [['SIGTERM', 143], ['SIGHUP', 129]];
  const signalHandlers = signals.map(([sig, code]) => {
    const handler = () => {
      restoreTerminal(stdin, stdout, true);
      try {
        hooks.cleanup?.();
        if (sig === 'SIGTERM' && hooks.describeStop) stderr.write(`${hooks.describeStop(sig)}\n`);
      } finally {
        process.exit(code);
      }
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  let crashed = false;
  const crash = (kind: 'uncaught exception' | 'unhandled rejection') => (err: unknown) => {
    if (crashed) return; // a second error while the first is being reported
    crashed = true;
    restoreTerminal(stdin, stdout, true);
    let line = `smallcode: internal error: ${(err as Error)?.message ?? String(err)}`;
    try {
      hooks.cleanup?.();
      if (hooks.describeCrash) line = hooks.describeCrash(err, kind);
    } finally {
      stderr.write(`${line}\n`);
      process.exit(1);
    }
  };
  const onUncaught = crash('uncaught exception');
  const onUnhandled = crash('unhandled rejection');
  process.on('exit', onExit);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  return () => {
    process.off('exit', onExit);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
    for (const [sig, handler] of signalHandlers) process.off(sig, handler);
  };
}

/**
 * Keys while a task runs (the prompt is closed then): Ctrl+C cancels the task, Ctrl+Z suspends
 * like a shell job. Other keys are not echoed (they would garble the streamed output); the text
 * typed is kept for the next prompt, and a line ended with Enter is queued: it runs as soon as
 * the task ends, as if typed at the prompt (a user who types `/undo⏎` while the answer is still
 * being checked expects it to run, not to wait for a second Enter).
 */
export class TaskKeys {
  private active = false;
  /** What was typed while the task ran and not yet ended with Enter: the start of the next prompt. */
  private typed = '';
  /** Lines ended with Enter while the task ran, oldest first. */
  private queued: string[] = [];
  private readonly onData = (data: Buffer | string) => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    if (text.includes('\x03')) this.onInterrupt?.();
    else if (text.includes('\x1a')) this.suspend();
    else if (text === '\x7f' || text === '\b') this.typed = this.typed.slice(0, -1);
    else if (!text.startsWith('\x1b')) this.take(text);
  };
  private onInterrupt?: () => void;

  /**
   * A chunk of keys. Enter arrives as a lone CR at the end of a chunk; a chunk with a line break
   * inside it is pasted text (bracketed paste is off during a task), which must never run line by
   * line as tasks: it is kept as typed text.
   */
  private take(text: string): void {
    const body = text.replace(/\r\n?$|\n$/, '');
    const entered = body.length < text.length && !/[\r\n]/.test(body);
    this.typed += body.replace(/\r\n?|\n/g, ' ').replace(/[\x00-\x1f]/g, '');
    if (entered && this.typed.trim()) {
      this.queued.push(this.typed.trim());
      this.typed = '';
    }
  }
  private readonly onCont = () => {
    if (this.active) this.listen();
  };

  constructor(
    private readonly stdin: Stdin,
    private readonly stdout: Stdout,
  ) {}

  /** The text typed during the task (cleared by reading it). */
  takeTyped(): string {
    const text = this.typed;
    this.typed = '';
    return text;
  }

  /** The lines entered during the task, oldest first (cleared by reading them). */
  takeQueued(): string[] {
    const lines = this.queued;
    this.queued = [];
    return lines;
  }

  start(onInterrupt: () => void): void {
    this.onInterrupt = onInterrupt;
    this.typed = '';
    this.queued = [];
    this.active = true;
    process.on('SIGCONT', this.onCont);
    this.listen();
  }

  /** Lets another prompt (an approval) own the keyboard for a while. */
  pause(): void {
    this.stdin.off('data', this.onData);
    if (this.stdin.isTTY && this.stdin.isRaw) this.stdin.setRawMode(false);
  }

  resume(): void {
    if (this.active) this.listen();
  }

  stop(): void {
    this.active = false;
    process.off('SIGCONT', this.onCont);
    this.stdin.off('data', this.onData);
    if (this.stdin.isTTY && this.stdin.isRaw) this.stdin.setRawMode(false);
    this.stdin.pause();
  }

  private listen(): void {
    if (!this.stdin.isTTY) return;
    this.stdin.setRawMode(true);
    this.stdin.off('data', this.onData);
    this.stdin.on('data', this.onData);
    this.stdin.resume();
  }

  private suspend(): void {
    restoreTerminal(this.stdin, this.stdout);
    process.kill(process.pid, 'SIGTSTP');
  }
}
