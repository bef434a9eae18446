import type { AgentPolicy, RetryPolicy, ToolPolicy } from '../agent/policy.js';
import type { EnvReader } from './env.js';
import type { Facts } from './facts.js';
import type { GuardAction, GuardEvent, SourceLocation, TypeRef } from './types.js';

/** What a compiled `.marrow` module exports as `layer` (see compiler/marrow/emitter.ts). */

export interface ModelSettings {
  provider?: string;
  endpoint?: string;
  name?: string;
  apiKey?: string;
  contextWindow?: number | 'auto';
  maxOutputTokens?: number;
  temperature?: number;
  timeoutMs?: number;
  thinkingBudgetTokens?: number;
  optional?: boolean;
  costClass?: string;
  latencyClass?: string;
  retry?: RetryPolicy;
}

export type InvalidStrategyDef =
  | { kind: 'retry' | 'repair' | 'escalate' | 'fail' }
  | { kind: 'fallback'; heuristic?: boolean; prompt?: string; value?: unknown };

export interface PromptDef {
  name: string;
  params: Array<{ name: string; type: TypeRef }>;
  returns: TypeRef;
  model?: string;
  router?: string;
  template?: string;
  system?: string;
  timeoutMs?: number;
  cache?: { key: (args: Record<string, unknown>) => unknown[]; ttlMs: number };
  retry?: RetryPolicy;
  validate: string[];
  onInvalid: InvalidStrategyDef[];
  constraints: string[];
  idempotent: boolean;
  maxTokens?: number;
  budgetTokens?: number;
  temperature?: number;
  loc: SourceLocation;
}

export interface GuardDef {
  name: string;
  on: GuardEvent | string;
  when: (f: Facts) => boolean;
  then: GuardAction;
  maxTrips?: number;
  /** What `maxTrips` counts over: one task (the default) or the whole session. */
  scope?: 'task' | 'session';
  loc: SourceLocation;
}

export interface RouterDef {
  name: string;
  by?: (f: Facts) => number;
  minCalls: number;
  fallback?: string;
  onLowConfidence?: 'escalate' | 'fallback' | 'ignore';
  confidenceThreshold?: number;
  tiers: Array<{ name: string; max?: number; model: string }>;
  loc: SourceLocation;
}

export interface PlanDef {
  when?: (f: Facts) => boolean;
  maxSteps?: number;
  validate: string[];
  prompt?: string;
  loc: SourceLocation;
}

export interface BudgetSettings {
  thinkingBudgetTokens?: number;
  perTurnTokens?: number;
  perSessionTokens?: number;
  maxTurns?: number;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** A layer's contribution to the AgentPolicy; env-driven values may resolve to undefined. */
export type PolicyPatch = {
  context?: DeepPartial<AgentPolicy['context']>;
  loop?: DeepPartial<AgentPolicy['loop']>;
  memory?: DeepPartial<AgentPolicy['memory']>;
  model?: {
    timeoutMs?: number | undefined;
    idleTimeoutMs?: number | undefined;
    retryBudgetMs?: number | undefined;
    waitNoticeMs?: number | undefined;
    maxOutputTokens?: number | undefined;
    retry?: RetryPolicy;
    thinkingBudgetTokens?: number | undefined;
    temperature?: number | undefined;
  };
  shell?: { persist?: boolean | undefined; timeoutMs?: number | undefined };
  tools?: Record<string, { [K in keyof ToolPolicy]?: ToolPolicy[K] | undefined }>;
};

export interface ManifestDeclaration {
  kind: string;
  name: string;
  loc: SourceLocation;
  signature?: string;
  settings: Record<string, string>;
}

export interface LayerDefinition {
  source: { file: string; hash: string; compiler: string };
  agent?: string;
  defaultModel?: string;
  compress?: string;
  models?: (env: EnvReader) => Record<string, { [K in keyof ModelSettings]?: ModelSettings[K] | undefined }>;
  policy: (env: EnvReader) => PolicyPatch;
  budget?: (env: EnvReader) => { [K in keyof BudgetSettings]?: BudgetSettings[K] | undefined };
  routers: Record<string, RouterDef>;
  prompts: Record<string, PromptDef>;
  guards: Record<string, GuardDef>;
  plan?: PlanDef;
  manifest: { declarations: ManifestDeclaration[] };
}

/** Identity at run time; gives compiled modules their types. */
export function defineLayer<const T extends LayerDefinition>(layer: T): T {
  return layer;
}

/** Later values win; undefined (an env var that is not set and has no default) never overrides. */
export function mergeDefined<T extends object>(base: T, patch: object | undefined): T {
  if (!patch) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const current = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && current && typeof current === 'object' && !Array.isArray(current)
      ? mergeDefined(current as object, v as object)
      : v;
  }
  return out as T;
}

/** The policy of a stack of layers: each layer's patch in order (the built-in layer declares every field). */
export function policyOf(patches: PolicyPatch[], base: Partial<AgentPolicy> = {}): AgentPolicy {
  return patches.reduce((acc, patch) => mergeDefined(acc, patch), structuredClone(base)) as AgentPolicy;
}
