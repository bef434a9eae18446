import { countMessageTokens } from '../model/tokens.js';
import type { ChatMessage } from '../model/types.js';

/** A message with what the context budget needs to know about it. */
export interface HistoryEntry {
  message: ChatMessage;
  turn: number;
  kind: 'system' | 'task' | 'assistant' | 'tool_result' | 'note' | 'summary';
  /** For tool results: which tool, so an evicted result can say what it was. */
  tool?: string;
  evicted?: boolean;
}

/**
 * The conversation of a session, and the three ways it is kept under the window: old tool
 * results become one-line stubs (`evict`), old turns are replaced by a summary
 * (`replaceWithSummary`, driven by the agent with the summarize_history prompt), and as a last
 * resort whole old turns go (`dropOldTurns`). The system prompt and the task always stay.
 */
export class History {
  readonly entries: HistoryEntry[] = [];
  onAdd?: (entry: HistoryEntry) => void;

  add(entry: HistoryEntry): void {
    this.entries.push(entry);
    this.onAdd?.(entry);
  }

  setSystem(content: string): void {
    const first = this.entries[0];
    if (first?.kind === 'system') first.message = { role: 'system', content };
    else this.entries.unshift({ message: { role: 'system', content }, turn: 0, kind: 'system' });
  }

  messages(): ChatMessage[] {
    return this.entries.map((e) => e.message);
  }

  tokens(): number {
    return this.entries.reduce((n, e) => n + countMessageTokens(e.message), 0);
  }

  /**
   * Stage 1 of keeping under the window: past `evictAt × budget`, old tool results become
   * one-line stubs, oldest first, never those of the last `keepRecentTurns` turns.
   */
  evict(thresholdTokens: number, currentTurn: number, keepRecentTurns: number): number {
    let total = this.tokens();
    let evicted = 0;
    const protectedFrom = currentTurn - keepRecentTurns + 1;
    for (const entry of this.entries) {
      if (total <= thresholdTokens) break;
      if (entry.kind !== 'tool_result' || entry.evicted || entry.turn >= protectedFrom) continue;
      const before = countMessageTokens(entry.message);
      const stub = `[${entry.tool ?? 'tool'} result removed to save context; call the tool again if you still need it]`;
      entry.message = { ...entry.message, content: stub } as ChatMessage;
      entry.evicted = true;
      total -= before - countMessageTokens(entry.message);
      evicted++;
    }
    return evicted;
  }

  /** The entries of finished turns older than the recent ones: what compression may replace. */
  compressible(currentTurn: number, keepRecentTurns: number): HistoryEntry[] {
    const protectedFrom = currentTurn - keepRecentTurns + 1;
    // An earlier summary is folded into the next one, so there is never more than one.
    return this.entries.filter((e) => e.kind !== 'system' && e.kind !== 'task' && e.turn < protectedFrom);
  }

  /** Replaces `entries` with one summary message, placed right after the task. */
  replaceWithSummary(entries: readonly HistoryEntry[], text: string): void {
    const gone = new Set(entries);
    const kept = this.entries.filter((e) => !gone.has(e));
    const turn = Math.min(...entries.map((e) => e.turn));
    const summary: HistoryEntry = { message: { role: 'user', content: text }, turn, kind: 'summary' };
    const at = kept.findIndex((e) => e.kind !== 'system' && e.kind !== 'task' && e.kind !== 'summary');
    kept.splice(at === -1 ? kept.length : at, 0, summary);
    this.entries.splice(0, this.entries.length, ...kept);
    this.onAdd?.(summary);
  }

  /** Last resort: drops whole old turns (their calls and results together) until under budget. */
  dropOldTurns(budgetTokens: number, currentTurn: number): number {
    let total = this.tokens();
    let dropped = 0;
    while (total > budgetTokens) {
      const oldestTurn = this.entries.find((e) => e.kind !== 'system' && e.kind !== 'task')?.turn;
      if (oldestTurn === undefined || oldestTurn >= currentTurn) break;
      for (let i = this.entries.length - 1; i >= 0; i--) {
        const e = this.entries[i]!;
        if (e.turn === oldestTurn && e.kind !== 'system' && e.kind !== 'task') {
          total -= countMessageTokens(e.message);
          this.entries.splice(i, 1);
          dropped++;
        }
      }
    }
    return dropped;
  }

  /** Evicts down to the budget, then drops old turns: `fit` without compression (tests, kit helpers). */
  fit(budgetTokens: number, currentTurn: number, keepRecentTurns: number): { evicted: number; dropped: number } {
    const evicted = this.evict(budgetTokens, currentTurn, keepRecentTurns);
    return { evicted, dropped: this.dropOldTurns(budgetTokens, currentTurn) };
  }
}
