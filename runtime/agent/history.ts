import { countMessageTokens } from '../model/tokens.js';
import type { ChatMessage } from '../model/types.js';

/** A tool result is never cut shorter than this. */
const MIN_CUT_RESULT_CHARS = 300;
const CUT_MARKER = '[… the rest was cut to fit the context window; ask for a smaller part (a line range, a narrower search)]';

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
   * Stage 1 of keeping under the window: old tool results become one-line stubs, oldest first,
   * until the history is within `thresholdTokens`. The last `keepRecentTurns` turns are spared
   * while that reaches the threshold; when it does not, fewer are, down to the newest finished
   * turn (whose results the model has not seen yet) — one deep step now instead of one stub on
   * every following request, each of which would make a prefix-caching server prefill again.
   */
  evict(thresholdTokens: number, currentTurn: number, keepRecentTurns: number): number {
    let total = this.tokens();
    let evicted = 0;
    for (let keep = Math.max(2, keepRecentTurns); keep >= 2 && total > thresholdTokens; keep--) {
      const protectedFrom = currentTurn - keep + 1;
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

  /**
   * Last resort: drops whole old turns (their calls and results together) until under budget.
   * The newest finished turn stays: the model has not seen its results yet, and without them it
   * asks for the same thing again, turn after turn (`cutResultsToFit` makes it fit instead).
   */
  dropOldTurns(budgetTokens: number, currentTurn: number): number {
    let total = this.tokens();
    let dropped = 0;
    const finished = this.entries.filter((e) => e.kind !== 'system' && e.kind !== 'task' && e.turn < currentTurn).map((e) => e.turn);
    const keepFrom = finished.length ? Math.max(...finished) : currentTurn;
    while (total > budgetTokens) {
      const oldestTurn = this.entries.find((e) => e.kind !== 'system' && e.kind !== 'task')?.turn;
      if (oldestTurn === undefined || oldestTurn >= keepFrom) break;
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

  /**
   * When the turns that must stay are still over budget (one read nearly as large as a small
   * window), the longest tool results are cut, keeping their head, where tools put what they
   * show and which lines; the model sees that much and can ask for less.
   */
  cutResultsToFit(budgetTokens: number): number {
    let cut = 0;
    const atMinimum = new Set<HistoryEntry>();
    for (;;) {
      const over = this.tokens() - budgetTokens;
      if (over <= 0) return cut;
      const longest = this.entries
        .filter((e) => e.kind === 'tool_result' && !e.evicted && !atMinimum.has(e))
        .sort((a, b) => b.message.content.length - a.message.content.length)[0];
      if (!longest) return cut;
      const content = longest.message.content;
      // ~4 characters a token, and a margin: the count is re-checked on the next pass.
      const keep = Math.max(MIN_CUT_RESULT_CHARS, content.length - over * 4 - 200);
      const shorter = `${content.slice(0, keep)}\n${CUT_MARKER}`;
      if (keep <= MIN_CUT_RESULT_CHARS) atMinimum.add(longest);
      if (shorter.length >= content.length) continue;
      longest.message = { ...longest.message, content: shorter } as ChatMessage;
      cut++;
    }
  }

  /** Evicts down to the budget, then drops old turns: `fit` without compression (tests, kit helpers). */
  fit(budgetTokens: number, currentTurn: number, keepRecentTurns: number): { evicted: number; dropped: number } {
    const evicted = this.evict(budgetTokens, currentTurn, keepRecentTurns);
    return { evicted, dropped: this.dropOldTurns(budgetTokens, currentTurn) };
  }
}
