/**
 * The forgiving tool-call parser: native tool_calls repair and every text dialect small models
 * emit. See README.md in this folder for the dialects and the policies.
 */
export type { ToolDefinition, ParsedToolCall, ToolCallError, ParseResult } from './types.js';
export { parseToolCalls } from './parse.js';
export { repairToolCall, ARGUMENT_ALIASES } from './arguments.js';
export { repairJson } from './json-repair.js';
