import type { ActionSpec, FactSpec, GuardEvent } from './types.js';

/**
 * What the runtime publishes to MarrowScript, in ONE place: the facts guards and routers may
 * read, the guard events and actions, the output validators, the heuristic fallbacks and the
 * plan step checks. The compiler types every expression against this module and the runtime
 * builds its `Facts` object to match (see `factsFromSnapshot`).
 */

export const GUARD_EVENTS: readonly GuardEvent[] = ['turn', 'tool_call', 'tool_result', 'reply', 'plan'];

export const FACTS: readonly FactSpec[] = [
  { name: 'session.turn', type: 'int', doc: 'Model round-trips so far in this task (1 on the first).' },
  { name: 'session.calls', type: 'int', doc: 'Tool calls so far in this task.' },
  { name: 'session.failures', type: 'int', doc: 'Failed tool calls so far in this task.' },
  { name: 'session.failure_rate', type: 'float', doc: 'Failed tool calls / tool calls (0 when none), 0..1.' },
  { name: 'session.tokens', type: 'int', doc: 'Tokens used so far in this session.' },
  {
    name: 'calls.identical', type: 'int', doc: 'The most times one identical tool call (name + arguments) occurs among the last `window` calls.',
    params: [{ name: 'window', type: 'int', passing: 'option', required: true }],
  },
  { name: 'calls.consecutive_failures', type: 'int', doc: 'Failed tool calls in a row, up to the latest.' },
  {
    name: 'tool.failures', type: 'int', doc: 'Consecutive recent failures of the named tool; with same_file: true, only those on the file of its latest call.',
    params: [
      { name: 'name', type: 'string', passing: 'positional', required: true },
      { name: 'same_file', type: 'bool', passing: 'option', required: false },
    ],
  },
  { name: 'tool.name', type: 'string', doc: 'The tool of the current call.', events: ['tool_call', 'tool_result'] },
  { name: 'tool.ok', type: 'bool', doc: 'Whether the current call succeeded.', events: ['tool_result'] },
  { name: 'reply.text', type: 'string', doc: "The model's reply text.", events: ['reply'] },
  { name: 'reply.length', type: 'int', doc: "The reply's length in characters.", events: ['reply'] },
  {
    name: 'reply.matches', type: 'bool', doc: 'Whether the reply text matches the regular expression.', events: ['reply'],
    params: [{ name: 'pattern', type: 'regex', passing: 'positional', required: true }],
  },
  { name: 'reply.has_tool_calls', type: 'bool', doc: 'Whether the reply asked for tools.', events: ['reply'] },
  { name: 'context.usage', type: 'float', doc: 'Fraction of the context window in use, 0..1.' },
  { name: 'context.tokens', type: 'int', doc: 'Tokens in the assembled context.' },
  { name: 'task.kind', type: 'string', doc: 'The classified task: coding, editing, search, question or chat.' },
  { name: 'task.words', type: 'int', doc: "Words in the user's message." },
];

export const GUARD_ACTIONS: readonly ActionSpec[] = [
  { name: 'continue', doc: 'Do nothing (useful to count trips).', params: [] },
  { name: 'steer', doc: 'Add a steering message rendered from templates/prompts/cognition/steer/<name>.hbs.', params: [{ name: 'template', type: 'template' }] },
  { name: 'reinject_task', doc: "Repeat the user's task to the model.", params: [] },
  { name: 'force_tool', doc: 'Make the next turn call the named tool.', params: [{ name: 'tool', type: 'tool' }] },
  { name: 'rollback', doc: 'Undo the file changes of the last turn.', params: [] },
  { name: 'escalate', doc: 'Switch the rest of the task to the strongest available model (the last available router tier).', params: [] },
  { name: 'compress', doc: 'Compress the history now with the context `compress` prompt, keeping the recent turns.', params: [] },
  { name: 'stop', doc: 'Stop the task with the given reason.', params: [{ name: 'reason', type: 'string' }] },
];

/** Output validators for a prompt's `validate:` field (schema_only always runs). */
export const VALIDATORS = ['schema_only', 'non_empty', 'json', 'ast_compiles', 'single_line'] as const;

/** on_invalid strategies; `fallback(...)` takes an argument. `repair` = `retry_with_repair_prompt`. */
export const INVALID_STRATEGIES = ['retry', 'retry_with_repair_prompt', 'repair', 'escalate', 'fallback', 'fail'] as const;

/** Prompts with a hand-written heuristic the runtime can fall back to: `on_invalid: fallback(heuristic)`. */
export const HEURISTICS = ['classify_task', 'diagnose_error', 'summarize_history', 'plan_task'] as const;

/** Checks a plan step can be validated with. */
export const PLAN_STEP_CHECKS = ['lint', 'compile', 'test', 'none'] as const;

/** Tools the runtime ships; a policy for another name is a warning (it may come from MCP). */
export const KNOWN_TOOLS = [
  '*', 'read_file', 'write_file', 'patch', 'edit_file', 'search', 'find_files', 'list_dir', 'bash', 'run_tests', 'git', 'web_fetch', 'memory', 'bone_compile', 'think', 'plan', 'task_done', 'step_done',
] as const;

export function factSpec(name: string): FactSpec | undefined {
  return FACTS.find((f) => f.name === name);
}

/** The typed facts object compiled guards and routers read (`f.session.turn`). Matches FACTS. */
export interface Facts {
  session: { turn: number; calls: number; failures: number; failure_rate: number; tokens: number };
  calls: { identical(options: { window: number }): number; consecutive_failures: number };
  tool: { failures(name: string, options?: { same_file?: boolean }): number; name: string; ok: boolean };
  reply: { text: string; length: number; matches(pattern: RegExp): boolean; has_tool_calls: boolean };
  context: { usage: number; tokens: number };
  task: { kind: string; words: number };
}

/** What the engine knows at a guard point; `factsFromSnapshot` derives every fact from it. */
export interface FactSnapshot {
  turn?: number;
  tokens?: number;
  /** The task's tool calls so far, oldest first. `args` is compared structurally. */
  toolCalls?: Array<{ name: string; args?: unknown; ok?: boolean; file?: string }>;
  /** The call being decided (tool_call) or just finished (tool_result). */
  currentTool?: { name: string; ok?: boolean };
  reply?: { text: string; hasToolCalls?: boolean };
  context?: { tokens: number; window: number };
  task?: { kind?: string; message?: string };
}

function argsKey(call: { name: string; args?: unknown }): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sort(x)])) : v;
  return `${call.name}\0${JSON.stringify(sort(call.args ?? null))}`;
}

export function factsFromSnapshot(s: FactSnapshot): Facts {
  const calls = s.toolCalls ?? [];
  const failures = calls.filter((c) => c.ok === false).length;
  let consecutive = 0;
  for (let i = calls.length - 1; i >= 0 && calls[i]!.ok === false; i--) consecutive++;
  const text = s.reply?.text ?? '';
  return {
    session: { turn: s.turn ?? 0, calls: calls.length, failures, failure_rate: calls.length ? failures / calls.length : 0, tokens: s.tokens ?? 0 },
    calls: {
      identical({ window }) {
        const counts = new Map<string, number>();
        let best = 0;
        for (const call of calls.slice(-window)) {
          const n = (counts.get(argsKey(call)) ?? 0) + 1;
          counts.set(argsKey(call), n);
          best = Math.max(best, n);
        }
        return best;
      },
      consecutive_failures: consecutive,
    },
    tool: {
      failures(name, options = {}) {
        const ofTool = calls.filter((c) => c.name === name);
        const file = ofTool.at(-1)?.file;
        let n = 0;
        for (let i = ofTool.length - 1; i >= 0; i--) {
          const call = ofTool[i]!;
          if (options.same_file && call.file !== file) continue;
          if (call.ok !== false) break;
          n++;
        }
        return n;
      },
      name: s.currentTool?.name ?? '',
      ok: s.currentTool?.ok ?? true,
    },
    reply: { text, length: text.length, matches: (re) => re.test(text), has_tool_calls: s.reply?.hasToolCalls ?? false },
    context: { usage: s.context && s.context.window > 0 ? s.context.tokens / s.context.window : 0, tokens: s.context?.tokens ?? 0 },
    task: { kind: s.task?.kind ?? '', words: s.task?.message ? s.task.message.trim().split(/\s+/).filter(Boolean).length : 0 },
  };
}
