import { parseToolCalls } from './runtime/model/toolcalls/index.js';
const T = (names: string[]) => names.map((name) => ({ type: 'function' as const, function: { name } }));
const cases: Array<[string, string[]]> = [
  ['Thought: x\nAction: read_file\n\nAction Input: {"path": "a.ts"}', []],
  ['Action: read_file (to read the file)\nAction Input: {"path": "a.ts"}\nObservation:', []],
  ['Action: 天气查询\nAction Input: {"城市": "北京"}', []],
  ['Action: search\nAction Input: ** {"q": "x"}', []],
  ['Action: search\nAction Input: search({"q": "x"})', []],
  ['Action: search\nAction Input:\n```json\n{"q": "x"}\n```', []],
  ['Action: search\nAction Input: hello world', ['search']],
  ['The Action: step is next, then Action Input: is filled.', []],
];
for (const [t, tools] of cases) { const r = parseToolCalls(t, T(tools)); console.log(JSON.stringify(r.calls), r.errors.length ? JSON.stringify(r.errors) : '', JSON.stringify(r.content)); }
