/** Raised when a call would exceed a declared token budget; the prompt's fallback applies. */
export class BudgetExceededError extends Error {
  constructor(readonly scope: 'call' | 'turn' | 'session', readonly limit: number, readonly wanted: number) {
    super(`${scope} token budget exceeded: ${wanted} > ${limit}`);
    this.name = 'BudgetExceededError';
  }
}

/**
 * Token accounting for one session: per-turn and per-session limits from the `budget`
 * declaration. The engine calls `startTurn()`; cognition calls charge what they used.
 */
export class TokenLedger {
  private turnTokens = 0;
  private sessionTokens = 0;

  constructor(readonly limits: { perTurnTokens?: number | undefined; perSessionTokens?: number | undefined } = {}) {}

  startTurn(): void {
    this.turnTokens = 0;
  }

  charge(tokens: number): void {
    this.turnTokens += tokens;
    this.sessionTokens += tokens;
  }

  /** Throws when `tokens` more would cross a limit. */
  check(tokens: number): void {
    const { perTurnTokens, perSessionTokens } = this.limits;
    if (perTurnTokens !== undefined && this.turnTokens + tokens > perTurnTokens) throw new BudgetExceededError('turn', perTurnTokens, this.turnTokens + tokens);
    if (perSessionTokens !== undefined && this.sessionTokens + tokens > perSessionTokens) throw new BudgetExceededError('session', perSessionTokens, this.sessionTokens + tokens);
  }

  get used(): { turn: number; session: number } {
    return { turn: this.turnTokens, session: this.sessionTokens };
  }
}

/** A cheap token estimate (≈4 characters per token) for budget checks before a call. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
