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

  it('never drops the newest finished turn: its results are what the model has not seen yet', () => {
    const h = build();
    h.dropOldTurns(1, 7); // a budget nothing fits: every turn before the newest goes
    expect(h.entries.map((e) => [e.kind, e.turn])).toEqual([['system', 0], ['task', 1], ['assistant', 6], ['tool_result', 6]]);
  });

  it('cuts the longest results of the turns that stay, keeping their head, until the history fits', () => {
    const h = new History();
    h.setSystem('system prompt');
    h.add({ message: { role: 'user', content: 'the task' }, turn: 1, kind: 'task' });
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i + 1}: some words of a log file`).join('\n');
    h.add({ message: { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'read_file', arguments: '{}' }] }, turn: 1, kind: 'assistant' });
    h.add({ message: { role: 'tool', content: `app.log (lines 1-400 of 400)\n${lines}`, tool_call_id: 'c1', name: 'read_file' }, turn: 1, kind: 'tool_result', tool: 'read_file' });
    h.dropOldTurns(1000, 2);
    expect(h.tokens()).toBeGreaterThan(1000); // dropping could not help: the turn is the newest
    expect(h.cutResultsToFit(1000)).toBeGreaterThan(0);
    expect(h.tokens()).toBeLessThanOrEqual(1000);
    const result = h.entries.at(-1)!.message.content;
    expect(result.startsWith('app.log (lines 1-400 of 400)\nline 1:')).toBe(true);
    expect(result).toMatch(/cut to fit the context window; ask for a smaller part/);
    expect(result).not.toContain('line 400:');
  });

  it('stops cutting when nothing is left to cut, rather than loop', () => {
    const h = build();
    expect(h.cutResultsToFit(10)).toBeGreaterThan(0);
    for (const e of h.entries.filter((x) => x.kind === 'tool_result')) expect(e.message.content.length).toBeLessThan(500);
  });

  it('evict stops at the threshold it is given (evict_at of the budget), leaving the rest', () => {
    const h = build();
    const before = h.tokens();
    const evicted = h.evict(before - 500, 6, 2);
    expect(evicted).toBe(1); // one 4,000-char result frees ~1,000 tokens: enough
    expect(h.entries.filter((e) => e.evicted)).toHaveLength(1);
  });

  it('compression replaces old turns with one summary right after the task; a later one folds it in', () => {
    const h = build();
    const first = h.compressible(6, 2);
    expect(first.every((e) => e.turn < 5)).toBe(true);
    h.replaceWithSummary(first, 'Summary one');
    expect(h.entries.map((e) => e.kind).slice(0, 3)).toEqual(['system', 'task', 'summary']);
    expect(h.entries.filter((e) => e.turn < 5 && !['system', 'task', 'summary'].includes(e.kind))).toEqual([]);
    h.add({ message: { role: 'user', content: 'later note' }, turn: 7, kind: 'note' });
    const second = h.compressible(9, 2);
    expect(second.map((e) => e.kind)).toContain('summary');
    h.replaceWithSummary(second, 'Summary two');
    expect(h.entries.filter((e) => e.kind === 'summary').map((e) => e.message.content)).toEqual(['Summary two']);
  });
});
