import type { ToolDefinition } from '../../../runtime/model/toolcalls/index.js';

function tool(name: string, properties: Record<string, unknown>, required: string[] = []): ToolDefinition {
  return { type: 'function', function: { name, description: `${name} tool`, parameters: { type: 'object', properties, required } } };
}

/** A small coding-agent tool set with real schemas, as the agent loop sends them. */
export const TOOLS: ToolDefinition[] = [
  tool('read_file', { path: { type: 'string' }, start_line: { type: 'integer' }, end_line: { type: 'integer' } }, ['path']),
  tool('write_file', { path: { type: 'string' }, content: { type: 'string' } }, ['path', 'content']),
  tool('patch', { path: { type: 'string' }, search: { type: 'string' }, replace: { type: 'string' } }, ['path', 'search', 'replace']),
  tool('run_command', { command: { type: 'string' }, timeout: { type: 'number' } }, ['command']),
  tool('search', { query: { type: 'string' }, limit: { type: 'integer' }, regex: { type: 'boolean' } }, ['query']),
  tool('list_dir', { path: { type: 'string' } }),
  tool('set_mode', { mode: { type: 'string', enum: ['fast', 'careful'] }, verbose: { type: ['boolean', 'null'] } }, ['mode']),
];
