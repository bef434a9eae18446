import { join } from 'node:path';
import { BudgetExceededError, estimateTokens, TokenLedger } from './budget.js';
import { cacheKey, MemoryCache, openPersistentCache, TieredCache, type CognitionCache } from './cache.js';
import { CounterRegistry, type DeclarationCounters } from './counters.js';
import { factsFromSnapshot, type Facts, type FactSnapshot } from './facts.js';
import { evaluateGuards, GuardState, type TrippedGuard } from './guards.js';
import { HEURISTIC_FUNCTIONS } from './heuristics.js';
import type { ChatMessage, CognitionHost, ResolvedModel } from './host.js';
import type { BudgetSettings, GuardDef, PlanDef, PromptDef, RouterDef } from './layer.js';
import { backoffDelay, NO_RETRY, sleep as defaultSleep, type RetrySettings } from './retry.js';
import { chooseTier, nextTier } from './router.js';
import { TemplateStore } from './templates.js';
import { TimeoutError, withTimeout } from './timeout.js';
import { Tracer, type SpanHandle, type SpanRecord } from './trace.js';
import type { GuardEvent } from './types.js';
import { alignOutput, formatInstructions, runValidators } from './validate.js';

/** The merged declarations of all loaded layers, as the runtime executes them. */
export interface CognitionConfig {
  prompts: Record<string, PromptDef>;
  routers: Record<string, RouterDef>;
  guards: GuardDef[];
  models: Record<string, ResolvedModel>;
  defaultModel: string;
  plan?: PlanDef;
  budget: BudgetSettings;
  templateDirs: string[];
}

export interface RuntimeOptions {
  host: CognitionHost;
  /** Default: memory in front of SQLite (or JSON) under <projectRoot>/.smallcode/cache/. */
  cache?: CognitionCache;
  /** Default: JSONL under <projectRoot>/.smallcode/traces/, stderr when SMALLCODE_COGNITION_LOG=stderr. */
  tracer?: Tracer;
  /** Current facts for routers when a call passes none. */
  facts?: () => Facts;
  env?: Record<string, string | undefined>;
  /** Tests make backoff and jitter deterministic. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  warn?: (message: string) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Facts for the router; default: RuntimeOptions.facts. */
  facts?: Facts;
  /** Parent span (e.g. the engine's turn) so prompt spans nest in one trace. */
  parent?: { traceId: string; spanId: string };
}

/** The prompt could not produce a valid value and no fallback was declared. */
export class CognitionError extends Error {
  constructor(message: string, readonly prompt: string, readonly loc: string, readonly reason: 'invalid' | 'transport' | 'budget', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CognitionError';
  }
}

function isFacts(value: Facts | FactSnapshot): value is Facts {
  return typeof (value as Facts).calls?.identical === 'function';
}

export type TaskKind = 'coding' | 'editing' | 'search' | 'question' | 'chat';
export interface ErrorDiagnosis { category: string; cause: string; fix: string; confidence: number }

/**
 * Executes compiled prompts: cache → router → timeout → retry → validate → repair → trace, with
 * token accounting and live counters; evaluates guards and the plan condition.
 */
export class CognitionRuntime {
  readonly counters = new CounterRegistry();
  readonly guardState = new GuardState();
  readonly ledger: TokenLedger;
  readonly tracer: Tracer;
  readonly templates: TemplateStore;
  private cacheInstance?: CognitionCache;

  constructor(readonly config: CognitionConfig, private readonly options: RuntimeOptions) {
    const env = options.env ?? process.env;
    this.tracer = options.tracer ?? new Tracer({ dir: join(options.host.projectRoot, '.smallcode', 'traces'), stderr: env.SMALLCODE_COGNITION_LOG === 'stderr' });
    this.templates = new TemplateStore(config.templateDirs);
    this.ledger = new TokenLedger({ perTurnTokens: config.budget.perTurnTokens, perSessionTokens: config.budget.perSessionTokens });
    if (options.cache) this.cacheInstance = options.cache;
  }

  private get cache(): CognitionCache {
    this.cacheInstance ??= new TieredCache(
      new MemoryCache(),
      openPersistentCache({ dir: join(this.options.host.projectRoot, '.smallcode', 'cache'), ...(this.options.warn ? { warn: this.options.warn } : {}) }),
    );
    return this.cacheInstance;
  }

  /** Calls a prompt declared in any loaded layer by name. */
  prompt(name: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<unknown> {
    const def = this.config.prompts[name];
    if (!def) return Promise.reject(new Error(`no prompt '${name}' is declared in the loaded layers`));
    return this.callPrompt(def, args, options);
  }

  classifyTask(message: string, options?: CallOptions): Promise<TaskKind> {
    return this.prompt('classify_task', { message }, options) as Promise<TaskKind>;
  }

  diagnoseError(command: string, output: string, exitCode: number, options?: CallOptions): Promise<ErrorDiagnosis> {
    return this.prompt('diagnose_error', { command, output, exit_code: exitCode }, options) as Promise<ErrorDiagnosis>;
  }

  summarizeHistory(history: string, maxChars: number, options?: CallOptions): Promise<string> {
    return this.prompt('summarize_history', { history, max_chars: maxChars }, options) as Promise<string>;
  }

  /** A new task starts: task-scoped guard trips count from 0 again (session-scoped ones go on). */
  beginTask(): void {
    this.guardState.beginTask(this.config.guards);
  }

  /** Guards listening on `event` that trip on these facts (a plain snapshot is accepted too). */
  evaluateGuards(event: GuardEvent, facts: Facts | FactSnapshot): TrippedGuard[] {
    const f = isFacts(facts) ? facts : factsFromSnapshot(facts);
    const tripped = evaluateGuards(this.config.guards, event, f, this.guardState);
    for (const t of tripped) {
      this.counters.for('guard', t.guard).guardTrips++;
      this.tracer.start(t.guard, 'guard', undefined, { loc: t.loc }).end({ outcome: 'tripped' });
    }
    return tripped;
  }

  /** Whether the `plan { when: … }` condition holds. */
  shouldPlan(facts: Facts | FactSnapshot): boolean {
    try {
      return this.config.plan?.when?.(isFacts(facts) ? facts : factsFromSnapshot(facts)) === true;
    } catch {
      return false;
    }
  }

  /** The text of a `steer("name")` action, from templates/prompts/cognition/steer/<name>.hbs. */
  renderSteer(name: string, context: Record<string, unknown> = {}): string {
    return this.templates.render(`steer/${name}`, context);
  }

  /**
   * The strongest available model other than the default, for `escalate`. Routers list their
   * tiers weakest first, so the last available tier wins; without routers, declaration order.
   */
  strongestModel(): ResolvedModel | undefined {
    const ranked = Object.values(this.config.routers).flatMap((r) => r.tiers.map((t) => t.model));
    const order = ranked.length ? ranked : Object.keys(this.config.models);
    for (let i = order.length - 1; i >= 0; i--) {
      const model = this.config.models[order[i]!];
      if (model?.available && model.name && model.decl !== this.config.defaultModel) return model;
    }
    return undefined;
  }

  counterSnapshot(): Record<string, DeclarationCounters> {
    return this.counters.snapshot();
  }

  private isAvailable = (model: string): boolean => this.config.models[model]?.available ?? false;

  private render(def: PromptDef, args: Record<string, unknown>): ChatMessage[] {
    const context = { ...args, output_format: formatInstructions(def.returns), constraints: def.constraints };
    let user: string;
    if (def.template) user = this.templates.render(def.template, context);
    else {
      user = [...def.params.map((p) => `${p.name}: ${typeof args[p.name] === 'string' ? args[p.name] : JSON.stringify(args[p.name])}`), context.output_format].join('\n');
    }
    if (def.constraints.length && !def.template) user += `\n${def.constraints.map((c) => `- ${c}`).join('\n')}`;
    const messages: ChatMessage[] = [];
    if (def.system) messages.push({ role: 'system', content: def.system });
    messages.push({ role: 'user', content: user });
    return messages;
  }

  async callPrompt(def: PromptDef, args: Record<string, unknown>, options: CallOptions = {}): Promise<unknown> {
    const counters = this.counters.for('prompt', def.name);
    counters.calls++;
    const span = this.tracer.start(def.name, 'prompt', options.parent, { loc: def.loc });
    const parent = { traceId: span.traceId, spanId: span.spanId };
    const facts = options.facts ?? this.options.facts?.();

    let key: string | undefined;
    if (def.cache) {
      key = cacheKey([def.name, def.template ?? '', def.returns, def.cache.key(args)]);
      const hit = this.cache.get(key);
      if (hit !== undefined) {
        counters.cacheHits++;
        span.end({ outcome: 'cache_hit', cache_hit: true });
        return hit;
      }
    }

    const router = def.router ? this.config.routers[def.router] : undefined;
    let tier = router ? chooseTier(router, facts, this.isAvailable) : { index: 0, model: def.model ?? this.config.defaultModel };
    const baseMessages = this.render(def, args);
    let messages = baseMessages;

    const promptEstimate = estimateTokens(messages.map((m) => m.content).join('\n'));
    try {
      if (def.budgetTokens !== undefined && promptEstimate + (def.maxTokens ?? 0) > def.budgetTokens) {
        throw new BudgetExceededError('call', def.budgetTokens, promptEstimate + (def.maxTokens ?? 0));
      }
      this.ledger.check(promptEstimate);
    } catch (err) {
      return this.giveUp(def, args, options, span, counters, 'budget', err);
    }

    const retry: RetrySettings = def.retry ?? this.config.models[tier.model]?.retry ?? NO_RETRY;
    const strategies = def.onInvalid.length ? def.onInvalid : [{ kind: 'retry' as const }, { kind: 'fail' as const }];
    let transportFailures = 0;
    let invalidOutputs = 0;
    let strategyIndex = 0;
    let repaired = false;
    let lastError = '';
    const fixes: string[] = [];
    const sleep = this.options.sleep ?? defaultSleep;

    for (let attempt = 1; ; attempt++) {
      const model = this.config.models[tier.model];
      const attemptSpan = this.tracer.start(def.name, 'attempt', parent, { model: tier.model, attempt, ...(router ? { tier: router.tiers[tier.index]?.name ?? tier.model } : {}) });
      let text: string;
      try {
        if (!model) throw new Error(`model '${tier.model}' is not declared`);
        const temperature = def.temperature ?? model.temperature;
        const maxTokens = def.maxTokens ?? model.maxOutputTokens;
        const result = await withTimeout(def.timeoutMs ?? model.timeoutMs, options.signal, (signal) => this.options.host.complete({
          model: tier.model, modelSpec: model, messages, signal, prompt: def.name,
          ...(temperature !== undefined ? { temperature } : {}),
          ...(maxTokens !== undefined ? { maxTokens } : {}),
        }));
        text = result.text;
        const promptTokens = result.usage?.promptTokens ?? promptEstimate;
        const completionTokens = result.usage?.completionTokens ?? estimateTokens(text);
        counters.tokens += promptTokens + completionTokens;
        this.ledger.charge(promptTokens + completionTokens);
        attemptSpan.end({ outcome: 'ok', prompt_tokens: promptTokens, completion_tokens: completionTokens });
      } catch (err) {
        // The caller cancelled: stop now, no retry and no fallback.
        if (options.signal?.aborted) {
          attemptSpan.end({ outcome: 'error', error: 'cancelled' });
          span.end({ outcome: 'error', error: 'cancelled' });
          throw err;
        }
        const timedOut = err instanceof TimeoutError;
        attemptSpan.end({ outcome: timedOut ? 'timeout' : 'transport_error', error: (err as Error).message });
        transportFailures++;
        counters.transportFailures++;
        if (transportFailures < retry.maxAttempts) {
          counters.retries++;
          await sleep(backoffDelay(retry, transportFailures, this.options.random), options.signal);
          continue;
        }
        return this.giveUp(def, args, options, span, counters, 'transport', err, fixes);
      }

      const aligned = alignOutput(text, def.returns);
      fixes.push(...aligned.fixes);
      let problem = aligned.ok ? await runValidators(def.validate, aligned.value, text) : aligned.error;
      if (aligned.ok && !problem && router && router.onLowConfidence === 'escalate' && router.confidenceThreshold !== undefined) {
        const confidence = (aligned.value as { confidence?: unknown } | null)?.confidence;
        const next = nextTier(router, tier.index, this.isAvailable);
        if (typeof confidence === 'number' && confidence < router.confidenceThreshold && next) {
          counters.escalations++;
          tier = next;
          messages = baseMessages;
          continue;
        }
      }
      if (aligned.ok && !problem) {
        if (key && def.cache) this.cache.set(key, aligned.value, def.cache.ttlMs);
        span.end({ outcome: 'ok', model: tier.model, attempt, ...(fixes.length ? { fixes } : {}) });
        return aligned.value;
      }

      problem ??= 'invalid output';
      lastError = problem;
      invalidOutputs++;
      counters.invalidOutputs++;
      // Walk the on_invalid chain: a strategy that is used up hands over to the next one.
      for (;;) {
        const strategy = strategies[strategyIndex];
        if (!strategy || strategy.kind === 'fail') {
          span.end({ outcome: 'invalid', error: problem, ...(fixes.length ? { fixes } : {}) });
          throw new CognitionError(`prompt '${def.name}' (${def.loc}) returned invalid output: ${problem}`, def.name, def.loc, 'invalid');
        }
        if (strategy.kind === 'retry' && invalidOutputs < retry.maxAttempts) {
          counters.retries++;
          messages = baseMessages;
          await sleep(backoffDelay(retry, invalidOutputs, this.options.random), options.signal);
          break;
        }
        if (strategy.kind === 'repair' && !repaired) {
          repaired = true;
          counters.repairs++;
          messages = [...baseMessages, { role: 'assistant', content: text }, { role: 'user', content: this.repairMessage(def, problem) }];
          break;
        }
        if (strategy.kind === 'escalate' && router) {
          const next = nextTier(router, tier.index, this.isAvailable);
          if (next) {
            counters.escalations++;
            tier = next;
            messages = baseMessages;
            break;
          }
        }
        if (strategy.kind === 'fallback') return this.fallback(def, strategy, args, options, span, counters, lastError, fixes);
        strategyIndex++;
      }
    }
  }

  private repairMessage(def: PromptDef, error: string): string {
    const context = { error, output_format: formatInstructions(def.returns) };
    if (this.templates.find('repair')) return this.templates.render('repair', context);
    return `Your previous answer could not be used: ${error}\n${context.output_format}\nAnswer again with only the corrected output.`;
  }

  /** Transport failures, timeouts and budgets: the declared fallback if any, else an error. */
  private async giveUp(def: PromptDef, args: Record<string, unknown>, options: CallOptions, span: SpanHandle, counters: DeclarationCounters,
    reason: 'transport' | 'budget', err: unknown, fixes: string[] = []): Promise<unknown> {
    const fallback = def.onInvalid.find((s) => s.kind === 'fallback');
    const message = (err as Error).message ?? String(err);
    if (fallback && fallback.kind === 'fallback') return this.fallback(def, fallback, args, options, span, counters, message, fixes);
    span.end({ outcome: reason === 'budget' ? 'error' : 'transport_error', error: message });
    throw new CognitionError(`prompt '${def.name}' (${def.loc}) failed: ${message}`, def.name, def.loc, reason, { cause: err });
  }

  private async fallback(def: PromptDef, strategy: Extract<PromptDef['onInvalid'][number], { kind: 'fallback' }>, args: Record<string, unknown>,
    options: CallOptions, span: SpanHandle, counters: DeclarationCounters, error: string, fixes: string[]): Promise<unknown> {
    counters.fallbacks++;
    const end = (extra: Partial<SpanRecord> = {}) => span.end({ outcome: 'fallback', error, ...(fixes.length ? { fixes } : {}), ...extra });
    if (strategy.heuristic) {
      const heuristic = HEURISTIC_FUNCTIONS[def.name];
      if (heuristic) {
        end();
        return heuristic(args);
      }
    }
    if (strategy.prompt) {
      end();
      return this.prompt(strategy.prompt, args, { ...options, parent: { traceId: span.traceId, spanId: span.spanId } });
    }
    end();
    return strategy.value ?? null;
  }
}
