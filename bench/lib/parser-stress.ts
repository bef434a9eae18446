/**
 * Generated adversarial inputs of a given size for `bench:parser`: the shapes that make forgiving
 * parsers slow (long quoted strings with and without inner quotes, unclosed brackets and markers,
 * endless repetition of a dialect's opening marker, deep nesting). Deterministic: no randomness,
 * so two runs time the same text.
 */

const repeatTo = (unit: string, size: number) => unit.repeat(Math.max(1, Math.ceil(size / unit.length))).slice(0, size);

export interface StressInput {
  name: string;
  text: string;
}

export function stressInputs(size: number): StressInput[] {
  const body = (unit: string) => repeatTo(unit, size);
  return [
    { name: 'single-quoted string', text: `{'a': '${body('x')}'}` },
    { name: 'single-quoted, unclosed', text: `{'a': '${body('x')}` },
    { name: 'single-quoted with " inside', text: `{'a': '${body('x "y" ')}'}` },
    { name: 'double-quoted with " inside', text: `{"a": "${body('x "y" ')}"}` },
    { name: 'call: single-quoted code', text: `<tool_call>{'name': 'write_file', 'arguments': {'path': 'a.py', 'content': '${body('print("hi")\\n')}'}}</tool_call>` },
    { name: 'call: " inside, unclosed', text: `<tool_call>{"name": "write_file", "arguments": {"content": "${body('say "hi" ')}` },
    { name: 'unclosed {', text: body('{') },
    { name: 'unclosed [', text: body('[') },
    { name: 'unclosed {"a":', text: body('{"a":') },
    { name: 'quotes only', text: body('"') },
    { name: 'backslashes', text: `{"a": "${body('\\')}"}` },
    { name: '<tool_call> repeated', text: body('<tool_call>') },
    { name: '<function= repeated', text: body('<function=f><parameter=a>') },
    { name: '<invoke name= repeated', text: body('<invoke name="f"><parameter name="a">') },
    { name: '<arg_key> repeated', text: `<tool_call>f${body('<arg_key>k</arg_key><arg_value>')}` },
    { name: '[TOOL_CALLS] repeated', text: body('[TOOL_CALLS]f[ARGS]{') },
    { name: 'call: repeated (gemma)', text: `<|tool_call>${body('call:f{a:<|"|>')}` },
    { name: 'Action: repeated', text: body('Action: f\nAction Input: {') },
    { name: 'pythonic f( repeated', text: `[${body('f(a=')}` },
    { name: 'tool call begin repeated', text: body('<｜tool▁call▁begin｜>f<｜tool▁sep｜>{') },
    { name: 'harmony tokens repeated', text: body('<|start|>assistant<|channel|>commentary to=functions.f<|message|>{') },
    { name: '<think> repeated', text: body('<think>') },
    { name: 'prose', text: body('The quick brown fox reads src/app.ts and writes a test. ') },
    { name: 'many small calls', text: body('<tool_call>{"name": "read_file", "arguments": {"path": "a.ts"}}</tool_call>\n') },
    { name: 'deep nesting', text: `{"a": ${body('[')}` },
    { name: 'fenced JSON', text: '```json\n' + `{"a": "${body('y')}"}` + '\n```' },
    { name: 'xml child tags', text: `<read_file>${body('<path>a</path>')}` },
  ];
}
