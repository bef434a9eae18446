/**
 * Turn traces: `.smallcode/traces/session-<id>.jsonl`, one record per model turn (model, tokens,
 * time, tool calls and their outcomes), written as the turn ends. The cognition runtime writes its
 * spans beside them (`cognition-<date>.jsonl`); `/trace` lists, shows and exports both kinds.
 */
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { AgentEvents } from '../agent/types.js';
import { keyArgument } from '../cli/output.js';
import { fmt } from './budget.js';
import { seconds } from './stats.js';
import type { Style } from './style.js';

export interface TurnTrace {
  session: string;
  turn: number;
  at: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  ms: number;
  finishReason: string;
  toolCalls: Array<{ name: string; arg: string; ok: boolean; ms: number; cached?: boolean }>;
}

export function tracesDir(root: string): string {
  return join(root, '.smallcode', 'traces');
}

export class TraceWriter {
  private pendingCalls: TurnTrace['toolCalls'] = [];
  private pendingArgs: string[] = [];

  constructor(
    private readonly root: string,
    private readonly sessionId: string,
    private readonly model: () => string,
  ) {}

  get file(): string {
    return join(tracesDir(this.root), `session-${this.sessionId}.jsonl`);
  }

  onToolStart(e: AgentEvents['tool_start']): void {
    this.pendingArgs.push(keyArgument(e.args));
  }

  onToolEnd(e: AgentEvents['tool_end']): void {
    this.pendingCalls.push({ name: e.name, arg: this.pendingArgs.shift() ?? '', ok: e.ok, ms: e.ms, ...(e.cached ? { cached: true } : {}) });
  }

  onTurnEnd(e: AgentEvents['turn_end']): TurnTrace {
    const record: TurnTrace = {
      session: this.sessionId,
      turn: e.turn,
      at: new Date().toISOString(),
      model: this.model(),
      promptTokens: e.usage.promptTokens,
      completionTokens: e.usage.completionTokens,
      estimated: e.usage.estimated,
      ms: e.ms,
      finishReason: e.finishReason,
      toolCalls: this.pendingCalls,
    };
    this.pendingCalls = [];
    this.pendingArgs = [];
    try {
      mkdirSync(tracesDir(this.root), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    } catch {
      // a trace is worth less than the turn: a full disk must not stop the session
    }
    return record;
  }
}

export interface TraceFile {
  name: string;
  kind: 'session' | 'cognition' | 'other';
  file: string;
  records: number;
  bytes: number;
  updatedAt: string;
}

export function listTraces(root: string): TraceFile[] {
  const dir = tracesDir(root);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return names
    .map((name) => {
      const file = join(dir, name);
      const st = statSync(file);
      const text = readFileSync(file, 'utf8');
      const kind: TraceFile['kind'] = name.startsWith('session-') ? 'session' : name.startsWith('cognition-') ? 'cognition' : 'other';
      return { name: name.slice(0, -'.jsonl'.length), kind, file, records: text.split('\n').filter((l) => l.trim()).length, bytes: st.size, updatedAt: st.mtime.toISOString() };
    })
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** A trace by name, by unique prefix, by session id, or by list position (1 = newest). */
export function findTrace(root: string, ref: string | undefined, currentSession: string): TraceFile | undefined {
  const all = listTraces(root);
  const wanted = ref ?? `session-${currentSession}`;
  if (/^\d{1,3}$/.test(wanted)) return all[Number(wanted) - 1];
  return (
    all.find((t) => t.name === wanted || t.name === `session-${wanted}`) ??
    (() => {
      const hits = all.filter((t) => t.name.startsWith(wanted) || t.name.startsWith(`session-${wanted}`));
      return hits.length === 1 ? hits[0] : undefined;
    })()
  );
}

export function renderTraceList(traces: TraceFile[], style: Style): string {
  const { c } = style;
  if (traces.length === 0) return c.dim('No traces yet (they are written under .smallcode/traces/ as turns end).');
  return traces
    .map((t, i) => `${String(i + 1).padStart(3)}. ${t.name}  ${c.dim(`${t.kind}, ${t.records} record${t.records === 1 ? '' : 's'}, ${fmt(t.bytes)} bytes, ${t.updatedAt.replace('T', ' ').slice(0, 19)}`)}`)
    .join('\n');
}

export function renderTrace(trace: TraceFile, style: Style): string {
  const { c } = style;
  const records = readFileSync(trace.file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const lines = [c.bold(`${trace.name} (${trace.kind}, ${records.length} records)`)];
  for (const r of records) {
    if (trace.kind === 'session') {
      const t = r as unknown as TurnTrace;
      const tools = t.toolCalls.map((call) => `${call.ok ? c.green('✓') : c.red('✗')} ${call.name}${call.arg ? ` ${call.arg}` : ''}`).join(', ');
      lines.push(`  turn ${String(t.turn).padStart(3)}  ${t.model}  ${fmt(t.promptTokens)}→${fmt(t.completionTokens)} tokens  ${seconds(t.ms)}  ${t.finishReason}${tools ? `  ${tools}` : ''}`);
    } else {
      const s = r as { name?: string; kind?: string; outcome?: string; ms?: number; model?: string; prompt_tokens?: number; completion_tokens?: number };
      const tokens = s.prompt_tokens !== undefined ? `  ${s.prompt_tokens}→${s.completion_tokens ?? 0} tokens` : '';
      lines.push(`  ${s.kind ?? 'span'} ${s.name ?? '?'}  ${s.outcome ?? ''}  ${s.ms ?? 0} ms${s.model ? `  ${s.model}` : ''}${tokens}`);
    }
  }
  return lines.join('\n');
}

/** Copies the trace to `target` (default: the project root, under the trace's own name). */
export function exportTrace(trace: TraceFile, root: string, target?: string): string {
  const dest = target ? (isAbsolute(target) ? target : resolve(root, target)) : join(root, `${basename(trace.file)}`);
  copyFileSync(trace.file, dest);
  return dest;
}
