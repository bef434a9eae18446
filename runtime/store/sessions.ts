/**
 * Sessions on disk: one append-only JSONL file per session under `.smallcode/sessions/`, one
 * record per line, each written and fsynced as it happens — a crash or a kill loses at most the
 * record being written, and a torn last line is skipped when the file is read back.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEntry } from '../agent/history.js';

export const SESSIONS_DIR = join('.smallcode', 'sessions');

/** What one session file holds, line by line. */
export type SessionRecord =
  | { type: 'session'; id: string; createdAt: string; model: string; root: string }
  | { type: 'entry'; at: string; entry: HistoryEntry }
  | { type: 'tool'; at: string; turn: number; name: string; ok: boolean; ms: number; arg?: string }
  | { type: 'turn'; at: string; turn: number; ms: number; promptTokens: number; completionTokens: number; estimated: boolean; toolCalls: number; cachedTokens?: number }
  /** `/clear`: the conversation before this line is over. */
  | { type: 'clear'; at: string };

export interface SessionSummary {
  id: string;
  file: string;
  /** Last write (ISO). */
  updatedAt: string;
  createdAt: string;
  /** The first task of the conversation, for recognising it in a list. */
  firstMessage: string;
  tasks: number;
  bytes: number;
  model: string;
}

export interface LoadedSession {
  id: string;
  model: string;
  /** The conversation since the last `/clear`, system prompt excluded. */
  entries: HistoryEntry[];
  records: SessionRecord[];
}

/** `20261121-093000-a1b2c3`: sorts by time, unique enough, valid as a snapshot folder name. */
export function newSessionId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function sessionsDir(root: string): string {
  return join(root, SESSIONS_DIR);
}

export function sessionFile(root: string, id: string): string {
  if (!ID.test(id)) throw new Error(`Invalid session id '${id}': use letters, digits, '.', '_' or '-'.`);
  return join(sessionsDir(root), `${id}.jsonl`);
}

/** Appends records to one session's file; the header is written with the first record. */
export class SessionWriter {
  private fd: number | null = null;

  constructor(
    readonly root: string,
    readonly id: string,
    private readonly header: { model: () => string },
  ) {}

  get file(): string {
    return sessionFile(this.root, this.id);
  }

  append(record: SessionRecord): void {
    if (this.fd === null) {
      mkdirSync(sessionsDir(this.root), { recursive: true });
      const fresh = !existsSync(this.file);
      this.fd = openSync(this.file, 'a');
      if (fresh) this.write({ type: 'session', id: this.id, createdAt: new Date().toISOString(), model: this.header.model(), root: this.root });
    }
    this.write(record);
  }

  entry(entry: HistoryEntry): void {
    if (entry.kind === 'system') return; // rebuilt fresh on resume: the project may have changed
    this.append({ type: 'entry', at: new Date().toISOString(), entry });
  }

  private write(record: SessionRecord): void {
    writeSync(this.fd!, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd!);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Reads a session file; lines that do not parse (a write cut by a kill) are skipped. */
export function readSessionRecords(file: string): SessionRecord[] {
  const records: SessionRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as SessionRecord);
    } catch {
      // torn write: ignore
    }
  }
  return records;
}

export function loadSession(root: string, id: string): LoadedSession {
  const file = sessionFile(root, id);
  if (!existsSync(file)) throw new SessionNotFoundError(`no saved session '${id}' in ${sessionsDir(root)}`);
  const records = readSessionRecords(file);
  let entries: HistoryEntry[] = [];
  let model = '';
  for (const r of records) {
    if (r.type === 'session') model = r.model;
    else if (r.type === 'entry') entries.push(r.entry);
    else if (r.type === 'clear') entries = [];
  }
  return { id, model, entries, records };
}

export class SessionNotFoundError extends Error {
  override name = 'SessionNotFoundError';
}

/** Saved sessions, most recently used first. */
export function listSessions(root: string): SessionSummary[] {
  const dir = sessionsDir(root);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const out: SessionSummary[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const st = statSync(file);
      const records = readSessionRecords(file);
      const head = records.find((r) => r.type === 'session');
      // What --continue would bring back: the conversation since the last /clear.
      const lastClear = records.map((r) => r.type).lastIndexOf('clear');
      const tasks = records.slice(lastClear + 1).filter((r): r is Extract<SessionRecord, { type: 'entry' }> => r.type === 'entry' && r.entry.kind === 'task');
      out.push({
        id: name.slice(0, -'.jsonl'.length),
        file,
        updatedAt: st.mtime.toISOString(),
        createdAt: head?.type === 'session' ? head.createdAt : st.birthtime.toISOString(),
        firstMessage: tasks[0] ? String(tasks[0].entry.message.content) : '',
        tasks: tasks.length,
        bytes: st.size,
        model: head?.type === 'session' ? head.model : '',
      });
    } catch {
      // unreadable file: not a session we can offer
    }
  }
  return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id));
}

/** The most recent session with at least one task, for `--continue`. */
export function latestSession(root: string): SessionSummary | undefined {
  return listSessions(root).find((s) => s.tasks > 0);
}

/** `--resume <id>` also accepts a unique prefix of the id, or the list position (1 = newest). */
export function findSession(root: string, ref: string): SessionSummary | undefined {
  const all = listSessions(root);
  if (/^\d{1,3}$/.test(ref)) return all[Number(ref) - 1];
  const exact = all.find((s) => s.id === ref);
  if (exact) return exact;
  const prefixed = all.filter((s) => s.id.startsWith(ref));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
