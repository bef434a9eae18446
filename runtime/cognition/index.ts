/**
 * runtime/cognition — what compiled `.marrow` layers run on: cache, retry, timeout,
 * validation + repair, trace spans, token budgets, routers, guards, counters, and the layer
 * loader the engine calls at start-up.
 */
export { loadAgentLayers, loadBuiltinPolicy, packageRoot, defaultUserConfigDir, type AgentLayers, type LayerInfo, type LayerOrigin, type LoadAgentLayersOptions } from './loader.js';
export { CognitionRuntime, CognitionError, type CallOptions, type CognitionConfig, type RuntimeOptions, type TaskKind, type ErrorDiagnosis } from './runtime.js';
export type { CognitionHost, CompletionRequest, CompletionResult, ChatMessage, ResolvedModel } from './host.js';
export { defineLayer, policyOf, mergeDefined, type LayerDefinition, type PromptDef, type GuardDef, type RouterDef, type PlanDef, type PolicyPatch, type ModelSettings, type BudgetSettings, type ManifestDeclaration } from './layer.js';
export { EnvReader } from './env.js';
export { FACTS, GUARD_ACTIONS, GUARD_EVENTS, VALIDATORS, HEURISTICS, factsFromSnapshot, type Facts, type FactSnapshot } from './facts.js';
export { evaluateGuards, GuardState, type TrippedGuard } from './guards.js';
export { chooseTier, nextTier } from './router.js';
export { MemoryCache, SqliteCache, JsonFileCache, TieredCache, openPersistentCache, cacheKey, type CognitionCache } from './cache.js';
export { backoffDelay, sleep, type RetrySettings } from './retry.js';
export { withTimeout, TimeoutError } from './timeout.js';
export { alignOutput, schemaFor, formatInstructions, runValidators, type Alignment } from './validate.js';
export { Tracer, type SpanRecord } from './trace.js';
export { TokenLedger, BudgetExceededError, estimateTokens } from './budget.js';
export { CounterRegistry, type DeclarationCounters } from './counters.js';
export { evaluateLayerModule, COGNITION_MODULE_ID } from './module-loader.js';
export { describeLayers } from './describe.js';
export type { GuardAction, GuardEvent, TypeRef } from './types.js';
