import { createRequire } from 'node:module';

/**
 * The one way SmallCode loads SQLite. better-sqlite3 is an optional dependency: where no prebuilt
 * binary fits and no compiler is at hand its install fails and npm carries on without it, so
 * every user of SQLite has a JSON fallback, and the first one to need it says so, once per process.
 */

/** The part of better-sqlite3's Database that SmallCode uses. */
export interface SqliteDatabase {
  prepare(sql: string): { get(...args: unknown[]): unknown; all(...args: unknown[]): unknown[]; run(...args: unknown[]): unknown };
  exec(sql: string): void;
  pragma(source: string): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
  close(): void;
}

export type SqliteConstructor = new (file: string) => SqliteDatabase;

export interface LoadSqliteOptions {
  /** Where the one-time fallback notice goes (default: stderr). */
  warn?: (message: string) => void;
  /** Tests force the fallback with a loader that throws. */
  load?: () => SqliteConstructor;
}

type Outcome = { Database: SqliteConstructor } | { reason: string };

let installed: Outcome | undefined;
let announced = false;

function attempt(load: () => SqliteConstructor): Outcome {
  try {
    return { Database: load() };
  } catch (err) {
    return { reason: (err as Error).message.split('\n')[0]! };
  }
}

/** better-sqlite3's Database class, or undefined (after the notice) when it cannot load. */
export function loadSqlite(options: LoadSqliteOptions = {}): SqliteConstructor | undefined {
  const outcome = options.load
    ? attempt(options.load)
    : (installed ??= attempt(() => createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor));
  if ('Database' in outcome) return outcome.Database;
  if (!announced) {
    announced = true;
    (options.warn ?? ((m) => process.stderr.write(`${m}\n`)))(sqliteFallbackNotice(outcome.reason));
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
