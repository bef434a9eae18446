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

/** Cuts a plain (uncoloured) text to `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  if (width <= 1) return flat.slice(0, Math.max(0, width));
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
