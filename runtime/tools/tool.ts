/**
 * What one tool file provides (schema, short description, execution) and what the registry hands
 * it. Cross-cutting policies — containment, result cap, dedup, read-before-write, snapshots,
 * abort — live in the registry, never in a tool.
 */
import { z } from 'zod';
import type { AgentPolicy } from '../agent/policy.js';
import type { ShellSession } from './shell.js';
import type { Workspace } from './workspace.js';

/** OpenAI-style function schema; the same shape the tool-call parser uses. */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ToolContext {
  workspace: Workspace;
  policy: AgentPolicy;
  /** The result cap; tools that can page (read_file) stop early and say how to continue. */
  maxOutputChars: number;
  signal?: AbortSignal;
  /** The session's shell (persistent or fresh per call, as the policy says). */
  shell(): ShellSession;
  /** null: ripgrep is unavailable or disabled, use the JavaScript search. */
  ripgrepPath(): Promise<string | null>;
  /** Where the conversation stands; absent (a registry without an agent): tools size answers by the cap alone. */
  contextState?: () => ContextState | undefined;
}

/** The conversation against its window, in tokens, for tools that size their answer to it (read_file). */
export interface ContextState {
  /** The model's context window. */
  window: number;
  /** What the conversation's messages take now. */
  usedTokens: number;
  /** What the messages may take: the window less the reply reserve and the tool schemas. */
  budgetTokens: number;
}

export interface ToolResult {
  ok: boolean;
  output: string;
  filesCreated?: string[];
  filesEdited?: string[];
  /** Files whose content the model has now seen (for the read-before-write guard). */
  filesRead?: string[];
  /** Something may have changed on disk (even if ok is false, e.g. a failing bash command). */
  changedDisk?: boolean;
  /** Why it failed, as a short stable word (`ambiguous`, `no_match`, `exit_code` …): evidence records it. */
  errorKind?: string;
}

/**
 * What a tool is for. Compact mode offers the tools one category at a time (the model picks the
 * category first); a category without tools is simply not offered.
 */
export const TOOL_CATEGORIES = ['read', 'write', 'search', 'run', 'plan', 'memory', 'mcp', 'web'] as const;
export type ToolCategory = (typeof TOOL_CATEGORIES)[number];

export interface Tool<Args = any> {
  name: string;
  category: ToolCategory;
  /** One or two short sentences: every token here is paid on every model call. */
  description(policy: AgentPolicy): string;
  args: z.ZodType<Args>;
  /** Read-only tools may be answered from the dedup cache; others invalidate it. */
  readOnly: boolean;
  /** Argument names small models use instead of ours, mapped to ours. */
  aliases?: Record<string, string>;
  /** The file this call writes, so the registry can apply the read-before-write guard first. */
  writeTarget?(args: Args): string;
  /**
   * Writes files behind the workspace's back (a shell command): the registry compares the tree
   * before and after the call, so the turn's snapshot (and /undo) covers what it changed.
   */
  writesAnywhere?: boolean;
  /** How to see what the result cap left out. */
  capHint: string;
  /** A hand-written JSON schema sent instead of the one generated from `args`. */
  parameters?: Record<string, unknown>;
  /** Asks the session's `approve` gate before each call, as bash does (MCP tools of untrusted servers). */
  asksApproval?: boolean;
  /** Offered to the model only while this returns true (e.g. step_done, while a plan is in progress). */
  available?(): boolean;
  execute(args: Args, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<Args>(tool: Tool<Args>): Tool<Args> {
  return tool;
}

/** A tool written without zod or the workspace: a JSON schema and `execute(args, { root })`. */
export interface PlainTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  /** Default 'run': a plain tool does something the file tools do not. */
  category?: ToolCategory;
  /** Default false: a call that creates or edits files clears the dedup cache. */
  readOnly?: boolean;
  execute(
    args: Record<string, unknown>,
    ctx: { root: string },
  ): Promise<{ ok: boolean; output: string; filesCreated?: string[]; filesEdited?: string[] }>;
}

/**
 * Wraps a plain tool (e.g. the BoneScript tools) so the registry applies its policies to it.
 * Its arguments reach it unvalidated: it checks them itself, and does its own containment.
 */
export function fromPlainTool(plain: PlainTool): Tool<Record<string, unknown>> {
  return {
    name: plain.name,
    category: plain.category ?? 'run',
    description: () => plain.description,
    parameters: plain.parameters,
    args: z.record(z.string(), z.unknown()),
    readOnly: plain.readOnly ?? false,
    capHint: '',
    async execute(args, ctx) {
      const result = await plain.execute(args, { root: await ctx.workspace.realRootPath() });
      const changed = (result.filesCreated?.length ?? 0) + (result.filesEdited?.length ?? 0) > 0;
      return { ...result, changedDisk: changed };
    },
  };
}

/**
 * JSON schema for the model, generated from the zod schema (one source of truth) and stripped of
 * what costs tokens but tells a model nothing.
 */
export function toParameters(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return strip(json) as Record<string, unknown>;
}

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'additionalProperties' || key === 'minLength') continue;
    if ((key === 'minimum' || key === 'maximum') && typeof value === 'number' && Math.abs(value) >= Number.MAX_SAFE_INTEGER) continue;
    out[key] = strip(value);
  }
  return out;
}

/** A line number that a small model may send as "12". */
export const lineNumber = z.coerce.number().int().min(1);

/** A boolean that a small model may send as "true" / "false". */
export const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
