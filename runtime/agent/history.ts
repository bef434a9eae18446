import { countMessageTokens } from '../model/tokens.js';
import type { ChatMessage } from '../model/types.js';

/** A message with what the context budget needs to know about it. */
export interface HistoryEntry {
  message: ChatMessage;
  turn: number;
  kind: 'system' | 'task' | 'assistant' | 'tool_result' | 'note';
  /** For tool results: which tool, so an evicted result can say what it was. */
  tool?: string;
  evicted?: boolean;
}

/**
 * The conversation of a session. `fit` keeps what is sent under the window: old tool results
 * become one-line stubs first (oldest first, never the recent turns), then whole old turns go;
 * the system prompt and the task always stay.
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

  fit(budgetTokens: number, currentTurn: number, keepRecentTurns: number): { evicted: number; dropped: number } {
    let total = this.tokens();
    let evicted = 0;
    let dropped = 0;
    const protectedFrom = currentTurn - keepRecentTurns + 1;
    for (const entry of this.entries) {
      if (total <= budgetTokens) break;
      if (entry.kind !== 'tool_result' || entry.evicted || entry.turn >= protectedFrom) continue;
      const before = countMessageTokens(entry.message);
      const stub = `[${entry.tool ?? 'tool'} result removed to save context; call the tool again if you still need it]`;
      entry.message = { ...entry.message, content: stub } as ChatMessage;
      entry.evicted = true;
      total -= before - countMessageTokens(entry.message);
      evicted++;
    }
    // Still over: drop the oldest whole turns (their tool calls and results go together).
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
    return { evicted, dropped };
  }
}
