/**
 * The store's interface: one per project (`.smallcode/`) and one per user (global memory), the
 * same on both back ends — SQLite (better-sqlite3, FTS5) and the JSON-lines fallback.
 *
 * A document is a small record with a text that search matches, tags, and a JSON payload; its
 * `kind` says which module it belongs to (evidence, fact, scratchpad …). Modules that need real
 * tables (the code graph) register migrations on the SQLite database (`migrate`).
 */
import type { SqliteDatabase } from './sqlite.js';

export interface StoredDoc {
  id: string;
  kind: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** What search matches (with the tags). */
  text: string;
  tags: string[];
  data: Record<string, unknown>;
}

export interface NewDoc {
  kind: string;
  text: string;
  tags?: string[];
  data?: Record<string, unknown>;
  /** Putting an existing id replaces that document (a scratchpad kept current). Default: a new id. */
  id?: string;
  createdAt?: number;
}

export interface QueryOptions {
  /** Only these kinds (default: every kind). */
  kinds?: readonly string[];
  limit?: number;
  /** Only documents created at or after this time (ms). */
  since?: number;
}

export interface SearchHit {
  doc: StoredDoc;
  /** Higher is better; comparable within one search only. */
  score: number;
}

/** A module's own tables: migration `i` takes the module from version `i` to `i + 1`. */
export interface StoreModule {
  name: string;
  migrations: ReadonlyArray<string | ((db: SqliteDatabase) => void)>;
}

export type StoreBackend = 'sqlite' | 'json';

export interface Store {
  readonly backend: StoreBackend;
  /** The database or JSON-lines file. */
  readonly location: string;
  /** Inserts (or replaces, by id) one document; durable when it returns. */
  put(doc: NewDoc): StoredDoc;
  /** Inserts many documents at once (one transaction; one write on the fallback); durable when it returns. */
  putMany(docs: readonly NewDoc[]): StoredDoc[];
  get(id: string): StoredDoc | undefined;
  /** True when something was deleted. */
  delete(id: string): boolean;
  /** Deletes every document of these kinds; returns how many. */
  clear(kinds: readonly string[]): number;
  /** Newest first. */
  list(opts?: QueryOptions): StoredDoc[];
  count(kinds?: readonly string[]): number;
  /** Best match first; among equal scores, newest first. An empty query finds nothing. */
  search(query: string, opts?: QueryOptions): SearchHit[];
  /** Bytes on disk (the database with its WAL, or the JSON file). */
  sizeBytes(): number;
  /**
   * SQLite only: applies the module's migrations not yet applied (its version is kept in the
   * `store_modules` table), in one transaction per migration. Returns false on the JSON fallback,
   * where a module keeps to documents.
   */
  migrate(module: StoreModule): boolean;
  /** The SQLite database for modules with their own tables; undefined on the JSON fallback. */
  readonly sqlite?: SqliteDatabase;
  close(): void;
}

/** A new document as stored: its id (new unless given), creation time, and defaults filled in. */
export function toStoredDoc(doc: NewDoc): StoredDoc {
  return { id: doc.id ?? newDocId(doc.kind), kind: doc.kind, createdAt: doc.createdAt ?? Date.now(), text: doc.text, tags: doc.tags ?? [], data: doc.data ?? {} };
}

/** `e-lz3k9f-a1b2c3`: kind letter, time, randomness — unique across processes, sortable by time. */
export function newDocId(kind: string, now = Date.now()): string {
  const rand = Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0');
  return `${kind.slice(0, 1) || 'd'}-${now.toString(36)}-${rand}`;
}
