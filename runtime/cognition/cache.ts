import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSqliteOrWarn, type SqliteConstructor, type SqliteDatabase } from '../store/sqlite.js';

/**
 * Prompt-result caches with TTL: in memory, persistent in SQLite (better-sqlite3), and a JSON
 * file when the native module cannot load (announced once). A `clock` makes TTLs testable.
 */
export interface CognitionCache {
  get(key: string): unknown | undefined;
  set(key: string, value: unknown, ttlMs: number): void;
  readonly kind: 'memory' | 'sqlite' | 'json' | 'tiered';
  close?(): void;
}

export type Clock = () => number;

/** A stable key: the prompt name plus the values its `cache.key` reads. */
export function cacheKey(parts: unknown[]): string {
  return createHash('sha256').update(stableJson(parts)).digest('hex').slice(0, 32);
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v);
}

export class MemoryCache implements CognitionCache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();
  constructor(private readonly clock: Clock = Date.now, private readonly maxEntries = 2000) {}

  get(key: string): unknown | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert: Map order doubles as least-recently-used order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: unknown, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export class SqliteCache implements CognitionCache {
  readonly kind = 'sqlite' as const;
  private readonly getStmt;
  private readonly setStmt;
  private readonly pruneStmt;

  constructor(private readonly db: SqliteDatabase, private readonly clock: Clock = Date.now) {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS cognition_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL)');
    this.getStmt = db.prepare('SELECT value, expires_at FROM cognition_cache WHERE key = ?');
    this.setStmt = db.prepare('INSERT OR REPLACE INTO cognition_cache (key, value, expires_at) VALUES (?, ?, ?)');
    this.pruneStmt = db.prepare('DELETE FROM cognition_cache WHERE expires_at <= ?');
    this.pruneStmt.run(this.clock());
  }

  get(key: string): unknown | undefined {
    const row = this.getStmt.get(key) as { value: string; expires_at: number } | undefined;
    if (!row || row.expires_at <= this.clock()) return undefined;
    return JSON.parse(row.value) as unknown;
  }

  set(key: string, value: unknown, ttlMs: number): void {
    this.setStmt.run(key, JSON.stringify(value), this.clock() + ttlMs);
  }

  close(): void {
    this.db.close();
  }
}

export class JsonFileCache implements CognitionCache {
  readonly kind = 'json' as const;
  private entries: Record<string, { value: unknown; expiresAt: number }> = {};

  constructor(private readonly file: string, private readonly clock: Clock = Date.now) {
    try {
      if (existsSync(file)) this.entries = JSON.parse(readFileSync(file, 'utf8')) as typeof this.entries;
    } catch {
      this.entries = {}; // a corrupt cache is only a cache
    }
  }

  get(key: string): unknown | undefined {
    const entry = this.entries[key];
    if (!entry || entry.expiresAt <= this.clock()) return undefined;
    return entry.value;
  }

  set(key: string, value: unknown, ttlMs: number): void {
    const now = this.clock();
    for (const [k, e] of Object.entries(this.entries)) if (e.expiresAt <= now) delete this.entries[k];
    this.entries[key] = { value, expiresAt: now + ttlMs };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.entries));
    renameSync(tmp, this.file); // atomic: a crash never leaves half a file
  }
}

/** Memory in front, persistence behind: repeated calls in one session never touch the disk. */
export class TieredCache implements CognitionCache {
  readonly kind = 'tiered' as const;
  constructor(readonly front: CognitionCache, readonly back: CognitionCache) {}
  get(key: string): unknown | undefined {
    const hit = this.front.get(key);
    if (hit !== undefined) return hit;
    const value = this.back.get(key);
    if (value !== undefined) this.front.set(key, value, 60_000);
    return value;
  }
  set(key: string, value: unknown, ttlMs: number): void {
    this.front.set(key, value, ttlMs);
    this.back.set(key, value, ttlMs);
  }
  close(): void {
    this.back.close?.();
  }
}

export interface PersistentCacheOptions {
  dir: string;
  clock?: Clock;
  /** Where the one-time "using the JSON fallback" notice goes. */
  warn?: (message: string) => void;
  /** Tests force the fallback path with a loader that throws. */
  loadSqlite?: () => SqliteConstructor;
}

/** SQLite under `dir`, or the JSON fallback when better-sqlite3 cannot load. */
export function openPersistentCache(options: PersistentCacheOptions): CognitionCache {
  mkdirSync(options.dir, { recursive: true });
  const Database = loadSqliteOrWarn({ ...(options.warn ? { warn: options.warn } : {}), ...(options.loadSqlite ? { load: options.loadSqlite } : {}) });
  if (Database) {
    try {
      return new SqliteCache(new Database(join(options.dir, 'cognition.sqlite')), options.clock);
    } catch (err) {
      (options.warn ?? ((m) => process.stderr.write(`${m}\n`)))(`smallcode: cannot open the cognition cache in SQLite (${(err as Error).message}); using a JSON file instead.`);
    }
  }
  return new JsonFileCache(join(options.dir, 'cognition.json'), options.clock);
}
