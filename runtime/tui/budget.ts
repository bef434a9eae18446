/**
 * `/budget`: how the context window is used right now — the system prompt and tool schemas, the
 * conversation, tool results, the room kept for the reply, and what is free — as one bar.
 */
import type { HistoryEntry } from '../agent/history.js';
import { countMessageTokens, countTokens } from '../model/tokens.js';
import type { ToolDefinition } from '../model/types.js';
import type { Style } from './style.js';

export interface BudgetBreakdown {
  window: number;
  system: number;
  history: number;
  toolResults: number;
  replyReserve: number;
  free: number;
}

export function measureBudget(entries: readonly HistoryEntry[], tools: ToolDefinition[] | undefined, window: number, replyReserve: number): BudgetBreakdown {
  let system = tools?.length ? countTokens(JSON.stringify(tools)) : 0;
  let history = 0;
  let toolResults = 0;
  for (const e of entries) {
    const n = countMessageTokens(e.message);
    if (e.kind === 'system') system += n;
    else if (e.kind === 'tool_result') toolResults += n;
    else history += n;
  }
  const reserve = Math.min(replyReserve, Math.max(0, window - system - history - toolResults));
  const free = Math.max(0, window - system - history - toolResults - reserve);
  return { window, system, history, toolResults, replyReserve: reserve, free };
}

const PARTS = [
  { key: 'system', label: 'system + tools', glyph: '█', color: 'magenta' },
  { key: 'history', label: 'conversation', glyph: '▓', color: 'cyan' },
  { key: 'toolResults', label: 'tool results', glyph: '▒', color: 'yellow' },
  { key: 'replyReserve', label: 'reply reserve', glyph: '░', color: 'dim' },
  { key: 'free', label: 'free', glyph: '·', color: 'dim' },
] as const;

/**
 * The bar is `width` cells; every non-empty part gets at least one cell so it stays visible.
 * Different glyphs per part keep it readable without colour (NO_COLOR, screen readers).
 */
export function budgetBar(b: BudgetBreakdown, width: number): Array<{ key: (typeof PARTS)[number]['key']; cells: number; glyph: string; color: string }> {
  const total = Math.max(1, b.system + b.history + b.toolResults + b.replyReserve + b.free);
  const raw = PARTS.map((p) => ({ ...p, value: b[p.key] }));
  const cells = raw.map((p) => (p.value > 0 ? Math.max(1, Math.floor((p.value / total) * width)) : 0));
  // Hand out (or take back) rounding leftovers on the largest part.
  const leftover = width - cells.reduce((a, n) => a + n, 0);
  const largest = cells.indexOf(Math.max(...cells));
  cells[largest] = Math.max(1, cells[largest]! + leftover);
  return raw.map((p, i) => ({ key: p.key, cells: cells[i]!, glyph: p.glyph, color: p.color }));
}

export function renderBudget(b: BudgetBreakdown, width: number, style: Style): string {
  const barWidth = Math.max(10, Math.min(60, width - 4));
  const bar = budgetBar(b, barWidth)
    .map((p) => style.color(p.color, p.glyph.repeat(p.cells)))
    .join('');
  const used = b.system + b.history + b.toolResults;
  const pct = (n: number) => `${((n / Math.max(1, b.window)) * 100).toFixed(n && n / b.window < 0.01 ? 1 : 0)}%`;
  const lines = [`Context window: ${fmt(used)} of ${fmt(b.window)} tokens used (${pct(used)})`, `  ${bar}`];
  for (const p of PARTS) {
    const value = b[p.key];
    lines.push(`  ${style.color(p.color, p.glyph)} ${p.label.padEnd(14)} ${fmt(value).padStart(8)}  ${pct(value).padStart(5)}`);
  }
  return lines.join('\n');
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
