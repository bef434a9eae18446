/**
 * Re-indentation of replacement lines: when the search matched the file at a different
 * indentation, the replacement is moved by the same offset so it lands in the file's
 * indentation, keeping its own relative indentation.
 */
import { isBlank, leadingWhitespace } from './text.js';

const DEFAULT_INDENT_WIDTH = 4;

/**
 * `searchLines` and `fileLines` are the aligned lines of the match. The offset is taken from the
 * first non-blank pair (so a search whose inner lines are mis-indented still keeps the model's
 * inner indentation, which is what it asked for).
 */
export function reindentReplacement(searchLines: string[], fileLines: string[], replaceLines: string[]): string[] {
  const k = searchLines.findIndex((s, i) => !isBlank(s) && !isBlank(fileLines[i] ?? ''));
  if (k === -1) return replaceLines;
  const fileBase = leadingWhitespace(fileLines[k]!);
  const searchBase = leadingWhitespace(searchLines[k]!);
  if (fileBase === searchBase) return replaceLines;

  const firstReplace = replaceLines.find((l) => !isBlank(l));
  if (firstReplace === undefined) return replaceLines;
  const replaceBase = leadingWhitespace(firstReplace);
  // The model wrote the search without the file's indentation but the replacement with it.
  if (replaceBase === fileBase && replaceBase !== searchBase) return replaceLines;

  const unit = indentUnits(searchLines, searchBase, fileBase);
  return replaceLines.map((line) => {
    if (isBlank(line)) return line;
    const indent = leadingWhitespace(line);
    const body = line.slice(indent.length);
    if (indent.startsWith(searchBase)) {
      return fileBase + convertIndent(indent.slice(searchBase.length), unit) + body;
    }
    // Less indented than the search's first line: remove the difference from the file's base.
    const deficit = width(searchBase, unit.searchWidth) - width(indent, unit.searchWidth);
    return shrink(fileBase, deficit, unit) + body;
  });
}

interface IndentUnit {
  /** The file indents with tabs, the model with spaces (or the other way round). */
  fileUsesTabs: boolean;
  searchUsesTabs: boolean;
  /** Columns of one indentation level in the search / in the file. */
  searchWidth: number;
  fileWidth: number;
}

function indentUnits(searchLines: string[], searchBase: string, fileBase: string): IndentUnit {
  const fileUsesTabs = fileBase.includes('\t');
  const searchUsesTabs = searchBase.includes('\t') || searchLines.some((l) => leadingWhitespace(l).includes('\t'));
  let searchWidth = smallestStep(searchLines.filter((l) => !isBlank(l)).map((l) => leadingWhitespace(l).length));
  if (!searchWidth) {
    // One level in the file against some spaces in the search: that many spaces is one level.
    const levels = fileBase.length;
    searchWidth = fileUsesTabs && !searchUsesTabs && levels > 0 && searchBase.length % levels === 0 && searchBase.length > 0 ? searchBase.length / levels : DEFAULT_INDENT_WIDTH;
  }
  return { fileUsesTabs, searchUsesTabs, searchWidth, fileWidth: DEFAULT_INDENT_WIDTH };
}

function smallestStep(indents: number[]): number {
  const sorted = [...new Set(indents)].sort((a, b) => a - b);
  let step = 0;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0 && (step === 0 || d < step)) step = d;
  }
  return step;
}

/** Relative indentation written in the model's unit, rewritten in the file's unit. */
function convertIndent(relative: string, unit: IndentUnit): string {
  if (relative === '') return relative;
  if (unit.fileUsesTabs && !unit.searchUsesTabs && /^ +$/.test(relative)) {
    const tabs = Math.floor(relative.length / unit.searchWidth);
    return '\t'.repeat(tabs) + ' '.repeat(relative.length - tabs * unit.searchWidth);
  }
  if (!unit.fileUsesTabs && unit.searchUsesTabs && /^\t+$/.test(relative)) {
    return ' '.repeat(relative.length * unit.fileWidth);
  }
  return relative;
}

function width(indent: string, tabWidth: number): number {
  let w = 0;
  for (const ch of indent) w += ch === '\t' ? tabWidth : 1;
  return w;
}

function shrink(base: string, columns: number, unit: IndentUnit): string {
  if (columns <= 0) return base;
  if (unit.fileUsesTabs) {
    const tabs = Math.max(1, Math.round(columns / unit.searchWidth));
    return base.slice(0, Math.max(0, base.length - tabs));
  }
  return base.slice(0, Math.max(0, base.length - columns));
}
