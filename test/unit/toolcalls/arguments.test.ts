import { describe, expect, it } from 'vitest';
import { parseToolCalls, repairToolCall } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';

describe('argument repair against the tool schema', () => {
  const aliasCases: Array<{ name: string; tool: string; args: Record<string, unknown>; expected: Record<string, unknown> }> = [
    { name: 'file_path → path', tool: 'read_file', args: { file_path: 'a.ts' }, expected: { path: 'a.ts' } },
    { name: 'filename → path', tool: 'read_file', args: { filename: 'a.ts' }, expected: { path: 'a.ts' } },
    { name: 'filepath → path', tool: 'read_file', args: { filepath: 'a.ts' }, expected: { path: 'a.ts' } },
    { name: 'old/new → search/replace', tool: 'patch', args: { path: 'a.ts', old: 'x', new: 'y' }, expected: { path: 'a.ts', search: 'x', replace: 'y' } },
    { name: 'old_string/new_string → search/replace', tool: 'patch', args: { file_path: 'a.ts', old_string: 'x', new_string: 'y' }, expected: { path: 'a.ts', search: 'x', replace: 'y' } },
    { name: 'old_str/new_str → search/replace', tool: 'patch', args: { path: 'a.ts', old_str: 'x', new_str: 'y' }, expected: { path: 'a.ts', search: 'x', replace: 'y' } },
    { name: 'camelCase oldString/newString', tool: 'patch', args: { path: 'a.ts', oldString: 'x', newString: 'y' }, expected: { path: 'a.ts', search: 'x', replace: 'y' } },
    { name: 'cmd → command', tool: 'run_command', args: { cmd: 'ls' }, expected: { command: 'ls' } },
    { name: 'contents → content', tool: 'write_file', args: { path: 'a', contents: 'hi' }, expected: { path: 'a', content: 'hi' } },
    { name: 'text → content', tool: 'write_file', args: { path: 'a', text: 'hi' }, expected: { path: 'a', content: 'hi' } },
    { name: 'a different spelling of the parameter name', tool: 'read_file', args: { Path: 'a.ts', StartLine: 2 }, expected: { path: 'a.ts', start_line: 2 } },
    { name: 'an unknown name for the only missing required argument', tool: 'search', args: { pattern_to_find: 'TODO' }, expected: { query: 'TODO' } },
    { name: 'arguments wrapped once more', tool: 'read_file', args: { arguments: { path: 'a.ts' } }, expected: { path: 'a.ts' } },
    { name: 'the whole call nested in its arguments', tool: 'read_file', args: { name: 'read_file', arguments: { path: 'a.ts' } }, expected: { path: 'a.ts' } },
    { name: 'arguments wrapped in "properties"', tool: 'read_file', args: { properties: { path: 'a.ts' } }, expected: { path: 'a.ts' } },
  ];
  it.each(aliasCases)('renames $name', (c) => {
    expect(repairToolCall(c.tool, c.args, TOOLS)).toEqual({ call: { name: c.tool, arguments: c.expected } });
  });

  const coercionCases: Array<{ name: string; tool: string; args: Record<string, unknown>; expected: Record<string, unknown> }> = [
    { name: '"3" → 3 for an integer', tool: 'read_file', args: { path: 'a', start_line: '3' }, expected: { path: 'a', start_line: 3 } },
    { name: '"2.5" → 2.5 for a number', tool: 'run_command', args: { command: 'ls', timeout: '2.5' }, expected: { command: 'ls', timeout: 2.5 } },
    { name: '"true" → true for a boolean', tool: 'search', args: { query: 'x', regex: 'true' }, expected: { query: 'x', regex: true } },
    { name: '"False" → false for a boolean', tool: 'search', args: { query: 'x', regex: 'False' }, expected: { query: 'x', regex: false } },
    { name: '42 → "42" for a string', tool: 'search', args: { query: 42 }, expected: { query: '42' } },
    { name: 'an object → its JSON text for a string', tool: 'write_file', args: { path: 'a.json', content: { a: 1 } }, expected: { path: 'a.json', content: '{\n  "a": 1\n}' } },
    { name: 'an enum value in the wrong case', tool: 'set_mode', args: { mode: 'FAST' }, expected: { mode: 'fast' } },
    { name: 'null where null is allowed', tool: 'set_mode', args: { mode: 'fast', verbose: null }, expected: { mode: 'fast', verbose: null } },
  ];
  it.each(coercionCases)('coerces $name', (c) => {
    expect(repairToolCall(c.tool, c.args, TOOLS)).toEqual({ call: { name: c.tool, arguments: c.expected } });
  });

  it('types XML parameter text by the schema: a string parameter keeps digits as text', () => {
    const r = parseToolCalls('<function=search>\n<parameter=query>\n12345\n</parameter>\n<parameter=limit>\n5\n</parameter>\n</function>', TOOLS);
    expect(r.calls).toEqual([{ name: 'search', arguments: { query: '12345', limit: 5 } }]);
  });

  it('without a schema, XML parameter text is typed by its look (numbers, booleans, JSON) but quoted text stays text', () => {
    const r = parseToolCalls('<function=anything>\n<parameter=n>\n7\n</parameter>\n<parameter=flag>\ntrue\n</parameter>\n<parameter=list>\n[1, 2]\n</parameter>\n<parameter=quoted>\n"foo"\n</parameter>\n</function>', []);
    expect(r.calls).toEqual([{ name: 'anything', arguments: { n: 7, flag: true, list: [1, 2], quoted: '"foo"' } }]);
  });

  it('reads arguments that arrive as a broken JSON string (native tool_calls)', () => {
    expect(repairToolCall('read_file', "{'path': 'a.ts', 'start_line': 3,}", TOOLS)).toEqual({ call: { name: 'read_file', arguments: { path: 'a.ts', start_line: 3 } } });
    expect(repairToolCall('read_file', '{"path": "a.ts"', TOOLS)).toEqual({ call: { name: 'read_file', arguments: { path: 'a.ts' } } });
    expect(repairToolCall('list_dir', '', TOOLS)).toEqual({ call: { name: 'list_dir', arguments: {} } });
    expect(repairToolCall('list_dir', undefined, TOOLS)).toEqual({ call: { name: 'list_dir', arguments: {} } });
  });

  it('takes a lone string as the value of a tool with one required parameter', () => {
    expect(repairToolCall('read_file', 'src/app.ts', TOOLS)).toEqual({ call: { name: 'read_file', arguments: { path: 'src/app.ts' } } });
  });

  it('repairs a near-miss tool name that is unambiguous', () => {
    expect(repairToolCall('ReadFile', { path: 'a' }, TOOLS).call?.name).toBe('read_file');
    expect(repairToolCall('functions.read_file', { path: 'a' }, TOOLS).call?.name).toBe('read_file');
  });

  it('accepts any tool name and passes arguments through when no tools are given', () => {
    expect(repairToolCall('whatever', '{"x": "1"}', [])).toEqual({ call: { name: 'whatever', arguments: { x: '1' } } });
  });
});

describe('errors sent back to the model', () => {
  it('an unknown tool names the closest valid tools and is not returned as a call', () => {
    const r = parseToolCalls('<tool_call>{"name": "reed_file", "arguments": {"path": "a"}}</tool_call>', TOOLS);
    expect(r.calls).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ kind: 'unknown_tool', tool: 'reed_file' });
    expect(r.errors[0]!.message).toContain('Did you mean "read_file"');
    expect(r.errors[0]!.message).toContain('Available tools: read_file, write_file');
  });

  it('a missing required argument names it, with its type and the parameter list', () => {
    const r = parseToolCalls('{"name": "write_file", "arguments": {"path": "a.txt"}}', TOOLS);
    expect(r.calls).toEqual([]);
    expect(r.errors[0]).toMatchObject({ kind: 'missing_argument', tool: 'write_file' });
    expect(r.errors[0]!.message).toContain('"content" (string)');
    expect(r.errors[0]!.message).toContain('{path: string, content: string}');
  });

  it('a value of the wrong type that cannot be coerced is invalid_arguments', () => {
    const r = repairToolCall('read_file', { path: 'a', start_line: 'first' }, TOOLS);
    expect(r.call).toBeUndefined();
    expect(r.error).toMatchObject({ kind: 'invalid_arguments', tool: 'read_file' });
    expect(r.error!.message).toContain('"start_line" must be integer');
  });

  it('arguments that are not an object are malformed, with an example of the expected shape', () => {
    const r = repairToolCall('write_file', 'just some text', TOOLS);
    expect(r.error).toMatchObject({ kind: 'malformed', tool: 'write_file' });
    expect(r.error!.message).toContain('{"path": <string>, "content": <string>}');
  });

  it('an unreadable body inside an explicit wrapper is malformed, and other calls still go through', () => {
    const r = parseToolCalls('<tool_call>{"name": "read_file", "arguments": {invalid json}}</tool_call>\n<tool_call>{"name": "list_dir", "arguments": {}}</tool_call>', TOOLS);
    expect(r.calls).toEqual([{ name: 'list_dir', arguments: {} }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.kind).toBe('malformed');
  });

  it('a call cut off inside its tool name is malformed, not guessed', () => {
    const r = parseToolCalls('<tool_call>{"name": "read_fi', TOOLS);
    expect(r.calls).toEqual([]);
    expect(r.errors[0]!.kind).toBe('malformed');
    expect(r.errors[0]!.message).toContain('cut off');
  });

  it('repairToolCall never throws, whatever it is given', () => {
    for (const [name, args] of [['', '{}'], ['x', '[1,2]'], ['x', '{{{{'], ['read_file', 42 as unknown as string]] as const) {
      const r = repairToolCall(name, args, TOOLS);
      expect(r.call !== undefined || r.error !== undefined).toBe(true);
    }
  });
});
