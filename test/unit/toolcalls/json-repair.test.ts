import { describe, expect, it } from 'vitest';
import { parseToolCalls, repairJson } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';

describe('repairJson', () => {
  const cases: Array<{ name: string; text: string; value: unknown }> = [
    { name: 'valid JSON as is', text: '{"a": [1, 2]}', value: { a: [1, 2] } },
    { name: 'trailing commas', text: '{"a": [1, 2,], "b": 3,}', value: { a: [1, 2], b: 3 } },
    { name: 'single quotes', text: "{'path': 'a.ts', 'n': 1}", value: { path: 'a.ts', n: 1 } },
    { name: 'unquoted keys', text: '{path: "a.ts", n: 1}', value: { path: 'a.ts', n: 1 } },
    { name: 'comments', text: '{\n  // the file\n  "path": "a.ts" /* inline */\n}', value: { path: 'a.ts' } },
    { name: 'a raw newline inside a string', text: '{"content": "line 1\nline 2"}', value: { content: 'line 1\nline 2' } },
    { name: 'a missing closing brace at the end', text: '{"path": "a.ts", "opts": {"n": 1}', value: { path: 'a.ts', opts: { n: 1 } } },
    { name: 'a truncated array', text: '[1, 2, 3', value: [1, 2, 3] },
    { name: 'Python constants', text: "{'ok': True, 'none': None}", value: { ok: true, none: null } },
    { name: 'prose around an object', text: 'The output is: {"hi": ["a", "b"]} as requested.', value: { hi: ['a', 'b'] } },
    { name: 'a fenced block', text: 'Here:\n```json\n{"key": "value"}\n```\nthanks', value: { key: 'value' } },
    { name: 'a value followed by prose', text: '["a", "b"] is the output.', value: ['a', 'b'] },
    { name: 'a number with thousands separators', text: '12,111', value: 12111 },
    { name: 'a boolean literal', text: 'True', value: true },
    { name: 'an extra closing brace', text: '{"a": {}}}', value: { a: {} } },
    { name: 'output cut after a key (the dangling key is dropped, not set to null)', text: '{"a": {"b": "c", "d":\n', value: { a: { b: 'c' } } },
    { name: 'a missing comma between lines', text: '{"a": "x"\n\n   "b": 2}', value: { a: 'x', b: 2 } },
    { name: 'output cut after a comma', text: '{"path": "a.ts",', value: { path: 'a.ts' } },
  ];
  it.each(cases)('recovers $name', (c) => {
    expect(repairJson(c.text)).toEqual(c.value);
  });

  it.each(['', '   ', 'just some prose', 'hello world, no json here'])('returns undefined for %j', (text) => {
    expect(repairJson(text)).toBeUndefined();
  });

  it('returns undefined instead of throwing on non-string input', () => {
    expect(repairJson(undefined as unknown as string)).toBeUndefined();
    expect(repairJson(42 as unknown as string)).toBeUndefined();
  });
});

describe('broken JSON inside tool calls', () => {
  it.each([
    ['trailing comma', '<tool_call>{"name": "read_file", "arguments": {"path": "a.ts",},}</tool_call>'],
    ['single quotes', "<tool_call>{'name': 'read_file', 'arguments': {'path': 'a.ts'}}</tool_call>"],
    ['unquoted keys', '<tool_call>{name: "read_file", arguments: {path: "a.ts"}}</tool_call>'],
    ['a comment', '<tool_call>{"name": "read_file", // read it\n "arguments": {"path": "a.ts"}}</tool_call>'],
    ['missing final brace at the end of output', '<tool_call>{"name": "read_file", "arguments": {"path": "a.ts"}'],
    ['one brace too many', '{"name": "read_file", "arguments": {"path": "a.ts"}}}'],
    ['arguments as a JSON string', '{"name": "read_file", "arguments": "{\\"path\\": \\"a.ts\\"}"}'],
  ])('%s', (_label, text) => {
    const r = parseToolCalls(text, TOOLS);
    expect(r.errors).toEqual([]);
    expect(r.calls).toEqual([{ name: 'read_file', arguments: { path: 'a.ts' } }]);
  });

  it('an unescaped quote inside a string value is kept as a quote', () => {
    const r = parseToolCalls('<tool_call>\n{"name": "write_file", "arguments": {"path": "a.py", "content": "print("hi")"}}\n</tool_call>', TOOLS);
    expect(r.calls).toEqual([{ name: 'write_file', arguments: { path: 'a.py', content: 'print("hi")' } }]);
  });

  it('a backslash that starts no JSON escape stays a backslash (Windows paths)', () => {
    const r = parseToolCalls('{"name": "read_file", "arguments": {"path": "C:\\Users\\me\\a.txt"}}', TOOLS);
    expect(r.calls).toEqual([{ name: 'read_file', arguments: { path: 'C:\\Users\\me\\a.txt' } }]);
  });

  it('a raw newline inside a JSON string value is kept', () => {
    const r = parseToolCalls('{"name": "write_file", "arguments": {"path": "a.txt", "content": "one\ntwo"}}', TOOLS);
    expect(r.calls).toEqual([{ name: 'write_file', arguments: { path: 'a.txt', content: 'one\ntwo' } }]);
  });
});
