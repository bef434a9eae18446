/**
 * The agent's policy: caps, windows, retries, budgets and per-tool policies — the single config
 * object the engine reads. Only its shape is TypeScript; its values are declared in
 * `agents/*.marrow` and reach the engine through the compiled layer (runtime/cognition).
 */
export interface RetryPolicy {
  maxAttempts: number;
  backoff: 'fixed' | 'exponential';
  intervalMs: number;
  jitter: boolean;
}

export interface ToolPolicy {
  /** Identical read-only calls within this many calls are answered from the previous result (0 = off). */
  dedupWindow?: number;
  /** The first write to an existing file the session has not read is refused with a hint. */
  readBeforeWrite?: boolean;
  timeoutMs?: number;
  /**
   * Consecutive failures after which the tool is demoted in the schema list / dropped; the count
   * starts afresh with each task unless `scope` is 'session'.
   */
  trust?: { demoteAfter: number; dropAfter: number; scope?: 'task' | 'session' };
  /** Temperature offsets for retries of a failed call, in order (e.g. [-0.15, +0.15, 0]). */
  retryTemperatures?: number[];
}

export interface AgentPolicy {
  context: {
    /** Every tool result is capped to this many characters (head and tail kept). */
    toolResultMaxChars: number;
    /** Fraction of the context window past which old tool results are evicted. */
    evictAt: number;
    /**
     * Fraction of the budget eviction goes down to once it starts (below `evictAt`): compaction in
     * rare large steps, so a prefix-caching server re-processes old tokens rarely, not every request.
     */
    evictTo: number;
    /**
     * Share of the context window past which a read_file without a range answers with an outline
     * (first lines, declarations, how to read a range) instead of the content.
     */
    readGuard: number;
    keepRecentTurns: number;
    /** Tokens kept free for the model's reply (at most `replyReserveMaxShare` of the window). */
    replyReserveTokens: number;
    /** Fraction of the window the reply reserve may take at most, so small windows keep room for messages. */
    replyReserveMaxShare: number;
    /** Used when neither the server nor a model profile tells the window. */
    defaultContextWindow: number;
    /**
     * Windows up to this many tokens run in compact mode (with the survival kit on): the model
     * picks a tool category first and sees only that category's short schemas. 0 = never.
     */
    compactMaxWindow: number;
    /**
     * Compact mode's tool categories offered from the first request, before any `use_tools`: a
     * change to the tool list makes a prefix-caching server prefill the whole prompt again.
     */
    compactOpen?: string[];
    /** Most tokens the skills list takes in the system prompt (names and one-line descriptions); 0 = none. */
    skillsListMaxTokens: number;
    /** A headless run (and the API) waits this long for its MCP servers before the first request. */
    mcpWaitMs: number;
    /** Longest one MCP tool call may take. */
    mcpCallTimeoutMs: number;
  };
  loop: {
    /** Model round-trips per task before the run stops as failed. */
    maxTurns: number;
  };
  /** What is recalled at the start of a task (runtime/memory), declared by `memory { … }`. */
  memory: {
    /** Most evidence entries of earlier tasks injected (0 = none). */
    maxEntries: number;
    /** Token budget of the injected block (evidence and working memory). */
    maxTokens: number;
    /** Evidence older than this is not injected (it stays searchable with memory_load). */
    maxAgeMs: number;
  };
  model: {
    /** Longest wait for the first token of a reply. */
    timeoutMs: number;
    /** Longest silence within a reply after its first token. */
    idleTimeoutMs: number;
    /** All attempts of one request together, waits included. */
    retryBudgetMs: number;
    /** How often a wait is reported. */
    waitNoticeMs: number;
    /** A reply longer than this (counted client-side) is stopped: an endless stream ends. */
    maxOutputTokens: number;
    retry: RetryPolicy;
    thinkingBudgetTokens: number;
    temperature: number;
  };
  shell: {
    persist: boolean;
    timeoutMs: number;
  };
  /** Per-tool policies by tool name; `*` applies to every tool without its own entry. */
  tools: Record<string, ToolPolicy>;
}

/**
 * The fields every layer stack must end up declaring. The values live in agents/core.marrow and
 * nowhere else: `loadAgentLayers(...).policy` (or `loadBuiltinPolicy()`) is the default policy.
 */
const REQUIRED_FIELDS = [
  'context.toolResultMaxChars', 'context.evictAt', 'context.evictTo', 'context.readGuard', 'context.keepRecentTurns', 'context.replyReserveTokens', 'context.replyReserveMaxShare', 'context.defaultContextWindow', 'context.compactMaxWindow', 'context.skillsListMaxTokens', 'context.mcpWaitMs', 'context.mcpCallTimeoutMs',
  'loop.maxTurns',
  'memory.maxEntries', 'memory.maxTokens', 'memory.maxAgeMs',
  'model.timeoutMs', 'model.idleTimeoutMs', 'model.retryBudgetMs', 'model.waitNoticeMs', 'model.maxOutputTokens', 'model.retry.maxAttempts', 'model.retry.backoff', 'model.retry.intervalMs', 'model.retry.jitter', 'model.thinkingBudgetTokens', 'model.temperature',
  'shell.persist', 'shell.timeoutMs',
  'tools',
] as const;

/** The policy fields a (merged) policy does not declare, as dotted paths. */
export function missingPolicyFields(policy: unknown): string[] {
  return REQUIRED_FIELDS.filter((path) => {
    let value: unknown = policy;
    for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return value === undefined;
  });
}

export function toolPolicy(policy: AgentPolicy, tool: string): ToolPolicy {
  return { ...policy.tools['*'], ...policy.tools[tool] };
}

/**
 * Tokens kept free for the reply in a window of `window` tokens: `reply_reserve`, but never more
 * than `reply_reserve_max` of the window, so a 2k window is not half reserve.
 */
export function replyReserve(context: AgentPolicy['context'], window: number): number {
  return Math.min(context.replyReserveTokens, Math.floor(window * context.replyReserveMaxShare));
}
