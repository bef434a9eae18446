/** The store: one database per project (and one per user), SQLite or the JSON-lines fallback. */
export { openStore, STORE_DB, STORE_JSONL, type OpenStoreOptions } from './open.js';
export { newDocId, type NewDoc, type QueryOptions, type SearchHit, type Store, type StoreBackend, type StoredDoc, type StoreModule } from './store.js';
export { userDataDir } from './data-dir.js';
export { queryTerms, tokenize } from './tokens.js';
export { loadSqlite, type SqliteConstructor, type SqliteDatabase } from './sqlite.js';
