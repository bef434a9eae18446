/**
 * What happened in this session, for `/stats` and `/tokens`: model turns with their tokens and
 * time, tool calls by tool with failures, files changed, tasks. Fed from the agent's events and
 * each task's RunResult; a resumed session starts from the turn records it saved.
 */
import type { AgentEvents, RunResult } from '../agent/types.js';
import type { SessionRecord } from '../store/sessions.js';
import { fmt } from './budget.js';
import type { Style } from './style.js';

export interface TurnStat {
  turn: number;
  ms: number;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  toolCalls: number;
  /** Prompt tokens the server answered from its prefix cache, when it said. */
  cachedTokens?: number;
  /** Loaded from the saved session rather than run in this process. */
  earlier?: boolean;
}

export class SessionStats {
  readonly turns: TurnStat[] = [];
  readonly tools = new Map<string, { calls: number; failures: number; ms: number }>();
  readonly filesCreated = new Set<string>();
  readonly filesEdited = new Set<string>();
  tasks = 0;
  failedTasks = 0;
  readonly startedAt = Date.now();

  onTurnEnd(e: AgentEvents['turn_end']): void {
    this.turns.push({ turn: e.turn, ms: e.ms, promptTokens: e.usage.promptTokens, completionTokens: e.usage.completionTokens, estimated: e.usage.estimated, toolCalls: e.toolCalls, cachedTokens: e.usage.cachedTokens });
  }

  onToolEnd(e: AgentEvents['tool_end']): void {
    const t = this.tools.get(e.name) ?? { calls: 0, failures: 0, ms: 0 };
    t.calls++;
    if (!e.ok) t.failures++;
    t.ms += e.ms;
    this.tools.set(e.name, t);
  }

  onTaskEnd(r: RunResult): void {
    this.tasks++;
    if (!r.success) this.failedTasks++;
    for (const f of r.filesCreated) this.filesCreated.add(f);
    for (const f of r.filesEdited) if (!this.filesCreated.has(f)) this.filesEdited.add(f);
  }

  /** The records of a resumed session, so `/tokens` and `/stats` cover the whole conversation. */
  loadEarlier(records: SessionRecord[]): void {
    for (const r of records) {
      if (r.type === 'entry' && r.entry.kind === 'task') this.tasks++;
      if (r.type === 'turn') this.turns.push({ turn: r.turn, ms: r.ms, promptTokens: r.promptTokens, completionTokens: r.completionTokens, estimated: r.estimated, toolCalls: r.toolCalls, cachedTokens: r.cachedTokens, earlier: true });
    }
  }

  /** `cached` counts only the turns whose server said (undefined: none did). */
  totals(): { prompt: number; completion: number; estimated: boolean; ms: number; cached?: number } {
    let prompt = 0;
    let completion = 0;
    let ms = 0;
    let estimated = false;
    let cached: number | undefined;
    for (const t of this.turns) {
      prompt += t.promptTokens;
      completion += t.completionTokens;
      ms += t.ms;
      estimated ||= t.estimated;
      if (t.cachedTokens !== undefined) cached = (cached ?? 0) + t.cachedTokens;
    }
    return { prompt, completion, estimated, ms, cached };
  }
}

export function renderTokens(stats: SessionStats, style: Style): string {
  const { c } = style;
  if (stats.turns.length === 0) return c.dim('No model turns yet.');
  const total = stats.totals();
  // Cached vs processed, when the server says which prompt tokens came from its prefix cache.
  const split = total.cached !== undefined;
  const cachedCol = (n: number | undefined) => (split ? `  ${(n === undefined ? '–' : fmt(n)).padStart(9)}` : '');
  const rows = [c.bold(`${'turn'.padStart(5)}  ${'prompt'.padStart(9)}${split ? `  ${'cached'.padStart(9)}` : ''}  ${'completion'.padStart(10)}  ${'time'.padStart(8)}`)];
  for (const t of stats.turns) {
    const mark = t.estimated ? c.dim(' ~est.') : '';
    const earlier = t.earlier ? c.dim(' (earlier)') : '';
    rows.push(`${String(t.turn).padStart(5)}  ${fmt(t.promptTokens).padStart(9)}${cachedCol(t.cachedTokens)}  ${fmt(t.completionTokens).padStart(10)}  ${seconds(t.ms).padStart(8)}${mark}${earlier}`);
  }
  rows.push(c.bold(`${'total'.padStart(5)}  ${fmt(total.prompt).padStart(9)}${cachedCol(total.cached)}  ${fmt(total.completion).padStart(10)}  ${seconds(total.ms).padStart(8)}`) + `  ${fmt(total.prompt + total.completion)} tokens${total.estimated ? c.dim(' (some estimated: the server sent no usage)') : ''}`);
  if (split) rows.push(c.dim(`prompt tokens: ${fmt(total.cached!)} from the server's cache, ${fmt(total.prompt - total.cached!)} processed`));
  return rows.join('\n');
}

export function renderStats(stats: SessionStats, style: Style): string {
  const { c } = style;
  const total = stats.totals();
  const calls = [...stats.tools.values()].reduce((n, t) => n + t.calls, 0);
  const failures = [...stats.tools.values()].reduce((n, t) => n + t.failures, 0);
  const lines = [
    `${c.bold('Tasks')}       ${stats.tasks}${stats.failedTasks ? ` (${stats.failedTasks} failed or cancelled)` : ''}`,
    `${c.bold('Model turns')} ${stats.turns.length}, ${seconds(total.ms)} waiting for the model`,
    `${c.bold('Tokens')}      ${fmt(total.prompt)} prompt + ${fmt(total.completion)} completion`,
    `${c.bold('Tool calls')}  ${calls}${failures ? `, ${failures} failed` : ''}`,
  ];
  const byCalls = [...stats.tools.entries()].sort((a, b) => b[1].calls - a[1].calls);
  for (const [name, t] of byCalls) {
    lines.push(`  ${name.padEnd(14)} ${String(t.calls).padStart(4)} call${t.calls === 1 ? ' ' : 's'}${t.failures ? c.red(`  ${t.failures} failed`) : ''}  ${c.dim(seconds(t.ms))}`);
  }
  const changed = stats.filesCreated.size + stats.filesEdited.size;
  lines.push(`${c.bold('Files')}       ${changed} changed (${stats.filesCreated.size} created, ${stats.filesEdited.size} edited)`);
  for (const f of stats.filesCreated) lines.push(`  ${c.green('+')} ${f}`);
  for (const f of stats.filesEdited) lines.push(`  ${c.yellow('~')} ${f}`);
  lines.push(`${c.bold('Time')}        ${seconds(Date.now() - stats.startedAt)} in this session`);
  return lines.join('\n');
}

export function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
