/**
 * Evidence: one entry per task — what was tried, what failed and how, what worked, the checks,
 * guard trips, rollbacks and the result — gathered from the session's events while the task
 * runs, stored when it ends, and told back in a line or two when a later task looks like it.
 */
import type { AgentEventName, AgentEvents, RunResult } from '../agent/types.js';

export const EVIDENCE_KIND = 'evidence';

export interface ToolAttempt {
  tool: string;
  /** The file the call was about, when it named one. */
  file?: string;
  ok: boolean;
  errorKind?: string;
}

export interface Evidence {
  task: string;
  session: string;
  /** Files created or edited. */
  files: string[];
  /** Tool calls in order (read-only successes left out: they say little about an approach). */
  attempts: ToolAttempt[];
  checks: Array<{ command: string; ok: boolean }>;
  /** diagnose_error's categories for failed checks. */
  diagnoses: string[];
  /** `guard→action`. */
  guards: string[];
  rolledBack: string[];
  success: boolean;
  error?: string;
}

/** Tools whose success is part of an approach (a read that worked is not). */
const READ_ONLY = new Set(['read_file', 'search', 'find_files', 'outline', 'memory_load', 'use_tools']);

/** Follows one task's events and turns them into its evidence. */
export class EvidenceRecorder {
  private current?: { task: string; attempts: ToolAttempt[]; pending: Array<{ tool: string; file?: string }>; checks: Evidence['checks']; diagnoses: string[]; guards: string[] };

  constructor(private readonly session: string) {}

  begin(task: string): void {
    this.current = { task, attempts: [], pending: [], checks: [], diagnoses: [], guards: [] };
  }

  observe = <K extends AgentEventName>(event: K, payload: AgentEvents[K]): void => {
    const t = this.current;
    if (!t) return;
    if (event === 'tool_start') {
      const p = payload as AgentEvents['tool_start'];
      t.pending.push({ tool: p.name, file: fileArgument(p.args) });
    } else if (event === 'tool_end') {
      const p = payload as AgentEvents['tool_end'];
      const index = t.pending.findIndex((c) => c.tool === p.name);
      const call = index >= 0 ? t.pending.splice(index, 1)[0]! : { tool: p.name };
      if (p.ok && READ_ONLY.has(p.name)) return;
      t.attempts.push({ ...call, ok: p.ok, ...(p.ok ? {} : { errorKind: p.errorKind ?? 'failed' }) });
    } else if (event === 'check') {
      const p = payload as AgentEvents['check'];
      t.checks.push({ command: p.command, ok: p.ok });
    } else if (event === 'diagnosis') {
      t.diagnoses.push((payload as AgentEvents['diagnosis']).category);
    } else if (event === 'guard') {
      const p = payload as AgentEvents['guard'];
      t.guards.push(`${p.guard}→${p.action}`);
    }
  };

  /** The task's evidence, or undefined when no task was begun (or it was cancelled). */
  finish(result: RunResult): Evidence | undefined {
    const t = this.current;
    this.current = undefined;
    if (!t || result.error === 'cancelled') return undefined;
    return {
      task: t.task,
      session: this.session,
      files: [...new Set([...result.filesCreated, ...result.filesEdited])],
      attempts: t.attempts,
      checks: t.checks,
      diagnoses: [...new Set(t.diagnoses)],
      guards: t.guards,
      rolledBack: result.rolledBack ?? [],
      success: result.success,
      ...(result.error ? { error: result.error } : {}),
    };
  }
}

function fileArgument(args: Record<string, unknown>): string | undefined {
  for (const key of ['path', 'file', 'file_path', 'filename']) if (typeof args[key] === 'string' && args[key]) return args[key] as string;
  return undefined;
}

/** What search matches: the task's words and the files it touched or tried to. */
export function evidenceSearchText(e: Evidence): string {
  const files = new Set([...e.files, ...e.attempts.map((a) => a.file).filter((f): f is string => !!f)]);
  return [e.task, ...files].join('\n');
}

/** Tags: the error kinds and tools that failed, so `memory_load ambiguous` finds them. */
export function evidenceTags(e: Evidence): string[] {
  return [...new Set(e.attempts.filter((a) => !a.ok).flatMap((a) => [a.tool, a.errorKind ?? 'failed']))];
}

const MAX_TASK_CHARS = 80;

/**
 * The entry in a line or two: "earlier task 'speed up the query in src/db.ts' (2 days ago):
 * patch src/db.ts failed 3× (ambiguous); then write_file src/db.ts worked; npm test passed;
 * done."
 */
export function describeEvidence(e: Evidence, age?: string): string {
  const task = e.task.replace(/\s+/g, ' ').trim();
  const head = `earlier task '${task.length > MAX_TASK_CHARS ? `${task.slice(0, MAX_TASK_CHARS - 1)}…` : task}'${age ? ` (${age})` : ''}`;
  const parts: string[] = [];
  const failed = groupAttempts(e.attempts.filter((a) => !a.ok));
  if (failed.length) parts.push(failed.map((g) => `${g.label} failed${g.count > 1 ? ` ${g.count}×` : ''} (${g.kinds.join(', ')})`).join(', '));
  const worked = groupAttempts(e.attempts.filter((a) => a.ok));
  if (worked.length) parts.push(`${failed.length ? 'then ' : ''}${worked.map((g) => g.label).join(', ')} worked`);
  for (const check of collapseChecks(e.checks)) parts.push(check);
  if (e.diagnoses.length) parts.push(`diagnosed: ${e.diagnoses.join(', ')}`);
  if (e.guards.length) parts.push(`guards: ${[...new Set(e.guards)].join(', ')}`);
  if (e.rolledBack.length) parts.push(`rolled back ${e.rolledBack.join(', ')}`);
  parts.push(e.success ? 'done' : `failed: ${(e.error ?? 'no answer').slice(0, 120)}`);
  return `${head}: ${parts.join('; ')}.`;
}

function groupAttempts(attempts: ToolAttempt[]): Array<{ label: string; count: number; kinds: string[] }> {
  const groups = new Map<string, { label: string; count: number; kinds: string[] }>();
  for (const a of attempts) {
    const label = a.file ? `${a.tool} ${a.file}` : a.tool;
    const g = groups.get(label) ?? { label, count: 0, kinds: [] };
    g.count++;
    if (a.errorKind && !g.kinds.includes(a.errorKind)) g.kinds.push(a.errorKind);
    groups.set(label, g);
  }
  return [...groups.values()];
}

/** `npm test failed, then passed` — each command's outcomes in order, repeats folded. */
function collapseChecks(checks: Evidence['checks']): string[] {
  const byCommand = new Map<string, boolean[]>();
  for (const c of checks) byCommand.set(c.command, [...(byCommand.get(c.command) ?? []), c.ok]);
  return [...byCommand].map(([command, outcomes]) => {
    const runs = outcomes.filter((ok, i) => i === 0 || outcomes[i - 1] !== ok).map((ok) => (ok ? 'passed' : 'failed'));
    return `${command} ${runs.join(', then ')}`;
  });
}

/** "just now", "5 minutes ago", "3 days ago". */
export function describeAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.floor(hours / 24);
  return `${days} days ago`;
}
