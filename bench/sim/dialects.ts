/**
 * How small models write a tool call as TEXT instead of a native `tool_calls` entry. Each renderer
 * reproduces one family's format as it appears in real outputs (see the shared corpora,
 * toolcalls.jsonl, for samples of each).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CallToRender {
  name: string;
  args: Record<string, unknown>;
}

export type DialectName =
  | 'hermes'
  | 'qwen3-coder-xml'
  | 'bare-json'
  | 'json-in-markdown-fence'
  | 'llama3-json'
  | 'pythonic'
  | 'lfm2-pythonic'
  | 'mistral-nemo'
  | 'mistral-tool-args'
  | 'glm-4.5'
  | 'minimax-m2';

const json = (value: unknown) => JSON.stringify(value);
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Python literal of a value, the way models write pythonic calls (single quotes where they can). */
function pythonLiteral(value: unknown): string {
  if (typeof value === 'string') {
    if (!value.includes("'")) return `'${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;
    return JSON.stringify(value);
  }
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  return JSON.stringify(value);
}

const pythonCall = (c: CallToRender) => `${c.name}(${Object.entries(c.args).map(([k, v]) => `${k}=${pythonLiteral(v)}`).join(', ')})`;

export const DIALECTS: Record<DialectName, (call: CallToRender) => string> = {
  hermes: (c) => `<tool_call>\n${json({ name: c.name, arguments: c.args })}\n</tool_call>`,
  'qwen3-coder-xml': (c) =>
    `<tool_call>\n<function=${c.name}>\n${Object.entries(c.args)
      .map(([k, v]) => `<parameter=${k}>\n${text(v)}\n</parameter>`)
      .join('\n')}\n</function>\n</tool_call>`,
  'bare-json': (c) => json({ name: c.name, arguments: c.args }),
  'json-in-markdown-fence': (c) => `I'll use the ${c.name} tool.\n\n\`\`\`json\n${JSON.stringify({ name: c.name, arguments: c.args }, null, 2)}\n\`\`\``,
  'llama3-json': (c) => json({ name: c.name, parameters: c.args }),
  pythonic: (c) => `[${pythonCall(c)}]`,
  'lfm2-pythonic': (c) => `<|tool_call_start|>[${pythonCall(c)}]<|tool_call_end|>`,
  'mistral-nemo': (c) => `[TOOL_CALLS][${json({ name: c.name, arguments: c.args, id: 'a1b2c3d4e' })}]`,
  'mistral-tool-args': (c) => `[TOOL_CALLS]${c.name}[ARGS]${json(c.args)}`,
  'glm-4.5': (c) =>
    `\n<tool_call>${c.name}\n${Object.entries(c.args)
      .map(([k, v]) => `<arg_key>${k}</arg_key>\n<arg_value>${text(v)}</arg_value>`)
      .join('\n')}\n</tool_call>`,
  'minimax-m2': (c) =>
    `<minimax:tool_call>\n<invoke name="${c.name}">\n${Object.entries(c.args)
      .map(([k, v]) => `<parameter name="${k}">${text(v)}</parameter>`)
      .join('\n')}\n</invoke>\n</minimax:tool_call>`,
};

export const DIALECT_NAMES = Object.keys(DIALECTS) as DialectName[];

/** A text dialect drawn from a corpus record: the record's text with its call swapped for ours. */
export interface CorpusDialect {
  /** `corpus:<format>:<record id>` */
  name: string;
  render(call: CallToRender): string;
}

/**
 * Templates from the shared corpus of real outputs (never copied into the repository): records
 * whose single call is llama.cpp's fixture `special_function({"arg1": 1})` written with JSON
 * arguments, so our call can take its place verbatim. Empty when the corpus is not there.
 */
export function loadCorpusDialects(corpusFile: string): CorpusDialect[] {
  if (!existsSync(corpusFile)) return [];
  const out: CorpusDialect[] = [];
  const seenFormats = new Set<string>();
  for (const line of readFileSync(corpusFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { id: string; format: string; text: string; expected: Array<{ name: string; arguments: unknown }> };
    if (record.expected.length !== 1 || record.expected[0]!.name !== 'special_function') continue;
    if (JSON.stringify(record.expected[0]!.arguments) !== '{"arg1":1}') continue;
    const argText = ['{"arg1": 1}', '{"arg1":1}'].find((a) => record.text.split(a).length === 2);
    if (!argText || record.text.split('special_function').length !== 2 || record.text.split('arg1').length !== 2) continue;
    // One template per format, so that frequent formats do not crowd out the rest.
    if (seenFormats.has(record.format)) continue;
    seenFormats.add(record.format);
    const [before, after] = record.text.split(argText) as [string, string];
    out.push({
      name: `corpus:${record.format}:${record.id}`,
      render: (call) => `${before}${json(call.args)}${after}`.replace('special_function', call.name),
    });
  }
  return out;
}

export function defaultCorpusFile(corporaDir: string): string {
  return join(corporaDir, 'toolcalls.jsonl');
}
