/**
 * What a running task looks like: the reply streamed as markdown, thinking as one dim status line
 * that collapses to a summary, each tool call as a spinner with its key argument and then one
 * line with the outcome and duration, edits as a coloured diff, long output folded (`/expand`).
 * Classic mode gets the same information as plain lines, the reply as it arrives.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { planProgress } from '../agent/plan.js';
import type { AgentEvents, AgentEventName, RunResult } from '../agent/types.js';
import { keyArgument } from '../cli/output.js';
import { fmt } from './budget.js';
import { renderDiff } from './diff-view.js';
import { errorSummary, isInternal } from './errors.js';
import { MarkdownStream, ToolCallMarkupFilter } from './markdown.js';
import type { Output } from './screen.js';
import { seconds } from './stats.js';
import { tailFit, truncate, type Style } from './style.js';

/** Tools whose `path` argument is the file they change (its diff is shown). */
const WRITING_TOOLS = new Set(['write_file', 'patch', 'edit', 'edit_file']);
const PREVIEW_LINES = 6;
const DIFF_LINES = 24;

export class ActivityView {
  private markdown: MarkdownStream;
  private thinking = '';
  private thinkingStarted = 0;
  private lastThinking = '';
  private folded: { title: string; text: string } | undefined;
  private before: { path: string; abs: string; text: string | null } | undefined;
  private wroteContent = false;
  /** Classic mode: the reply line being written. */
  private plainBuffer = '';
  private currentArg = '';
  private callFilter = new ToolCallMarkupFilter();
  /** The error already printed for this task (not repeated in the summary). */
  private shownError: string | undefined;

  constructor(
    private readonly out: Output,
    private readonly style: Style,
    private readonly root: string,
    private readonly modelName: () => string,
    /** Records an internal error's stack; returns where it went (shown instead of the stack). */
    private readonly recordInternal: (message: string) => string | undefined = () => undefined,
  ) {
    this.markdown = this.newMarkdown();
  }

  private newMarkdown(): MarkdownStream {
    this.callFilter = new ToolCallMarkupFilter();
    return new MarkdownStream(this.style, (line) => this.out.print(line), (raw) => this.callFilter.keep(raw));
  }

  /** The last thinking, in full (`/thinking`). */
  get thinkingText(): string {
    return this.lastThinking;
  }

  /** The last folded output, in full (`/expand`). */
  get foldedOutput(): { title: string; text: string } | undefined {
    return this.folded;
  }

  /** The plan steps as last printed (only changes are printed). */
  private shownPlan?: AgentEvents['plan']['steps'];

  beginTask(): void {
    this.markdown = this.newMarkdown();
    this.shownError = undefined;
    this.wroteContent = false;
    this.out.status(`waiting for ${this.modelName()}`);
  }

  handle<K extends AgentEventName>(event: K, payload: AgentEvents[K]): void {
    switch (event) {
      case 'turn_start':
        this.out.status(`waiting for ${this.modelName()}`);
        break;
      case 'text':
        this.onText(payload as AgentEvents['text']);
        break;
      case 'tool_start':
        this.onToolStart(payload as AgentEvents['tool_start']);
        break;
      case 'tool_end':
        this.onToolEnd(payload as AgentEvents['tool_end']);
        break;
      case 'turn_end':
        this.endText();
        break;
      case 'plan': {
        const { steps } = payload as AgentEvents['plan'];
        const lines = planProgress(this.shownPlan, steps);
        this.shownPlan = steps;
        if (lines.length) {
          this.endText();
          this.out.print(lines.map((l) => (l.includes('[x]') ? this.style.c.green(l) : this.style.c.dim(l))).join('\n'));
        }
        break;
      }
      case 'notice':
        this.endText();
        this.out.print(this.style.c.dim(`· ${(payload as AgentEvents['notice']).message}`));
        break;
      case 'error':
        this.endText();
        this.shownError = (payload as AgentEvents['error']).message;
        this.out.print(this.errorLine('error: ', this.shownError));
        break;
    }
  }

  private onText({ kind, text }: AgentEvents['text']): void {
    if (kind === 'reasoning') {
      if (!this.thinking) this.thinkingStarted = Date.now();
      this.thinking += text;
      if (this.out.rich) this.out.status(`thinking  ${tail(this.thinking, this.out.columns)}`, { dim: true });
      return;
    }
    this.collapseThinking();
    this.wroteContent = true;
    if (!this.out.rich) {
      // Classic: the reply line by line, as the model wrote it (a screen reader reads what is written).
      this.printPlain(text);
      return;
    }
    this.markdown.push(text);
    const pending = this.markdown.pending;
    if (this.callFilter.hiding || ToolCallMarkupFilter.startsCall(pending)) this.out.status('writing a tool call');
    else if (pending) this.out.status(tailFit(pending, this.out.columns - 6), { spinner: false });
    else this.out.status('writing', { spinner: true });
  }

  private printPlain(text: string): void {
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) {
        this.out.print(this.plainBuffer);
        this.plainBuffer = '';
      }
      this.plainBuffer += part;
    });
  }

  /** Thinking done: one dim line instead of the whole text (shown again by /thinking). */
  private collapseThinking(): void {
    if (!this.thinking) return;
    const words = this.thinking.trim().split(/\s+/).length;
    this.lastThinking = this.thinking;
    this.out.print(this.style.c.dim(`✻ thought for ${seconds(Date.now() - this.thinkingStarted)} (${fmt(words)} words) · /thinking shows it`));
    this.thinking = '';
  }

  private endText(): void {
    this.collapseThinking();
    if (this.out.rich) {
      this.markdown.end();
      this.markdown = this.newMarkdown(); // the next reply starts outside any code fence or call
    }
    else if (this.plainBuffer) {
      this.out.print(this.plainBuffer);
      this.plainBuffer = '';
    }
    this.out.status(undefined);
  }

  private onToolStart({ name, args }: AgentEvents['tool_start']): void {
    this.endText();
    const arg = keyArgument(args);
    this.before = undefined;
    if (WRITING_TOOLS.has(name) && typeof args.path === 'string') this.before = this.readBefore(args.path);
    if (this.out.rich) this.out.status(`${name} ${arg}`);
    else this.out.print(`● ${name} ${arg}`);
    this.currentArg = arg;
  }

  private onToolEnd({ name, ms, ok, output, cached }: AgentEvents['tool_end']): void {
    const { c } = this.style;
    this.out.status(undefined);
    const mark = ok ? c.green('✓') : c.red('✗');
    const when = c.dim(`${seconds(ms)}${cached ? ', cached' : ''}`);
    const head = `${mark} ${c.bold(name)} ${truncate(this.currentArg, Math.max(10, this.out.columns - name.length - 16))} ${when}`;
    this.out.print(head);
    if (!ok) {
      this.showFolded(`${name} ${this.currentArg}`, output, (l) => c.red(l), 3);
      return;
    }
    if (this.before) {
      const after = this.readText(this.before.abs);
      const diff = renderDiff(this.before.path, this.before.text, after, this.style, this.out.columns - 4);
      if (diff) this.showFolded(`diff of ${this.before.path}`, diff, (l) => l, DIFF_LINES, true);
      this.before = undefined;
      return;
    }
    // "[exit code 0]" repeats what the ✓ says.
    if (name === 'bash') this.showFolded(`${name} ${this.currentArg}`, output.replace(/\n?\[exit code 0\]\s*$/, ''), (l) => c.dim(l), PREVIEW_LINES);
  }

  /** Shows the first `limit` lines; the rest is kept for `/expand`. */
  private showFolded(title: string, text: string, paint: (line: string) => string, limit: number, styled = false): void {
    const lines = text.replace(/\n+$/, '').split('\n');
    if (lines.length === 1 && lines[0] === '') return;
    const width = this.out.columns - 4;
    for (const line of lines.slice(0, limit)) this.out.print(`  ${this.style.c.dim('│')} ${paint(styled ? line : truncate(line, width))}`);
    if (lines.length > limit) {
      this.folded = { title, text };
      this.out.print(`  ${this.style.c.dim(`… ${lines.length - limit} more line${lines.length - limit === 1 ? '' : 's'} · /expand shows all`)}`);
    }
  }

  private readBefore(rel: string): { path: string; abs: string; text: string | null } | undefined {
    const abs = resolve(this.root, rel);
    if (abs !== this.root && !abs.startsWith(this.root + sep)) return undefined;
    return { path: rel, abs, text: this.readText(abs) };
  }

  private readText(abs: string): string | null {
    try {
      if (!existsSync(abs) || statSync(abs).size > 512 * 1024) return null;
      return readFileSync(abs, 'utf8');
    } catch {
      return null;
    }
  }

  /** An engine error as one line: a readable one as it is, a bug without its stack (that goes to the log). */
  private errorLine(prefix: string, message: string): string {
    const { c } = this.style;
    if (!isInternal(message)) return c.red(`${prefix}${message}`);
    const where = this.recordInternal(message);
    return c.red(`${prefix}${errorSummary(message)}`) + (where ? c.dim(` · details in ${where}`) : '');
  }

  /** The line after a task: how it ended, turns, tool calls, time, tokens. */
  endTask(result: RunResult): void {
    this.endText();
    const { c } = this.style;
    const tokens = result.usage.totalTokens ? ` · ${fmt(result.usage.totalTokens)} tokens${result.usage.estimated ? ' (est.)' : ''}` : '';
    const tools = result.toolCalls.length ? ` · ${result.toolCalls.length} tool call${result.toolCalls.length === 1 ? '' : 's'}` : '';
    const summary = `${result.turns} turn${result.turns === 1 ? '' : 's'}${tools} · ${seconds(result.durationMs)}${tokens}`;
    if (result.success) {
      if (!this.wroteContent && result.response) this.out.print(result.response);
      this.out.print(c.dim(`${summary}`));
    } else if (result.error === 'cancelled') {
      this.out.print(c.yellow(`⏹ cancelled · ${summary}`));
    } else if (result.error === this.shownError) {
      this.out.print(c.red('✗ task failed') + c.dim(` · ${summary}`));
    } else {
      this.out.print(this.errorLine('✗ task failed: ', String(result.error)) + c.dim(` · ${summary}`));
    }
    if (this.out.rich) this.out.print(''); // one blank line between one task and the next
  }
}

function tail(text: string, columns: number): string {
  return tailFit(text.replace(/\s+/g, ' ').trim(), Math.max(10, columns - 20));
}
