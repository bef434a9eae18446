import { describe, expect, it } from 'vitest';
import { parseToolCalls } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';

interface Case {
  name: string;
  text: string;
  calls: Array<{ name: string; arguments: Record<string, unknown> }>;
  content?: string;
  reasoning?: string;
  /** Parse with no tool list ("accept any tool") instead of the fixture tools. */
  anyTool?: boolean;
}

const READ = { name: 'read_file', arguments: { path: 'src/app.ts' } };

/** One row per dialect family small models emit; the expected calls are what the agent runs. */
const DIALECT_CASES: Case[] = [
  { name: 'bare JSON object', text: '{"name": "read_file", "arguments": {"path": "src/app.ts"}}', calls: [READ], content: '' },
  { name: 'bare JSON with "parameters" (Llama 3)', text: '{"name": "read_file", "parameters": {"path": "src/app.ts"}}', calls: [READ] },
  { name: 'JSON array of calls', text: '[{"name": "read_file", "arguments": {"path": "src/app.ts"}}, {"name": "list_dir", "arguments": {"path": "src"}}]', calls: [READ, { name: 'list_dir', arguments: { path: 'src' } }] },
  { name: 'fenced JSON call', text: 'I will read it.\n```json\n{"name": "read_file", "arguments": {"path": "src/app.ts"}}\n```', calls: [READ], content: 'I will read it.' },
  { name: 'OpenAI function envelope', text: '{"type": "function", "function": {"name": "read_file", "arguments": "{\\"path\\": \\"src/app.ts\\"}"}}', calls: [READ] },
  { name: 'Command R tool_name/parameters', text: '<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "read_file", "parameters": {"path": "src/app.ts"}}]<|END_ACTION|>', calls: [READ] },
  { name: 'Hermes <tool_call>', text: 'Let me look.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "src/app.ts"}}\n</tool_call>', calls: [READ], content: 'Let me look.' },
  { name: 'Hermes without closing tag', text: '<tool_call>{"name": "read_file", "arguments": {"path": "src/app.ts"}}', calls: [READ] },
  { name: 'Qwen <tools> tag', text: '<tools>\n{"name": "read_file", "arguments": {"path": "src/app.ts"}}\n</tools>', calls: [READ] },
  {
    name: 'Qwen3-Coder XML',
    text: '<tool_call>\n<function=patch>\n<parameter=path>\nsrc/a.ts\n</parameter>\n<parameter=search>\nconst a = 1;\n</parameter>\n<parameter=replace>\n  const a = 2;\n</parameter>\n</function>\n</tool_call>',
    calls: [{ name: 'patch', arguments: { path: 'src/a.ts', search: 'const a = 1;', replace: '  const a = 2;' } }],
  },
  { name: 'Qwen3-Coder XML with a missing </parameter>', text: '<function=read_file>\n<parameter=path>\nsrc/app.ts\n</function>', calls: [READ] },
  { name: 'Seed-OSS', text: '<seed:tool_call>\n<function=read_file>\n<parameter=path>src/app.ts</parameter>\n</function>\n</seed:tool_call>', calls: [READ] },
  { name: 'Functionary <function=NAME>{json}', text: '<function=read_file>{"path": "src/app.ts"}</function>', calls: [READ] },
  { name: 'MiniMax invoke', text: '<minimax:tool_call>\n<invoke name="read_file">\n<parameter name="path">src/app.ts</parameter>\n</invoke>\n</minimax:tool_call>', calls: [READ] },
  {
    name: 'DeepSeek DSML (string="false" is JSON)',
    text: '<｜DSML｜function_calls>\n<｜DSML｜invoke name="read_file">\n<｜DSML｜parameter name="path" string="true">src/app.ts</｜DSML｜parameter>\n<｜DSML｜parameter name="start_line" string="false">10</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>',
    calls: [{ name: 'read_file', arguments: { path: 'src/app.ts', start_line: 10 } }],
  },
  { name: 'MiniCPM <function name><param name> with CDATA', text: '<function name="write_file"><param name="path">a.html</param><param name="content"><![CDATA[<p>hi</p>]]></param></function>', calls: [{ name: 'write_file', arguments: { path: 'a.html', content: '<p>hi</p>' } }] },
  { name: 'GLM 4.5 arg_key/arg_value', text: '<tool_call>read_file\n<arg_key>path</arg_key>\n<arg_value>src/app.ts</arg_value>\n</tool_call>', calls: [READ] },
  { name: 'GLM 4.5 call without arguments', text: '<tool_call>list_dir</tool_call>', calls: [{ name: 'list_dir', arguments: {} }] },
  { name: 'child tags <name>/<arguments>', text: '<tool_call>\n<name>read_file</name>\n<arguments>{"path": "src/app.ts"}</arguments>\n</tool_call>', calls: [READ] },
  { name: 'name attribute on the wrapper tag', text: '<tool_call name="read_file">{"path": "src/app.ts"}</tool_call>', calls: [READ], content: '' },
  { name: 'name attribute with child tags', text: '<tool name="read_file"><path>src/app.ts</path></tool>', calls: [READ], content: '' },
  { name: 'Anthropic-style <tool_use>', text: '<tool_use>\n<name>read_file</name>\n<input>{"path": "src/app.ts"}</input>\n</tool_use>', calls: [READ], content: '' },
  { name: 'Cline-style tool tag', text: 'Reading now.\n<read_file>\n<path>src/app.ts</path>\n</read_file>', calls: [READ], content: 'Reading now.' },
  { name: 'YAML in a fence', text: '```yaml\nname: read_file\narguments:\n  path: src/app.ts\n```', calls: [READ], content: '' },
  { name: 'Llama 3.1 <|python_tag|> JSON', text: '<|python_tag|>{"name": "read_file", "parameters": {"path": "src/app.ts"}}<|eom_id|>', calls: [READ] },
  { name: 'Llama 3.1 <|python_tag|> .call()', text: '<|python_tag|>run_command.call(command="ls -la")', calls: [{ name: 'run_command', arguments: { command: 'ls -la' } }] },
  { name: 'Mistral [TOOL_CALLS] JSON list', text: '[TOOL_CALLS] [{"name": "read_file", "arguments": {"path": "src/app.ts"}, "id": "abc123XYZ"}]', calls: [READ] },
  { name: 'Mistral [TOOL_CALLS]NAME[ARGS]', text: '[TOOL_CALLS]read_file[ARGS]{"path": "src/app.ts"}', calls: [READ] },
  { name: 'Mistral with [CALL_ID]', text: '[TOOL_CALLS]read_file[CALL_ID]123456789[ARGS]{"path": "src/app.ts"}', calls: [READ] },
  { name: 'pythonic list', text: '[read_file(path="src/app.ts"), run_command(command=\'npm test\', timeout=30)]', calls: [READ, { name: 'run_command', arguments: { command: 'npm test', timeout: 30 } }] },
  { name: 'pythonic whole reply', text: 'read_file(path="src/app.ts")', calls: [READ] },
  { name: 'LFM2 pythonic with Python literals', text: '<|tool_call_start|>[set_mode(mode="fast", verbose=True)]<|tool_call_end|>', calls: [{ name: 'set_mode', arguments: { mode: 'fast', verbose: true } }] },
  { name: 'Olmo 3 <function_calls>', text: '<function_calls>read_file(path="src/app.ts")\nlist_dir(path="src")</function_calls>', calls: [READ, { name: 'list_dir', arguments: { path: 'src' } }] },
  { name: 'plain command line', text: 'read_file src/app.ts', calls: [READ] },
  { name: 'plain command line, last parameter takes the rest', text: 'run_command npm test -- --watch=false', calls: [{ name: 'run_command', arguments: { command: 'npm test -- --watch=false' } }] },
  { name: 'plain command line in backticks', text: '`search "parse tool calls"`', calls: [{ name: 'search', arguments: { query: 'parse tool calls' } }] },
  { name: 'Gemma 4', text: '<|tool_call>call:read_file{path:<|"|>src/app.ts<|"|>,start_line:3}<tool_call|>', calls: [{ name: 'read_file', arguments: { path: 'src/app.ts', start_line: 3 } }] },
  { name: 'FunctionGemma', text: '<start_function_call>call:search{query:<escape>todo<escape>,limit:5}<end_function_call>', calls: [{ name: 'search', arguments: { query: 'todo', limit: 5 } }] },
  { name: 'DeepSeek V3 / R1', text: '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>read_file\n```json\n{"path": "src/app.ts"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>', calls: [READ], content: '' },
  { name: 'DeepSeek V3.1', text: 'Checking.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>read_file<｜tool▁sep｜>{"path": "src/app.ts"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>', calls: [READ], content: 'Checking.' },
  { name: 'Kimi K2', text: '<|tool_calls_section_begin|><|tool_call_begin|>functions.read_file:0<|tool_call_argument_begin|>{"path": "src/app.ts"}<|tool_call_end|><|tool_calls_section_end|>', calls: [READ], content: '' },
  {
    name: 'gpt-oss harmony',
    text: '<|channel|>analysis<|message|>Need the file.<|end|><|start|>assistant<|channel|>commentary to=functions.read_file <|constrain|>json<|message|>{"path": "src/app.ts"}<|call|>',
    calls: [READ],
    reasoning: 'Need the file.',
  },
  { name: 'Granite <|tool_call|>', text: '<|tool_call|>[{"name": "read_file", "arguments": {"path": "src/app.ts"}}]', calls: [READ] },
  { name: 'Nemotron <TOOLCALL>', text: '<TOOLCALL>[{"name": "read_file", "arguments": {"path": "src/app.ts"}}]</TOOLCALL>', calls: [READ] },
  { name: 'Functionary v3.2 >>>', text: '>>>read_file\n{"path": "src/app.ts"}', calls: [READ] },
  { name: 'Solar Open', text: '<|tool_calls|><|tool_call:begin|>0<|tool_call:name|>read_file<|tool_call:args|>{"path":"src/app.ts"}<|tool_call:end|>', calls: [READ] },
  { name: 'Apertus {"NAME": args}', text: '<|tools_prefix|>[{"read_file": {"path": "src/app.ts"}}]<|tools_suffix|>', calls: [READ] },
  { name: 'GigaChat function call', text: 'Sure.<|message_sep|>\n\nfunction call<|role_sep|>\n{"name": "read_file", "arguments": {"path": "src/app.ts"}}', calls: [READ], content: 'Sure.' },
  { name: 'phi-4 functools', text: 'functools[{"name": "read_file", "arguments": {"path": "src/app.ts"}}]', calls: [READ] },
  { name: 'ReAct Action / Action Input', text: 'Thought: I need the file.\nAction: read_file\nAction Input: {"path": "src/app.ts"}', calls: [READ], content: 'Thought: I need the file.' },
  { name: 'ReAct with a plain input', text: 'Action: read_file\nAction Input: src/app.ts', calls: [READ] },
  { name: 'Claude-style <function_calls><invoke>', text: '<function_calls>\n<invoke name="read_file">\n<parameter name="path">src/app.ts</parameter>\n</invoke>\n</function_calls>', calls: [READ], content: '' },
  { name: 'Gemma 2 ```tool_code fence', text: '```tool_code\nread_file(path="src/app.ts")\n```', calls: [READ], content: '' },
  { name: 'InternLM plugin action', text: '<|action_start|><|plugin|>{"name": "read_file", "parameters": {"path": "src/app.ts"}}<|action_end|>', calls: [READ] },
];

describe('parseToolCalls: dialects', () => {
  it.each(DIALECT_CASES)('$name', (c) => {
    const result = parseToolCalls(c.text, c.anyTool ? [] : TOOLS);
    expect(result.errors).toEqual([]);
    expect(result.calls.map(({ name, arguments: args }) => ({ name, arguments: args }))).toEqual(c.calls);
    if (c.content !== undefined) expect(result.content).toBe(c.content);
    if (c.reasoning !== undefined) expect(result.reasoning).toBe(c.reasoning);
  });

  it('names the dialect it read', () => {
    expect(parseToolCalls('<tool_call>{"name": "read_file", "arguments": {"path": "a"}}</tool_call>', TOOLS).dialect).toBe('hermes');
    expect(parseToolCalls('<tool_call>\n<function=read_file>\n<parameter=path>a</parameter>\n</function>\n</tool_call>', TOOLS).dialect).toBe('hermes');
  });
});

describe('parseToolCalls: thinking', () => {
  const cases: Array<{ name: string; text: string; content: string; reasoning: string; calls: number }> = [
    { name: '<think> block', text: '<think>plan the edit</think>Done.', content: 'Done.', reasoning: 'plan the edit', calls: 0 },
    { name: 'forced-open thinking (only </think>)', text: 'plan the edit\n</think>\n\nDone.', content: 'Done.', reasoning: 'plan the edit', calls: 0 },
    { name: 'unclosed <think> runs to the end', text: '<think>still thinking about it', content: '', reasoning: 'still thinking about it', calls: 0 },
    { name: 'Mistral [THINK]', text: '[THINK]hmm[/THINK]Answer', content: 'Answer', reasoning: 'hmm', calls: 0 },
    { name: 'Seed <seed:think>', text: '<seed:think>hmm</seed:think>Answer', content: 'Answer', reasoning: 'hmm', calls: 0 },
    { name: 'Command R7B thinking', text: '<|START_THINKING|>hmm<|END_THINKING|><|START_RESPONSE|>Answer<|END_RESPONSE|>', content: 'Answer', reasoning: 'hmm', calls: 0 },
    { name: 'gpt-oss analysis channel', text: '<|channel|>analysis<|message|>hmm<|end|><|start|>assistant<|channel|>final<|message|>Answer', content: 'Answer', reasoning: 'hmm', calls: 0 },
    { name: 'thinking then a call', text: '<think>read it first</think>\n<tool_call>{"name": "read_file", "arguments": {"path": "a.ts"}}</tool_call>', content: '', reasoning: 'read it first', calls: 1 },
    { name: 'JSON shown inside thinking is not a call', text: '<think>maybe {"name": "read_file", "arguments": {"path": "x"}}</think>No tool needed.', content: 'No tool needed.', reasoning: 'maybe {"name": "read_file", "arguments": {"path": "x"}}', calls: 0 },
  ];
  it.each(cases)('$name', (c) => {
    const result = parseToolCalls(c.text, TOOLS);
    expect(result.content).toBe(c.content);
    expect(result.reasoning).toBe(c.reasoning);
    expect(result.calls).toHaveLength(c.calls);
  });

  it('takes a call made inside an unclosed thinking block when the reply has no other call', () => {
    const r = parseToolCalls('<think>I need the file<|tool_calls_section_begin|><|tool_call_begin|>functions.read_file:0<|tool_call_argument_begin|>{"path": "a.ts"}<|tool_call_end|><|tool_calls_section_end|>', TOOLS);
    expect(r.calls).toEqual([{ name: 'read_file', arguments: { path: 'a.ts' }, id: 'functions.read_file:0' }]);
    expect(r.reasoning).toBe('I need the file');
  });

  it('a thinking marker inside a call\'s arguments is data, not the end of thinking', () => {
    const text = '<tool_call>{"name": "write_file", "arguments": {"path": "notes.md", "content": "Close the block with </think> and go on."}}</tool_call>';
    const r = parseToolCalls(text, TOOLS);
    expect(r.calls).toEqual([{ name: 'write_file', arguments: { path: 'notes.md', content: 'Close the block with </think> and go on.' } }]);
    expect(r.reasoning).toBeUndefined();
  });

  it('ignores a call drafted in thinking when the reply then makes its real call', () => {
    const text = 'Draft: <tool_call>{"name": "read_file", "arguments": {"path": "draft.ts"}}</tool_call>\n</think>\n<tool_call>{"name": "read_file", "arguments": {"path": "real.ts"}}</tool_call>';
    expect(parseToolCalls(text, TOOLS).calls).toEqual([{ name: 'read_file', arguments: { path: 'real.ts' } }]);
  });
});

describe('parseToolCalls: several calls and prose', () => {
  it('finds every call in one reply, in order, across dialects', () => {
    const text = 'First this:\n<tool_call>{"name": "read_file", "arguments": {"path": "a.ts"}}</tool_call>\nthen that:\n<tool_call>\n<function=list_dir>\n<parameter=path>src</parameter>\n</function>\n</tool_call>\nand finally {"name": "search", "arguments": {"query": "TODO"}}';
    const r = parseToolCalls(text, TOOLS);
    expect(r.calls.map((c) => c.name)).toEqual(['read_file', 'list_dir', 'search']);
    expect(r.content).toBe('First this:\n\nthen that:\n\nand finally');
  });

  it('keeps the prose around calls as content', () => {
    const r = parseToolCalls('I will check the config.\n<tool_call>{"name": "read_file", "arguments": {"path": "config.json"}}</tool_call>\nBack soon.', TOOLS);
    expect(r.content).toBe('I will check the config.\n\nBack soon.');
  });

  it('reads an echoed identical call once', () => {
    const one = '<tool_call>{"name": "read_file", "arguments": {"path": "a.ts"}}</tool_call>';
    expect(parseToolCalls(one + one, TOOLS).calls).toHaveLength(1);
  });
});

describe('parseToolCalls: replies without calls stay content', () => {
  const noCall: Array<{ name: string; text: string; anyTool?: boolean }> = [
    { name: 'plain prose', text: 'The function reads the file and returns its lines.' },
    { name: 'prose starting with a tool-like word', text: 'read the file first, then patch it' },
    { name: 'a command line for an unknown tool', text: 'cat src/app.ts' },
    { name: 'a sentence that starts with a tool name', text: 'search results show that the parser is used in three files.' },
    { name: 'a short sentence that starts with a tool name', text: 'patch the file and rerun the tests' },
    { name: 'a fenced JSON config (no call shape)', text: 'Use this package.json:\n```json\n{"name": "my-app", "version": "1.0.0", "scripts": {"test": "vitest"}}\n```' },
    { name: 'a JSON object without a name', text: '{"amount": 123.45, "date": "2025-12-03"}', anyTool: true },
    { name: 'a name-only JSON object for an unknown name', text: '{"name": "my-app"}', anyTool: true },
    { name: 'markdown links', text: 'See [the docs](https://example.com) and [read_file](x).' },
    { name: 'code that calls a function', text: 'Call it like this:\n```python\nresult = read_file(path="a.py")\nprint(result)\n```' },
    { name: 'Go braces', text: 'for { fmt.Println("hello") }', anyTool: true },
    { name: 'prose about markup tags', text: 'Close the element with </response> and end the turn with </s>.' },
    { name: 'a mention of <tool_call> in prose', text: 'I might call <tool_call> later, once I know more.', anyTool: true },
  ];
  it.each(noCall)('$name', (c) => {
    const r = parseToolCalls(c.text, c.anyTool ? [] : TOOLS);
    expect(r.calls).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.content).toBe(c.text.trim());
  });
});
