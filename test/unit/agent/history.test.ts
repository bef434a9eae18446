import { describe, expect, it } from 'vitest';
import { History } from '../../../runtime/agent/history.js';

function build(): History {
  const h = new History();
  h.setSystem('system prompt');
  h.add({ message: { role: 'user', content: 'the task' }, turn: 1, kind: 'task' });
  for (let turn = 1; turn <= 6; turn++) {
    h.add({ message: { role: 'assistant', content: '', tool_calls: [{ id: `c${turn}`, name: 'read_file', arguments: '{}' }] }, turn, kind: 'assistant' });
    h.add({ message: { role: 'tool', content: 'x'.repeat(4000), tool_call_id: `c${turn}`, name: 'read_file' }, turn, kind: 'tool_result', tool: 'read_file' });
  }
  return h;
}

describe('History.fit', () => {
  it('does nothing under budget', () => {
    const h = build();
    expect(h.fit(1_000_000, 6, 2)).toEqual({ evicted: 0, dropped: 0 });
  });

  it('stubs the oldest tool results first and never the recent turns', () => {
    const h = build();
    const before = h.tokens();
    const { evicted, dropped } = h.fit(before - 1500, 6, 2);
    expect(dropped).toBe(0);
    expect(evicted).toBeGreaterThan(0);
    const results = h.entries.filter((e) => e.kind === 'tool_result');
    expect(results[0]!.evicted).toBe(true);
    expect(results[0]!.message.content).toMatch(/read_file result removed/);
    expect(results.filter((e) => e.turn >= 5).every((e) => !e.evicted)).toBe(true);
    expect(h.tokens()).toBeLessThanOrEqual(before - 1500);
  });

  it('drops whole old turns when stubs are not enough, keeping system and task', () => {
    const h = build();
    h.fit(2200, 6, 2);
    expect(h.entries[0]!.kind).toBe('system');
    expect(h.entries[1]!.kind).toBe('task');
    expect(h.tokens()).toBeLessThanOrEqual(2200);
    // Assistant calls and their results leave together: no orphaned tool message.
    const ids = new Set(h.entries.flatMap((e) => (e.message.role === 'assistant' ? (e.message.tool_calls ?? []).map((c) => c.id) : [])));
    for (const e of h.entries) if (e.message.role === 'tool') expect(ids.has(e.message.tool_call_id)).toBe(true);
  });
});
