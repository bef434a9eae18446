/**
 * XML-style calls:
 * - Qwen3-Coder / Seed-OSS: `<function=NAME><parameter=KEY>value</parameter></function>`
 * - Functionary 3.1 / Llama 3.1: `<function=NAME>{json}</function>`, `<function name="NAME">{json}</function>`
 * - MiniCPM: `<function name="NAME"><param name="KEY">value</param></function>` (CDATA allowed),
 *   and the same with `<tool_call name=…>`, `<tool name=…>`, `<call name=…>`, `<tool_use name=…>`
 * - MiniMax M2, DeepSeek DSML, Step-3: `<invoke name="NAME"><parameter name="KEY">value</parameter></invoke>`
 *   with the `｜DSML｜` / `steptml:` prefixes (DSML's `string="true"` keeps a value as text)
 * - (GLM / LongCat / Hunyuan arg pairs are in arg-pairs.ts)
 * - child tags: `<name>NAME</name><arguments>{json}</arguments>` and Cline-style
 *   `<read_file><path>a.py</path></read_file>` for tools the model was given.
 * A missing closing tag ends the value at the next opening tag of its kind.
 */
import type { DetectContext, Dialect, DialectMatch, RawCall } from '../types.js';
import { findAll, ForwardFinder, isToolName, unframe } from '../scan.js';
import { decodeEntities, inferTextValue } from '../values.js';
import { addArgument } from './arg-pairs.js';

const OPENER =
  /<function=([^>\s]+)\s*>|<(function|tool_call|tool_use|function_call|tool|call)\s+name\s*=\s*["']([^"']*)["'][^>]*>|<((?:｜DSML｜)|(?:[A-Za-z]+:))?invoke\s+name\s*=\s*"([^"]*)"[^>]*>/g;

interface Opener {
  start: number;
  bodyStart: number;
  name: string;
  /** `function` or `<prefix>invoke` */
  tag: string;
  equalsForm: boolean;
}

function findOpeners(text: string, from: number, to: number): Opener[] {
  const out: Opener[] = [];
  OPENER.lastIndex = from;
  for (let m = OPENER.exec(text); m && m.index < to; m = OPENER.exec(text)) {
    const name = (m[1] ?? m[3] ?? m[5] ?? '').trim();
    const tag = m[5] !== undefined ? `${m[4] ?? ''}invoke` : (m[2] ?? 'function');
    out.push({ start: m.index, bodyStart: m.index + m[0].length, name, tag, equalsForm: m[1] !== undefined });
  }
  return out;
}

/** Reads every XML function/invoke call in text[from, to); each becomes its own match. */
export function readXmlCalls(text: string, from = 0, to = text.length, dialect = 'xml'): DialectMatch[] {
  const openers = findOpeners(text, from, to);
  const finder = new ForwardFinder(text);
  const out: DialectMatch[] = [];
  for (let k = 0; k < openers.length; k++) {
    const op = openers[k]!;
    const limit = k + 1 < openers.length ? openers[k + 1]!.start : to;
    const closeTag = `</${op.tag}>`;
    const closeAt = finder.find(closeTag, op.bodyStart);
    const bodyEnd = closeAt !== -1 && closeAt < limit ? closeAt : limit;
    const end = closeAt !== -1 && closeAt < limit ? closeAt + closeTag.length : limit;
    const body = text.slice(op.bodyStart, bodyEnd);
    const call = readXmlBody(op, body);
    const name =
      dialect !== 'xml' ? dialect : op.equalsForm ? 'qwen3-xml' : op.tag.endsWith('invoke') ? `${op.tag.replace(/invoke$/, '').replace(/[｜:]/g, '') || 'minimax'}-invoke` : `${op.tag}-tag`;
    out.push({ start: op.start, end: trimEnd(text, op.start, end), dialect: name, calls: [call] });
  }
  return out;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}

function readXmlBody(op: Opener, body: string): RawCall {
  const name = op.name;
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) return { name, arguments: trimmed };
  if (op.equalsForm) return { name, arguments: readEqualsParameters(body), textValues: true };
  const named = readNamedParameters(body);
  // `<tool name="read_file"><path>a.ts</path></tool>`: plain child tags instead of <param name=…>.
  if (Object.keys(named).length === 0 && /<[A-Za-z_]/.test(body)) return { name, arguments: readChildValues(body), textValues: true };
  return { name, arguments: named, textValues: true };
}

/** `<parameter=KEY>value</parameter>` pairs; a missing close ends at the next `<parameter=`. */
function readEqualsParameters(body: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const starts = findAll(body, '<parameter=');
  const finder = new ForwardFinder(body);
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!;
    const gt = body.indexOf('>', s);
    if (gt === -1) break;
    const key = body.slice(s + '<parameter='.length, gt).trim();
    const limit = k + 1 < starts.length ? starts[k + 1]! : body.length;
    const close = finder.find('</parameter>', gt + 1);
    let value = body.slice(gt + 1, close !== -1 && close < limit ? close : limit);
    if (close === -1 || close >= limit) value = value.replace(/\s*<\/function>\s*$/, '').replace(/\n$/, '');
    if (key) addArgument(args, key, unframe(value));
  }
  return args;
}

const NAMED_PARAM = /<((?:｜DSML｜)|(?:[A-Za-z]+:))?(param(?:eter)?)\s+name\s*=\s*"([^"]*)"([^>]*)>/g;

/** `<parameter name="KEY">value</parameter>` / `<param name=…>`, with an optional tag prefix. */
function readNamedParameters(body: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const finder = new ForwardFinder(body);
  const opens: Array<{ start: number; valueStart: number; close: string; key: string; attrs: string }> = [];
  NAMED_PARAM.lastIndex = 0;
  for (let m = NAMED_PARAM.exec(body); m; m = NAMED_PARAM.exec(body)) {
    opens.push({ start: m.index, valueStart: m.index + m[0].length, close: `</${m[1] ?? ''}${m[2]}>`, key: m[3]!, attrs: m[4] ?? '' });
  }
  for (let k = 0; k < opens.length; k++) {
    const o = opens[k]!;
    const limit = k + 1 < opens.length ? opens[k + 1]!.start : body.length;
    let valueStart = o.valueStart;
    let value: string;
    if (body.startsWith('<![CDATA[', valueStart)) {
      const cdataEnd = body.indexOf(']]>', valueStart);
      value = body.slice(valueStart + 9, cdataEnd === -1 ? limit : cdataEnd);
      valueStart = cdataEnd === -1 ? limit : cdataEnd + 3;
    } else {
      const close = finder.find(o.close, valueStart);
      value = unframe(body.slice(valueStart, close !== -1 && close < limit ? close : limit));
    }
    const stringAttr = /string\s*=\s*"(true|false)"/.exec(o.attrs);
    // DSML says per value whether it is text; its non-text values are JSON.
    addArgument(args, o.key, stringAttr ? (stringAttr[1] === 'true' ? value : inferTextValue(value)) : value);
  }
  return args;
}

const NAME_TAGS = ['name', 'tool_name', 'function_name', 'tool', 'function'];
const ARGS_TAGS = ['arguments', 'parameters', 'args', 'input', 'params'];

function tagText(body: string, tag: string): string | undefined {
  const open = body.indexOf(`<${tag}>`);
  if (open === -1) return undefined;
  const close = body.indexOf(`</${tag}>`, open);
  return body.slice(open + tag.length + 2, close === -1 ? body.length : close);
}

/** `<name>NAME</name><arguments>{json} or <key>value</key>…</arguments>` inside a wrapper. */
export function readChildTagCall(body: string): RawCall | undefined {
  for (const nameTag of NAME_TAGS) {
    const name = tagText(body, nameTag)?.trim();
    if (name === undefined || !isToolName(name)) continue;
    for (const argsTag of ARGS_TAGS) {
      const inner = tagText(body, argsTag);
      if (inner === undefined) continue;
      const t = inner.trim();
      if (t.startsWith('{') || t === '') return { name, arguments: t || {} };
      return { name, arguments: readChildValues(inner), textValues: true };
    }
    return { name, arguments: {} };
  }
  return undefined;
}

const CHILD_OPEN = /<([A-Za-z_][\w.-]*)>/g;

/**
 * `<key>value</key>` children, values kept as text (XML entities decoded when the value is
 * escaped XML); a key written twice collects an array. Nested elements stay text here and are
 * read as objects by the typing (values.ts, or the schema). `end` is where the last child closed.
 */
function readChildren(body: string): { args: Record<string, unknown>; end: number } {
  const args: Record<string, unknown> = {};
  const finder = new ForwardFinder(body);
  let end = 0;
  CHILD_OPEN.lastIndex = 0;
  for (let m = CHILD_OPEN.exec(body); m; m = CHILD_OPEN.exec(body)) {
    const close = finder.find(`</${m[1]}>`, m.index + m[0].length);
    if (close === -1) continue;
    addArgument(args, m[1]!, decodeEntities(unframe(body.slice(m.index + m[0].length, close))));
    end = close + m[1]!.length + 3;
    CHILD_OPEN.lastIndex = end;
  }
  return { args, end };
}

function readChildValues(body: string): Record<string, unknown> {
  return readChildren(body).args;
}

/** XML function/invoke calls written outside any wrapper. */
export const xmlFunctions: Dialect = {
  name: 'xml',
  strength: 'marked',
  detect(text) {
    return readXmlCalls(text);
  },
};

/** Cline-style `<read_file><path>a.py</path></read_file>`: only for tools the model was given. */
export const xmlToolTags: Dialect = {
  name: 'xml-tool-tag',
  strength: 'marked',
  detect(text: string, ctx: DetectContext) {
    const out: DialectMatch[] = [];
    if (ctx.toolNames.size === 0 || text.indexOf('<') === -1) return out;
    for (const tool of ctx.toolNames) {
      const open = `<${tool}>`;
      const close = `</${tool}>`;
      const finder = new ForwardFinder(text);
      const starts = findAll(text, open);
      for (const start of starts) {
        const closeAt = finder.find(close, start + open.length);
        if (closeAt === -1) {
          // A reply is cut only at its end: only the last opening can be a cut call.
          if (start !== starts[starts.length - 1]) continue;
          // Cut off before the closing tag: still the call it clearly is when complete children follow.
          const cut = readChildren(text.slice(start + open.length));
          if (Object.keys(cut.args).length === 0) continue;
          const end = start + open.length + cut.end;
          if (text.slice(end).trim() !== '') continue;
          out.push({ start, end, dialect: 'xml-tool-tag', calls: [{ name: tool, arguments: cut.args, textValues: true }] });
          continue;
        }
        const body = text.slice(start + open.length, closeAt);
        const t = body.trim();
        const call: RawCall = t.startsWith('{') || t === '' ? { name: tool, arguments: t || {} } : { name: tool, arguments: readChildValues(body), textValues: true };
        out.push({ start, end: closeAt + close.length, dialect: 'xml-tool-tag', calls: [call] });
      }
    }
    return out;
  },
};
