/**
 * Typing of argument values that markup dialects deliver as raw text (`<parameter=n>3</parameter>`).
 * With a schema the value is coerced to the declared type (see arguments.ts); without one it is
 * inferred here: numbers, booleans, null, and JSON objects/arrays become values, everything else —
 * including text that happens to be a quoted string — stays text exactly as written.
 */
import { parseLenient } from './json-repair.js';
import { addArgument } from './dialects/arg-pairs.js';

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function inferTextValue(raw: string): unknown {
  const t = raw.trim();
  if (t === '') return raw;
  if (INTEGER.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : raw;
  }
  if (DECIMAL.test(t)) return Number(t);
  // Python's spellings too: models that write pythonic calls carry them into XML values.
  if (t === 'true' || t === 'True') return true;
  if (t === 'false' || t === 'False') return false;
  if (t === 'null') return null;
  if (t.startsWith('<') && t.endsWith('>') && !looksLikeHtml(t)) {
    const elements = readElements(t);
    if (elements !== undefined) return elements;
  }
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    const parsed = parseLenient(t);
    if (parsed !== undefined && typeof parsed.value === 'object' && parsed.value !== null) return parsed.value;
  }
  return raw;
}

/** Applies `inferTextValue` to every value of a text-valued argument object. */
export function inferTextValues(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = inferText(v);
  return out;
}

/** A text value, or the values of a repeated key, typed. */
export function inferText(value: unknown): unknown {
  if (typeof value === 'string') return inferTextValue(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? inferTextValue(v) : v));
  return value;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * XML character references (`&lt;`, `&amp;`, `&#39;`, `&#x27;`) in a value written as escaped
 * XML. A value that also holds a raw `<` is markup or code written as is, and is left alone.
 */
export function decodeEntities(value: string): string {
  if (!value.includes('&') || value.includes('<')) return value;
  return value.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name]!;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const MAX_ELEMENT_DEPTH = 16;
const ELEMENT_OPEN = /<([A-Za-z_][\w.\-]*)(?:\s[^<>]*)?>/y;

/**
 * A value made only of child elements (`<a>1</a><b><c>x</c></b>`, whitespace between) as an
 * object: nested elements become objects, a repeated element an array, leaves are typed like
 * any text value. Undefined when there is text outside the elements (then it is markup or code
 * kept as text) or an element does not close.
 */
export function readElements(text: string, depth = 0): Record<string, unknown> | undefined {
  if (depth > MAX_ELEMENT_DEPTH) return undefined;
  const out: Record<string, unknown> = {};
  let i = 0;
  let any = false;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    ELEMENT_OPEN.lastIndex = i;
    const m = ELEMENT_OPEN.exec(text);
    if (!m) return undefined;
    const name = m[1]!;
    const close = `</${name}>`;
    const inner0 = i + m[0].length;
    // The matching close: skip same-named elements nested inside.
    let level = 1;
    let at = inner0;
    let closeAt = -1;
    while (level > 0) {
      const nextClose = text.indexOf(close, at);
      if (nextClose === -1) return undefined;
      const nextOpen = text.indexOf(`<${name}>`, at);
      if (nextOpen !== -1 && nextOpen < nextClose) {
        level++;
        at = nextOpen + name.length + 2;
      } else {
        level--;
        at = nextClose + close.length;
        if (level === 0) closeAt = nextClose;
      }
    }
    const inner = text.slice(inner0, closeAt);
    const trimmed = inner.trim();
    const nested = trimmed.startsWith('<') ? readElements(trimmed, depth + 1) : undefined;
    addArgument(out, name, nested ?? inferTextValue(decodeEntities(trimmed === '' ? '' : inner.replace(/^\r?\n|\r?\n$/g, ''))));
    any = true;
    i = at;
  }
  return any ? out : undefined;
}

/** HTML element names: a value made of these is a page or a component being written, kept as text. */
const HTML_TAGS = new Set(
  'html head body div span p ul ol li table tr td th thead tbody section article header footer nav main script style link meta title h1 h2 h3 h4 h5 h6 img br hr form input button label select option textarea pre code em strong svg path template slot'.split(' '),
);

function looksLikeHtml(text: string): boolean {
  const first = /^<([A-Za-z][\w-]*)/.exec(text)?.[1];
  return first !== undefined && (HTML_TAGS.has(first.toLowerCase()) || first.includes('-') || /^[A-Z]/.test(first));
}
