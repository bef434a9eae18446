/**
 * A compact map of a file for read_file's read guard: the lines that declare something
 * (functions, classes, methods, types, exported constants, headings …), found line by line with
 * language-agnostic patterns. A heuristic, not a parser: it has to be cheap, work on whatever
 * language a project holds, and tell a small model where to read next.
 */
import * as path from 'node:path';

export interface Declaration {
  /** 1-based line number. */
  line: number;
  /** The line as written, without trailing space. */
  text: string;
  /** Leading whitespace width (a tab counts 4): nested declarations are dropped first when space runs out. */
  indent: number;
}

/** Prose: only headings count, a line starting with "class" or "type" is a sentence there. */
const PROSE = new Set(['.md', '.markdown', '.mdx', '.txt', '.rst', '.adoc']);
const MARKDOWN = new Set(['.md', '.markdown', '.mdx']);

const MODIFIER =
  '(?:export|default|public|private|protected|internal|static|final|abstract|sealed|partial|override|virtual|async|unsafe|extern|inline|declare|open|data|suspend|local|pub(?:\\([^)]*\\))?)';
/** A declaration keyword, after any modifiers: Python def/class, Go func/type, Rust fn/impl, JS function … */
const KEYWORD_DECLARATION = new RegExp(
  `^\\s*(?:${MODIFIER}\\s+)*(?:function\\*?|func|fn|fun|def|defp|defmodule|class|interface|trait|struct|enum|union|impl|type|typedef|module|namespace|record|object|protocol|extension)(?:\\s+[\\w$(<*&]|<)`,
);
/** `export const x`, Rust `pub const X`, and top-level arrow functions `const f = (…) =>`. */
const CONSTANT = /^\s*(?:export\s+(?:declare\s+)?(?:const|let|var)\s+[\w${[]|pub(?:\([^)]*\))?\s+(?:const|static)\s+\w)|^(?:const|let|var)\s+[\w$]+\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[\w$]+\s*=>)/;
const SHELL_FUNCTION = /^\s*[\w.:-]+\s*\(\)\s*\{/;
const SQL_DEFINITION = /^\s*create\s+(?:or\s+replace\s+)?(?:table|view|function|procedure|index|trigger|type)\b/i;
/**
 * A method or function without a keyword (TypeScript/Java/C#/C/C++): optional modifiers and
 * return type, a name, a parameter list, then `{` at the end of the line (or on the next one).
 */
const KEYWORDLESS = /^\s*(?:[\w$.:<>[\],?*&]+\s+)*?[*&]?([A-Za-z_$~][\w$]*(?:::~?[\w$]+)*)\s*(?:<[^>()]*>)?\s*\((.*)\)\s*(?::.*?|[^;={}]*?)(\{)?\s*$/;
/** A head with an access modifier (or a constructor) is a declaration even when its parameters go on over several lines. */
const MODIFIED_HEAD = /^\s*(?:(?:(?:public|private|protected|internal|static|async|override|abstract|readonly|virtual)\s+)+(?:[\w$<>[\],.?]+\s+)?[\w$]+|constructor)\s*(?:<[^>()]*>)?\s*\(/;
/** Words that open statements, not declarations: `if (x) {`, `else if (…) {`, `return foo(…) {`. */
const STATEMENT_WORDS = new Set([
  'if', 'else', 'elif', 'for', 'foreach', 'while', 'do', 'switch', 'case', 'catch', 'try', 'with', 'using', 'lock', 'return', 'new', 'await',
  'yield', 'throw', 'typeof', 'sizeof', 'delete', 'synchronized', 'function', 'assert', 'when', 'match', 'loop', 'defer', 'go', 'select',
]);

const CONFIG_KEY: Record<string, RegExp> = {
  '.yaml': /^[^\s#-][^:#]*:/,
  '.yml': /^[^\s#-][^:#]*:/,
  '.toml': /^\s*\[[^\]]+\]/,
  '.ini': /^\s*\[[^\]]+\]/,
  '.json': /^ {0,2}"[^"]+"\s*:/,
};

/** The declaration lines of `lines` (a file named `file`), in order. */
export function findDeclarations(lines: readonly string[], file: string): Declaration[] {
  const ext = path.extname(file).toLowerCase();
  const found: Declaration[] = [];
  const add = (i: number) => found.push({ line: i + 1, text: lines[i]!.trimEnd(), indent: indentOf(lines[i]!) });
  if (PROSE.has(ext)) {
    if (!MARKDOWN.has(ext)) return found;
    let inFence = false;
    lines.forEach((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      else if (!inFence && /^#{1,6}\s+\S/.test(line)) add(i);
    });
    return found;
  }
  const configKey = CONFIG_KEY[ext];
  lines.forEach((line, i) => {
    if (configKey ? configKey.test(line) : declares(line, lines[i + 1])) add(i);
  });
  return found;
}

function declares(line: string, next: string | undefined): boolean {
  if (line.length > 300 || line.trim() === '') return false;
  if (KEYWORD_DECLARATION.test(line) || MODIFIED_HEAD.test(line) || CONSTANT.test(line) || SHELL_FUNCTION.test(line) || SQL_DEFINITION.test(line)) return true;
  const m = KEYWORDLESS.exec(line);
  if (!m) return false;
  const [, name, params, brace] = m;
  const firstWord = /^\s*([\w$]+)/.exec(line)?.[1] ?? '';
  if (STATEMENT_WORDS.has(name!) || STATEMENT_WORDS.has(firstWord)) return false;
  // Calls that take a callback (`describe('x', () => {`) look like heads; parameters hold no literals or arrows.
  if (/['"`]|=>|\bfunction\b/.test(params!)) return false;
  // The brace may open on the next line (C, C#, Java in Allman style).
  return brace !== undefined || /^\s*\{\s*$/.test(next ?? '');
}

function indentOf(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width++;
    else if (ch === '\t') width += 4;
    else break;
  }
  return width;
}

/**
 * The declarations that fit in `maxChars` once rendered by `render`: nested ones are dropped
 * level by level before the list is cut, so a big class keeps its top-level map.
 */
export function fitDeclarations(
  declarations: readonly Declaration[],
  maxChars: number,
  render: (d: Declaration) => string,
): { shown: Declaration[]; left: number } {
  const size = (list: readonly Declaration[]) => list.reduce((n, d) => n + render(d).length + 1, 0);
  const levels = [...new Set(declarations.map((d) => d.indent))].sort((a, b) => b - a);
  let shown = [...declarations];
  for (const level of levels.slice(0, -1)) {
    if (size(shown) <= maxChars) break;
    shown = shown.filter((d) => d.indent < level);
  }
  let used = size(shown);
  while (shown.length > 0 && used > maxChars) used -= render(shown.pop()!).length + 1;
  return { shown, left: declarations.length - shown.length };
}
