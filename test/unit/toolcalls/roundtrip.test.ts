import { describe, expect, it } from 'vitest';
import { parseToolCalls } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';

/** Calls whose values are hard to carry through text: code, quotes, backslashes, markers, unicode. */
const HARD_CALLS: Array<{ name: string; args: Record<string, unknown> }> = [
  { name: 'write_file', args: { path: 'src/a.ts', content: 'export const s = "it\'s \\"quoted\\"";\n\tif (a < b && c > d) { return `x${y}`; }\n// </think> 你好 🙂\n' } },
  { name: 'patch', args: { path: 'a.py', search: 'def f():\n    return 1\n', replace: 'def f():\n    return {"a": [1, 2]}\n' } },
  { name: 'run_command', args: { command: 'grep -rn "TODO" src | head -5', timeout: 30 } },
  { name: 'read_file', args: { path: 'C:\\Users\\me\\file.txt', start_line: 3 } },
  { name: 'search', args: { query: '12345', limit: 5, regex: true } },
  { name: 'write_file', args: { path: 'x.json', content: '{"name": "x", "arguments": {}}' } },
  { name: 'list_dir', args: {} },
];

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const py = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === true ? 'True' : v === false ? 'False' : JSON.stringify(v));

/** How each family writes a call; the parser must read back exactly the arguments. */
const RENDERERS: Record<string, (c: { name: string; args: Record<string, unknown> }) => string> = {
  hermes: (c) => `<tool_call>\n${JSON.stringify({ name: c.name, arguments: c.args })}\n</tool_call>`,
  'bare JSON in prose': (c) => `Sure.\n${JSON.stringify({ name: c.name, arguments: c.args })}`,
  'fenced JSON': (c) => `\`\`\`json\n${JSON.stringify({ name: c.name, arguments: c.args }, null, 2)}\n\`\`\``,
  'qwen3-coder XML': (c) => `<tool_call>\n<function=${c.name}>\n${Object.entries(c.args).map(([k, v]) => `<parameter=${k}>\n${asText(v)}\n</parameter>`).join('\n')}\n</function>\n</tool_call>`,
  'glm-4.5': (c) => `<tool_call>${c.name}\n${Object.entries(c.args).map(([k, v]) => `<arg_key>${k}</arg_key>\n<arg_value>${asText(v)}</arg_value>`).join('\n')}\n</tool_call>`,
  'minimax invoke': (c) => `<minimax:tool_call>\n<invoke name="${c.name}">\n${Object.entries(c.args).map(([k, v]) => `<parameter name="${k}">${asText(v)}</parameter>`).join('\n')}\n</invoke>\n</minimax:tool_call>`,
  pythonic: (c) => `[${c.name}(${Object.entries(c.args).map(([k, v]) => `${k}=${py(v)}`).join(', ')})]`,
  'mistral [ARGS]': (c) => `[TOOL_CALLS]${c.name}[ARGS]${JSON.stringify(c.args)}`,
  'kimi-k2': (c) => `<|tool_calls_section_begin|><|tool_call_begin|>functions.${c.name}:0<|tool_call_argument_begin|>${JSON.stringify(c.args)}<|tool_call_end|><|tool_calls_section_end|>`,
  deepseek: (c) => `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>${c.name}\n\`\`\`json\n${JSON.stringify(c.args)}\n\`\`\`<｜tool▁call▁end｜><｜tool▁calls▁end｜>`,
  'gpt-oss harmony': (c) => `<|channel|>commentary to=functions.${c.name} <|constrain|>json<|message|>${JSON.stringify(c.args)}<|call|>`,
};

const cases = Object.entries(RENDERERS).flatMap(([dialect, render]) => HARD_CALLS.map((call) => ({ dialect, call, text: render(call) })));

describe('round trip: hard values survive every dialect', () => {
  it.each(cases)('$dialect: $call.name', ({ call, text }) => {
    const r = parseToolCalls(text, TOOLS);
    expect(r.errors).toEqual([]);
    expect(r.calls.map((c) => ({ name: c.name, args: c.arguments }))).toEqual([call]);
  });
});
