import type { SourceSpan } from '../common/index.js';
import type { TypeRef } from '../../runtime/cognition/types.js';
import type { Expr } from './ast.js';

/**
 * The bound program: each declaration kind with its fields resolved to typed settings
 * (bind.ts), ready for cross-checking (checker.ts) and emission (emitter.ts).
 */

export type ValueType = 'string' | 'int' | 'number' | 'bool' | 'duration' | 'size' | 'percent';

/** A setting's value: a constant, or `env("VAR", default)` resolved when the layer loads. */
export type SettingValue =
  | { kind: 'const'; value: string | number | boolean | null | number[] | string[] }
  | { kind: 'env'; name: string; fallback?: string | number | boolean; valueType: ValueType; unitMs?: number };

export interface Setting {
  /** The marrow spelling, for the manifest: `tool_result_max`. */
  key: string;
  value: SettingValue;
  span: SourceSpan;
}

export interface Ref {
  name: string;
  span: SourceSpan;
}

export interface RetrySpec {
  maxAttempts: number;
  backoff: 'fixed' | 'exponential';
  intervalMs: number;
  jitter: boolean;
  span: SourceSpan;
}

export interface ModelDecl {
  kind: 'model';
  name: string;
  span: SourceSpan;
  /** Canonical camelCase keys: provider, endpoint, name, contextWindow, maxOutputTokens, temperature, timeoutMs, thinkingBudgetTokens, optional, costClass, latencyClass, apiKey. */
  settings: Record<string, Setting>;
  retry?: RetrySpec;
}

export interface RouterTier {
  name: string;
  max?: number;
  model: Ref;
  span: SourceSpan;
}

export interface RouterDecl {
  kind: 'router';
  name: string;
  span: SourceSpan;
  by?: Expr;
  minCalls: number;
  fallback?: Ref;
  onLowConfidence?: 'escalate' | 'fallback' | 'ignore';
  confidenceThreshold?: number;
  tiers: RouterTier[];
}

export interface Param {
  name: string;
  type: TypeRef;
  span: SourceSpan;
}

export type InvalidStrategy =
  | { kind: 'retry' | 'repair' | 'escalate' | 'fail'; span: SourceSpan }
  | { kind: 'fallback'; span: SourceSpan; target: { kind: 'heuristic' } | { kind: 'prompt'; name: string } | { kind: 'value'; value: unknown } };

export interface PromptDecl {
  kind: 'prompt';
  name: string;
  span: SourceSpan;
  params: Param[];
  returns: TypeRef;
  returnsSpan: SourceSpan;
  model?: Ref;
  router?: Ref;
  template?: Ref;
  system?: string;
  timeoutMs?: number;
  cache?: { key: Expr[]; keyParams: string[]; ttlMs: number; span: SourceSpan };
  retry?: RetrySpec;
  validate: Ref[];
  onInvalid: InvalidStrategy[];
  constraints: string[];
  idempotent: boolean;
  maxTokens?: number;
  budgetTokens?: number;
  temperature?: number;
}

export interface GuardDecl {
  kind: 'guard';
  name: string;
  span: SourceSpan;
  on: Ref;
  when?: Expr;
  then?: { name: string; args: Array<string | number>; span: SourceSpan; argSpans: SourceSpan[] };
  maxTrips?: number;
  /** What `max_trips` counts over; unset = task. */
  scope?: StateScope;
}

/** State that lasts for one task (reset when the next starts) or for the whole session. */
export type StateScope = 'task' | 'session';

export interface ToolDecl {
  kind: 'tool';
  name: string;
  span: SourceSpan;
  /** dedupWindow, readBeforeWrite, timeoutMs, retryTemperatures, persist; trust is separate. */
  settings: Record<string, Setting>;
  trust?: { demoteAfter: number; dropAfter: number; scope?: StateScope; span: SourceSpan };
}

export interface SettingsDecl {
  kind: 'context' | 'budget' | 'memory' | 'agent';
  span: SourceSpan;
  settings: Record<string, Setting>;
}

export interface PlanDecl {
  kind: 'plan';
  span: SourceSpan;
  when?: Expr;
  maxSteps?: number;
  validate: Ref[];
  prompt?: Ref;
}

export interface Program {
  file: string;
  agentName?: string;
  agent?: SettingsDecl;
  defaultModel?: Ref;
  compress?: Ref;
  models: ModelDecl[];
  routers: RouterDecl[];
  prompts: PromptDecl[];
  guards: GuardDecl[];
  tools: ToolDecl[];
  context?: SettingsDecl;
  budget?: SettingsDecl;
  plan?: PlanDecl;
  memory?: SettingsDecl;
}
