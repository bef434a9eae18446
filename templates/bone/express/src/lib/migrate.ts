/**
 * Applies migrations/<dialect>/*.sql in file-name order, each once, each in its own transaction,
 * recording what ran in `_migrations`. Safe to run from several processes at once: SQLite's
 * write lock and a PostgreSQL advisory lock make the second one wait and then skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.js';
import { projectRoot } from './paths.js';

const ADVISORY_LOCK_KEY = 7_245_019;
/** The first line of a SQLite migration that rebuilds tables (written by the compiler). */
const REBUILD_MARKER = '-- bone:rebuilds-tables';

export function migrationsDir(): string {
  return path.join(projectRoot(), 'migrations');
}

/** Returns the names of the migrations it applied (empty when the database was up to date). */
export async function migrate(db: Db, dir: string = migrationsDir()): Promise<string[]> {
  const folder = path.join(dir, db.dialect);
  const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.sql')).sort() : [];
  await db.exec('CREATE TABLE IF NOT EXISTS "_migrations" ("name" TEXT PRIMARY KEY, "applied_at" TEXT NOT NULL)');
  const applied: string[] = [];
  for (const name of files) {
    const sql = fs.readFileSync(path.join(folder, name), 'utf8');
    // A SQLite table rebuild (copy, drop, rename) runs with foreign keys off, as SQLite documents,
    // so dropping the old table neither fails nor cascades; the keys are checked before commit.
    const rebuild = db.dialect === 'sqlite' && sql.startsWith(REBUILD_MARKER);
    if (rebuild) await db.exec('PRAGMA foreign_keys = OFF');
    try {
      const ran = await db.transaction(async (tx) => {
        if (tx.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCK_KEY]);
        if (await tx.get('SELECT "name" FROM "_migrations" WHERE "name" = ?', [name])) return false;
        await tx.exec(sql);
        if (rebuild && (await tx.all('PRAGMA foreign_key_check')).length > 0) throw new Error(`${name}: the rebuilt tables break foreign keys; nothing was changed`);
        await tx.run('INSERT INTO "_migrations" ("name", "applied_at") VALUES (?, ?)', [name, new Date().toISOString()]);
        return true;
      });
      if (ran) applied.push(name);
    } finally {
      if (rebuild) await db.exec('PRAGMA foreign_keys = ON');
    }
  }
  return applied;
}
