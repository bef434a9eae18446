/**
 * The prompt. Rich mode uses Node's readline for line editing (arrows, Home/End, Ctrl+A/E/U/W,
 * history with ↑/↓) with Tab completion of `/commands` and `@paths`; input spans several lines
 * when pasted (bracketed paste, or lines arriving together) or when a line ends with `\`.
 * The history is kept across runs in `.smallcode/prompt-history`.
 * Classic mode reads plain lines (the terminal's own line editing), nothing drawn.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { join } from 'node:path';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, debugLog } from './terminal.js';
import type { Style } from './style.js';

export type InputResult =
  | { kind: 'line'; text: string }
  | { kind: 'eof' }
  | { kind: 'exit' }
  /** Another prompt needs the keyboard (e.g. the model picker); read again with `partial` after it. */
  | { kind: 'suspended'; partial: string };

const HISTORY_MAX = 500;
const SKIPPED = new Set(['.git', 'node_modules', '.smallcode', 'dist', 'build', 'target', '.venv', 'venv', '__pycache__', '.next', 'coverage']);

export interface PromptInputOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  style: Style;
  root: string;
  /** Slash command names for completion (with the slash). */
  commands: () => string[];
  /** Called when Ctrl+C is pressed once at an empty prompt. */
  onExitHint: () => void;
}

export class PromptHistory {
  readonly entries: string[];

  constructor(private readonly file: string) {
    this.entries = readHistory(file);
  }

  add(text: string): void {
    const flat = text.replace(/\n/g, ' ');
    const i = this.entries.indexOf(flat);
    if (i >= 0) this.entries.splice(i, 1);
    this.entries.unshift(flat);
    if (this.entries.length > HISTORY_MAX) this.entries.length = HISTORY_MAX;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(text)}\n`);
    } catch {
      // history is a convenience; a read-only project still works
    }
  }
}

/** Newest first, as readline wants; one JSON string per line so multi-line entries survive. */
function readHistory(file: string): string[] {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const out: string[] = [];
    for (let i = lines.length - 1; i >= 0 && out.length < HISTORY_MAX; i--) {
      try {
        const text = String(JSON.parse(lines[i]!)).replace(/\n/g, ' ');
        if (!out.includes(text)) out.push(text);
      } catch {
        // a torn line
      }
    }
    return out;
  } catch {
    return [];
  }
}

export class PromptInput {
  readonly history: PromptHistory;
  private lastInterrupt = 0;
  private files: { list: string[]; at: number } | undefined;
  private active: { rl: Interface; suspend: () => void } | undefined;

  constructor(private readonly opts: PromptInputOptions) {
    this.history = new PromptHistory(join(opts.root, '.smallcode', 'prompt-history'));
  }

  /** True while the prompt is on screen (output must then be printed above it). */
  get reading(): boolean {
    return this.active !== undefined;
  }

  /** Clears the prompt line so a message can be printed in its place. */
  clearForOutput(): void {
    if (this.active) this.opts.stdout.write('\r\x1b[2K');
  }

  /** Draws the prompt again, with what was typed, below the printed message. */
  redraw(): void {
    this.active?.rl.prompt(true);
  }

  /** Ends the current read with `suspended` (keeping what was typed). */
  suspend(): void {
    this.active?.suspend();
  }

  /** A line entered while a task ran, as if typed here: remembered in the history. */
  enter(text: string): InputResult {
    this.history.add(text);
    return { kind: 'line', text };
  }

  read(initial = ''): Promise<InputResult> {
    const { stdin, stdout, style } = this.opts;
    const prompt = style.c.bold(style.c.cyan('› '));
    const more = style.c.dim('… ');
    return new Promise((resolve) => {
      const rl: Interface = createInterface({
        input: stdin,
        output: stdout,
        terminal: true,
        history: [...this.history.entries],
        historySize: HISTORY_MAX,
        removeHistoryDuplicates: true,
        completer: (line: string) => this.complete(line),
        tabSize: 2,
      });
      const lines: string[] = [];
      let pasting = false;
      let burst: NodeJS.Timeout | undefined;
      let done = false;
      stdout.write(BRACKETED_PASTE_ON);

      const finish = (result: InputResult) => {
        debugLog(`prompt: ${result.kind}${done ? ' (ignored)' : ''}`);
        if (done) return;
        done = true;
        this.active = undefined;
        clearTimeout(burst);
        stdin.off('keypress', onKeypress);
        stdout.write(BRACKETED_PASTE_OFF);
        rl.close();
        resolve(result);
      };
      const submit = () => {
        const text = lines.join('\n');
        if (text.trim()) this.history.add(text);
        finish({ kind: 'line', text });
      };
      const onKeypress = (_s: string, key: { name?: string } | undefined) => {
        if (key?.name === 'paste-start') pasting = true;
        else if (key?.name === 'paste-end') {
          pasting = false;
          // What was pasted waits for Enter (the last pasted line is still being edited).
          if (lines.length) rl.setPrompt(more);
        }
      };
      stdin.on('keypress', onKeypress);

      rl.on('line', (line: string) => {
        clearTimeout(burst);
        if (pasting) {
          lines.push(line);
          return;
        }
        if (line.endsWith('\\')) {
          lines.push(line.slice(0, -1));
          rl.setPrompt(more);
          rl.prompt();
          return;
        }
        lines.push(line);
        // Lines that came in one read were pasted (by a terminal without bracketed paste): they
        // arrive within one tick, so the message is sent once the tick is over.
        burst = setTimeout(submit, 0);
      });
      rl.on('SIGINT', () => {
        debugLog(`prompt: Ctrl+C (line ${rl.line ? 'typed' : 'empty'}, ${Date.now() - this.lastInterrupt} ms since the last)`);
        clearTimeout(burst);
        if (rl.line || lines.length) {
          // First Ctrl+C clears what was typed.
          lines.length = 0;
          stdout.write('\n');
          rl.setPrompt(prompt);
          rl.write(null, { ctrl: true, name: 'u' });
          rl.prompt();
          return;
        }
        if (Date.now() - this.lastInterrupt < 2000) {
          stdout.write('\n');
          return finish({ kind: 'exit' });
        }
        this.lastInterrupt = Date.now();
        stdout.write('\n');
        this.opts.onExitHint();
        rl.prompt();
      });
      // After Ctrl+Z and `fg`, readline leaves its input paused; nothing else would resume it.
      rl.on('SIGCONT', () => rl.resume());
      rl.on('close', () => {
        if (!done) stdout.write('\n'); // Ctrl+D: leave the prompt line
        finish({ kind: 'eof' });
      });
      this.active = {
        rl,
        suspend: () => {
          this.clearForOutput();
          finish({ kind: 'suspended', partial: rl.line });
        },
      };
      rl.setPrompt(prompt);
      rl.prompt();
      if (initial) rl.write(initial);
    });
  }

  /** Tab: `/com` → slash commands; `…@src/ma` → project paths. */
  complete(line: string): [string[], string] {
    if (/^\/\S*$/.test(line)) {
      const hits = this.opts.commands().filter((c) => c.startsWith(line));
      return [hits.length ? hits : this.opts.commands(), line];
    }
    const at = /(?:^|\s)@(\S*)$/.exec(line);
    if (!at) return [[], line];
    const typed = at[1]!;
    const files = this.projectFiles();
    let hits = files.filter((f) => f.startsWith(typed));
    if (hits.length === 0) hits = files.filter((f) => f.toLowerCase().includes(typed.toLowerCase()));
    // Show the next path segment only, like a shell does.
    const next = [...new Set(hits.map((f) => {
      const rest = f.slice(typed.length);
      const slash = f.startsWith(typed) ? rest.indexOf('/') : -1;
      return slash >= 0 ? f.slice(0, typed.length + slash + 1) : f;
    }))].slice(0, 200);
    return [next.map((f) => `@${f}`), `@${typed}`];
  }

  /** Project files and folders (folders end in '/'), cached for a few seconds. */
  projectFiles(): string[] {
    if (this.files && Date.now() - this.files.at < 5000) return this.files.list;
    const list: string[] = [];
    const walk = (dir: string, rel: string) => {
      if (list.length >= 5000) return;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (SKIPPED.has(e.name)) continue;
        const path = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          list.push(`${path}/`);
          walk(join(dir, e.name), path);
        } else list.push(path);
      }
    };
    walk(this.opts.root, '');
    list.sort();
    this.files = { list, at: Date.now() };
    return list;
  }
}

/** Classic mode: one line per read from a plain readline (works with pipes and dumb terminals). */
export class LineInput {
  private rl: Interface;
  private queue: string[] = [];
  private waiting: ((r: InputResult) => void) | undefined;
  private closed = false;

  constructor(stdin: NodeJS.ReadableStream, private readonly stdout: NodeJS.WritableStream, private readonly prompt: string) {
    this.rl = createInterface({ input: stdin, terminal: false });
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w({ kind: 'line', text: line });
      } else this.queue.push(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.waiting?.({ kind: 'eof' });
      this.waiting = undefined;
    });
  }

  read(prompt = this.prompt): Promise<InputResult> {
    if (prompt) this.stdout.write(prompt);
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve({ kind: 'line', text: queued });
    if (this.closed) return Promise.resolve({ kind: 'eof' });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    this.rl.close();
  }
}
