/**
 * Table access shared by every entity: row ↔ object conversion for both databases, CRUD with
 * pagination and equality filters, and the state machine check. Entity modules describe their
 * columns; this file holds the SQL.
 */
import crypto from 'node:crypto';
import type { RowScope } from './access.js';
import type { Executor, Row } from './db.js';
import { conflict, notFound } from './errors.js';
import { sqlName } from './sql.js';

export type Codec = 'plain' | 'bool' | 'json' | 'number' | 'timestamp' | 'bytes';

export interface ColumnSpec {
  field: string;
  column: string;
  codec: Codec;
  /** Left out of list responses. */
  sensitive?: boolean;
}

export interface StateMachine<S extends string> {
  initial: S;
  transitions: Record<S, readonly S[]>;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PageRequest {
  limit: number;
  offset: number;
  filters: Record<string, unknown>;
}

export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

function encode(value: unknown, codec: Codec): unknown {
  if (value === undefined || value === null) return null;
  if (codec === 'json') return JSON.stringify(value);
  if (codec === 'timestamp') return new Date(value as string).toISOString();
  if (codec === 'bytes') return Buffer.from(String(value), 'base64'); // JSON carries base64
  return value;
}

function decode(value: unknown, codec: Codec): unknown {
  if (value === null || value === undefined) return null;
  switch (codec) {
    case 'bool':
      return value === true || value === 1 || value === '1' || value === 't';
    case 'number':
      return Number(value);
    case 'json':
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : String(value);
    case 'bytes':
      return Buffer.isBuffer(value) ? value.toString('base64') : String(value);
    default:
      return value;
  }
}

export interface EntityRecord {
  id: string;
  created_at: string;
  updated_at: string;
  state?: string;
}

export class EntityTable<T extends EntityRecord> {
  private readonly table: string;
  private readonly selectList: string;

  constructor(
    readonly entity: string,
    table: string,
    readonly columns: readonly ColumnSpec[],
    readonly states?: StateMachine<string>,
    /** Derived fields (`derived x = …`), computed from the stored ones on every read. */
    readonly derive?: (record: T) => Partial<T>,
  ) {
    this.table = sqlName(table);
    const names = ['id', ...columns.map((c) => c.column), ...(states ? ['state'] : []), 'created_at', 'updated_at'];
    this.selectList = names.map(sqlName).join(', ');
  }

  fromRow(row: Row): T {
    const out: Record<string, unknown> = { id: row.id };
    for (const c of this.columns) out[c.field] = decode(row[c.column], c.codec);
    if (this.states) out.state = row.state;
    out.created_at = decode(row.created_at, 'timestamp');
    out.updated_at = decode(row.updated_at, 'timestamp');
    if (this.derive) Object.assign(out, this.derive(out as T));
    return out as T;
  }

  /** The object without its sensitive fields, for list responses. */
  public(record: T): T {
    if (!this.columns.some((c) => c.sensitive)) return record;
    const copy = { ...record } as Record<string, unknown>;
    for (const c of this.columns) if (c.sensitive) delete copy[c.field];
    return copy as T;
  }

  /** `id`: the row's id when it is given (a caller's own record takes the caller's id). */
  async insert(db: Executor, data: Record<string, unknown>, id: string = crypto.randomUUID()): Promise<T> {
    const now = new Date().toISOString();
    const names = ['id', ...this.columns.map((c) => c.column), ...(this.states ? ['state'] : []), 'created_at', 'updated_at'];
    const values = [id, ...this.columns.map((c) => encode(data[c.field], c.codec)), ...(this.states ? [this.states.initial] : []), now, now];
    await db.run(`INSERT INTO ${this.table} (${names.map(sqlName).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, values);
    return (await this.find(db, id))!;
  }

  /**
   * `forUpdate` inside a transaction locks the row until commit on PostgreSQL, so two concurrent
   * read-modify-write transactions (capabilities) cannot lose an update. SQLite transactions are
   * already serialised by the adapter.
   */
  async find(db: Executor, id: string, options: { forUpdate?: boolean; scope?: RowScope } = {}): Promise<T | undefined> {
    if (!isUuid(id)) return undefined;
    const lock = options.forUpdate && db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const scope = options.scope ? ` AND (${options.scope.sql})` : '';
    const row = await db.get(`SELECT ${this.selectList} FROM ${this.table} WHERE "id" = ?${scope}${lock}`, [id, ...(options.scope?.params ?? [])]);
    return row ? this.fromRow(row) : undefined;
  }

  /** Whether row `id` is inside `scope` (the caller's rows). */
  async within(db: Executor, id: string, scope: RowScope | undefined): Promise<boolean> {
    if (!scope) return true;
    return (await db.get(`SELECT 1 AS "ok" FROM ${this.table} WHERE "id" = ? AND (${scope.sql})`, [id, ...scope.params])) !== undefined;
  }

  /**
   * The row or a 404 that names what was looked for (`listing 3f…`). Outside `scope` a row is
   * not found either: another caller's row is not even confirmed to exist.
   */
  async mustFind(db: Executor, id: string, what: string = this.entity, options: { forUpdate?: boolean; scope?: RowScope } = {}): Promise<T> {
    const found = await this.find(db, id, options);
    if (!found) throw notFound(`${what} ${id} does not exist`, { entity: this.entity, id });
    return found;
  }

  async list(db: Executor, page: PageRequest, scope?: RowScope): Promise<Page<T>> {
    const where: string[] = scope ? [`(${scope.sql})`] : [];
    const params: unknown[] = scope ? [...scope.params] : [];
    for (const [field, value] of Object.entries(page.filters)) {
      const column = field === 'state' && this.states ? { column: 'state', codec: 'plain' as Codec } : this.columns.find((c) => c.field === field);
      if (!column) continue;
      where.push(`${sqlName(column.column)} = ?`);
      params.push(encode(value, column.codec));
    }
    const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const rows = await db.all(`SELECT ${this.selectList} FROM ${this.table}${whereSql} ORDER BY "created_at", "id" LIMIT ? OFFSET ?`, [...params, page.limit, page.offset]);
    const count = await db.get<{ total: unknown }>(`SELECT COUNT(*) AS "total" FROM ${this.table}${whereSql}`, params);
    return { items: rows.map((r) => this.public(this.fromRow(r))), total: Number(count?.total ?? 0), limit: page.limit, offset: page.offset };
  }

  /** Writes every field of `record` (the caller has validated it) and bumps `updated_at`. */
  async save(db: Executor, record: T): Promise<T> {
    const sets = [...this.columns.map((c) => `${sqlName(c.column)} = ?`), ...(this.states ? ['"state" = ?'] : []), '"updated_at" = ?'];
    const values = [
      ...this.columns.map((c) => encode((record as Record<string, unknown>)[c.field], c.codec)),
      ...(this.states ? [record.state] : []),
      new Date().toISOString(),
    ];
    const result = await db.run(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE "id" = ?`, [...values, record.id]);
    if (result.changes === 0) throw notFound(`${this.entity} ${record.id} does not exist`, { entity: this.entity, id: record.id });
    return (await this.find(db, record.id))!;
  }

  async remove(db: Executor, id: string, scope?: RowScope): Promise<void> {
    const where = scope ? ` AND (${scope.sql})` : '';
    const result = isUuid(id) ? await db.run(`DELETE FROM ${this.table} WHERE "id" = ?${where}`, [id, ...(scope?.params ?? [])]) : { changes: 0 };
    if (result.changes === 0) throw notFound(`${this.entity} ${id} does not exist`, { entity: this.entity, id });
  }

  /** 409 unless the state machine allows `from → to`. */
  checkTransition(from: string, to: string): void {
    if (!this.states || from === to) return;
    const allowed = this.states.transitions[from] ?? [];
    if (!allowed.includes(to)) {
      throw conflict('illegal_transition', `${this.entity} cannot go from ${from} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`}`, {
        entity: this.entity,
        from,
        to,
        allowed: [...allowed],
      });
    }
  }
}

/**
 * A many_to_many relation's join table: which target rows a source row is linked to. Linking a
 * missing row is a 404, linking twice a 409 (the unique pair index), unlinking what is not
 * linked a 404.
 */
export class JoinTable {
  private readonly table: string;

  constructor(
    table: string,
    private readonly sourceKey: string,
    private readonly targetKey: string,
  ) {
    this.table = sqlName(table);
  }

  async list<T extends EntityRecord>(db: Executor, sourceId: string, target: EntityTable<T>, page: { limit: number; offset: number }): Promise<Page<T>> {
    const where = `${sqlName(this.sourceKey)} = ?`;
    const rows = await db.all<Record<string, unknown>>(
      `SELECT ${sqlName(this.targetKey)} AS "target" FROM ${this.table} WHERE ${where} ORDER BY "created_at", ${sqlName(this.targetKey)} LIMIT ? OFFSET ?`,
      [sourceId, page.limit, page.offset],
    );
    const count = await db.get<{ total: unknown }>(`SELECT COUNT(*) AS "total" FROM ${this.table} WHERE ${where}`, [sourceId]);
    const items: T[] = [];
    for (const row of rows) {
      const found = await target.find(db, String(row.target));
      if (found) items.push(target.public(found));
    }
    return { items, total: Number(count?.total ?? 0), limit: page.limit, offset: page.offset };
  }

  async link(db: Executor, sourceId: string, targetId: string): Promise<void> {
    await db.run(`INSERT INTO ${this.table} (${sqlName(this.sourceKey)}, ${sqlName(this.targetKey)}, "created_at") VALUES (?, ?, ?)`, [sourceId, targetId, new Date().toISOString()]);
  }

  async unlink(db: Executor, sourceId: string, targetId: string): Promise<void> {
    const result = isUuid(targetId)
      ? await db.run(`DELETE FROM ${this.table} WHERE ${sqlName(this.sourceKey)} = ? AND ${sqlName(this.targetKey)} = ?`, [sourceId, targetId])
      : { changes: 0 };
    if (result.changes === 0) throw notFound(`${targetId} is not linked to ${sourceId}`, { sourceId, targetId });
  }
}

/** `?limit=&offset=&<field>=` → a page request; limit defaults to 20 and is capped at 100. */
export function pageRequest(query: Record<string, unknown>, filterable: readonly string[]): PageRequest {
  const number = (value: unknown, fallback: number) => {
    const n = Number(value);
    return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
  };
  const filters: Record<string, unknown> = {};
  for (const field of filterable) {
    const value = query[field];
    if (typeof value !== 'string') continue;
    filters[field] = value === 'true' ? true : value === 'false' ? false : value !== '' && !Number.isNaN(Number(value)) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return { limit: Math.min(MAX_PAGE_SIZE, Math.max(1, number(query.limit, 20))), offset: Math.min(Number.MAX_SAFE_INTEGER, number(query.offset, 0)), filters };
}
