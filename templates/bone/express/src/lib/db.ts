/**
 * The one database adapter: SQLite (better-sqlite3, a file — the default) or PostgreSQL (`pg`),
 * chosen by DATABASE_URL. Queries are written once with `?` placeholders.
 *
 * better-sqlite3 is synchronous and cannot keep a transaction open across an `await` on its own:
 * another request would run inside it. So the SQLite side serialises work through one queue — a
 * transaction holds the queue until it commits — which gives capability effects one real
 * transaction on both databases with the same async code.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { projectRoot } from './paths.js';

export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;

/** What code inside and outside a transaction may run. */
export interface Executor {
  readonly dialect: Dialect;
  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Executor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Where the data lives, without credentials (for logs). */
  readonly description: string;
}

export const DEFAULT_SQLITE_FILE = 'data/app.db';

export function openDb(url: string | undefined = process.env.DATABASE_URL): Db {
  const target = (url ?? '').trim();
  if (/^postgres(ql)?:\/\//i.test(target)) return openPostgres(target);
  return openSqlite(sqliteFileOf(target));
}

/**
 * `file:x.db`, `sqlite:x.db`, `sqlite://x.db` or a plain path; empty means the default file. A
 * relative path is relative to the project folder, not the current directory, so the server, the
 * migrator and anything else started from elsewhere all open the same file.
 */
export function sqliteFileOf(url: string): string {
  const file = url.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '') || DEFAULT_SQLITE_FILE;
  return file === ':memory:' || path.isAbsolute(file) ? file : path.join(projectRoot(), file);
}

/** SQLite stores booleans as 0/1 and structured values as JSON text. */
function sqliteParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

function postgresParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/** A FIFO queue: each task starts when the previous one has settled. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

function openSqlite(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  const queue = new SerialQueue();

  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = sqlite.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  // The direct executor: only ever called while the queue is held.
  const direct: Executor = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).all(...params.map(sqliteParam)) as T[];
    },
    async get<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).get(...params.map(sqliteParam)) as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      const statement = prepare(sql);
      if (statement.reader) {
        statement.all(...params.map(sqliteParam));
        return { changes: 0 };
      }
      return { changes: statement.run(...params.map(sqliteParam)).changes };
    },
    async exec(sql: string) {
      sqlite.exec(sql);
    },
  };

  return {
    dialect: 'sqlite',
    description: `sqlite:${path.relative(process.cwd(), file) || file}`,
    all: (sql, params) => queue.run(() => direct.all(sql, params)),
    get: (sql, params) => queue.run(() => direct.get(sql, params)),
    run: (sql, params) => queue.run(() => direct.run(sql, params)),
    exec: (sql) => queue.run(() => direct.exec(sql)),
    transaction: (work) =>
      queue.run(async () => {
        // IMMEDIATE takes the write lock up front, so a second process (the migrator) waits.
        sqlite.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          sqlite.exec('COMMIT');
          return result;
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          throw error;
        }
      }),
    close: async () => {
      await queue.run(() => sqlite.close());
    },
  };
}

/** `?` → `$1, $2 …`; the generated SQL never has a literal `?` inside a string. */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;

function openPostgres(url: string): Db {
  // Same values on both databases: numbers as numbers, timestamps as ISO strings.
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === PG_INT8 || oid === PG_NUMERIC) return (value: string) => Number(value);
      if (oid === PG_TIMESTAMPTZ || oid === PG_TIMESTAMP) return (value: string) => new Date(value.includes('+') || value.endsWith('Z') ? value : `${value}Z`).toISOString();
      return pg.types.getTypeParser(oid, format as 'text');
    },
  } as unknown as pg.CustomTypesConfig;
  const pool = new pg.Pool({ connectionString: url, types, max: Number(process.env.DB_POOL_SIZE ?? 10) });

  const executorOf = (client: pg.Pool | pg.PoolClient): Executor => ({
    dialect: 'postgres',
    async all<T>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(numberPlaceholders(sql), params.map(postgresParam));
      return result.rows as T[];
    },
    async get<T>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(numberPlaceholders(sql), params.map(postgresParam));
      return result.rows[0] as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(numberPlaceholders(sql), params.map(postgresParam));
      return { changes: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });

  const shared = executorOf(pool);
  let where = 'postgres';
  try {
    const parsed = new URL(url);
    where = `postgres://${parsed.host}${parsed.pathname}`;
  } catch {
    // An unparsable URL still reaches pg, which reports it properly.
  }

  return {
    ...shared,
    description: where,
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(executorOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
