/**
 * Unexpected errors in the interactive terminal — a bug in the engine, in a slash command, in the
 * terminal's own code: the screen gets one line saying what happened and where the details are,
 * and the whole stack goes to `.smallcode/errors.log`, where a bug report can take it from.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { debugLog } from './terminal.js';

/** Project-relative, as shown to the user. */
export const ERRORS_LOG = join('.smallcode', 'errors.log');

/** A stack frame line as V8 writes them: `    at fn (file:1:2)`. */
const STACK_FRAME = /^\s+at\s/;

/** The error as text: its stack when it has one (name, message and frames), else its message. */
function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * One line without the stack: `TypeError: x is not a function`, `ENOENT: no such file …` (a
 * plain Error goes without its name), or an engine message such as `internal error: …` cut
 * before its frames.
 */
export function errorSummary(err: unknown): string {
  const text = err instanceof Error ? (err.name === 'Error' ? err.message : `${err.name}: ${err.message}`) : withoutStack(String(err));
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function withoutStack(text: string): string {
  const lines = text.split('\n');
  const frame = lines.findIndex((line) => STACK_FRAME.test(line));
  return (frame === -1 ? lines : lines.slice(0, frame)).join('\n');
}

/** An engine error that is a bug (it carries a stack), not a condition the user can act on. */
export function isInternal(message: string): boolean {
  return message.startsWith('internal error:') || message.split('\n').some((line) => STACK_FRAME.test(line));
}

export class ErrorLog {
  constructor(
    private readonly root: string,
    private readonly about: { version: string; session: () => string | undefined },
  ) {}

  get file(): string {
    return join(this.root, ERRORS_LOG);
  }

  /**
   * Appends the error, its stack and where it happened; returns the log's project-relative path
   * to show, or undefined when it could not be written (a read-only project: the screen stays
   * clean all the same, SMALLCODE_TUI_DEBUG still gets the stack).
   */
  record(where: string, err: unknown): string | undefined {
    const text = typeof err === 'string' ? err : errorText(err);
    const session = this.about.session();
    const head = `${new Date().toISOString()} · SmallCode ${this.about.version} · Node ${process.versions.node}${session ? ` · session ${session}` : ''} · ${where}`;
    debugLog(`error ${where}: ${text}`);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${head}\n${text}\n\n`);
      return ERRORS_LOG;
    } catch {
      return undefined;
    }
  }
}
