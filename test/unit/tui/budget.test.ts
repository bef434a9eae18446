import { describe, expect, it } from 'vitest';
import { budgetBar, measureBudget, renderBudget } from '../../../runtime/tui/budget.js';
import { createStyle } from '../../../runtime/tui/style.js';
import type { HistoryEntry } from '../../../runtime/agent/history.js';

const entries: HistoryEntry[] = [
  { message: { role: 'system', content: 'You are a coding agent. '.repeat(50) }, turn: 0, kind: 'system' },
  { message: { role: 'user', content: 'fix the failing test' }, turn: 1, kind: 'task' },
  { message: { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a.ts"}' }] }, turn: 1, kind: 'assistant' },
  { message: { role: 'tool', content: 'export const a = 1;\n'.repeat(100), tool_call_id: 'c1', name: 'read_file' }, turn: 1, kind: 'tool_result', tool: 'read_file' },
];

describe('/budget', () => {
  it('splits the window into system, conversation, tool results, reply reserve and free', () => {
    const b = measureBudget(entries, undefined, 8192, 1024);
    expect(b.system).toBeGreaterThan(200);
    expect(b.toolResults).toBeGreaterThan(b.history);
    expect(b.replyReserve).toBe(1024);
    expect(b.system + b.history + b.toolResults + b.replyReserve + b.free).toBe(8192);
  });

  it('counts the tool schemas with the system prompt', () => {
    const tools = [{ type: 'function' as const, function: { name: 'read_file', description: 'Read a file. '.repeat(20), parameters: { type: 'object' } } }];
    expect(measureBudget(entries, tools, 8192, 1024).system).toBeGreaterThan(measureBudget(entries, undefined, 8192, 1024).system + 40);
  });

  it('draws a bar of exactly the width, every non-empty part visible', () => {
    const b = { window: 100_000, system: 50, history: 10, toolResults: 0, replyReserve: 1024, free: 98_916 };
    for (const width of [10, 37, 60]) {
      const parts = budgetBar(b, width);
      expect(parts.reduce((n, p) => n + p.cells, 0)).toBe(width);
      expect(parts.find((p) => p.key === 'system')!.cells).toBeGreaterThanOrEqual(1);
      expect(parts.find((p) => p.key === 'toolResults')!.cells).toBe(0);
    }
  });

  it('reads without colour: a glyph per part and a legend with numbers', () => {
    const text = renderBudget({ window: 8192, system: 2048, history: 1024, toolResults: 1024, replyReserve: 1024, free: 3072 }, 40, createStyle(false));
    expect(text).toContain('Context window: 4,096 of 8,192 tokens used (50%)');
    const bar = text.split('\n')[1]!.trim();
    expect(bar).toMatch(/^█{8,9}▓{4,5}▒{4,5}░{4,5}·{13,15}$/); // a quarter, three eighths, three eighths of 36 cells
    expect(bar).toHaveLength(36);
    expect(text).toMatch(/▒ tool results\s+1,024\s+13%/);
    expect(text).toMatch(/· free\s+3,072\s+38%/);
  });
});
