/**
 * A reply that is just a command line naming a tool: `read_file src/app.ts`, optionally in
 * backticks or a code fence, one command per line. Recognised only when the first word is one of
 * the tools the model was given, so prose ("read the file") stays content. Words fill the tool's
 * parameters in schema order (required ones first); the last parameter takes the rest of the
 * line; `key=value` and `--key value` name a parameter explicitly. A line that reads as a
 * sentence (its second word is an English function word, or it is four words or more ending in
 * sentence punctuation) is prose, because tools are often named like words ("search the code").
 */
import type { DetectContext, Dialect, RawCall, ToolDefinition } from '../types.js';

interface Param {
  name: string;
  required: boolean;
  type: string | undefined;
}

function parameterOrder(tool: ToolDefinition | undefined): Param[] {
  const params = tool?.function.parameters;
  const props = params && typeof params.properties === 'object' && params.properties !== null ? (params.properties as Record<string, { type?: unknown }>) : {};
  const required = Array.isArray(params?.required) ? (params!.required as unknown[]).filter((r): r is string => typeof r === 'string' && r in props) : [];
  const typeOf = (p: string) => (typeof props[p]?.type === 'string' ? (props[p]!.type as string) : undefined);
  return [
    ...required.map((name) => ({ name, required: true, type: typeOf(name) })),
    ...Object.keys(props).filter((p) => !required.includes(p)).map((name) => ({ name, required: false, type: typeOf(name) })),
  ];
}

/** Whether a bare word can be a value of this parameter (used to fill optional ones positionally). */
function fits(word: string, param: Param): boolean {
  if (param.type === 'number' || param.type === 'integer') return /^-?\d+(?:\.\d+)?$/.test(word);
  if (param.type === 'boolean') return /^(true|false)$/i.test(word);
  return param.type === 'string' || param.type === undefined;
}

/** Splits on whitespace, honouring '…' and "…" quoting; returns each word with its start offset. */
function words(line: string): Array<{ word: string; at: number }> {
  const out: Array<{ word: string; at: number }> = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    const at = i;
    let word = '';
    while (i < line.length && !/\s/.test(line[i]!)) {
      const q = line[i]!;
      if (q === '"' || q === "'") {
        const close = line.indexOf(q, i + 1);
        if (close !== -1) {
          word += line.slice(i + 1, close);
          i = close + 1;
          continue;
        }
      }
      word += q;
      i++;
    }
    out.push({ word, at });
  }
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0] ? t.slice(1, -1) : t;
}

/** Words that make a line English prose rather than arguments ("search results show that…"). */
const PROSE_WORDS = new Set(['the', 'a', 'an', 'is', 'are', 'was', 'were', 'be', 'has', 'have', 'had', 'will', 'would', 'should', 'can', 'could', 'results', 'result', 'of', 'for', 'to', 'and', 'that', 'this', 'it', 'its', 'in', 'on', 'with', 'by', 'as', 'at', 'from', 'all', 'done', 'completed', 'failed', 'succeeded', 'shows', 'returned', 'found']);

/** A tool named like an English word (search, patch, edit) can start a sentence too. */
function looksLikeProse(ws: Array<{ word: string }>, line: string): boolean {
  if (ws.length >= 2 && PROSE_WORDS.has(ws[1]!.word.toLowerCase())) return true;
  return ws.length >= 4 && /[.!?:]$/.test(line.trim());
}

function readCommand(line: string, ctx: DetectContext): RawCall | undefined {
  const ws = words(line);
  if (ws.length === 0 || !ctx.toolNames.has(ws[0]!.word)) return undefined;
  if (looksLikeProse(ws, line)) return undefined;
  const name = ws[0]!.word;
  const tool = ctx.tools.find((t) => t.function.name === name);
  const order = parameterOrder(tool);
  const names = order.map((p) => p.name);
  const args: Record<string, unknown> = {};
  const rest = ws.slice(1);
  const positional: Array<{ word: string; at: number }> = [];
  for (let k = 0; k < rest.length; k++) {
    const w = rest[k]!;
    const eq = /^([A-Za-z_][\w-]*)=(.*)$/.exec(w.word);
    const flag = /^--([A-Za-z_][\w-]*)$/.exec(w.word);
    if (eq && names.includes(eq[1]!)) args[eq[1]!] = eq[2];
    else if (flag && names.includes(flag[1]!) && k + 1 < rest.length) args[flag[1]!] = rest[++k]!.word;
    else positional.push(w);
  }
  const free = order.filter((p) => !(p.name in args));
  if (positional.length === 0) return { name, arguments: args };
  if (free.length === 0) return undefined;
  // One word per parameter when every word fits its parameter's type…
  if (positional.length <= free.length && positional.every((w, i) => fits(w.word, free[i]!))) {
    positional.forEach((w, i) => (args[free[i]!.name] = w.word));
    return { name, arguments: args };
  }
  // …else the required parameters take one word each and the last of them the rest of the line.
  const takers = free.filter((p) => p.required);
  const fill = takers.length > 0 ? takers : [free[0]!];
  const last = Math.min(fill.length, positional.length) - 1;
  for (let i = 0; i < last; i++) args[fill[i]!.name] = positional[i]!.word;
  args[fill[last]!.name] = unquote(line.slice(positional[last]!.at));
  return { name, arguments: args };
}

export const commandLine: Dialect = {
  name: 'command-line',
  strength: 'bare',
  detect(text, ctx) {
    if (ctx.toolNames.size === 0) return [];
    let body = text.trim();
    if (body.length > 10_000) return [];
    const fence = /^```[\w-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/.exec(body);
    if (fence) body = fence[1]!.trim();
    const lines = body.split('\n').map((l) => l.trim().replace(/^`(.*)`$/, '$1').replace(/^\$\s+/, '')).filter((l) => l !== '');
    if (lines.length === 0 || lines.length > 20) return [];
    const calls: RawCall[] = [];
    for (const line of lines) {
      const call = readCommand(line, ctx);
      if (!call) return [];
      calls.push(call);
    }
    const start = text.length - text.trimStart().length;
    return [{ start, end: text.trimEnd().length, dialect: 'command-line', calls }];
  },
};
