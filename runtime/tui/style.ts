import pc from 'picocolors';
import type { Colors } from 'picocolors/types';

/**
 * Colour for the terminal, switched off by NO_COLOR, a dumb terminal or `--classic` (picocolors
 * already reads NO_COLOR and TERM; classic mode turns colour off on top of that).
 */
export interface Style {
  enabled: boolean;
  c: Colors;
  /** By name, for tables of parts (`'dim'`, `'cyan'` …). */
  color(name: string, text: string): string;
}

export function createStyle(enabled: boolean = pc.isColorSupported): Style {
  const c = pc.createColors(enabled);
  return {
    enabled,
    c,
    color(name, text) {
      const f = (c as unknown as Record<string, ((s: string) => string) | undefined>)[name];
      return f ? f(text) : text;
    },
  };
}

/** Removes ANSI escapes (for measuring and for tests). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)/g, '');
}

/**
 * Columns a character takes, erring wide: CJK, emoji and most symbols from U+2600 up take two in
 * many terminals. Over-counting only cuts a line a little early; under-counting makes the status
 * line wrap, and a wrapped line cannot be redrawn in place.
 */
function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp >= 0x0300 && cp <= 0x036f) return 0; // combining marks
  if (cp >= 0x1100 && cp <= 0x115f) return 2;
  return cp >= 0x2600 ? 2 : 1;
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cuts a plain (uncoloured) text to `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  if (displayWidth(flat) <= width) return flat;
  if (width <= 1) return width === 1 ? '…' : '';
  let out = '';
  let w = 0;
  for (const ch of flat) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** The end of a text that fits in `width` columns, marked with a leading ellipsis when cut. */
export function tailFit(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  if (displayWidth(flat) <= width) return flat;
  const chars = [...flat];
  let out = '';
  let w = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const cw = charWidth(chars[i]!.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out = chars[i] + out;
    w += cw;
  }
  return `…${out}`;
}
