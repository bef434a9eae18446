import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../runtime/agent/history.js';
import { findSession, latestSession, listSessions, loadSession, newSessionId, SessionWriter } from '../../../runtime/store/sessions.js';

const task = (text: string, turn: number): HistoryEntry => ({ message: { role: 'user', content: text }, turn, kind: 'task' });
const answer = (text: string, turn: number): HistoryEntry => ({ message: { role: 'assistant', content: text }, turn, kind: 'assistant' });

describe('the session store', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sessions-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('appends one JSON line per entry, readable at once by another process (no buffering)', () => {
    const w = new SessionWriter(root, 'a1', { model: () => 'm' });
    w.entry({ message: { role: 'system', content: 'sys' }, turn: 0, kind: 'system' });
    w.entry(task('fix the bug', 1));
    const lines = readFileSync(w.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['session', 'entry']); // the system prompt is not saved
    expect(lines[0]).toMatchObject({ id: 'a1', model: 'm' });
    w.entry(answer('fixed', 1));
    w.close();
    expect(loadSession(root, 'a1').entries.map((e) => e.message.content)).toEqual(['fix the bug', 'fixed']);
  });

  it('skips a line torn by a kill, and /clear starts the conversation over', () => {
    const w = new SessionWriter(root, 'b2', { model: () => 'm' });
    w.entry(task('old', 1));
    w.append({ type: 'clear', at: new Date().toISOString() });
    w.entry(task('new', 2));
    w.close();
    appendFileSync(w.file, '{"type":"entry","at":"x","entry":{"mess'); // the write a kill cut short
    expect(loadSession(root, 'b2').entries.map((e) => e.message.content)).toEqual(['new']);
    expect(listSessions(root)[0]).toMatchObject({ firstMessage: 'new', tasks: 1 }); // the list says what resuming brings back
  });

  it('lists sessions newest first with first message, tasks and size; finds by id, prefix or number', async () => {
    const a = new SessionWriter(root, '20260101-000000-aaaaaa', { model: () => 'm' });
    a.entry(task('first conversation', 1));
    a.close();
    await new Promise((r) => setTimeout(r, 20));
    const b = new SessionWriter(root, '20260102-000000-bbbbbb', { model: () => 'm' });
    b.entry(task('second conversation', 1));
    b.entry(task('more', 2));
    b.close();
    await new Promise((r) => setTimeout(r, 20));
    const empty = new SessionWriter(root, '20260103-000000-cccccc', { model: () => 'm' });
    empty.append({ type: 'clear', at: 'now' });
    empty.close();

    const all = listSessions(root);
    expect(all.map((s) => [s.firstMessage, s.tasks])).toEqual([['', 0], ['second conversation', 2], ['first conversation', 1]]);
    expect(all[1]!.bytes).toBeGreaterThan(100);
    expect(latestSession(root)?.id).toBe('20260102-000000-bbbbbb'); // --continue skips sessions with no task
    expect(findSession(root, '20260101')?.id).toBe('20260101-000000-aaaaaa');
    expect(findSession(root, '2')?.id).toBe('20260102-000000-bbbbbb');
    expect(findSession(root, '2026')).toBeUndefined(); // ambiguous prefix
  });

  it('makes ids that sort by time and refuses ids that could leave the folder', () => {
    expect(newSessionId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(() => loadSession(root, '../etc')).toThrow(/Invalid session id/);
    expect(() => loadSession(root, 'missing')).toThrow(/no saved session 'missing'/);
  });
});
