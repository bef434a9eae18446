import type { SourceSpan } from './span.js';

export type Severity = 'error' | 'warning' | 'info';

/**
 * One problem found in a source file. `code` is stable (MS… for MarrowScript, BS… for
 * BoneScript) and comes from the language's diagnostics catalogue.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: SourceSpan;
  /** One line telling the user what to do, when there is something better than the message. */
  hint?: string;
}

/** A catalogue entry: the stable code, severity and a message template with {0}, {1} … holes. */
export interface DiagnosticTemplate {
  code: string;
  severity: Severity;
  message: string;
}

export function formatMessage(template: string, args: readonly unknown[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

export function makeDiagnostic(
  template: DiagnosticTemplate,
  span: SourceSpan,
  args: readonly unknown[] = [],
  hint?: string,
): Diagnostic {
  const d: Diagnostic = { code: template.code, severity: template.severity, message: formatMessage(template.message, args), span };
  if (hint) d.hint = hint;
  return d;
}

/** Collects diagnostics for one compilation; compilers report everything at once, never throw. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  report(template: DiagnosticTemplate, span: SourceSpan, args: readonly unknown[] = [], hint?: string): void {
    this.items.push(makeDiagnostic(template, span, args, hint));
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Sorted by position, so output reads top to bottom like the file. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) => a.span.file.localeCompare(b.span.file) || a.span.start.offset - b.span.start.offset || a.code.localeCompare(b.code),
    );
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * A code frame: the offending line with a line-number gutter, one line of context either side,
 * and a caret run under the span (clipped to the first line of a multi-line span).
 */
export function codeFrame(source: string, span: SourceSpan, contextLines = 1): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, span.start.line - contextLines);
  const last = Math.min(lines.length, span.start.line + contextLines);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? '';
    const marker = n === span.start.line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${text}`);
    if (n === span.start.line) {
      const startCol = Math.max(1, span.start.column);
      const endCol = span.end.line === span.start.line ? Math.max(span.end.column, startCol + 1) : text.length + 1;
      const caretCount = Math.max(1, Math.min(endCol, text.length + 1) - startCol);
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(startCol - 1)}${'^'.repeat(caretCount)}`);
    }
  }
  return out.join('\n');
}

/** `file:line:col: error MS012: message` — the one-line form editors and tools understand. */
export function formatDiagnosticLine(d: Diagnostic): string {
  return `${d.span.file}:${d.span.start.line}:${d.span.start.column}: ${d.severity} ${d.code}: ${d.message}`;
}

/** The full human form: the one-line header, the code frame when the source is known, the hint. */
export function formatDiagnostic(d: Diagnostic, source?: string): string {
  const parts = [formatDiagnosticLine(d)];
  if (source !== undefined) parts.push(codeFrame(source, d.span));
  if (d.hint) parts.push(`  hint: ${d.hint}`);
  return parts.join('\n');
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], sources: Record<string, string> = {}): string {
  return diagnostics.map((d) => formatDiagnostic(d, sources[d.span.file])).join('\n\n');
}

/** The JSON shape tools and `--json` get: flat, positions 1-based. */
export function diagnosticToJson(d: Diagnostic): {
  file: string; line: number; column: number; endLine: number; endColumn: number;
  severity: Severity; code: string; message: string; hint?: string;
} {
  const out: ReturnType<typeof diagnosticToJson> = {
    file: d.span.file, line: d.span.start.line, column: d.span.start.column,
    endLine: d.span.end.line, endColumn: d.span.end.column,
    severity: d.severity, code: d.code, message: d.message,
  };
  if (d.hint) out.hint = d.hint;
  return out;
}
