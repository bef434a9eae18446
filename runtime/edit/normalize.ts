/**
 * Repairs for the ways small models mangle a search text: over-escaping, line-number prefixes
 * copied from a file view, typographic punctuation, and "... existing code ..." elisions.
 */

const ESCAPE = /\\(["'`\\nrt])/g;
const ESCAPED: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '`': '`', '\\': '\\' };

/** Whether the text contains an escape sequence a model may have written instead of the character. */
export function hasEscapes(text: string): boolean {
  ESCAPE.lastIndex = 0;
  return ESCAPE.test(text);
}

/** One level of backslash escaping removed: `\"` → `"`, `\n` → newline, `\\` → `\`. */
export function unescapeText(text: string): string {
  return text.replace(ESCAPE, (_, ch: string) => ESCAPED[ch]!);
}

/**
 * A replacement whose quotes are all backslash-escaped (`say \"hi\"`) in a file that never
 * escapes a quote: the JSON of the tool call was encoded twice, and the quotes are meant. Only
 * then are `\"` and `\'` unescaped; a bare quote anywhere in the replacement, or an escaped one
 * anywhere in the file, means the escapes may be code (`"a \"b\""`) and they are kept.
 */
export function unescapeOverEscapedQuotes(replace: string, fileText: string): string {
  let changed = replace;
  for (const quote of ['"', "'"]) {
    const escaped = `\\${quote}`;
    if (!changed.includes(escaped) || fileText.includes(escaped)) continue;
    const bare = changed.split(escaped).some((part) => part.includes(quote));
    if (!bare) changed = changed.split(escaped).join(quote);
  }
  return changed;
}

/** The text inside a markdown code fence that wraps all of it (```lang … ```), or null. */
export function stripFence(text: string): string | null {
  const m = /^\s*(`{3,}|~{3,})[\w+#.-]*[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*\1[ \t]*\r?\n?\s*$/.exec(text);
  if (!m) return null;
  const inner = m[2]!;
  return inner === '' ? inner : `${inner.replace(/\r?\n$/, '')}\n`;
}

const ENTITY = /&(lt|gt|amp|quot|apos|#39|#x27|#34|nbsp);/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'", '#x27': "'", '#34': '"', nbsp: ' ' };

/** Whether the text has the HTML/XML entities an XML tool-call format leaves behind. */
export function hasEntities(text: string): boolean {
  ENTITY.lastIndex = 0;
  return ENTITY.test(text);
}

/** `&lt;` → `<`, `&amp;` → `&`, `&quot;` → `"` … (one level). */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_, name: string) => ENTITIES[name]!);
}

// "12 | code", "12: code", "12→code", "12\tcode" (the prefixes of read_file views and cat -n).
const LINE_NUMBER = /^\s*(\d+)(?: ?\| ?| ?→|\t|: )/;

/**
 * The lines without their line-number prefixes, or null when not every line carries one or the
 * numbers do not count up by one (then the digits are probably code).
 */
export function stripLineNumbers(lines: string[]): string[] | null {
  if (lines.length === 0) return null;
  const out: string[] = [];
  let previous: number | undefined;
  for (const line of lines) {
    const m = LINE_NUMBER.exec(line);
    if (!m) return null;
    const n = Number(m[1]);
    if (previous !== undefined && n !== previous + 1) return null;
    previous = n;
    out.push(line.slice(m[0].length));
  }
  return out;
}

const PUNCTUATION: Array<[RegExp, string]> = [
  [/[\u2018\u2019\u201A\u201B\u2032\u2035]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033\u2036]/g, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' '],
];

/**
 * Typographic quotes, dashes and spaces folded to their ASCII look-alikes, full-width forms to
 * their ASCII (NFKC) equivalents, zero-width characters dropped, and composed/decomposed accents
 * made the same (NFC).
 */
export function foldPunctuation(text: string): string {
  let out = text.normalize('NFC').replace(/[\u200B-\u200D\u2060]/g, '');
  // Full-width and half-width forms (`（`, `ｆ`, `！`) are their NFKC compatibility equivalents;
  // NFKC as a whole is not applied, since `x²` and `x2` are different code.
  out = out.replace(/[\uFF01-\uFF5E\uFF61-\uFFEE]/g, (ch) => ch.normalize('NFKC'));
  for (const [pattern, ascii] of PUNCTUATION) out = out.replace(pattern, ascii);
  return out;
}

const COMMENTED_ELISION =
  /^(?:\/\/+|#+|--|;+|\/\*+|<!--|\{\s*\/\*+|\*)\s*(?:\.\.\.|…|\[\.\.\.\]|(?:(?:the )?(?:rest of|remaining|existing|unchanged|same)(?: the)? (?:code|lines?|content|implementation|methods?|functions?|class|component|file|body|logic|tests?|cases)\b))/i;
const BARE_ELISION = /^(?:\.\.\.|…)(?:\s.*)?$/;

/**
 * Whether a line stands for omitted code: `...`, `// ... existing code ...`, `# ...`,
 * `{/* ... *\/}`. A spread like `...rest,` is code, not an elision.
 */
export function isElisionLine(line: string): boolean {
  const t = line.trim();
  if (t === '') return false;
  return BARE_ELISION.test(t) || COMMENTED_ELISION.test(t);
}
