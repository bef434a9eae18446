/**
 * Output for the rich terminal: finished lines scroll up as usual, and one status line at the
 * bottom (a spinner with what is happening, or the line the model is writing) is redrawn in
 * place. Lines are never rewritten once printed, so the scrollback stays a clean log; the status
 * line is cut to the terminal width so it never wraps (a wrapped line cannot be erased with \r).
 */
import { CLEAR_LINE, HIDE_CURSOR } from './terminal.js';
import { displayWidth, truncate, type Style } from './style.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface StatusOptions {
  /** Default true. */
  spinner?: boolean;
  dim?: boolean;
}

export interface Output {
  /** Prints finished text (one or more lines). */
  print(text: string): void;
  /** Sets the live status line; undefined removes it. Ignored in classic mode. */
  status(text: string | undefined, opts?: StatusOptions): void;
  readonly columns: number;
  readonly rich: boolean;
}

/** The prompt, when it is on screen: messages are printed above it. */
export interface InputLine {
  readonly reading: boolean;
  clearForOutput(): void;
  redraw(): void;
}

export class Screen implements Output {
  readonly rich = true;
  input: InputLine | undefined;
  private statusText: string | undefined;
  private spinning = false;
  private dim = false;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  private startedAt = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly style: Style,
  ) {}

  get columns(): number {
    return Math.max(20, this.out.columns || 80);
  }

  print(text: string): void {
    const input = this.input?.reading ? this.input : undefined;
    input?.clearForOutput();
    this.out.write(`${this.shown ? CLEAR_LINE : ''}${text}\n`);
    this.shown = false;
    this.draw();
    input?.redraw();
  }

  status(text: string | undefined, opts: StatusOptions = {}): void {
    if (text !== undefined && this.statusText === undefined) this.startedAt = Date.now();
    this.statusText = text;
    this.dim = opts.dim ?? false;
    this.spinning = text !== undefined && opts.spinner !== false;
    if (this.spinning && !this.timer) {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % FRAMES.length;
        this.draw();
      }, 80);
      this.timer.unref();
    } else if (!this.spinning && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (text === undefined) {
      if (this.shown) this.out.write(`${CLEAR_LINE}\x1b[?25h`);
      this.shown = false;
      return;
    }
    this.draw();
  }

  private draw(): void {
    if (this.statusText === undefined) return;
    const { c } = this.style;
    const seconds = (Date.now() - this.startedAt) / 1000;
    const elapsed = seconds >= 2 ? ` ${Math.floor(seconds)}s` : '';
    const prefix = this.spinning ? `${FRAMES[this.frame]} ` : '';
    const room = this.columns - 1 - displayWidth(prefix) - elapsed.length;
    const body = truncate(this.statusText, Math.max(1, room));
    this.out.write(`${CLEAR_LINE}${HIDE_CURSOR}${c.cyan(prefix)}${this.dim ? c.dim(body) : body}${c.dim(elapsed)}`);
    this.shown = true;
  }
}

/** Classic mode: plain lines, no status line, no cursor movement. */
export class PlainOutput implements Output {
  readonly rich = false;
  constructor(private readonly out: NodeJS.WritableStream) {}
  get columns(): number {
    return Math.max(20, (this.out as NodeJS.WriteStream).columns || 80);
  }
  print(text: string): void {
    this.out.write(`${text}\n`);
  }
  status(): void {}
}
