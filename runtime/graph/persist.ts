/**
 * Where the graph keeps one record per indexed file: the `graph_files` table on SQLite (registered
 * through the store's migrations), documents of kind `graph_file` on the JSON-lines fallback.
 * A record whose `format` is not FORMAT_VERSION was written by an older extractor: it is ignored,
 * so the file is parsed again (an older index is rebuilt, not misread).
 */
import type { Store } from '../store/index.js';
import type { FileSymbols } from './extract.js';
import type { LanguageId } from './languages.js';

/** Bump when what extract.ts produces changes meaning. */
export const FORMAT_VERSION = 1;

export interface FileRecord {
  path: string;
  hash: string;
  mtimeMs: number;
  size: number;
  lang: LanguageId;
  symbols: FileSymbols;
}

export interface GraphPersistence {
  load(): FileRecord[];
  save(records: FileRecord[]): void;
  remove(paths: string[]): void;
}

export const GRAPH_MODULE = {
  name: 'graph',
  migrations: [
    'CREATE TABLE graph_files (path TEXT PRIMARY KEY, hash TEXT NOT NULL, mtime_ms REAL NOT NULL, size INTEGER NOT NULL, lang TEXT NOT NULL, format INTEGER NOT NULL, symbols TEXT NOT NULL)',
  ],
};

const DOC_KIND = 'graph_file';

export function graphPersistence(store: Store): GraphPersistence {
  if (store.migrate(GRAPH_MODULE) && store.sqlite) {
    const db = store.sqlite;
    // Records the fallback wrote before SQLite could load moved into documents: the table is the truth now.
    if (store.count([DOC_KIND])) store.clear([DOC_KIND]);
    const upsert = db.prepare('INSERT OR REPLACE INTO graph_files (path, hash, mtime_ms, size, lang, format, symbols) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const del = db.prepare('DELETE FROM graph_files WHERE path = ?');
    return {
      load: () =>
        (db.prepare('SELECT path, hash, mtime_ms, size, lang, symbols FROM graph_files WHERE format = ?').all(FORMAT_VERSION) as Array<Record<string, unknown>>).map((r) => ({
          path: r.path as string,
          hash: r.hash as string,
          mtimeMs: r.mtime_ms as number,
          size: r.size as number,
          lang: r.lang as LanguageId,
          symbols: JSON.parse(r.symbols as string) as FileSymbols,
        })),
      save: (records) => db.transaction(() => records.forEach((r) => upsert.run(r.path, r.hash, r.mtimeMs, r.size, r.lang, FORMAT_VERSION, JSON.stringify(r.symbols)))).immediate(),
      remove: (paths) => db.transaction(() => paths.forEach((p) => del.run(p))).immediate(),
    };
  }
  return {
    load: () =>
      store
        .list({ kinds: [DOC_KIND] })
        .filter((d) => d.data.format === FORMAT_VERSION)
        .map((d) => d.data.record as FileRecord),
    save: (records) => records.forEach((r) => store.put({ kind: DOC_KIND, id: `graph:${r.path}`, text: r.path, data: { format: FORMAT_VERSION, record: r } })),
    remove: (paths) => paths.forEach((p) => store.delete(`graph:${p}`)),
  };
}
