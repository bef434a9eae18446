/**
 * Checks a call against the tool schemas and repairs what a small model typically gets wrong:
 * a near-miss tool name, arguments sent as a (broken) JSON string, arguments wrapped once more in
 * `{"arguments": …}`, argument names from another agent's vocabulary (`file_path` for `path`,
 * `old_string` for `search`, `cmd` for `command`…), and values of the wrong JSON type ("3" for 3).
 * What cannot be repaired becomes a ToolCallError whose message tells the model the valid choices.
 */
import { closestNames } from '../../../compiler/common/suggest.js';
import { parseLenient } from './json-repair.js';
import { inferText, readElements } from './values.js';
import type { ParsedToolCall, RawCall, ToolCallError, ToolDefinition } from './types.js';

type Schema = Record<string, unknown>;

/**
 * Argument names that mean the same thing across agents' tool vocabularies. An argument the
 * schema does not know is renamed to whichever member of its group the schema does declare.
 */
export const ARGUMENT_ALIASES: readonly (readonly string[])[] = [
  ['path', 'file_path', 'filepath', 'filename', 'file_name', 'file', 'fname', 'target_file', 'relative_path', 'absolute_path', 'target_path', 'file_location'],
  ['search', 'old', 'old_string', 'old_str', 'old_text', 'old_content', 'old_code', 'find', 'original', 'original_text', 'search_text', 'search_string', 'before', 'target_text'],
  ['replace', 'new', 'new_string', 'new_str', 'new_text', 'new_content', 'new_code', 'replacement', 'replace_text', 'replace_with', 'replacement_text', 'after'],
  ['command', 'cmd', 'command_line', 'shell_command', 'bash_command', 'script', 'shell'],
  ['content', 'contents', 'text', 'body', 'data', 'file_content', 'file_contents', 'file_text', 'code'],
  ['query', 'q', 'search_query', 'query_string', 'search_term', 'keywords'],
  ['pattern', 'regex', 'regexp', 'glob', 'glob_pattern', 'search_pattern'],
  ['url', 'uri', 'link', 'href', 'address'],
  ['directory', 'dir', 'folder', 'dir_path', 'directory_path', 'folder_path'],
  ['start_line', 'line_start', 'from_line', 'first_line', 'start'],
  ['end_line', 'line_end', 'to_line', 'last_line', 'end'],
];

/** Keys a model wraps arguments in once more: unwrapped when the schema does not declare them. */
const WRAPPER_KEYS = ['arguments', 'parameters', 'properties', 'args', 'input', 'params', 'kwargs'];

const normalize = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, '');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function schemaOf(tool: ToolDefinition | undefined): Schema | undefined {
  const p = tool?.function.parameters;
  return isPlainObject(p) ? p : undefined;
}

function propertiesOf(schema: Schema | undefined): Record<string, Schema> {
  const props = schema?.properties;
  if (!isPlainObject(props)) return {};
  const out: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(props)) out[k] = isPlainObject(v) ? v : {};
  return out;
}

function requiredOf(schema: Schema | undefined): string[] {
  const req = schema?.required;
  return Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : [];
}

/** The JSON types a property schema allows (from `type`, `anyOf`/`oneOf`, or `enum`). */
function typesOf(prop: Schema | undefined): Set<string> {
  const types = new Set<string>();
  if (!prop) return types;
  const t = prop.type;
  if (typeof t === 'string') types.add(t);
  else if (Array.isArray(t)) for (const x of t) if (typeof x === 'string') types.add(x);
  for (const key of ['anyOf', 'oneOf']) {
    const alts = prop[key];
    if (Array.isArray(alts)) for (const alt of alts) if (isPlainObject(alt)) for (const x of typesOf(alt)) types.add(x);
  }
  if (types.size === 0 && Array.isArray(prop.enum)) for (const e of prop.enum) types.add(e === null ? 'null' : typeof e);
  return types;
}

function describeType(prop: Schema | undefined): string {
  const types = [...typesOf(prop)];
  return types.length ? types.join(' | ') : 'any';
}

/**
 * XML children for an object or array parameter (`<files><item>a</item><item>b</item></files>`):
 * an object as written, or for an array the one repeated child's values.
 */
function elementsAsValue(text: string, types: Set<string>): { value: unknown } | undefined {
  const elements = readElements(text);
  if (!elements) return undefined;
  const keys = Object.keys(elements);
  if (types.has('array') && keys.length === 1) {
    const only = elements[keys[0]!];
    return { value: Array.isArray(only) ? only : [only] };
  }
  return { value: elements };
}

// ---------------------------------------------------------------------------------------------
// Tool lookup

export function findTool(name: string, tools: readonly ToolDefinition[]): { tool?: ToolDefinition; error?: ToolCallError } {
  const exact = tools.find((t) => t.function.name === name);
  if (exact) return { tool: exact };
  let bare = name.trim();
  if (bare.startsWith('functions.')) bare = bare.slice('functions.'.length);
  if (bare.endsWith('.call')) bare = bare.slice(0, -'.call'.length);
  const byNorm = tools.filter((t) => normalize(t.function.name) === normalize(bare));
  if (byNorm.length === 1) return { tool: byNorm[0] };
  const names = tools.map((t) => t.function.name);
  const close = closestNames(bare, names, 3);
  const hint = close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  const list = names.length <= 30 ? ` Available tools: ${names.join(', ')}.` : '';
  return {
    error: { kind: 'unknown_tool', tool: name, message: `Unknown tool "${name}".${hint}${list}` },
  };
}

// ---------------------------------------------------------------------------------------------
// Value coercion

type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

function coerceValue(value: unknown, prop: Schema | undefined, fromText: boolean): Coerced {
  const types = typesOf(prop);
  if (types.size === 0) return { ok: true, value: fromText ? inferText(value) : value };
  if (value === null) return types.has('null') ? { ok: true, value } : { ok: false, reason: 'got null' };

  if (typeof value === 'string') {
    const t = value.trim();
    if (types.has('string')) return { ok: true, value: matchEnum(value, prop) };
    if ((types.has('integer') || types.has('number')) && /^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(t)) {
      const n = Number(t);
      if (types.has('number') || Number.isInteger(n)) return { ok: true, value: n };
    }
    if (types.has('boolean')) {
      const b = BOOLEAN_WORDS[t.toLowerCase()];
      if (b !== undefined) return { ok: true, value: b };
    }
    if (types.has('null') && (t === '' || t === 'null' || t === 'None')) return { ok: true, value: null };
    if (types.has('array') || types.has('object')) {
      const parsed = t.startsWith('{') || t.startsWith('[') ? parseLenient(t) : t.startsWith('<') ? elementsAsValue(t, types) : undefined;
      if (parsed) {
        if (Array.isArray(parsed.value) && types.has('array')) return { ok: true, value: parsed.value };
        if (isPlainObject(parsed.value) && types.has('object')) return { ok: true, value: parsed.value };
      }
      if (types.has('array')) return { ok: true, value: [value] };
    }
    return { ok: false, reason: `got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}` };
  }
  if (typeof value === 'number') {
    if (types.has('integer') && Number.isInteger(value)) return { ok: true, value };
    if (types.has('number')) return { ok: true, value };
    if (types.has('string')) return { ok: true, value: String(value) };
    if (types.has('boolean') && (value === 0 || value === 1)) return { ok: true, value: value === 1 };
    if (types.has('array')) return { ok: true, value: [value] };
    return { ok: false, reason: `got the number ${value}` };
  }
  if (typeof value === 'boolean') {
    if (types.has('boolean')) return { ok: true, value };
    if (types.has('string')) return { ok: true, value: String(value) };
    return { ok: false, reason: `got ${value}` };
  }
  if (Array.isArray(value)) {
    if (types.has('array')) return { ok: true, value };
    if (types.has('string')) return { ok: true, value: value.every((v) => typeof v === 'string') ? value.join('\n') : JSON.stringify(value) };
    return { ok: false, reason: 'got an array' };
  }
  if (isPlainObject(value)) {
    if (types.has('object')) return { ok: true, value };
    // A JSON document written as an object where the schema wants its text (e.g. file content).
    if (types.has('string')) return { ok: true, value: JSON.stringify(value, null, 2) };
    if (types.has('array')) return { ok: true, value: [value] };
    return { ok: false, reason: 'got an object' };
  }
  return { ok: true, value };
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, yes: true, no: false, '1': true, '0': false, on: true, off: false };

function matchEnum(value: string, prop: Schema | undefined): string {
  const options = prop?.enum;
  if (!Array.isArray(options) || options.includes(value)) return value;
  const folded = options.find((o) => typeof o === 'string' && o.toLowerCase() === value.trim().toLowerCase());
  return typeof folded === 'string' ? folded : value;
}

// ---------------------------------------------------------------------------------------------
// Argument repair

function renameToSchema(args: Record<string, unknown>, props: Record<string, Schema>): Record<string, unknown> {
  const propNames = Object.keys(props);
  if (propNames.length === 0) return args;
  const byNorm = new Map(propNames.map((p) => [normalize(p), p]));
  const out: Record<string, unknown> = {};
  const pending: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(args)) {
    if (k in props) out[k] = v;
    else pending.push([k, v]);
  }
  for (const [k, v] of pending) {
    const target = byNorm.get(normalize(k)) ?? aliasTarget(k, props, out);
    if (target !== undefined && !(target in out)) out[target] = v;
    else out[k] = v;
  }
  return out;
}

function aliasTarget(key: string, props: Record<string, Schema>, taken: Record<string, unknown>): string | undefined {
  const n = normalize(key);
  for (const group of ARGUMENT_ALIASES) {
    if (!group.some((g) => normalize(g) === n)) continue;
    for (const member of group) {
      const prop = Object.keys(props).find((p) => normalize(p) === normalize(member));
      if (prop !== undefined && !(prop in taken)) return prop;
    }
  }
  return undefined;
}

function unwrapArguments(args: Record<string, unknown>, props: Record<string, Schema>, toolName: string): Record<string, unknown> {
  // The whole call nested in its own arguments: {"name": "read_file", "arguments": {…}}.
  if (args.name === toolName && !('name' in props)) {
    const inner = WRAPPER_KEYS.find((k) => k in args && !(k in props));
    if (inner !== undefined && Object.keys(args).length === 2) return unwrapArguments({ [inner]: args[inner] }, props, toolName);
  }
  const keys = Object.keys(args);
  if (keys.length !== 1) return args;
  const key = keys[0]!;
  if (key in props || !WRAPPER_KEYS.includes(key)) return args;
  const inner = args[key];
  if (isPlainObject(inner)) return inner;
  if (typeof inner === 'string') {
    const parsed = parseLenient(inner.trim());
    if (parsed && isPlainObject(parsed.value)) return parsed.value;
  }
  return args;
}

function malformed(tool: string, detail: string, schema: Schema | undefined): ToolCallError {
  return {
    kind: 'malformed',
    tool,
    message: `The arguments of "${tool}" could not be read: ${detail}. Send them as one JSON object${exampleFor(schema)}.`,
  };
}

function exampleFor(schema: Schema | undefined): string {
  const props = propertiesOf(schema);
  const required = requiredOf(schema);
  const keys = required.length ? required : Object.keys(props).slice(0, 2);
  if (!keys.length) return '';
  return `, e.g. {${keys.map((k) => `"${k}": <${describeType(props[k])}>`).join(', ')}}`;
}

/** Turns whatever the dialect read as arguments into an object, or explains why it cannot. */
function argumentsObject(raw: unknown, toolName: string, schema: Schema | undefined): { args?: Record<string, unknown>; error?: ToolCallError } {
  if (raw === undefined || raw === null) return { args: {} };
  if (isPlainObject(raw)) return { args: raw };
  if (typeof raw === 'string') {
    const t = raw.trim();
    if (t === '') return { args: {} };
    const parsed = t.startsWith('{') || t.startsWith('[') || t.startsWith('"') ? parseLenient(t) : undefined;
    if (parsed && isPlainObject(parsed.value)) return { args: parsed.value };
    if (parsed && typeof parsed.value === 'string') return argumentsObject(parsed.value, toolName, schema);
    // A lone value for a tool with a single parameter: that parameter is meant.
    const props = propertiesOf(schema);
    const required = requiredOf(schema);
    const single = required.length === 1 ? required[0] : Object.keys(props).length === 1 ? Object.keys(props)[0] : undefined;
    if (single !== undefined && !(t.startsWith('{') || t.startsWith('['))) return { args: { [single]: raw } };
    return { error: malformed(toolName, `expected a JSON object, got ${JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t)}`, schema) };
  }
  return { error: malformed(toolName, `expected a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`, schema) };
}

/** Checks and repairs one call read by a dialect. */
export function repairCall(raw: RawCall, tools: readonly ToolDefinition[]): { call?: ParsedToolCall; error?: ToolCallError } {
  let tool: ToolDefinition | undefined;
  let name = raw.name;
  if (tools.length > 0) {
    const found = findTool(raw.name, tools);
    if (found.error) return { error: found.error };
    tool = found.tool!;
    name = tool.function.name;
  }
  const schema = schemaOf(tool);
  if (raw.malformed !== undefined) return { error: malformed(name, raw.malformed, schema) };

  const got = argumentsObject(raw.arguments, name, schema);
  if (got.error) return { error: got.error };
  const props = propertiesOf(schema);
  let args = unwrapArguments(got.args!, props, name);
  args = renameToSchema(args, props);

  const required = requiredOf(schema);
  let missing = required.filter((r) => !(r in args) || args[r] === undefined);
  // One unknown argument and one missing required one: the model used its own name for it.
  const unknown = Object.keys(args).filter((k) => !(k in props));
  if (missing.length === 1 && unknown.length === 1 && Object.keys(props).length > 0) {
    args[missing[0]!] = args[unknown[0]!];
    delete args[unknown[0]!];
    missing = [];
  }
  if (missing.length > 0) {
    const wanted = missing.map((m) => `"${m}" (${describeType(props[m])})`).join(', ');
    const all = Object.keys(props).map((p) => `${p}${required.includes(p) ? '' : '?'}: ${describeType(props[p])}`).join(', ');
    return {
      error: {
        kind: 'missing_argument',
        tool: name,
        message: `Tool "${name}" is missing required argument${missing.length > 1 ? 's' : ''} ${wanted}. Its parameters are {${all}}. Call it again with every required argument.`,
      },
    };
  }

  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(args)) {
    if (!(k in props) && schema?.additionalProperties === false) continue;
    const coerced = coerceValue(v, props[k], raw.textValues === true);
    if (coerced.ok) out[k] = coerced.value;
    else problems.push(`"${k}" must be ${describeType(props[k])} (${coerced.reason})`);
  }
  if (problems.length > 0) {
    return { error: { kind: 'invalid_arguments', tool: name, message: `Invalid arguments for "${name}": ${problems.join('; ')}.` } };
  }
  return { call: raw.id !== undefined ? { name, arguments: out, id: raw.id } : { name, arguments: out } };
}

/**
 * For native `tool_calls` from the API: the name and the arguments string as the server sent
 * them (possibly broken JSON), checked and repaired against the tool schemas.
 */
export function repairToolCall(
  name: string,
  rawArguments: string | Record<string, unknown> | undefined,
  tools: ToolDefinition[],
): { call?: ParsedToolCall; error?: ToolCallError } {
  try {
    if (typeof name !== 'string' || name.trim() === '') {
      return { error: { kind: 'malformed', message: 'A tool call had no tool name. Name the tool to call.' } };
    }
    return repairCall({ name: name.trim(), arguments: rawArguments }, Array.isArray(tools) ? tools : []);
  } catch (err) {
    return { error: { kind: 'malformed', tool: String(name), message: `The tool call could not be read (${(err as Error).message}).` } };
  }
}
