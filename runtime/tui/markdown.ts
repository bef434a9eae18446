/**
 * Markdown for the terminal, rendered as the reply streams: a line is rendered once it is
 * complete (a whole-document renderer would have to wait for the end of the reply). Code fences
 * are highlighted, headings bold, lists get bullets, inline `code`, **bold**, *italic* and
 * links are styled; tables and anything unknown pass through as written.
 */
import { highlightLine } from './highlight.js';
import type { Style } from './style.js';

export class MarkdownStream {
  private partial = '';
  private fence: { marker: string; lang: string } | null = null;
  /** Rows of a table being received: rendered together once it ends, so the columns align. */
  private table: string[] = [];

  constructor(
    private readonly style: Style,
    /** Receives each finished, rendered line (without the newline). */
    private readonly emitLine: (line: string) => void,
    /** Raw lines for which this answers false are not shown (e.g. tool calls written as text). */
    private readonly keepLine: (raw: string) => boolean = () => true,
  ) {}

  /** Feeds streamed text; complete lines are rendered at once. */
  push(text: string): void {
    this.partial += text;
    let nl = this.partial.indexOf('\n');
    while (nl >= 0) {
      const raw = this.partial.slice(0, nl);
      if (this.keepLine(raw)) this.take(raw);
      this.partial = this.partial.slice(nl + 1);
      nl = this.partial.indexOf('\n');
    }
  }

  /** The line being written, unrendered (for a live preview). */
  get pending(): string {
    return this.partial;
  }

  get inCode(): boolean {
    return this.fence !== null;
  }

  /** Ends the reply: renders what is left, closes an open fence. */
  end(): void {
    if (this.partial && this.keepLine(this.partial)) this.take(this.partial);
    this.flushTable();
    this.partial = '';
    this.fence = null;
  }

  private take(raw: string): void {
    if (!this.fence && /^\s*\|.*\|\s*$/.test(raw)) {
      this.table.push(raw);
      return;
    }
    this.flushTable();
    this.emitLine(this.renderLine(raw));
  }

  private flushTable(): void {
    if (this.table.length === 0) return;
    for (const line of renderTable(this.table, this.style)) this.emitLine(line);
    this.table = [];
  }

  private renderLine(raw: string): string {
    const line = raw.replace(/\r$/, '');
    const { c } = this.style;
    const fenceMatch = /^(\s*)(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/.exec(line);
    if (this.fence) {
      if (fenceMatch && fenceMatch[2]!.startsWith(this.fence.marker)) {
        this.fence = null;
        return c.dim('  └─');
      }
      return `${c.dim('  │ ')}${highlightLine(line, this.fence.lang, this.style)}`;
    }
    if (fenceMatch) {
      this.fence = { marker: fenceMatch[2]!, lang: fenceMatch[3] ?? '' };
      return c.dim(`  ┌─${this.fence.lang ? ` ${this.fence.lang}` : ''}`);
    }
    return renderBlockLine(line, this.style);
  }
}

/** A markdown table with its columns aligned and box-drawing rules (cells keep inline styles). */
export function renderTable(rows: string[], style: Style): string[] {
  const cells = rows.map((r) => r.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
  const isRule = (row: string[]) => row.every((c) => /^:?-{2,}:?$/.test(c));
  const body = cells.filter((row) => !isRule(row));
  const plain = body.map((row) => row.map((c) => stripMarkers(c)));
  const widths: number[] = [];
  for (const row of plain) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const { c } = style;
  const line = (row: string[], i: number) =>
    row
      .map((cell, j) => {
        const text = renderInline(cell, style);
        const pad = ' '.repeat(Math.max(0, (widths[j] ?? 0) - plain[i]![j]!.length));
        return i === 0 && body.length > 1 ? c.bold(text) + pad : text + pad;
      })
      .join(c.dim(' │ '));
  const out = body.map((row, i) => `  ${line(row, i)}`);
  if (body.length > 1) out.splice(1, 0, `  ${c.dim(widths.map((w) => '─'.repeat(w)).join('─┼─'))}`);
  return out;
}

/** The text of a cell as it will show (for measuring): inline markers removed like renderInline does. */
function stripMarkers(cell: string): string {
  return cell
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, '$1$2')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?!\w)/g, '$1$2');
}

/** One line outside code: headings, quotes, rules, list items, then inline styles. */
export function renderBlockLine(line: string, style: Style): string {
  const { c } = style;
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  if (heading) {
    const text = renderInline(heading[2]!.replace(/\s+#+\s*$/, ''), style);
    return heading[1]!.length <= 2 ? c.bold(c.underline(text)) : c.bold(text);
  }
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return c.dim('─'.repeat(24));
  const quote = /^\s*>\s?(.*)$/.exec(line);
  if (quote) return `${c.dim('│ ')}${c.italic(renderInline(quote[1]!, style))}`;
  const bullet = /^(\s*)[-*+]\s+(\[[ xX]\]\s+)?(.*)$/.exec(line);
  if (bullet) {
    const box = bullet[2] ? (/[xX]/.test(bullet[2]) ? '☑ ' : '☐ ') : '';
    return `${bullet[1]}${c.cyan('•')} ${box}${renderInline(bullet[3]!, style)}`;
  }
  const numbered = /^(\s*)(\d+[.)])\s+(.*)$/.exec(line);
  if (numbered) return `${numbered[1]}${c.cyan(numbered[2]!)} ${renderInline(numbered[3]!, style)}`;
  return renderInline(line, style);
}

/**
 * Inline styles. Code spans are cut out first so nothing inside them is styled; without colour
 * the markers are dropped except the backticks, which still say "this is code".
 */
export function renderInline(text: string, style: Style): string {
  const { c } = style;
  const parts = text.split(/(`+[^`]*`+)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) {
        const code = part.replace(/^`+|`+$/g, '');
        return style.enabled ? c.cyan(code) : `\`${code}\``;
      }
      return part
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, url: string) => `${c.underline(label)} ${c.dim(`(${url})`)}`)
        .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a?: string, b?: string) => c.bold(a ?? b ?? ''))
        .replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?!\w)/g, (_, pre: string, t: string) => `${pre}${c.italic(t)}`)
        .replace(/(^|[^\w_])_([^_\s][^_]*?)_(?!\w)/g, (_, pre: string, t: string) => `${pre}${c.italic(t)}`);
    })
    .join('');
}

/** Renders a whole text at once (replayed sessions, tests). */
export function renderMarkdown(text: string, style: Style): string {
  const lines: string[] = [];
  const stream = new MarkdownStream(style, (l) => lines.push(l));
  stream.push(text);
  stream.end();
  return lines.join('\n');
}

/**
 * Hides tool calls a model writes as text (`<tool_call>…</tool_call>`, `<function=…>…</function>`,
 * `[TOOL_CALLS]…`): the parser reads them from the reply, and the tool line shows them better.
 */
export class ToolCallMarkupFilter {
  private closing: RegExp | null = null;

  /** True while inside a call (for the status line). */
  get hiding(): boolean {
    return this.closing !== null;
  }

  keep(raw: string): boolean {
    const line = raw.trim();
    if (this.closing) {
      if (this.closing.test(line)) this.closing = null;
      return false;
    }
    if (line.startsWith('[TOOL_CALLS]')) return false;
    const open = /^<(tool_call|function(?:=[^>]*)?|tool_use|invoke)\b/.exec(line);
    if (!open) return true;
    const tag = open[1]!.startsWith('function') ? 'function' : open[1]!;
    const close = new RegExp(`</${tag}>\\s*$`);
    if (!close.test(line)) this.closing = close;
    return false;
  }

  /** Whether the unfinished line looks like the start of a call (so it is not previewed). */
  static startsCall(partial: string): boolean {
    return /^\s*(<[a-z_]*$|<(tool_call|function|tool_use|invoke)|\[TOOL_CALLS)/.test(partial);
  }
}
