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
