/**
 * The tool registry: the one place where the cross-cutting policies are applied to every tool
 * call, in this order — argument validation → permission (bash) → read-before-write guard →
 * dedup → execute (containment inside the workspace, snapshot before the first write) → cap.
 * `run` never throws: every failure becomes an ok:false outcome the model can act on.
 */
import { existsSync, realpathSync } from 'node:fs';
import { z } from 'zod';
import { closestNames } from '../../compiler/common/suggest.js';
import { toolPolicy, type AgentPolicy } from '../agent/policy.js';
import { bashTool } from './bash.js';
import { capOutput } from './cap.js';
import { findFilesTool } from './find_files.js';
import { patchTool } from './patch.js';
import { readFileTool } from './read_file.js';
import { searchTool } from './search.js';
import { ShellSession } from './shell.js';
import { TurnSnapshots } from './snapshots.js';
import { TreeWatch } from './tree-watch.js';
import { toParameters, type ContextState, type Tool, type ToolCategory, type ToolContext, type ToolDefinition, type ToolResult } from './tool.js';
import { configuresOutsideConversation, Workspace, WorkspaceError } from './workspace.js';
import { writeFileTool } from './write_file.js';

export interface ToolCallRequest {
  name: string;
  arguments: Record<string, unknown>;
  id?: string;
}

/** What `approve` is asked about: a shell command, or a write to a file that configures or runs code. */
export type ApprovalRequest = ToolCallRequest & { write?: { path: string; why: string } };

export interface ToolOutcome {
  name: string;
  ok: boolean;
  /** What the model sees (already capped). */
  output: string;
  ms: number;
  /** Project-relative paths. */
  filesCreated: string[];
  filesEdited: string[];
  /** Answered by dedup from an identical earlier call. */
  cached?: boolean;
  /** Why it failed (a tool's own kind, or the registry's: invalid_arguments, declined, unread_file, unknown_tool, disabled, cancelled, error). */
  errorKind?: string;
}

export interface ToolRegistryOptions {
  /** Project root (absolute). */
  root: string;
  policy: AgentPolicy;
  /** Names the snapshot folder: letters, digits, '.', '_' or '-'. */
  sessionId: string;
  /** Environment of the shell (default: process.env), already without secrets (runtime/sandbox shellEnvironment). */
  env?: NodeJS.ProcessEnv;
  /** How the shell is confined (runtime/sandbox shellConfinement); default unconfined. */
  confinement?: { wrap: { program: string; args: string[] } | null; refuse?: string };
  /**
   * Gate for bash and for writes to files that configure or run code (`write` set): true runs,
   * false declines, a string declines with that reason for the model.
   */
  approve?: (req: ApprovalRequest) => Promise<boolean | string>;
  /** Without `approve` (headless), writes to such files are refused unless this is true (SMALLCODE_ALLOW_CONFIG_WRITES). */
  allowConfigWrites?: boolean;
  /** ripgrep binary; default the bundled @vscode/ripgrep; false forces the JavaScript search. */
  ripgrepPath?: string | false;
  /** Tools offered after the default six (e.g. the BoneScript tool); same policies apply. */
  extraTools?: Tool[];
  /** Tools that come and go during the session (an MCP server's, while it is up); asked at each use. */
  dynamicTools?: () => Tool[];
  /** Keep the original of every file a turn edits (SMALLCODE_SNAPSHOT); default true. */
  snapshots?: boolean;
  /** The conversation's tokens against its window (read_file's read guard); without it only the result cap applies. */
  contextState?: () => ContextState | undefined;
}

export interface ToolRegistry {
  /** Schemas sent to the model (tools dropped by trust decay left out). */
  definitions(): ToolDefinition[];
  /**
   * Every tool a call may name, dropped ones included: the parser must still recognise a call to
   * a disabled tool, so the model is told why it did not run instead of seeing its call vanish.
   */
  callable(): ToolDefinition[];
  has(name: string): boolean;
  /** What the tool is for (compact mode offers tools by category); undefined for an unknown name. */
  categoryOf(name: string): ToolCategory | undefined;
  /** Snapshots are grouped per turn. */
  beginTurn(turn: number): void;
  /** A new task: tools whose trust belongs to a task (`trust { scope: task }`) are trusted again. */
  beginTask(): void;
  /** Never throws: failures are ok:false outcomes. */
  run(call: ToolCallRequest, opts?: { signal?: AbortSignal }): Promise<ToolOutcome>;
  /** Kills the persistent shell. */
  dispose(): Promise<void>;
}

/** The default toolset, in the order the model sees it. */
export const DEFAULT_TOOLS: Tool[] = [readFileTool, writeFileTool, patchTool, bashTool, searchTool, findFilesTool];

interface CachedResult {
  output: string;
  /** Index of the call that produced it. */
  call: number;
  /** Files the result showed, with their mtime and size then: an edit outside the tools voids the entry. */
  seen: Array<{ rel: string; stamp: string }>;
}

export function createToolRegistry(opts: ToolRegistryOptions): ToolRegistry {
  const { policy } = opts;
  const fixed = new Map([...DEFAULT_TOOLS, ...(opts.extraTools ?? [])].map((t) => [t.name, t]));
  /** Every tool now: the fixed ones, then the dynamic ones (a fixed name wins). */
  const toolMap = (): Map<string, Tool> => {
    if (!opts.dynamicTools) return fixed;
    const all = new Map(fixed);
    for (const t of opts.dynamicTools()) if (!all.has(t.name)) all.set(t.name, t);
    return all;
  };
  const workspace = new Workspace(opts.root);
  const snapshots = new TurnSnapshots(workspace, opts.sessionId);
  if (opts.snapshots !== false) workspace.beforeWrite = (target) => snapshots.capture(target);
  let shell: ShellSession | null = null;
  let treeWatch: TreeWatch | undefined;
  let ripgrep: Promise<string | null> | null = null;

  /** Files whose content the session has seen (read, written or created). */
  const known = new Set<string>();
  /** Files a write was refused for once; the second attempt goes through. */
  const warned = new Set<string>();
  const cache = new Map<string, CachedResult>();
  let calls = 0;

  const maxChars = policy.context.toolResultMaxChars;

  async function stamp(rel: string): Promise<string> {
    const st = await workspace.stat(await workspace.resolve(rel)).catch(() => null);
    return st ? `${st.mtimeMs}:${st.size}` : 'missing';
  }
  const stamps = (files: string[]) => Promise.all(files.map(async (rel) => ({ rel, stamp: await stamp(rel) })));
  const unchanged = async (seen: CachedResult['seen']) => (await Promise.all(seen.map(async (s) => (await stamp(s.rel)) === s.stamp))).every(Boolean);

  function context(signal?: AbortSignal): ToolContext {
    return {
      workspace,
      policy,
      maxOutputChars: maxChars,
      signal,
      shell: () => {
        if (opts.confinement?.refuse) throw new Error(`not run: ${opts.confinement.refuse}`);
        return (shell ??= new ShellSession({ cwd: realpathOr(opts.root), env: opts.env, persist: policy.shell.persist, sandbox: opts.confinement?.wrap }));
      },
      ripgrepPath: () => (ripgrep ??= findRipgrep(opts.ripgrepPath)),
      contextState: opts.contextState,
    };
  }

  async function runTool(tool: Tool, call: ToolCallRequest, signal?: AbortSignal): Promise<Omit<ToolOutcome, 'name' | 'ms'>> {
    const fail = (output: string, errorKind: string) => ({ ok: false, output, filesCreated: [], filesEdited: [], errorKind });
    const parsed = tool.args.safeParse(applyAliases(call.arguments ?? {}, tool.aliases));
    if (!parsed.success) return fail(describeInvalidArgs(tool, parsed.error), 'invalid_arguments');
    const args = parsed.data;

    if ((tool.name === 'bash' || tool.asksApproval) && opts.approve) {
      const verdict = await opts.approve(call);
      if (verdict !== true) return fail(typeof verdict === 'string' ? `Not run: ${verdict}` : `Not run: the user declined this ${tool.name === 'bash' ? 'command' : 'tool call'}.`, 'declined');
    }

    const target = tool.writeTarget?.(args);
    if (target !== undefined) {
      const refusal = await configWriteRefusal(call, target);
      if (refusal) return fail(refusal, 'refused');
    }
    if (target !== undefined && toolPolicy(policy, tool.name).readBeforeWrite) {
      const resolved = await workspace.resolve(target);
      const exists = (await workspace.stat(resolved)) !== null;
      if (exists && !known.has(resolved.rel) && !warned.has(resolved.rel)) {
        warned.add(resolved.rel);
        return fail(
          `${resolved.rel} already exists and you have not read it in this session. Read it with read_file first (or use patch to change part of it); if you really mean to replace it entirely, call ${tool.name} again.`,
          'unread_file',
        );
      }
    }

    const window = toolPolicy(policy, tool.name).dedupWindow ?? 0;
    const key = tool.readOnly && window > 0 ? `${tool.name} ${stableJson(args)}` : null;
    const index = ++calls;
    if (key) {
      const hit = cache.get(key);
      if (hit && index - hit.call <= window && (await unchanged(hit.seen))) {
        return {
          ok: true,
          cached: true,
          filesCreated: [],
          filesEdited: [],
          output: capOutput(
            `[Same call as ${index - hit.call} call(s) ago and nothing has changed since; this is that result again. Do not repeat it: use what it says, or ask for something different.]\n${hit.output}`,
            maxChars,
            tool.capHint || undefined,
          ),
        };
      }
    }

    // A shell command writes behind the workspace's back: what it changed is found by comparing the tree.
    const watch = tool.writesAnywhere && opts.snapshots !== false ? (treeWatch ??= new TreeWatch(workspace)) : undefined;
    await watch?.before().catch(() => undefined);
    const result: ToolResult = await tool.execute(args, context(signal));
    if (watch) {
      const originals = await watch.after().catch(() => []);
      await snapshots.record(originals);
      const changed = new Set([...(result.filesCreated ?? []), ...(result.filesEdited ?? [])]);
      result.filesCreated = [...(result.filesCreated ?? []), ...originals.filter((o) => !o.existed && !changed.has(o.rel)).map((o) => o.rel)];
      result.filesEdited = [...(result.filesEdited ?? []), ...originals.filter((o) => o.existed && !changed.has(o.rel)).map((o) => o.rel)];
    }
    const output = capOutput(result.output, maxChars, tool.capHint || undefined);
    for (const f of [...(result.filesRead ?? []), ...(result.filesCreated ?? []), ...(result.filesEdited ?? [])]) known.add(f);
    if (result.changedDisk) cache.clear();
    if (key && result.ok) cache.set(key, { output, call: index, seen: await stamps(result.filesRead ?? []) });
    return { ok: result.ok, output, filesCreated: result.filesCreated ?? [], filesEdited: result.filesEdited ?? [], ...(result.ok ? {} : { errorKind: result.errorKind ?? 'failed' }) };
  }

  /** A write to a file read outside the conversation (.env, hooks, …) needs the user's yes. */
  async function configWriteRefusal(call: ToolCallRequest, target: string): Promise<string | null> {
    const resolved = await workspace.resolve(target);
    const why = configuresOutsideConversation(resolved.rel);
    if (!why) return null;
    if (opts.approve) {
      const verdict = await opts.approve({ ...call, write: { path: resolved.rel, why } });
      if (verdict === true) return null;
      return `Not written: ${typeof verdict === 'string' ? verdict : `the user declined the write to ${resolved.rel}`}.`;
    }
    if (opts.allowConfigWrites) return null;
    return `Not written: ${configWriteCannotAsk({ path: resolved.rel, why })}.`;
  }

  const definitionOf = new WeakMap<Tool, ToolDefinition>();
  const define = (t: Tool): ToolDefinition => {
    let def = definitionOf.get(t);
    if (!def) {
      def = { type: 'function' as const, function: { name: t.name, description: t.description(policy), parameters: t.parameters ?? toParameters(t.args) } };
      definitionOf.set(t, def);
    }
    return def;
  };
  /** Consecutive failures per tool, for trust decay (a success resets the count). */
  const failing = new Map<string, number>();
  const trustScope = (name: string) => toolPolicy(policy, name).trust?.scope ?? 'task';
  const trustOf = (name: string): 'trusted' | 'demoted' | 'dropped' => {
    const trust = toolPolicy(policy, name).trust;
    const n = failing.get(name) ?? 0;
    if (!trust) return 'trusted';
    return n >= trust.dropAfter ? 'dropped' : n >= trust.demoteAfter ? 'demoted' : 'trusted';
  };
  const record = (name: string, outcome: ToolOutcome): ToolOutcome => {
    const before = trustOf(name);
    failing.set(name, outcome.ok ? 0 : (failing.get(name) ?? 0) + 1);
    const after = trustOf(name);
    if (after === before || after === 'trusted') return outcome;
    const n = failing.get(name)!;
    const note = after === 'dropped'
      ? `${name} has failed ${n} times in a row and is now disabled for this ${trustScope(name)}. Use ${name === 'patch' ? 'write_file with the whole new content' : 'another tool'} instead.`
      : `${name} has failed ${n} times in a row. Read the file again before retrying, or use ${name === 'patch' ? 'write_file with the whole new content' : 'another tool'}.`;
    return { ...outcome, output: `${outcome.output}\n\n${note}` };
  };
  return {
    // Trusted tools first, demoted ones last, dropped ones not at all (trust decay).
    definitions: () => {
      const offered = [...toolMap().values()].filter((t) => t.available?.() !== false).map(define);
      const trusted = offered.filter((d) => trustOf(d.function.name) === 'trusted');
      const demoted = offered.filter((d) => trustOf(d.function.name) === 'demoted');
      return [...trusted, ...demoted];
    },
    callable: () => [...toolMap().values()].filter((t) => t.available?.() !== false).map(define),
    has: (name) => toolMap().has(name),
    categoryOf: (name) => toolMap().get(name)?.category,
    beginTurn: (turn) => snapshots.beginTurn(turn),
    beginTask: () => {
      for (const name of [...failing.keys()]) if (trustScope(name) === 'task') failing.delete(name);
    },
    async run(call, runOpts) {
      const started = performance.now();
      // Every answer is capped here, refusals included; tool output was already capped with its hint.
      const finish = (o: Omit<ToolOutcome, 'name' | 'ms'>): ToolOutcome => ({
        name: call.name,
        ms: Math.round(performance.now() - started),
        ...o,
        output: capOutput(o.output, maxChars),
      });
      const tools = toolMap();
      const tool = tools.get(call.name);
      if (!tool) {
        const near = closestNames(call.name, tools.keys());
        const hint = near.length ? ` Did you mean '${near[0]}'?` : '';
        return finish({ ok: false, output: `Unknown tool '${call.name}'.${hint} Tools: ${[...tools.keys()].join(', ')}.`, filesCreated: [], filesEdited: [], errorKind: 'unknown_tool' });
      }
      if (runOpts?.signal?.aborted) return finish({ ok: false, output: 'Cancelled before it ran.', filesCreated: [], filesEdited: [], errorKind: 'cancelled' });
      if (trustOf(tool.name) === 'dropped') {
        return finish({ ok: false, output: `${tool.name} is disabled for this ${trustScope(tool.name)} after ${failing.get(tool.name)} failures in a row, so this call did not run. Tools: ${[...tools.keys()].filter((n) => trustOf(n) !== 'dropped').join(', ')}.`, filesCreated: [], filesEdited: [] });
      }
      try {
        return record(tool.name, finish(await runTool(tool, call, runOpts?.signal)));
      } catch (err) {
        if (!tool.readOnly) cache.clear(); // it may have changed something before it failed
        return record(tool.name, finish({ ok: false, output: describeError(tool.name, err), filesCreated: [], filesEdited: [], errorKind: 'error' }));
      }
    },
    async dispose() {
      await shell?.dispose();
      shell = null;
    },
  };
}

/** Why a write to a configuring file is refused where no one can be asked (headless). */
export function configWriteCannotAsk(write: { path: string; why: string }): string {
  return `${write.path} ${write.why}, so the model may change it only with the user's approval, and this run cannot ask (allow with --allow-config-writes or SMALLCODE_ALLOW_CONFIG_WRITES=true). Tell the user what to change instead`;
}

/** Renames the argument names small models commonly use to ours (never overriding ours). */
function applyAliases(raw: Record<string, unknown>, aliases: Record<string, string> = {}): Record<string, unknown> {
  const out = { ...raw };
  for (const [alias, name] of Object.entries(aliases)) {
    if (alias in out && !(name in out)) {
      out[name] = out[alias];
      delete out[alias];
    }
  }
  return out;
}

/** Names each bad field and shows the expected shape, e.g. "'path': expected string, got number". */
function describeInvalidArgs(tool: Tool, error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.join('.') : '(arguments)';
    return `'${field}': ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  const shape = (tool.parameters ?? toParameters(tool.args)) as { properties?: Record<string, { type?: string }>; required?: string[] };
  const fields = Object.entries(shape.properties ?? {}).map(
    ([name, p]) => `${name}${shape.required?.includes(name) ? '' : '?'}: ${p.type ?? 'any'}`,
  );
  return `Invalid arguments for ${tool.name}: ${problems.join('; ')}. Expected {${fields.join(', ')}}.`;
}

function describeError(tool: string, err: unknown): string {
  if (err instanceof WorkspaceError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return `${tool} was cancelled.`;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `${tool} failed: permission denied (${e.path ?? e.message}).`;
  return `${tool} failed: ${e?.message ?? String(err)}`;
}

/** Key order must not make two identical calls look different. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The shell starts in the real root, so the cwd it reports compares with workspace paths. */
function realpathOr(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

async function findRipgrep(configured: string | false | undefined): Promise<string | null> {
  if (configured === false) return null;
  if (configured) return existsSync(configured) ? configured : null;
  try {
    const { rgPath } = await import('@vscode/ripgrep');
    return existsSync(rgPath) ? rgPath : null;
  } catch {
    return null; // the platform package is missing: the JavaScript search takes over
  }
}
