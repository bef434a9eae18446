/**
 * Kimi K3's markup, from its chat template: every element is `<|open|>TAG attr="…"<|sep|>` …
 * `<|close|>TAG<|sep|>`. A reply's calls:
 *   <|open|>tools<|sep|><|open|>call tool="NAME" index="1"<|sep|>
 *   <|open|>argument key="K" type="string"<|sep|>V<|close|>argument<|sep|>…
 *   <|close|>call<|sep|><|close|>tools<|sep|>
 * or the arguments as one `<|open|>json type="object"<|sep|>{…}<|close|>json<|sep|>`. A value
 * typed `string` is text as written; other types are JSON. Attribute values escape `&` and `"`.
 * Models also end a tag with `>` instead of `<|sep|>`; both are read.
 */
import { isToolName } from '../scan.js';
import type { Dialect, DialectMatch, RawCall } from '../types.js';
import { addArgument } from './arg-pairs.js';
import { cutOff } from './json-calls.js';

const OPEN_CALL = /<\|open\|>call((?:\s+[\w-]+="[^"]*")*)\s*(?:<\|sep\|>|>)/g;
const OPEN_ARG = /<\|open\|>(argument|json)((?:\s+[\w-]+="[^"]*")*)\s*(?:<\|sep\|>|>)/g;
const CLOSE = (tag: string) => new RegExp(`<\\|close\\|>${tag}\\s*(?:<\\|sep\\|>|>)`, 'g');

function attributes(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(/([\w-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return out;
}

function typedValue(text: string, type: string | undefined): unknown {
  if (type === 'string' || type === undefined) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function firstMatch(re: RegExp, text: string, from: number, to: number): RegExpExecArray | undefined {
  re.lastIndex = from;
  const m = re.exec(text);
  return m && m.index < to ? m : undefined;
}

export const kimiK3: Dialect = {
  name: 'kimi-k3',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    if (!text.includes('<|open|>call')) return out;
    const calls: Array<{ start: number; end: number; call: RawCall; cut: boolean }> = [];
    const closeCall = CLOSE('call');
    const closeArg = CLOSE('argument');
    const closeJson = CLOSE('json');
    OPEN_CALL.lastIndex = 0;
    const opens = [...text.matchAll(OPEN_CALL)];
    for (let k = 0; k < opens.length; k++) {
      const m = opens[k]!;
      const name = attributes(m[1] ?? '').tool ?? '';
      if (!isToolName(name)) continue;
      const bodyStart = m.index + m[0].length;
      const limit = k + 1 < opens.length ? opens[k + 1]!.index : text.length;
      const close = firstMatch(closeCall, text, bodyStart, limit);
      const bodyEnd = close ? close.index : limit;
      const args: Record<string, unknown> = {};
      let json: string | undefined;
      let cut = !close && limit === text.length;
      let pos = bodyStart;
      for (let a = firstMatch(OPEN_ARG, text, pos, bodyEnd); a; a = firstMatch(OPEN_ARG, text, pos, bodyEnd)) {
        const valueAt = a.index + a[0].length;
        const end = firstMatch(a[1] === 'json' ? closeJson : closeArg, text, valueAt, bodyEnd);
        if (!end) {
          cut = cut || bodyEnd === text.length;
          break;
        }
        const attrs = attributes(a[2] ?? '');
        const value = text.slice(valueAt, end.index);
        if (a[1] === 'json') json = value;
        else if (attrs.key !== undefined) addArgument(args, attrs.key, typedValue(value, attrs.type));
        pos = end.index + end[0].length;
      }
      const call: RawCall = cut ? cutOff({ name, arguments: undefined }) : { name, arguments: json ?? args };
      calls.push({ start: m.index, end: close ? close.index + close[0].length : bodyEnd, call, cut });
    }
    if (calls.length === 0) return out;
    // The `<|open|>tools<|sep|>` … `<|close|>tools<|sep|>` section around the calls goes with them.
    const first = calls[0]!;
    const sectionOpen = text.lastIndexOf('<|open|>tools', first.start);
    const start = sectionOpen !== -1 && text.slice(sectionOpen, first.start).replace(/<\|open\|>tools\s*(?:<\|sep\|>|>)/, '').trim() === '' ? sectionOpen : first.start;
    const last = calls[calls.length - 1]!;
    const sectionClose = /^\s*<\|close\|>tools\s*(?:<\|sep\|>|>)/.exec(text.slice(last.end, last.end + 60));
    const end = sectionClose ? last.end + sectionClose[0].length : last.end;
    out.push({ start, end, dialect: 'kimi-k3', calls: calls.map((c) => c.call), cut: last.cut });
    return out;
  },
};
