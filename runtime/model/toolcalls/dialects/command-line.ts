/**
 * A reply that is just a command line naming a tool: `read_file src/app.ts`, optionally in
 * backticks or a code fence, one command per line. Recognised only when the first word is one of
 * the tools the model was given, so prose ("read the file") stays content. Words fill the tool's
 * parameters in schema order (required ones first); the last parameter takes the rest of the
 * line; `key=value` and `--key value` name a parameter explicitly.
 */
import type { DetectContext, Dialect, RawCall, ToolDefinition } from '../types.js';

function parameterOrder(tool: ToolDefinition | undefined): string[] {
  const params = tool?.function.parameters;
  const props = params && typeof params.properties === 'object' && params.properties !== null ? Object.keys(params.properties) : [];
  const required = Array.isArray(params?.required) ? (params!.required as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  return [...required.filter((r) => props.includes(r)), ...props.filter((p) => !required.includes(p))];
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

function readCommand(line: string, ctx: DetectContext): RawCall | undefined {
  const ws = words(line);
  if (ws.length === 0 || !ctx.toolNames.has(ws[0]!.word)) return undefined;
  const name = ws[0]!.word;
  const tool = ctx.tools.find((t) => t.function.name === name);
  const order = parameterOrder(tool);
  const args: Record<string, unknown> = {};
  const rest = ws.slice(1);
  const positional: Array<{ word: string; at: number }> = [];
  for (let k = 0; k < rest.length; k++) {
    const w = rest[k]!;
    const eq = /^([A-Za-z_][\w-]*)=(.*)$/.exec(w.word);
    const flag = /^--([A-Za-z_][\w-]*)$/.exec(w.word);
    if (eq && order.includes(eq[1]!)) args[eq[1]!] = eq[2];
    else if (flag && order.includes(flag[1]!) && k + 1 < rest.length) args[flag[1]!] = rest[++k]!.word;
    else positional.push(w);
  }
  const free = order.filter((p) => !(p in args));
  if (positional.length > 0 && free.length === 0) return undefined;
  if (positional.length <= free.length) {
    positional.forEach((w, idx) => (args[free[idx]!] = w.word));
  } else {
    // More words than parameters: the last parameter takes the rest of the line as written.
    const last = free.length - 1;
    for (let idx = 0; idx < last; idx++) args[free[idx]!] = positional[idx]!.word;
    args[free[last]!] = unquote(line.slice(positional[last]!.at));
  }
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
