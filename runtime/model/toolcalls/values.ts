/**
 * Typing of argument values that markup dialects deliver as raw text (`<parameter=n>3</parameter>`).
 * With a schema the value is coerced to the declared type (see arguments.ts); without one it is
 * inferred here: numbers, booleans, null, and JSON objects/arrays become values, everything else —
 * including text that happens to be a quoted string — stays text exactly as written.
 */
import { parseLenient } from './json-repair.js';

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
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    const parsed = parseLenient(t);
    if (parsed !== undefined && typeof parsed.value === 'object' && parsed.value !== null) return parsed.value;
  }
  return raw;
}

/** Applies `inferTextValue` to every value of a text-valued argument object. */
export function inferTextValues(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = typeof v === 'string' ? inferTextValue(v) : v;
  return out;
}
