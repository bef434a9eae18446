/**
 * The rule every JSON repair obeys: it may drop, close and unquote, never add data. A repaired
 * value is refused when it holds more nulls than the text wrote null-words, more objects or
 * arrays than the text opened brackets, a boolean never written, or a key or text that does not
 * occur in the text (in its raw, JSON-escaped or single-quote-escaped spelling). jsonrepair, for
 * one, turns `{invalid_json` into `{"invalid_json": null}` and `[1, , 2]` into `[[1], 2]`.
 * Linear: counts are one pass each, and text lookups stop at a work budget proportional to the
 * text (past it, strings are no longer checked — the counts still are).
 */

function count(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text)) n++;
  return n;
}

interface Tally {
  nulls: number;
  objects: number;
  arrays: number;
  trues: number;
  falses: number;
  strings: string[];
}

function tally(value: unknown, t: Tally, depth = 0): void {
  if (depth > 512) return;
  if (value === null) t.nulls++;
  else if (value === true) t.trues++;
  else if (value === false) t.falses++;
  else if (typeof value === 'string') t.strings.push(value);
  else if (Array.isArray(value)) {
    t.arrays++;
    for (const v of value) tally(v, t, depth + 1);
  } else if (typeof value === 'object') {
    t.objects++;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      t.strings.push(k);
      tally(v, t, depth + 1);
    }
  }
}

function written(text: string, s: string): boolean {
  if (s === '' || text.includes(s)) return true;
  const escaped = JSON.stringify(s).slice(1, -1);
  if (text.includes(escaped)) return true;
  if (text.includes(escaped.replace(/\\"/g, '"'))) return true;
  if (text.includes(s.replace(/'/g, "\\'"))) return true;
  return /[^\x00-\x7f]/.test(escaped) && text.includes(escaped.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function inventsData(value: unknown, text: string): boolean {
  const t: Tally = { nulls: 0, objects: 0, arrays: 0, trues: 0, falses: 0, strings: [] };
  tally(value, t);
  if (t.nulls > 0 && t.nulls > count(text, /\b(?:null|None|nil|undefined|NULL)\b/g)) return true;
  if (t.objects > 0 && t.objects > count(text, /\{/g)) return true;
  if (t.arrays > 0 && t.arrays > count(text, /\[/g)) return true;
  if (t.trues > 0 && t.trues > count(text, /\b(?:true|True|TRUE)\b/g)) return true;
  if (t.falses > 0 && t.falses > count(text, /\b(?:false|False|FALSE)\b/g)) return true;
  let budget = 4 * text.length + 10_000;
  const checked = new Set<string>();
  for (const s of t.strings) {
    if (budget <= 0) break;
    if (checked.has(s)) continue;
    checked.add(s);
    budget -= text.length;
    if (!written(text, s)) return true;
  }
  return false;
}
