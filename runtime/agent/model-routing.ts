/**
 * Which model the main loop talks to: the layer's router (the one declaring `window`, in
 * agents/core.marrow `by_failure`) reads the failure rate of the session's last `window` tool
 * calls and picks a tier — only tiers whose model is configured. Going up is immediate; going
 * back down waits for `down_after` successful calls in a row (then the window starts afresh).
 * The strongest tier counts as the cloud: its requests and tokens are capped per session
 * (`budget { cloud_requests, cloud_tokens }`); past the cap the session goes on locally.
 */
import type { CognitionRuntime, ResolvedModel, RouterDef } from '../cognition/index.js';
import { factsFromSnapshot } from '../cognition/facts.js';
import type { Usage } from '../model/types.js';
import type { AgentPolicy } from './policy.js';
import type { CloudUse, EmitFn } from './types.js';

export interface RouteState {
  /** The tier in use, as the router names it (`primary`, `medium`, `heavy`), or `default` without a router. */
  tier: string;
  /** The model declaration behind it (`local`, `medium`, `strong`). */
  model: string;
  /** Failed calls / calls in the window (0 when empty). */
  failureRate: number;
  calls: number;
  successStreak: number;
}

export class ModelRouting {
  private window: boolean[] = [];
  private streak = 0;
  private index = 0;
  private readonly cloudUse: CloudUse;
  private capSaid = false;

  constructor(
    private readonly runtime: CognitionRuntime | undefined,
    policy: AgentPolicy,
    private readonly emit: EmitFn,
  ) {
    this.cloudUse = { requests: 0, tokens: 0, maxRequests: policy.cloud.maxRequests, maxTokens: policy.cloud.maxTokens, capped: false };
  }

  /** The router of the main loop: the first one that declares a `window`. */
  private get router(): RouterDef | undefined {
    return Object.values(this.runtime?.config.routers ?? {}).find((r) => r.window !== undefined && r.by);
  }

  private available = (decl: string): boolean => {
    const model = this.runtime?.config.models[decl];
    return model?.available === true && (decl === this.runtime?.config.defaultModel || !!model.name) && !(this.isCloud(decl) && !this.cloudLeft());
  };

  /** A tool call ended: it moves the window and maybe the tier. */
  record(ok: boolean): void {
    const router = this.router;
    if (!router) return;
    this.window.push(ok);
    if (this.window.length > router.window!) this.window.shift();
    this.streak = ok ? this.streak + 1 : 0;
    this.route(router);
  }

  private route(router: RouterDef): void {
    const calls = this.window.map((ok) => ({ name: 'call', args: {}, ok }));
    let next = this.tierFor(router, calls.length >= router.minCalls ? router.by!(factsFromSnapshot({ toolCalls: calls })) : 0);
    if (this.index > 0 && router.downAfter !== undefined && this.streak >= router.downAfter) {
      // A run of successes: the window starts afresh, and with it the session's own model.
      this.window = [];
      next = 0;
    } else if (next < this.index) next = this.index;
    if (next === this.index) return;
    const from = router.tiers[this.index]!;
    const to = router.tiers[next]!;
    const rate = this.failureRate();
    this.index = next;
    const up = next > this.tierIndexOf(from.name);
    const model = this.runtime!.config.models[to.model];
    this.emit('notice', { message: up
      ? `routing: ${Math.round(rate * 100)}% of the last ${calls.length} tool calls failed; tier ${to.name} (${model?.name ?? to.model}) takes over from ${from.name}`
      : `routing: ${this.streak} tool calls in a row succeeded; back to tier ${to.name} (${model?.name ?? to.model})` });
    this.emit('route', { from: from.name, to: to.name, model: model?.name ?? to.model, failureRate: rate });
    this.runtime?.tracer.start(router.name, 'route', undefined, { loc: router.loc, model: to.model, tier: to.name }).end({ outcome: up ? 'up' : 'down' });
  }

  /**
   * The tier for `value`: the first whose `max` is at or above it (the last takes the rest),
   * else the nearest weaker tier whose model is configured. Never the router's `fallback`: the
   * main loop's fallback is the session's own model, tier 0.
   */
  private tierFor(router: RouterDef, value: number): number {
    let index = router.tiers.findIndex((t) => t.max === undefined || value <= t.max);
    if (index < 0) index = router.tiers.length - 1;
    while (index > 0 && !this.available(router.tiers[index]!.model)) index--;
    return index;
  }

  private tierIndexOf(name: string): number {
    return this.router?.tiers.findIndex((t) => t.name === name) ?? 0;
  }

  /** The model the next request goes to; undefined: the session's own (default) model. */
  current(): ResolvedModel | undefined {
    const router = this.router;
    if (!router || !this.runtime) return undefined;
    const tier = router.tiers[this.index];
    if (!tier || tier.model === this.runtime.config.defaultModel) return undefined;
    if (!this.available(tier.model)) {
      // The cap ran out while on this tier: down to the strongest tier still allowed.
      this.index = this.tierFor(router, this.failureRate());
      return this.index === 0 || router.tiers[this.index]!.model === tier.model ? undefined : this.current();
    }
    return this.runtime.config.models[tier.model];
  }

  failureRate(): number {
    return this.window.length ? this.window.filter((ok) => !ok).length / this.window.length : 0;
  }

  state(): RouteState {
    const tier = this.router?.tiers[this.index];
    return { tier: tier?.name ?? 'default', model: tier?.model ?? this.runtime?.config.defaultModel ?? 'local', failureRate: this.failureRate(), calls: this.window.length, successStreak: this.streak };
  }

  /** The strongest configured model is the cloud tier (SMALLCODE_MODEL_STRONG). */
  isCloud(decl: string | undefined): boolean {
    return !!decl && decl !== this.runtime?.config.defaultModel && this.runtime?.strongestModel()?.decl === decl;
  }

  /** Whether the cloud tier may take another request; the first refusal is a notice. */
  cloudLeft(): boolean {
    const left = this.cloudUse.requests < this.cloudUse.maxRequests && this.cloudUse.tokens < this.cloudUse.maxTokens;
    if (!left && !this.capSaid) {
      this.capSaid = true;
      this.cloudUse.capped = true;
      this.emit('notice', { message: `cloud cap reached (${this.cloudUse.requests}/${this.cloudUse.maxRequests} requests, ${this.cloudUse.tokens}/${this.cloudUse.maxTokens} tokens this session; SMALLCODE_CLOUD_MAX_REQUESTS / SMALLCODE_CLOUD_MAX_TOKENS raise it): going on with the local model` });
    }
    return left;
  }

  chargeCloud(usage: Usage): void {
    this.cloudUse.requests++;
    this.cloudUse.tokens += usage.promptTokens + usage.completionTokens;
  }

  get cloud(): CloudUse {
    return { ...this.cloudUse };
  }
}

/** The routing tier, rates and cloud use as lines for /stats and /profile. */
export function describeRouting(state: RouteState & { cloud?: CloudUse; escalated?: string }): string[] {
  const lines = [`routing tier    ${state.tier} (${state.model}); ${Math.round(state.failureRate * 100)}% of the last ${state.calls} tool calls failed, ${state.successStreak} succeeded in a row`];
  if (state.escalated) lines.push(`escalated       this task runs on ${state.escalated}`);
  if (state.cloud) lines.push(`cloud tier      ${state.cloud.requests}/${state.cloud.maxRequests} requests, ${state.cloud.tokens}/${state.cloud.maxTokens} tokens this session${state.cloud.capped ? ' (cap reached: local only)' : ''}`);
  return lines;
}
