import type { Usage } from '../model/types.js';

export interface ToolCallRecord {
  name: string;
  args: Record<string, unknown>;
  ok: boolean;
  ms: number;
  cached?: boolean;
}

/** What one task produced; `smallcode run --json` prints exactly this. */
export interface RunResult {
  response: string;
  toolCalls: ToolCallRecord[];
  filesCreated: string[];
  filesEdited: string[];
  usage: { promptTokens: number; completionTokens: number; totalTokens: number; requests: number; estimated: boolean; cachedTokens?: number };
  durationMs: number;
  success: boolean;
  /** Why the run failed, when it did. */
  error?: string;
  /** Files put back from the snapshots because the task failed (SMALLCODE_SNAPSHOT_AUTO_ROLLBACK). */
  rolledBack?: string[];
  /** The task's plan as it ended, when the task was planned (also in .smallcode/TODO.md). */
  plan?: { steps: Array<{ text: string; check: string; done: boolean }> };
  turns: number;
  /**
   * What the project's checks say of a task that changed files: `passed`, `failed` (summary
   * says how) or `unverified` (no check; a static grade of the changed files instead).
   * Absent when the task changed nothing.
   */
  verified?: Verification['verdict'];
  verification?: Verification;
  /** The main loop's tier as the task ended and the session's tool-call failure rate (sliding window). */
  routing?: { tier: string; model: string; failureRate: number };
  /** What the strong (cloud) tier got this session, against its cap. */
  cloud?: CloudUse;
}

export interface Verification {
  verdict: 'passed' | 'failed' | 'unverified';
  /** Which check ran (test, compile, lint) and its command. */
  check?: string;
  command?: string;
  /** The same check before the task's first change: a check failing already does not count against the task. */
  before?: 'passed' | 'failed';
  /** The failing output, summarised (or the static grade's problems). */
  summary?: string;
  /** Changed files that no longer parse (static grade). */
  staticFailures?: number;
  /** Times the failure went back to the model. */
  retries?: number;
  /** The checks failed after the retries and the rest of the task went to a stronger model. */
  escalated?: boolean;
}

export interface CloudUse {
  requests: number;
  tokens: number;
  maxRequests: number;
  maxTokens: number;
  /** The cap was reached: later requests went to the local model. */
  capped: boolean;
}

/** Events a front door can follow while a run is in progress. */
export interface AgentEvents {
  turn_start: { turn: number };
  text: { kind: 'content' | 'reasoning'; text: string };
  tool_start: { name: string; args: Record<string, unknown> };
  tool_end: { name: string; ms: number; ok: boolean; output: string; cached?: boolean; errorKind?: string };
  turn_end: { turn: number; ms: number; usage: Usage; toolCalls: number; finishReason: string };
  notice: { message: string };
  /** The plan of the task in progress changed (made, a step checked off, the TODO file edited). */
  plan: { file: string; steps: Array<{ text: string; check: string; done: boolean }>; current?: number };
  error: { message: string };
  /** A guard tripped and its action was taken. */
  guard: { guard: string; action: string };
  /** A check (lint, compile, test) ran; a failed one may carry diagnose_error's category. */
  check: { command: string; ok: boolean; exitCode?: number | null };
  diagnosis: { command: string; category: string };
  /** A model reply in full, as the client received it (traces record it for replay). */
  reply: { model: string; content: string; reasoning: string; toolCalls: Array<{ name: string; arguments: string }>; finishReason: string };
  /** The main loop moved to another router tier. */
  route: { from: string; to: string; model: string; failureRate: number };
  /** The task's checks ran after it: the verdict. */
  verified: Verification;
}

export type AgentEventName = keyof AgentEvents;

/**
 * What the loop asks of memory (runtime/memory): what to tell the model as a task starts, and
 * the task's result as it ends (the rest it learns from the session's events).
 */
export interface TaskMemory {
  recall(task: string): string | undefined;
  record(result: RunResult): void;
}
export type EmitFn = <K extends AgentEventName>(event: K, payload: AgentEvents[K]) => void;

export function addUsage(total: RunResult['usage'], usage: Usage): void {
  total.promptTokens += usage.promptTokens;
  total.completionTokens += usage.completionTokens;
  total.totalTokens = total.promptTokens + total.completionTokens;
  total.requests += 1;
  total.estimated ||= usage.estimated;
  if (usage.cachedTokens !== undefined) total.cachedTokens = (total.cachedTokens ?? 0) + usage.cachedTokens;
}
