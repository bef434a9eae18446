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

export interface LoadSqliteOptions {
  /** Where the one-time fallback notice goes (default: stderr). */
  warn?: (message: string) => void;
  /** Tests force the fallback with a loader that throws. */
  load?: () => SqliteConstructor;
}

let announced = false;

/**
 * For users with a JSON fallback of their own (the cognition cache): better-sqlite3's Database,
 * or undefined after a notice — said once per process — that the fallback is in use.
 */
export function loadSqliteOrWarn(options: LoadSqliteOptions = {}): SqliteConstructor | undefined {
  let outcome: SqliteConstructor | Error;
  if (options.load) {
    try {
      outcome = options.load();
    } catch (err) {
      outcome = new Error((err as Error).message.split('\n')[0]);
    }
  } else {
    outcome = loadSqlite();
  }
  if (!(outcome instanceof Error)) return outcome;
  if (!announced) {
    announced = true;
    (options.warn ?? ((m) => process.stderr.write(`${m}\n`)))(sqliteFallbackNotice(outcome.message.replace(/^better-sqlite3 cannot load: /, '')));
  }
  return undefined;
}

export function sqliteFallbackNotice(reason: string): string {
  return `smallcode: better-sqlite3 is unavailable (${reason}); using JSON files instead ` +
    '(for SQLite, install a C/C++ compiler and run `npm rebuild better-sqlite3`).';
}

/** For tests: the fallback notice is once per process. */
export function resetSqliteNotice(): void {
  announced = false;
}
