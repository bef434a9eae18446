/**
 * An MCP server's tools as registry tools: `mcp__<server>__<tool>`, the server's JSON schema sent
 * as it is and validated (after the usual argument repair) by a zod schema built from it, offered
 * only while the server is connected, asking before each call unless the server is trusted.
 */
import { z } from 'zod';
import type { Tool } from '../tools/tool.js';
import type { McpServer, McpToolInfo } from './server.js';

export const MCP_PREFIX = 'mcp__';
/** OpenAI-compatible servers accept function names up to 64 characters of [A-Za-z0-9_-]. */
const MAX_NAME = 64;
/** A server's description can be pages long; every character is paid on every request. */
const MAX_DESCRIPTION = 300;

export function mcpToolName(server: string, tool: string): string {
  return `${MCP_PREFIX}${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, MAX_NAME);
}

/** The server part of an MCP tool's name (undefined for other tools). */
export function mcpServerOf(toolName: string): string | undefined {
  if (!toolName.startsWith(MCP_PREFIX)) return undefined;
  const rest = toolName.slice(MCP_PREFIX.length);
  const end = rest.indexOf('__');
  return end > 0 ? rest.slice(0, end) : undefined;
}

export function mcpTool(server: McpServer, info: McpToolInfo): Tool<Record<string, unknown>> {
  const parameters = cleanSchema(info.inputSchema);
  return {
    name: mcpToolName(server.name, info.name),
    category: 'mcp',
    description: () => shortDescription(info.description, server.name),
    parameters,
    args: argsSchema(parameters),
    readOnly: info.annotations?.readOnlyHint === true,
    asksApproval: !server.config.trust,
    capHint: '',
    available: () => server.state === 'ready' && server.tools.includes(info),
    async execute(args, ctx) {
      const result = await server.call(info.name, args, ctx.signal);
      // A tool that is not read-only may have changed anything, files included.
      return { ...result, changedDisk: info.annotations?.readOnlyHint !== true };
    },
  };
}

function shortDescription(text: string | undefined, server: string): string {
  const oneParagraph = (text ?? '').trim().split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ');
  const cut = oneParagraph.length > MAX_DESCRIPTION ? `${oneParagraph.slice(0, MAX_DESCRIPTION - 1)}…` : oneParagraph;
  return cut ? `${cut} (MCP server ${server})` : `A tool of the MCP server ${server}.`;
}

/** The server's schema, minus what tells a model nothing. */
function cleanSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const { $schema: _drop, ...rest } = schema ?? {};
  return { type: 'object', ...rest, properties: (rest.properties as object | undefined) ?? {} };
}

/**
 * Validation of the arguments against the server's schema, so a bad call gets the same answer as
 * for our tools. A schema zod cannot express is left to the server to check.
 */
function argsSchema(schema: Record<string, unknown>): z.ZodType<Record<string, unknown>> {
  try {
    return z.fromJSONSchema(schema as never) as z.ZodType<Record<string, unknown>>;
  } catch {
    return z.record(z.string(), z.unknown());
  }
}
