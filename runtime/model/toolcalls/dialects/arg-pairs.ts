/**
 * Key/value-pair bodies, as the GLM family's templates render a call (GLM 4.5/4.6/4.7:
 * `<tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>\n</tool_call>`), LongCat the
 * same with `longcat_` tags (`<longcat_tool_call>NAME\n<longcat_arg_key>…`), Hunyuan with
 * `NAME<tool_sep>…` and tags suffixed `:opensource`, and GLM-style `key=value` lines.
 * A value is text as written (typed later: values.ts / the schema). A key written twice
 * collects its values into an array. Servers that strip the wrapper pass on only
 * `NAME<arg_key>…`: `strippedArgPairs` reads that when the name starts a line.
 */
import { ForwardFinder, isToolName, unframe } from '../scan.js';
import type { Dialect, DialectMatch, RawCall } from '../types.js';

const KEY_TAG = /<((?:[a-z]+_)?)arg_key((?::\w+)?)>/;
const NAME_LINE = /^\s*((?:functions\.)?[\p{L}_][\p{L}\p{N}_.\-:]*)[ \t]*(?=\r?\n|<(?:[a-z]+_)?arg_key|<tool_sep|$)/u;
const KEY_VALUE_LINE = /^[ \t]*([A-Za-z_][\w\-]*)[ \t]*=[ \t]*(.*)$/;

/** Adds a value under a key; a repeated key becomes an array of its values in order. */
export function addArgument(args: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in args)) args[key] = value;
  else if (Array.isArray(args[key]) && repeated.has(args[key] as unknown[])) (args[key] as unknown[]).push(value);
  else {
    const list = [args[key], value];
    repeated.add(list);
    args[key] = list;
  }
}
/** Arrays built by addArgument (as opposed to a value that was itself an array). */
const repeated = new WeakSet<unknown[]>();

interface PairTags {
  keyOpen: string;
  keyClose: string;
  valueOpen: string;
  valueClose: string;
}

function pairTags(body: string): PairTags | undefined {
  const m = KEY_TAG.exec(body);
  if (!m) return undefined;
  const [prefix, suffix] = [m[1] ?? '', m[2] ?? ''];
  return { keyOpen: `<${prefix}arg_key${suffix}>`, keyClose: `</${prefix}arg_key${suffix}>`, valueOpen: `<${prefix}arg_value${suffix}>`, valueClose: `</${prefix}arg_value${suffix}>` };
}

/** `<arg_key>K</arg_key><arg_value>V</arg_value>…` from `rest`; the end is where the last pair ended. */
function readPairs(rest: string, tags: PairTags): { args: Record<string, unknown>; end: number } {
  const args: Record<string, unknown> = {};
  const finder = new ForwardFinder(rest);
  let pos = 0;
  let end = 0;
  for (;;) {
    const k = finder.find(tags.keyOpen, pos);
    // Text between pairs (a new call's name, prose) ends this call.
    if (k === -1 || (pos > 0 && rest.slice(pos, k).trim() !== '')) break;
    const kEnd = finder.find(tags.keyClose, k);
    if (kEnd === -1) break;
    const key = rest.slice(k + tags.keyOpen.length, kEnd).trim();
    const v = finder.find(tags.valueOpen, kEnd);
    const nextKey = finder.find(tags.keyOpen, kEnd);
    if (v === -1 || (nextKey !== -1 && nextKey < v)) {
      // A key without its value: cut off, or written as an empty value.
      addArgument(args, key, '');
      end = kEnd + tags.keyClose.length;
      pos = end;
      if (v === -1) break;
      continue;
    }
    const vEnd = finder.find(tags.valueClose, v);
    const nextAfterValue = finder.find(tags.keyOpen, v);
    const stop = vEnd !== -1 && (nextAfterValue === -1 || vEnd < nextAfterValue) ? vEnd : nextAfterValue !== -1 ? nextAfterValue : rest.length;
    addArgument(args, key, unframe(rest.slice(v + tags.valueOpen.length, stop)));
    pos = stop === vEnd ? vEnd + tags.valueClose.length : stop;
    end = pos;
  }
  return { args, end };
}

/** `key=value` lines (GLM writes them when it forgets its tags); a line without `=` continues the previous value. */
function readKeyValueLines(rest: string): Record<string, unknown> | undefined {
  const lines = rest.split(/\r?\n/);
  const args: Record<string, unknown> = {};
  let last: string | undefined;
  for (const line of lines) {
    const m = KEY_VALUE_LINE.exec(line);
    if (m) {
      last = m[1]!;
      addArgument(args, last, m[2]!.trim());
    } else if (line.trim() === '') continue;
    else if (last === undefined) return undefined;
    else args[last] = `${args[last] as string}\n${line}`;
  }
  return last === undefined ? undefined : args;
}

/**
 * A GLM-family body: `NAME` on the first line, then arg pairs, a JSON object, `key=value` lines
 * or nothing. Undefined when the body is not shaped like that.
 */
export function readGlmBody(body: string): RawCall | undefined {
  const m = NAME_LINE.exec(body);
  if (!m || !isToolName(m[1]!)) return undefined;
  const name = m[1]!.replace(/^functions\./, '');
  let rest = body.slice(m[0].length);
  const sep = /<tool_sep(?::\w+)?>/.exec(rest);
  if (sep && rest.slice(0, sep.index).trim() === '') rest = rest.slice(sep.index + sep[0].length);
  const restTrimmed = rest.trim();
  if (restTrimmed === '') return { name, arguments: {} };
  if (restTrimmed.startsWith('{')) return { name, arguments: restTrimmed };
  const tags = pairTags(rest);
  if (tags && restTrimmed.startsWith(tags.keyOpen)) return { name, arguments: readPairs(rest, tags).args, textValues: true };
  const lines = readKeyValueLines(rest);
  return lines ? { name, arguments: lines, textValues: true } : undefined;
}

/** Start of the tool name glued to a key tag at `tagAt`, when that name begins its line. */
function nameBefore(text: string, tagAt: number, floor: number): { start: number; name: string } | undefined {
  let i = tagAt;
  while (i > floor && /\s/.test(text[i - 1]!)) i--;
  const nameEnd = i;
  while (i > floor && /[\p{L}\p{N}_.\-:]/u.test(text[i - 1]!)) i--;
  const name = text.slice(i, nameEnd).replace(/^functions\./, '');
  if (!isToolName(name)) return undefined;
  // Only at the start of a line (or right after a tag): a name in the middle of prose is not a call.
  let j = i;
  while (j > floor && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
  if (j > 0 && j > floor && text[j - 1] !== '\n' && text[j - 1] !== '>') return undefined;
  return { start: i, name };
}

/** `NAME<arg_key>…</arg_value>` with the wrapper already stripped by the server (one or several calls). */
export const strippedArgPairs: Dialect = {
  name: 'glm-stripped',
  strength: 'marked',
  detect(text) {
    const out: DialectMatch[] = [];
    if (!text.includes('arg_key')) return out;
    const re = new RegExp(KEY_TAG.source, 'g');
    let floor = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index < floor) continue;
      const head = nameBefore(text, m.index, floor);
      if (!head) continue;
      const tags = pairTags(m[0])!;
      // The call runs until the next name that starts a new call (or the end).
      const pairs = readPairs(text.slice(m.index), tags);
      let end = m.index + pairs.end;
      const close = /^\s*<\/(?:[a-z]+_)?tool_call(?::\w+)?>/.exec(text.slice(end, end + 200));
      if (close) end += close[0].length;
      out.push({ start: head.start, end, dialect: tags.keyOpen.startsWith('<longcat') ? 'longcat' : 'glm', calls: [{ name: head.name, arguments: pairs.args, textValues: true }] });
      floor = end;
      re.lastIndex = end;
    }
    return out;
  },
};
