import { repairJson, parseToolCalls } from './runtime/model/toolcalls/index.js';
for (const s of ['{invalid_json', '{"a": 1, b}', '{"a"', '{"a": }', '[1, , 2]', "{'a': None}", '{a: undefined}', '{"a": [1, 2', '{"a": "x', '{...}', '{"a": 1, ...}']) console.log(JSON.stringify(s), '→', JSON.stringify(repairJson(s)));
console.log(JSON.stringify(parseToolCalls('<tool_call>{invalid_json</tool_call>', [])));
console.log(JSON.stringify(parseToolCalls('<tool_call>{"name": "f", "arguments": {invalid_json}}</tool_call>', [])));
