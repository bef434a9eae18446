import { parseToolCalls } from './runtime/model/toolcalls/index.js';
const T = (names: string[]) => names.map((name) => ({ type: 'function' as const, function: { name } }));
const cases: Array<[string, string[]]> = [
  ['<longcat_tool_call>functions.get_weather\n<longcat_arg_key>city</longcat_arg_key>\n<longcat_arg_value>Tokyo</longcat_arg_value>\n</longcat_tool_call>', []],
  ['read_file<arg_key>path</arg_key><arg_value>a.ts</arg_value>', []],
  ['Let me look.\nread_file\n<arg_key>path</arg_key>\n<arg_value>a.ts</arg_value>\nlist_dir<arg_key>path</arg_key><arg_value>src</arg_value>', []],
  ['<tool_call>search\nquery=hello world\nlimit=5</tool_call>', []],
  ['<read_file><path>a.ts</path>', ['read_file']],
  ['<read_file><path>a.ts</path> and then I think', ['read_file']],
  ['<minimax:tool_call><invoke name="f"><parameter name="files">a</parameter><parameter name="files">b</parameter><parameter name="cfg"><a>1</a><b><c>x &amp; y</c></b></parameter></invoke></minimax:tool_call>', []],
  ['<tool_call>f<arg_key>x</arg_key><arg_value>1</arg_value><arg_key>x</arg_key><arg_value>2</arg_value></tool_call>', []],
  ['<write_file><path>a.html</path><content><div>hi &amp; bye</div></content></write_file>', ['write_file']],
];
for (const [t, tools] of cases) { const r = parseToolCalls(t, T(tools)); console.log(JSON.stringify(r.calls), r.errors.length ? JSON.stringify(r.errors) : '', JSON.stringify(r.content)); }
