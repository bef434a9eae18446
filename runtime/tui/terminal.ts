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

/**
 * Restores the terminal on exit, on SIGTERM/SIGHUP (then exits as killed), and on a crash
 * (printing the error). `onExit` runs first on a signal (e.g. stop the shell child).
 * Returns a function that removes the handlers.
 */
export function installTerminalGuard(stdin: Stdin, stdout: Stdout, stderr: NodeJS.WritableStream, onSignal?: () => void): () => void {
  const restore = () => restoreTerminal(stdin, stdout);
  const onExit = () => restore();
  const signals: Array<[NodeJS.Signals, number]> = [['SIGTERM', 143], ['SIGHUP', 129]];
  const signalHandlers = signals.map(([sig, code]) => {
    const handler = () => {
      restoreTerminal(stdin, stdout, true);
      try {
        onSignal?.();
      } finally {
        process.exit(code);
      }
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  const onCrash = (err: unknown) => {
    restoreTerminal(stdin, stdout, true);
    stderr.write(`\nsmallcode: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  };
  process.on('exit', onExit);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    process.off('exit', onExit);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    for (const [sig, handler] of signalHandlers) process.off(sig, handler);
  };
}

/**
 * Keys while a task runs (the prompt is closed then): Ctrl+C cancels the task, Ctrl+Z suspends
 * like a shell job. Other keys are not echoed (they would garble the streamed output); the text
 * typed is kept for the next prompt.
 */
export class TaskKeys {
  private active = false;
  /** What was typed while the task ran: it becomes the start of the next prompt. */
  private typed = '';
  private readonly onData = (data: Buffer | string) => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    if (text.includes('\x03')) this.onInterrupt?.();
    else if (text.includes('\x1a')) this.suspend();
    else if (text === '\x7f' || text === '\b') this.typed = this.typed.slice(0, -1);
    else if (!text.startsWith('\x1b')) this.typed += text.replace(/[\x00-\x1f]/g, '');
  };
  private onInterrupt?: () => void;
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

  start(onInterrupt: () => void): void {
    this.onInterrupt = onInterrupt;
    this.typed = '';
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
