/**
 * Loads better-sqlite3, an optional dependency (a native module that may not build on every
 * machine). Loaded lazily, once per process, so start-up never pays for it.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteConstructor = typeof BetterSqlite3;

let loaded: SqliteConstructor | Error | undefined;

/** The Database constructor, or the error that says why better-sqlite3 cannot load here. */
export function loadSqlite(): SqliteConstructor | Error {
  if (loaded) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const Database = require('better-sqlite3') as SqliteConstructor;
    // The native binding is only opened with the first database: open one to know it works.
    new Database(':memory:').close();
    loaded = Database;
  } catch (err) {
    loaded = new Error(`better-sqlite3 cannot load: ${(err as Error).message.split('\n')[0]}`);
  }
  return loaded;
}
