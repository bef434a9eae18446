/**
 * The agent's policy numbers: caps, windows, retries, budgets and per-tool policies.
 *
 * This is the single config object the engine reads. Its values are declared in
 * `agents/*.marrow` (compiled by compiler/marrow); `DEFAULT_POLICY` below is what the built-in
 * layer must reproduce and what tests use when they want the defaults explicitly.
 * Environment variables (SMALLCODE_*) are applied on top by runtime/config.
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
  /** Consecutive failures after which the tool is demoted in the schema list / dropped for the session. */
  trust?: { demoteAfter: number; dropAfter: number };
  /** Temperature offsets for retries of a failed call, in order (e.g. [-0.15, +0.15, 0]). */
  retryTemperatures?: number[];
}

export interface AgentPolicy {
  context: {
    /** Every tool result is capped to this many characters (head and tail kept). */
    toolResultMaxChars: number;
    /** Fraction of the context window past which old tool results are evicted. */
    evictAt: number;
    keepRecentTurns: number;
    /** Tokens kept free for the model's reply. */
    replyReserveTokens: number;
    /** Used when neither the server nor a model profile tells the window. */
    defaultContextWindow: number;
  };
  loop: {
    /** Model round-trips per task before the run stops as failed. */
    maxTurns: number;
  };
  model: {
    timeoutMs: number;
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

export const DEFAULT_POLICY: AgentPolicy = {
  context: {
    toolResultMaxChars: 4000,
    evictAt: 0.8,
    keepRecentTurns: 4,
    replyReserveTokens: 1024,
    defaultContextWindow: 8192,
  },
  loop: { maxTurns: 25 },
  model: {
    timeoutMs: 300_000,
    retry: { maxAttempts: 4, backoff: 'exponential', intervalMs: 500, jitter: true },
    thinkingBudgetTokens: 2000,
    temperature: 0.2,
  },
  shell: { persist: true, timeoutMs: 120_000 },
  tools: {
    read_file: { dedupWindow: 8 },
    search: { dedupWindow: 8 },
    find_files: { dedupWindow: 8 },
    write_file: { readBeforeWrite: true },
    patch: { trust: { demoteAfter: 3, dropAfter: 5 }, retryTemperatures: [-0.15, 0.15, 0] },
    bash: { timeoutMs: 120_000 },
  },
};

export function toolPolicy(policy: AgentPolicy, tool: string): ToolPolicy {
  return { ...policy.tools['*'], ...policy.tools[tool] };
}
