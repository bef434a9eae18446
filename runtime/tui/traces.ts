/**
 * Turn traces: `.smallcode/traces/session-<id>.jsonl`, one record per model turn (model, tokens,
 * time, tool calls and their outcomes), written as the turn ends. Beside the turns, what a replay
 * needs (`/trace test`, runtime/eval): a `task` record with the project's files as the task
 * started, a `reply` record with every model reply in full, a `result` record with the RunResult
 * and the changed files as it ended. The cognition runtime writes its spans beside them
 * (`cognition-<date>.jsonl`); `/trace` lists, shows, exports and turns them into tests.
 */
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { AgentEvents, RunResult } from '../agent/types.js';
import { snapshotFiles, snapshotProject } from '../eval/project-files.js';
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

/** A task began: its text and the project's files (blobs under .smallcode/traces/files/). */
export interface TaskTrace {
  kind: 'task';
  session: string;
  at: string;
  model: string;
  task: string;
  files: Record<string, string>;
  truncated?: string;
}

/** One model reply in full, in the order the server sent them (main loop and prompts alike). */
export interface ReplyTrace {
  kind: 'reply';
  session: string;
  at: string;
  model: string;
  content: string;
  reasoning?: string;
  toolCalls: Array<{ name: string; arguments: string }>;
  finishReason: string;
}

/** A task ended: its RunResult and the files it created or edited (null: deleted). */
export interface ResultTrace {
  kind: 'result';
  session: string;
  at: string;
  result: RunResult;
  files: Record<string, string | null>;
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

  onTaskStart(task: string): void {
    try {
      const snapshot = snapshotProject(this.root);
      this.append({ kind: 'task', session: this.sessionId, at: new Date().toISOString(), model: this.model(), task, ...snapshot } satisfies TaskTrace);
    } catch {
      // an unreadable tree leaves this task without a replay, not without its run
    }
  }

  onReply(e: AgentEvents['reply']): void {
    const record: ReplyTrace = {
      kind: 'reply',
      session: this.sessionId,
      at: new Date().toISOString(),
      model: e.model,
      content: e.content,
      ...(e.reasoning ? { reasoning: e.reasoning } : {}),
      toolCalls: e.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args })),
      finishReason: e.finishReason,
    };
    this.append(record);
  }

  onTaskEnd(result: RunResult): void {
    try {
      const files = snapshotFiles(this.root, [...result.filesCreated, ...result.filesEdited]);
      this.append({ kind: 'result', session: this.sessionId, at: new Date().toISOString(), result, files } satisfies ResultTrace);
    } catch {
      // as above
    }
  }

  private append(record: object): void {
    try {
      mkdirSync(tracesDir(this.root), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    } catch {
      // a trace is worth less than the turn: a full disk must not stop the session
    }
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
    this.append(record);
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
      if (r.kind === 'task') {
        lines.push(`  task  ${JSON.stringify((r as unknown as TaskTrace).task)}  ${c.dim(`${Object.keys((r as unknown as TaskTrace).files).length} files`)}`);
        continue;
      }
      if (r.kind === 'result') {
        const { result } = r as unknown as ResultTrace;
        lines.push(`  result  ${result.success ? c.green('success') : c.red(`failed: ${result.error ?? ''}`)}`);
        continue;
      }
      if (r.kind === 'reply') continue;
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
