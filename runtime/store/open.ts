/**
 * Opens a store: SQLite when better-sqlite3 loads, else the JSON-lines fallback (said once per
 * process). `SMALLCODE_STORE=json` chooses the fallback on purpose.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { JsonStore } from './json-store.js';
import { loadSqlite } from './sqlite.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export const STORE_DB = 'store.db';
export const STORE_JSONL = 'store.jsonl';

export interface OpenStoreOptions {
  /** The folder the store lives in: `<project>/.smallcode`, or the user's data directory. */
  dir: string;
  /** `json` forces the fallback; default `auto` (SQLite when it loads). */
  backend?: 'auto' | 'json';
  /** Told once per process when SQLite cannot load and the fallback is used. */
  announce?: (message: string) => void;
}

let fallbackAnnounced = false;

export function openStore(opts: OpenStoreOptions): Store {
  mkdirSync(opts.dir, { recursive: true });
  const jsonFile = join(opts.dir, STORE_JSONL);
  const Database = opts.backend === 'json' ? new Error('SMALLCODE_STORE=json') : loadSqlite();
  if (Database instanceof Error) {
    // Announced once, by the first opener that can tell the user (not one that has nobody to tell).
    if (!fallbackAnnounced && opts.backend !== 'json' && opts.announce) {
      fallbackAnnounced = true;
      opts.announce?.(`memory: ${Database.message}; using the JSON-lines store (${STORE_JSONL}) instead, with plain word-overlap search`);
    }
    return new JsonStore(jsonFile);
  }
  const store = new SqliteStore(Database, join(opts.dir, STORE_DB));
  if (existsSync(jsonFile)) importFallback(store, jsonFile);
  return store;
}

/** Documents written while SQLite could not load move into the database, once. */
function importFallback(store: SqliteStore, jsonFile: string): void {
  const json = new JsonStore(jsonFile);
  store.putMany(json.list());
  renameSync(jsonFile, `${jsonFile}.imported`);
}
