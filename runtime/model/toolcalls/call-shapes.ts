/**
 * Reads a parsed JSON value as tool calls. Models write the same call in many shapes:
 * `{"name", "arguments"}`, `{"name", "parameters"}`, `{"tool_name", "parameters"}` (Command R),
 * `{"function": {"name", "arguments"}}` (OpenAI), `{"tool": …, "tool_input": …}`, LangChain's
 * `{"action", "action_input"}`, `{"tool_calls": [...]}` envelopes, arrays of any of these, and
 * inside an explicit wrapper also `{"<tool name>": {args}}` (Apertus) or the arguments flattened
 * next to the name.
 */
import type { RawCall } from './types.js';
import { isToolName } from './scan.js';

const NAME_KEYS = ['name', 'tool_name', 'toolName', 'function_name', 'functionName', 'tool', 'function', 'action', 'recipient_name', 'command_name'];
const ARG_KEYS = ['arguments', 'parameters', 'args', 'input', 'params', 'tool_input', 'action_input', 'kwargs', 'argument', 'parameter', 'tool_args', 'tool_arguments'];
const ENVELOPE_KEYS = ['tool_calls', 'toolCalls', 'function_calls', 'calls', 'tool_call', 'function_call', 'functionCall', 'toolCall', 'tools', 'actions'];
/** Keys that may sit beside a call without being arguments. */
const META_KEYS = new Set(['id', 'type', 'tool_call_id', 'call_id', 'index']);

export interface ShapeOptions {
  /** Inside an explicit call wrapper: accept a name without arguments and `{"<tool>": {args}}`. */
  wrapped: boolean;
  /** Known tool names (empty = any). Lets bare JSON with flattened arguments count when the name is known. */
  toolNames: ReadonlySet<string>;
}

export interface ShapedCalls {
  calls: RawCall[];
  /** `full` = every call had a name and an arguments key; `loose` = some relied on a looser shape. */
  strength: 'full' | 'loose';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cleanName(raw: string): string {
  let name = raw.trim();
  if (name.startsWith('functions.')) name = name.slice('functions.'.length);
  return name;
}

function objectToCall(obj: Record<string, unknown>, opts: ShapeOptions): { call: RawCall; full: boolean } | undefined {
  // OpenAI envelope: {"type": "function", "function": {"name", "arguments"}}
  if (isPlainObject(obj.function) && typeof obj.function.name === 'string') {
    const inner = objectToCall(obj.function, opts);
    if (inner) return { call: { ...inner.call, id: typeof obj.id === 'string' ? obj.id : inner.call.id }, full: inner.full };
  }
  const nameKey = NAME_KEYS.find((k) => typeof obj[k] === 'string' && isToolName(cleanName(obj[k] as string)));
  if (nameKey !== undefined) {
    const name = cleanName(obj[nameKey] as string);
    const argKey = ARG_KEYS.find((k) => k in obj && k !== nameKey);
    const id = typeof obj.id === 'string' ? obj.id : typeof obj.tool_call_id === 'string' ? obj.tool_call_id : undefined;
    if (argKey !== undefined) return { call: { name, arguments: obj[argKey], id }, full: true };
    const rest = Object.keys(obj).filter((k) => k !== nameKey && !META_KEYS.has(k));
    if (rest.length === 0) {
      if (opts.wrapped || opts.toolNames.has(name)) return { call: { name, arguments: {}, id }, full: false };
      return undefined;
    }
    // Arguments flattened beside the name: only when the context makes the call unambiguous.
    if (opts.wrapped || opts.toolNames.has(name)) {
      const args: Record<string, unknown> = {};
      for (const k of rest) args[k] = obj[k];
      return { call: { name, arguments: args, id }, full: false };
    }
    return undefined;
  }
  // Apertus and friends: {"get_weather": {"city": "Paris"}}
  const keys = Object.keys(obj);
  if (keys.length === 1 && isPlainObject(obj[keys[0]!]) && isToolName(keys[0]!)) {
    const name = keys[0]!;
    if (opts.wrapped || opts.toolNames.has(name)) return { call: { name, arguments: obj[name] }, full: false };
  }
  return undefined;
}

/** Interprets a JSON value as calls, or returns undefined when it does not look like calls at all. */
export function callsFromJson(value: unknown, opts: ShapeOptions): ShapedCalls | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return opts.wrapped ? { calls: [], strength: 'full' } : undefined;
    const calls: RawCall[] = [];
    let full = true;
    for (const item of value) {
      const shaped = callsFromJson(item, opts);
      if (!shaped) return undefined;
      calls.push(...shaped.calls);
      if (shaped.strength === 'loose') full = false;
    }
    return { calls, strength: full ? 'full' : 'loose' };
  }
  if (!isPlainObject(value)) return undefined;
  for (const key of ENVELOPE_KEYS) {
    const inner = value[key];
    if ((Array.isArray(inner) || isPlainObject(inner)) && !NAME_KEYS.some((k) => typeof value[k] === 'string')) {
      const shaped = callsFromJson(inner, { ...opts, wrapped: true });
      if (shaped) return shaped;
    }
  }
  const one = objectToCall(value, opts);
  if (!one) return undefined;
  return { calls: [one.call], strength: one.full ? 'full' : 'loose' };
}
