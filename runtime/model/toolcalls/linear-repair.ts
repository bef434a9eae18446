/**
 * A single-pass JSON repair for texts too large for jsonrepair (which backtracks and turns
 * quadratic on long strings with quotes inside). It fixes what small models get wrong in long
 * arguments — single-quoted strings, quotes inside strings, raw newlines, bad escapes, trailing
 * commas, comments, unquoted keys, Python constants, a cut-off end — and nothing else; the
 * result is plain JSON text for JSON.parse. Every character is looked at a bounded number of
 * times: a quote's lookahead only crosses the whitespace after it.
 */

const VALID_ESCAPES = '"\\/bfnrtu';
const WORDS: Record<string, string> = { True: 'true', False: 'false', None: 'null', true: 'true', false: 'false', null: 'null' };

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** After a closing quote: a delimiter (or the end) must follow, else the quote is part of the text. */
function quoteCloses(text: string, i: number): boolean {
  let j = i + 1;
  while (j < text.length && isSpace(text[j])) j++;
  return j >= text.length || ',}]:'.includes(text[j]!);
}

export function linearRepair(text: string): string {
  const out: string[] = [];
  const stack: string[] = [];
  let i = 0;
  const n = text.length;
  const dropTrailingComma = () => {
    let k = out.length - 1;
    while (k >= 0 && isSpace(out[k])) k--;
    if (k >= 0 && out[k] === ',') out.splice(k, 1);
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const quote = ch;
      out.push('"');
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === '\\') {
          const next = text[i + 1];
          if (next === "'") out.push("'");
          else if (next !== undefined && VALID_ESCAPES.includes(next)) out.push(c, next);
          else out.push('\\\\');
          i += next === undefined || next === "'" || VALID_ESCAPES.includes(next) ? 2 : 1;
          continue;
        }
        if (c === quote && quoteCloses(text, i)) {
          closed = true;
          i++;
          break;
        }
        if (c === '"') out.push('\\"');
        else if (c === '\n') out.push('\\n');
        else if (c === '\r') out.push('\\r');
        else if (c === '\t') out.push('\\t');
        else out.push(c);
        i++;
      }
      out.push('"');
      if (!closed) break;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (ch === '{' || ch === '[') {
      stack.push(ch === '{' ? '}' : ']');
      out.push(ch);
      i++;
      continue;
    }
    if (ch === '}' || ch === ']') {
      dropTrailingComma();
      stack.pop();
      out.push(ch);
      i++;
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[\w$.\-]/.test(text[j]!)) j++;
      const word = text.slice(i, j);
      let k = j;
      while (k < n && isSpace(text[k])) k++;
      if (text[k] === ':') out.push(JSON.stringify(word));
      else out.push(WORDS[word] ?? JSON.stringify(word));
      i = j;
      continue;
    }
    out.push(ch);
    i++;
  }
  // A cut-off end: no dangling comma, then close what is open.
  let k = out.length - 1;
  while (k >= 0 && isSpace(out[k])) k--;
  if (k >= 0 && out[k] === ',') out.length = k;
  while (stack.length) {
    dropTrailingComma();
    out.push(stack.pop()!);
  }
  return out.join('');
}
