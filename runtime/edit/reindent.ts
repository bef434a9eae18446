/**
 * Re-indentation of replacement lines: when the search matched the file at a different
 * indentation (missing, extra, another unit: 4 spaces for tabs, 2 for 4), the replacement is
 * written in the file's unit and at the file's depth, keeping its own structure.
 *
 * Judged over all aligned lines, not the first pair: an indentation the search used is written
 * as the file has it on the paired lines; any other is converted level by level (the model's
 * unit → the file's unit) from the depth offset most pairs agree on.
 */
import detectIndent from 'detect-indent';
import { isBlank, leadingWhitespace } from './text.js';

const DEFAULT_INDENT_WIDTH = 4;

/** One level of indentation: a tab, or `width` spaces. */
export interface IndentUnit {
  tabs: boolean;
  width: number;
}

/** The indentation unit of a text (detect-indent's most common step), or undefined when nothing is indented. */
export function detectUnit(text: string): IndentUnit | undefined {
  const found = detectIndent(text);
  if (found.type === 'tab') return { tabs: true, width: 1 };
  if (found.type === 'space' && found.amount > 0) return { tabs: false, width: found.amount };
  return undefined;
}

/**
 * `searchLines` and `fileLines` are the aligned lines of the match (the model's and the
 * file's); `fileUnit` is the whole file's indentation unit when known. The depth comes from the
 * first non-blank pair (a search whose inner lines are mis-indented keeps the replacement's
 * own structure, which is what the model asked for); the units from all lines.
 */
export function reindentReplacement(searchLines: string[], fileLines: string[], replaceLines: string[], fileUnit?: IndentUnit): string[] {
  const k = searchLines.findIndex((s, i) => !isBlank(s) && !isBlank(fileLines[i] ?? ''));
  if (k === -1) return replaceLines;
  const fileBase = leadingWhitespace(fileLines[k]!);
  const searchBase = leadingWhitespace(searchLines[k]!);
  const firstReplace = replaceLines.find((l) => !isBlank(l));
  if (firstReplace === undefined) return replaceLines;
  // The model wrote the search without the file's indentation but the replacement with it.
  if (leadingWhitespace(firstReplace) === fileBase && fileBase !== searchBase) return replaceLines;

  const file = fileUnit ?? windowUnit(fileLines);
  const model = bestModelUnit(modelUnit(searchLines, replaceLines, searchBase, fileBase, file), searchLines, fileLines, k, file);
  const target = file ?? unitFromBases(fileBase, searchBase, model);
  const sameUnit = model.tabs === target.tabs && model.width === target.width;
  if (fileBase === searchBase && sameUnit) return replaceLines;
  // A relative indentation the search shares with the file (alignment under a call's
  // parenthesis, say) is the same in both units: kept, not converted.
  const shared = new Set<string>();
  searchLines.forEach((line, i) => {
    const f = fileLines[i] ?? '';
    if (isBlank(line) || isBlank(f)) return;
    const si = leadingWhitespace(line);
    const fi = leadingWhitespace(f);
    if (si.startsWith(searchBase) && fi.startsWith(fileBase) && si.length > searchBase.length && si.slice(searchBase.length) === fi.slice(fileBase.length)) {
      shared.add(si.slice(searchBase.length));
    }
  });

  return replaceLines.map((line) => {
    if (isBlank(line)) return line;
    const indent = leadingWhitespace(line);
    const body = line.slice(indent.length);
    if (indent.startsWith(searchBase)) {
      const relative = indent.slice(searchBase.length);
      if (sameUnit || shared.has(relative)) return fileBase + relative + body;
      const { level, rest } = levels(relative, model);
      return fileBase + render(level, target) + ' '.repeat(rest) + body;
    }
    // Less indented than the search's first line: out of the file's base by as many levels.
    const deficit = levels(searchBase, model).level - levels(indent, model).level;
    if (sameUnit && !target.tabs) return fileBase.slice(0, Math.max(0, fileBase.length - (searchBase.length - indent.length))) + body;
    const kept = Math.max(0, levels(fileBase, target).level - Math.max(1, deficit));
    return render(kept, target) + body;
  });
}

/**
 * Replacement lines indented with the other whitespace character than the file's unit (spaces
 * in a tab-indented file, tabs in a space-indented one), after a search that matched as
 * written: converted level by level into the file's unit. Same-character indentation is the
 * model's choice and is kept (2 spaces in a 4-space file may be alignment).
 */
export function convertForeignIndent(replaceLines: string[], fileUnit: IndentUnit | undefined): string[] {
  if (!fileUnit) return replaceLines;
  const foreign = (indent: string) => (fileUnit.tabs ? /^ +$/.test(indent) : indent.startsWith('\t'));
  if (!replaceLines.some((l) => !isBlank(l) && foreign(leadingWhitespace(l)))) return replaceLines;
  const model: IndentUnit = fileUnit.tabs ? { tabs: false, width: spaceUnit(replaceLines) } : { tabs: true, width: 1 };
  return replaceLines.map((line) => {
    const indent = leadingWhitespace(line);
    if (isBlank(line) || !foreign(indent)) return line;
    const { level, rest } = levels(indent, model);
    return render(level, fileUnit) + ' '.repeat(rest) + line.slice(indent.length);
  });
}

function spaceUnit(lines: string[]): number {
  const spaced = lines.filter((l) => !isBlank(l) && /^ +\S/.test(l));
  return detectUnit(spaced.join('\n'))?.width ?? DEFAULT_INDENT_WIDTH;
}

/** The file's unit judged from the matched lines alone (when the caller knows no better). */
function windowUnit(fileLines: string[]): IndentUnit | undefined {
  const indents = fileLines.filter((l) => !isBlank(l)).map(leadingWhitespace);
  if (indents.some((i) => i.startsWith('\t'))) return { tabs: true, width: 1 };
  const step = smallestStep(indents.map((i) => i.length));
  return step ? { tabs: false, width: step } : undefined;
}

/** Nothing else indented in the file: its base, as many levels as the search's base, tells the unit. */
function unitFromBases(fileBase: string, searchBase: string, model: IndentUnit): IndentUnit {
  if (fileBase.startsWith('\t')) return { tabs: true, width: 1 };
  if (fileBase === '' || !model.tabs) return model;
  const searchLevels = levels(searchBase, model).level;
  if (searchLevels > 0 && fileBase.length % searchLevels === 0) return { tabs: false, width: fileBase.length / searchLevels };
  return { tabs: false, width: DEFAULT_INDENT_WIDTH };
}

/**
 * Of the plausible space units, the one under which most search lines land on their file
 * line's indentation (from the first pair's depth): a search whose only step is two levels
 * (8 spaces for two tabs) is told apart from one written in 8-space units.
 */
function bestModelUnit(guess: IndentUnit, searchLines: string[], fileLines: string[], k: number, file: IndentUnit | undefined): IndentUnit {
  if (guess.tabs || !file) return guess;
  const base = levels(leadingWhitespace(fileLines[k]!), file).level;
  let best = guess;
  let bestScore = -1;
  for (const width of [guess.width, 2, 4, 8, 3]) {
    const unit = { tabs: false, width };
    const offset = base - levels(leadingWhitespace(searchLines[k]!), unit).level;
    let score = 0;
    searchLines.forEach((line, i) => {
      const f = fileLines[i] ?? '';
      if (isBlank(line) || isBlank(f)) return;
      const { level, rest } = levels(leadingWhitespace(line), unit);
      if (render(Math.max(0, level + offset), file) + ' '.repeat(rest) === leadingWhitespace(f)) score++;
    });
    if (score > bestScore) {
      best = unit;
      bestScore = score;
    }
  }
  return best;
}

/** The unit the model wrote in: detected over its search and replacement together. */
function modelUnit(searchLines: string[], replaceLines: string[], searchBase: string, fileBase: string, file: IndentUnit | undefined): IndentUnit {
  const lines = [...searchLines, ...replaceLines].filter((l) => !isBlank(l));
  if (lines.some((l) => leadingWhitespace(l).startsWith('\t'))) return { tabs: true, width: 1 };
  const step = smallestStep(lines.map((l) => leadingWhitespace(l).length));
  if (step) {
    const detected = detectUnit(lines.join('\n'));
    return detected && !detected.tabs && detected.width % step === 0 ? detected : { tabs: false, width: step };
  }
  // One indentation only: as many spaces as the file has levels there make one level.
  const fileLevels = levels(fileBase, file ?? { tabs: true, width: 1 }).level;
  if (searchBase.length > 0 && fileLevels > 0 && searchBase.length % fileLevels === 0) return { tabs: false, width: searchBase.length / fileLevels };
  return file && !file.tabs ? file : { tabs: false, width: DEFAULT_INDENT_WIDTH };
}

function smallestStep(widths: number[]): number {
  const sorted = [...new Set(widths)].sort((a, b) => a - b);
  let step = 0;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0 && (step === 0 || d < step)) step = d;
  }
  return step;
}

/** An indentation as whole levels of `unit` and the spaces left over (alignment). */
function levels(indent: string, unit: IndentUnit): { level: number; rest: number } {
  if (unit.tabs) {
    let tabs = 0;
    while (indent[tabs] === '\t') tabs++;
    const spaces = indent.length - tabs;
    // Spaces after tabs are alignment, unless they are whole levels of the usual width.
    return spaces % DEFAULT_INDENT_WIDTH === 0 ? { level: tabs + spaces / DEFAULT_INDENT_WIDTH, rest: 0 } : { level: tabs, rest: spaces };
  }
  let columns = 0;
  for (const ch of indent) columns += ch === '\t' ? unit.width : 1;
  return { level: Math.floor(columns / unit.width), rest: columns % unit.width };
}

function render(level: number, unit: IndentUnit): string {
  return unit.tabs ? '\t'.repeat(level) : ' '.repeat(level * unit.width);
}
