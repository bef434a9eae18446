/**
 * The SQLite back end: WAL (readers never block the writer), a busy timeout plus a bounded retry
 * (two processes writing at once wait for each other instead of failing with "database is
 * locked"), short IMMEDIATE transactions, schema versions in `PRAGMA user_version` (the core) and
 * `store_modules` (each module), and FTS5 with BM25 ranking over the documents' text and tags.
 */
import { statSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import type { SqliteConstructor, SqliteDatabase } from './sqlite.js';
import { toStoredDoc, type NewDoc, type QueryOptions, type SearchHit, type Store, type StoredDoc, type StoreModule } from './store.js';
import { queryTerms } from './tokens.js';

/** The core schema; `user_version` counts how many of these steps the file has had. */
const CORE_MIGRATIONS: string[] = [
  `CREATE TABLE store_modules (name TEXT PRIMARY KEY, version INTEGER NOT NULL);
   CREATE TABLE documents (
     rowid INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     text TEXT NOT NULL,
     tags TEXT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX documents_kind_time ON documents (kind, created_at DESC);
   CREATE VIRTUAL TABLE documents_fts USING fts5 (text, tags, content = 'documents', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
   CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
     INSERT INTO documents_fts (rowid, text, tags) VALUES (new.rowid, new.text, new.tags);
   END;
   CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
     INSERT INTO documents_fts (documents_fts, rowid, text, tags) VALUES ('delete', old.rowid, old.text, old.tags);
   END;
   CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
     INSERT INTO documents_fts (documents_fts, rowid, text, tags) VALUES ('delete', old.rowid, old.text, old.tags);
     INSERT INTO documents_fts (rowid, text, tags) VALUES (new.rowid, new.text, new.tags);
   END;`,
];

const BUSY_TIMEOUT_MS = 5000;
/** After the busy timeout, a locked write is tried again this many times before it fails. */
const BUSY_RETRIES = 4;

interface Row {
  id: string;
  kind: string;
  created_at: number;
  text: string;
  tags: string;
  data: string;
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  readonly sqlite: SqliteDatabase;
  /** Prepared once per SQL text: preparing costs as much as a small query. */
  private readonly statements = new Map<string, Statement>();

  constructor(Database: SqliteConstructor, readonly location: string) {
    this.sqlite = new Database(location, { timeout: BUSY_TIMEOUT_MS });
    this.sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    retryBusy(() => this.sqlite.pragma('journal_mode = WAL'));
    // With WAL, NORMAL keeps every committed transaction through a process crash (kill -9).
    this.sqlite.pragma('synchronous = NORMAL');
    this.sqlite.pragma('foreign_keys = ON');
    this.applyCore();
  }

  private applyCore(): void {
    const version = () => Number(this.sqlite.pragma('user_version', { simple: true }));
    if (version() >= CORE_MIGRATIONS.length) return;
    this.write(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      for (let v = version(); v < CORE_MIGRATIONS.length; v++) {
        this.sqlite.exec(CORE_MIGRATIONS[v]!);
        this.sqlite.pragma(`user_version = ${v + 1}`);
      }
    });
  }

  migrate(module: StoreModule): boolean {
    const current = () => (this.sqlite.prepare('SELECT version FROM store_modules WHERE name = ?').get(module.name) as { version: number } | undefined)?.version ?? 0;
    if (current() >= module.migrations.length) return true;
    this.write(() => {
      for (let v = current(); v < module.migrations.length; v++) {
        const step = module.migrations[v]!;
        if (typeof step === 'string') this.sqlite.exec(step);
        else step(this.sqlite);
        this.sqlite.prepare('INSERT INTO store_modules (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version').run(module.name, v + 1);
      }
    });
    return true;
  }

  /** One short IMMEDIATE transaction (takes the write lock up front, so it cannot deadlock midway). */
  private write<T>(fn: () => T): T {
    return retryBusy(() => this.sqlite.transaction(fn).immediate());
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.sqlite.prepare(sql)));
    return statement;
  }

  put(doc: NewDoc): StoredDoc {
    return this.putMany([doc])[0]!;
  }

  putMany(docs: readonly NewDoc[]): StoredDoc[] {
    const stored = docs.map(toStoredDoc);
    const insert = this.statement(
      `INSERT INTO documents (id, kind, created_at, text, tags, data) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at, text = excluded.text, tags = excluded.tags, data = excluded.data`,
    );
    this.write(() => {
      for (const d of stored) insert.run(d.id, d.kind, d.createdAt, d.text, d.tags.join(' '), JSON.stringify(d.data));
    });
    return stored;
  }

  get(id: string): StoredDoc | undefined {
    const row = this.statement('SELECT id, kind, created_at, text, tags, data FROM documents WHERE id = ?').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  delete(id: string): boolean {
    return this.write(() => this.statement('DELETE FROM documents WHERE id = ?').run(id).changes > 0);
  }

  clear(kinds: readonly string[]): number {
    if (!kinds.length) return 0;
    return this.write(() => this.sqlite.prepare(`DELETE FROM documents WHERE kind IN (${kinds.map(() => '?').join(', ')})`).run(...kinds).changes);
  }

  list(opts: QueryOptions = {}): StoredDoc[] {
    const { where, params } = filters(opts, 'documents');
    const rows = this.statement(`SELECT id, kind, created_at, text, tags, data FROM documents ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`)
      .all(...params, opts.limit ?? -1) as Row[];
    return rows.map(fromRow);
  }

  count(kinds?: readonly string[]): number {
    const { where, params } = filters({ kinds }, 'documents');
    return (this.statement(`SELECT count(*) AS n FROM documents ${where}`).get(...params) as { n: number }).n;
  }

  search(query: string, opts: QueryOptions = {}): SearchHit[] {
    const terms = queryTerms(query);
    if (!terms.length) return [];
    // Every term quoted (a string, never FTS syntax), any of them may match; BM25 ranks.
    const match = terms.map((t) => `"${t}"`).join(' OR ');
    const { where, params } = filters(opts, 'd');
    // CROSS JOIN keeps the full-text match the outer loop: left to the planner, a kind or age
    // filter makes it walk the documents and run the whole MATCH once per row (seconds at 10k).
    // The ranking sorts only (rowid, rank, time); the payloads are read for the winners alone.
    const rows = this.statement(
      `SELECT d.id, d.kind, d.created_at, d.text, d.tags, d.data, ranked.rank
       FROM (
         SELECT d.rowid AS rowid, bm25(documents_fts) AS rank, d.created_at AS created_at
         FROM documents_fts CROSS JOIN documents d ON d.rowid = documents_fts.rowid
         WHERE documents_fts MATCH ? ${where ? `AND ${where.slice('WHERE '.length)}` : ''}
         ORDER BY rank, d.created_at DESC, d.rowid DESC LIMIT ?
       ) ranked CROSS JOIN documents d ON d.rowid = ranked.rowid
       ORDER BY ranked.rank, ranked.created_at DESC, d.rowid DESC`,
    )
      .all(match, ...params, opts.limit ?? 10) as Array<Row & { rank: number }>;
    // bm25() is lower-is-better and negative; the interface says higher is better.
    return rows.map((row) => ({ doc: fromRow(row), score: -row.rank }));
  }

  sizeBytes(): number {
    return [this.location, `${this.location}-wal`].reduce((sum, file) => sum + (statSync(file, { throwIfNoEntry: false })?.size ?? 0), 0);
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

function filters(opts: QueryOptions, table: string): { where: string; params: Array<string | number> } {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  if (opts.kinds) {
    clauses.push(opts.kinds.length ? `${table}.kind IN (${opts.kinds.map(() => '?').join(', ')})` : '0');
    params.push(...opts.kinds);
  }
  if (opts.since !== undefined) {
    clauses.push(`${table}.created_at >= ?`);
    params.push(opts.since);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function fromRow(row: Row): StoredDoc {
  return { id: row.id, kind: row.kind, createdAt: row.created_at, text: row.text, tags: row.tags ? row.tags.split(' ') : [], data: JSON.parse(row.data) as Record<string, unknown> };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** Runs `fn`, trying again (after a growing pause) while another connection holds the lock. */
function retryBusy<T>(fn: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || attempt >= BUSY_RETRIES) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * 2 ** attempt + Math.random() * 20);
    }
  }
}
