import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSqlite, openStore, STORE_JSONL, type Store } from '../../../runtime/store/index.js';
import { parseOps } from '../../../runtime/store/json-store.js';
import { repoRoot } from '../../support/run-cli.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smallcode-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const BACKENDS = ['auto', 'json'] as const;

describe.each(BACKENDS)('store (%s)', (backend) => {
  const open = (dir = tempDir()) => openStore({ dir, backend });

  it('uses the back end asked for', () => {
    const store = open();
    expect(store.backend).toBe(backend === 'json' ? 'json' : 'sqlite');
    store.close();
  });

  it('puts, gets, replaces by id, deletes and clears', () => {
    const store = open();
    const a = store.put({ kind: 'fact', text: 'the tests run with vitest', tags: ['testing'] });
    expect(store.get(a.id)).toEqual(a);
    store.put({ id: a.id, kind: 'fact', text: 'the tests run with npm test' });
    expect(store.get(a.id)?.text).toBe('the tests run with npm test');
    expect(store.count()).toBe(1);
    store.put({ kind: 'evidence', text: 'one' });
    store.put({ kind: 'evidence', text: 'two' });
    expect(store.count(['evidence'])).toBe(2);
    expect(store.delete(a.id)).toBe(true);
    expect(store.delete(a.id)).toBe(false);
    expect(store.clear(['evidence'])).toBe(2);
    expect(store.count()).toBe(0);
    store.close();
  });

  it('lists newest first, by kind and age', () => {
    const store = open();
    store.put({ kind: 'evidence', text: 'old', createdAt: 1000 });
    store.put({ kind: 'evidence', text: 'new', createdAt: 3000 });
    store.put({ kind: 'fact', text: 'middle', createdAt: 2000 });
    expect(store.list().map((d) => d.text)).toEqual(['new', 'middle', 'old']);
    expect(store.list({ kinds: ['evidence'], limit: 1 }).map((d) => d.text)).toEqual(['new']);
    expect(store.list({ since: 2000 }).map((d) => d.text)).toEqual(['new', 'middle']);
    store.close();
  });

  it('searches: best match first, newest first among equals, nothing for an empty query', () => {
    const store = open();
    store.put({ kind: 'evidence', text: 'speed up the query in src/db.ts', createdAt: 1000 });
    store.put({ kind: 'evidence', text: 'fix the login form', createdAt: 2000 });
    store.put({ kind: 'evidence', text: 'the query in src/db.ts again', createdAt: 3000 });
    store.put({ kind: 'fact', text: 'database lives in src/db.ts', createdAt: 4000 });
    const hits = store.search('slow query in db.ts', { kinds: ['evidence'] });
    expect(hits.map((h) => h.doc.createdAt)).toEqual([3000, 1000]);
    expect(store.search('login')[0]?.doc.text).toBe('fix the login form');
    expect(store.search('')).toEqual([]);
    expect(store.search('the and of')).toEqual([]);
    // FTS syntax in a query is text, not an operator.
    expect(() => store.search('"db" NEAR( AND * -x')).not.toThrow();
    expect(store.search('tags-only', {})).toEqual([]);
    store.close();
  });

  it('matches tags as well as text', () => {
    const store = open();
    store.put({ kind: 'fact', text: 'use pnpm here', tags: ['packaging'] });
    expect(store.search('packaging').map((h) => h.doc.text)).toEqual(['use pnpm here']);
    store.close();
  });

  it('puts many at once: each stored, searchable, replacing by id like put', () => {
    const dir = tempDir();
    const store = open(dir);
    const kept = store.put({ id: 'f-keep', kind: 'fact', text: 'old text' });
    const many = store.putMany([
      ...Array.from({ length: 50 }, (_, i) => ({ kind: 'evidence', text: `task ${i} in src/file${i}.ts`, createdAt: 1000 + i })),
      { id: kept.id, kind: 'fact', text: 'new text' },
    ]);
    expect(new Set(many.map((d) => d.id)).size).toBe(51);
    expect(store.count(['evidence'])).toBe(50);
    expect(store.get(kept.id)?.text).toBe('new text');
    expect(store.putMany([])).toEqual([]);
    store.close();
    const again = open(dir);
    expect(again.search('file17', { kinds: ['evidence'] }).map((h) => h.doc.text)).toEqual(['task 17 in src/file17.ts']);
    again.close();
  });

  it('searches within a kind and an age together (the start of a task asks both)', () => {
    const store = open();
    store.put({ kind: 'evidence', text: 'cache the parser results', createdAt: 1000 });
    store.put({ kind: 'evidence', text: 'cache the parser again', createdAt: 5000 });
    store.put({ kind: 'fact', text: 'the parser cache is in lib', createdAt: 6000 });
    const hits = store.search('parser cache', { kinds: ['evidence'], since: 2000 });
    expect(hits.map((h) => h.doc.createdAt)).toEqual([5000]);
    expect(store.search('parser cache', { kinds: ['evidence'], since: 9000 })).toEqual([]);
    store.close();
  });

  it('keeps documents across reopening', () => {
    const dir = tempDir();
    const first = open(dir);
    const doc = first.put({ kind: 'fact', text: 'remember me', data: { n: 1 } });
    first.close();
    const second = open(dir);
    expect(second.get(doc.id)).toEqual(doc);
    expect(second.search('remember')[0]?.doc.id).toBe(doc.id);
    second.close();
  });

  it('finds any document by one of its words (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.stringMatching(/^[a-z]{3,8}$/), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }), fc.nat(), (texts, pick) => {
        const store = open();
        const docs = texts.map((words) => store.put({ kind: 'fact', text: words.join(' ') }));
        const target = docs[pick % docs.length]!;
        const word = target.text.split(' ')[0]!;
        const found = store.search(word, { limit: docs.length }).map((h) => h.doc.id);
        const expected = docs.filter((d) => d.text.split(' ').includes(word)).map((d) => d.id);
        store.close();
        return found.length === expected.length && expected.every((id) => found.includes(id));
      }),
      { numRuns: 25 },
    );
  });
});

describe('JSON-lines fallback', () => {
  it('skips a torn last line and keeps every whole record, at any cut (property)', () => {
    const dir = tempDir();
    const store = openStore({ dir, backend: 'json' });
    const docs = Array.from({ length: 5 }, (_, i) => store.put({ kind: 'fact', text: `fact number ${i}` }));
    const file = path.join(dir, STORE_JSONL);
    const full = readFileSync(file);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: full.length }), (cut) => {
        writeFileSync(file, full.subarray(0, cut));
        const wholeLines = full.subarray(0, cut).toString('utf8').split('\n').length - 1;
        const reopened = openStore({ dir, backend: 'json' });
        return reopened.count() === wholeLines && reopened.list().every((d) => docs.some((o) => o.id === d.id));
      }),
      { numRuns: 60 },
    );
  });

  it('recovers a record appended right after a torn line', () => {
    const dir = tempDir();
    const file = path.join(dir, STORE_JSONL);
    const store = openStore({ dir, backend: 'json' });
    store.put({ kind: 'fact', text: 'first' });
    const size = readFileSync(file).length;
    appendFileSync(file, '{"op":"put","doc":{"id":"f-torn","kind":"fact","crea');
    const after = openStore({ dir, backend: 'json' });
    after.put({ kind: 'fact', text: 'after the tear' });
    expect(readFileSync(file).length).toBeGreaterThan(size);
    const again = openStore({ dir, backend: 'json' });
    expect(again.list().map((d) => d.text).sort()).toEqual(['after the tear', 'first']);
  });

  it('treats lines that are not operations as torn (near misses)', () => {
    expect(parseOps('{"op":"put","doc":{"id":"x"}}')).toHaveLength(1);
    expect(parseOps('{"op":"put","doc":{}}')).toEqual([]);
    expect(parseOps('{"op":"drop","id":"x"}')).toEqual([]);
    expect(parseOps('[1,2]')).toEqual([]);
    expect(parseOps('null')).toEqual([]);
    expect(parseOps('{"op":"del","id":"a"')).toEqual([]);
  });

  it('sees what another handle appended', () => {
    const dir = tempDir();
    const a = openStore({ dir, backend: 'json' });
    const b = openStore({ dir, backend: 'json' });
    a.put({ kind: 'fact', text: 'written by a' });
    expect(b.search('written')[0]?.doc.text).toBe('written by a');
  });

  it('moves into SQLite once better-sqlite3 loads', () => {
    if (loadSqlite() instanceof Error) return;
    const dir = tempDir();
    openStore({ dir, backend: 'json' }).put({ kind: 'fact', text: 'kept through the move' });
    const sqlite = openStore({ dir });
    expect(sqlite.backend).toBe('sqlite');
    expect(sqlite.search('move')[0]?.doc.text).toBe('kept through the move');
    sqlite.close();
  });
});

describe('SQLite modules', () => {
  it('applies a module\'s migrations once, in order, and only the new ones later', () => {
    const dir = tempDir();
    const store = openStore({ dir });
    if (store.backend !== 'sqlite') return;
    const v1 = { name: 'graph', migrations: ['CREATE TABLE graph_files (hash TEXT PRIMARY KEY)'] };
    expect(store.migrate(v1)).toBe(true);
    expect(store.migrate(v1)).toBe(true); // already applied: no "table exists" error
    const v2 = { name: 'graph', migrations: [...v1.migrations, (db: NonNullable<Store['sqlite']>) => db.exec('ALTER TABLE graph_files ADD COLUMN path TEXT')] };
    store.migrate(v2);
    store.sqlite!.prepare('INSERT INTO graph_files (hash, path) VALUES (?, ?)').run('abc', 'src/a.ts');
    expect(store.sqlite!.prepare('SELECT version FROM store_modules WHERE name = ?').get('graph')).toEqual({ version: 2 });
    expect(store.sqlite!.pragma('user_version', { simple: true })).toBe(1);
    store.close();
  });

  it('rolls a failing migration back and says which', () => {
    const store = openStore({ dir: tempDir() });
    if (store.backend !== 'sqlite') return;
    expect(() => store.migrate({ name: 'bad', migrations: ['CREATE TABLE ok_table (x)', 'NOT SQL'] })).toThrow(/syntax/);
    expect(store.sqlite!.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok_table'").get()).toEqual({ n: 0 });
    store.close();
  });
});

/** Runs test/support/store-writer.ts; resolves with the ids it printed and its exit. */
function writer(dir: string, backend: string, tag: string, count: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/support/store-writer.ts'), dir, backend, tag, String(count)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = new Promise<{ code: number | null; signal: string | null; ids: string[]; err: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, ids: out.split('\n').filter((l) => /^e-/.test(l)), err })),
  );
  return { child, done, printed: () => out.split('\n').filter((l) => /^e-/.test(l)).length };
}

describe.each(BACKENDS)('two processes, crashes (%s)', (backend) => {
  it('two processes writing at once lose nothing and never fail with "database is locked"', async () => {
    const dir = tempDir();
    const [a, b] = [writer(dir, backend, 'alpha', 300), writer(dir, backend, 'beta', 300)];
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.err + rb.err).toBe('');
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const store = openStore({ dir, backend });
    expect(store.count()).toBe(600);
    const ids = new Set(store.list().map((d) => d.id));
    expect([...ra.ids, ...rb.ids].every((id) => ids.has(id))).toBe(true);
    store.close();
  }, 120_000);

  it('a kill -9 mid-write leaves a store that opens, passes its check and holds every acknowledged record', async () => {
    const dir = tempDir();
    const w = writer(dir, backend, 'crash', 0);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (w.printed() >= 150) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    w.child.kill('SIGKILL');
    const result = await w.done;
    expect(result.signal).toBe('SIGKILL');
    const store = openStore({ dir, backend });
    if (store.sqlite) expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    else {
      // Every line but a torn last one parses.
      const lines = readFileSync(path.join(dir, STORE_JSONL), 'utf8').split('\n').slice(0, -1);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
    const ids = new Set(store.list().map((d) => d.id));
    expect(result.ids.every((id) => ids.has(id))).toBe(true);
    store.close();
  }, 120_000);
});

describe('truncated database file', () => {
  it('a truncated JSON file still opens', () => {
    const dir = tempDir();
    const store = openStore({ dir, backend: 'json' });
    store.put({ kind: 'fact', text: 'x'.repeat(100) });
    truncateSync(path.join(dir, STORE_JSONL), 50);
    expect(openStore({ dir, backend: 'json' }).count()).toBe(0);
  });
});
