/**
 * The database schema as data (the snapshot kept in `<out>/.bone/schema.json`), the DDL for
 * SQLite and PostgreSQL, and the diff between two snapshots that becomes the next numbered
 * migration. Applied migrations are never rewritten: a change adds a new file.
 */
import type { BoneSystem } from '../ir.js';
import type { EntityView, SystemView } from './model.js';
import { sqlIdent } from './names.js';
import { sqlType, unwrapOptional, zeroValue, type Dialect } from './types.js';

export const SCHEMA_SNAPSHOT_VERSION = 1;

export interface ColumnSchema {
  name: string;
  sqlite: string;
  postgres: string;
  notNull: boolean;
  primaryKey?: boolean;
  unique?: boolean;
  /** A literal default as JSON (`0`, `"draft"`, `true`). */
  default?: string | number | boolean;
  references?: string;
  renamedFrom?: string;
  /** `uint` columns: a CHECK keeps them ≥ 0 in the database too. */
  nonNegative?: boolean;
  onDeleteCascade?: boolean;
}

export interface IndexSchema {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  indexes: IndexSchema[];
}

export interface SchemaSnapshot {
  version: number;
  tables: TableSchema[];
}

const id = (name: string): ColumnSchema => ({ name, sqlite: 'TEXT', postgres: 'UUID', notNull: true, primaryKey: true });
const text = (name: string, notNull = true): ColumnSchema => ({ name, sqlite: 'TEXT', postgres: 'TEXT', notNull });
const time = (name: string, notNull = true): ColumnSchema => ({ name, sqlite: 'TEXT', postgres: 'TIMESTAMPTZ', notNull });
const integer = (name: string, notNull = true, def?: number): ColumnSchema => ({ name, sqlite: 'INTEGER', postgres: 'INTEGER', notNull, ...(def === undefined ? {} : { default: def }) });
const json = (name: string, notNull = true): ColumnSchema => ({ name, sqlite: 'TEXT', postgres: 'JSONB', notNull });

/** Tables every generated backend has: the event outbox, the audit log, idempotency keys, saga runs. */
function runtimeTables(): TableSchema[] {
  return [
    {
      name: '_outbox',
      columns: [id('id'), text('event'), json('payload'), text('capability', false), time('created_at'), time('delivered_at', false), integer('attempts', true, 0)],
      indexes: [{ name: 'idx__outbox_pending', columns: ['delivered_at', 'created_at'], unique: false }],
    },
    {
      // Which rows each event is about: GET /events shows an event to the callers who may read one of them.
      name: '_outbox_subjects',
      columns: [{ ...id('event_id'), primaryKey: false }, text('entity'), { ...id('row_id'), primaryKey: false }],
      indexes: [
        { name: 'idx__outbox_subjects_event', columns: ['event_id'], unique: false },
        { name: 'idx__outbox_subjects_row', columns: ['entity', 'row_id'], unique: false },
      ],
    },
    {
      name: '_audit_log',
      columns: [id('id'), time('at'), text('actor', false), text('method'), text('path'), integer('status')],
      indexes: [{ name: 'idx__audit_log_at', columns: ['at'], unique: false }],
    },
    {
      name: '_idempotency',
      columns: [{ ...text('key'), primaryKey: true }, text('capability'), integer('status'), json('response'), time('created_at')],
      indexes: [],
    },
    {
      name: '_saga_runs',
      columns: [id('id'), text('flow'), text('status'), json('steps'), text('error', false), time('started_at'), time('finished_at', false)],
      indexes: [],
    },
  ];
}

export function schemaOf(system: BoneSystem, view: SystemView): SchemaSnapshot {
  const tables: TableSchema[] = [];
  const entityTable = new Map(view.entities.map((e) => [e.name, e.table]));
  for (const entity of view.entitiesByDependency) {
    const source = system.entities.find((e) => e.name === entity.name)!;
    tables.push(entityTableSchema(source, entity, entityTable));
  }
  for (const entity of system.entities) {
    for (const relation of entity.relations) {
      if (relation.kind !== 'many_to_many' || !relation.joinTable) continue;
      const join = relation.joinTable;
      if (tables.some((t) => t.name === join.name)) continue;
      tables.push({
        name: join.name,
        columns: [
          // Deleting either row deletes its links, not the other row.
          { ...id(join.sourceKey), primaryKey: false, references: entityTable.get(entity.name), onDeleteCascade: true },
          { ...id(join.targetKey), primaryKey: false, references: entityTable.get(relation.target), onDeleteCascade: true },
          time('created_at'),
        ],
        indexes: [{ name: `idx_${join.name}_${join.sourceKey}_${join.targetKey}`, columns: [join.sourceKey, join.targetKey], unique: true }],
      });
    }
  }
  return { version: SCHEMA_SNAPSHOT_VERSION, tables: [...tables, ...runtimeTables()] };
}

function entityTableSchema(source: BoneSystem['entities'][number], entity: EntityView, tables: Map<string, string>): TableSchema {
  const columns: ColumnSchema[] = [id('id')];
  for (const field of entity.fields) {
    const declared = source.fields.find((f) => f.name === field.name);
    const type = declared?.type ?? (field.nullable ? { kind: 'optional' as const, inner: { kind: 'scalar' as const, scalar: 'uuid' as const } } : { kind: 'scalar' as const, scalar: 'uuid' as const });
    const column: ColumnSchema = { name: field.column, sqlite: sqlType(type, 'sqlite'), postgres: sqlType(type, 'postgres'), notNull: !field.nullable };
    if (declared?.unique) column.unique = true;
    if (declared?.default?.kind === 'literal' && declared.default.value !== null && unwrapOptional(declared.type).kind === 'scalar') {
      column.default = declared.default.value;
    }
    if (field.references && tables.has(field.references)) column.references = tables.get(field.references);
    const scalar = unwrapOptional(type);
    if (scalar.kind === 'scalar' && scalar.scalar === 'uint') column.nonNegative = true;
    if (declared?.renamedFrom) column.renamedFrom = declared.renamedFrom;
    columns.push(column);
  }
  if (entity.hasStates) columns.push({ ...text('state'), default: entity.initialState });
  columns.push(time('created_at'), time('updated_at'));

  const indexes: IndexSchema[] = [];
  const have = new Set<string>();
  const add = (index: IndexSchema) => {
    const key = index.columns.join(',');
    if (have.has(key) || indexes.some((i) => i.name === index.name)) return;
    have.add(key);
    indexes.push(index);
  };
  const columnOf = (fieldName: string) => entity.fields.find((f) => f.name === fieldName)?.column ?? fieldName;
  for (const index of source.indexes) add({ name: index.name, columns: index.fields.map(columnOf), unique: index.unique });
  // Foreign keys are what joins and "list by parent" filter on; PostgreSQL does not index them itself.
  for (const column of columns) {
    if (column.references) add({ name: `idx_${entity.table}_${column.name}`, columns: [column.name], unique: false });
  }
  if (entity.hasStates) add({ name: `idx_${entity.table}_state`, columns: ['state'], unique: false });
  return { name: entity.table, columns, indexes };
}

// ─── DDL ────────────────────────────────────────────────────────────────────────────────────

function sqlLiteral(value: string | number | boolean, dialect: Dialect): string {
  if (typeof value === 'boolean') return dialect === 'sqlite' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return `'${value.replace(/'/g, "''")}'`;
}

function columnDdl(column: ColumnSchema, dialect: Dialect, forAlter = false): string {
  const parts = [sqlIdent(column.name), dialect === 'sqlite' ? column.sqlite : column.postgres];
  if (column.primaryKey) parts.push('PRIMARY KEY');
  if (column.notNull && !column.primaryKey) parts.push('NOT NULL');
  let def = column.default;
  // Adding a NOT NULL column to a table that has rows needs a value for them.
  if (forAlter && column.notNull && def === undefined) {
    const zero = zeroValueFor(column);
    if (zero !== undefined) def = zero;
  }
  if (def !== undefined) parts.push(`DEFAULT ${sqlLiteral(def, dialect)}`);
  if (column.unique && !forAlter) parts.push('UNIQUE');
  if (column.references) parts.push(`REFERENCES ${sqlIdent(column.references)} (${sqlIdent('id')})${column.onDeleteCascade ? ' ON DELETE CASCADE' : ''}`);
  if (column.nonNegative) parts.push(`CHECK (${sqlIdent(column.name)} >= 0)`);
  return parts.join(' ');
}

function zeroValueFor(column: ColumnSchema): string | number | boolean | undefined {
  const pgType = column.postgres;
  if (column.references) return undefined;
  if (pgType === 'BIGINT' || pgType === 'INTEGER' || pgType === 'DOUBLE PRECISION') return 0;
  if (pgType === 'BOOLEAN') return false;
  if (pgType === 'JSONB') return 'null';
  if (pgType === 'TIMESTAMPTZ') return zeroValue({ kind: 'scalar', scalar: 'timestamp' });
  if (pgType === 'UUID') return zeroValue({ kind: 'scalar', scalar: 'uuid' });
  if (pgType === 'BYTEA') return undefined;
  return '';
}

function createTable(table: TableSchema, dialect: Dialect): string {
  const lines = table.columns.map((c) => `  ${columnDdl(c, dialect)}`);
  return `CREATE TABLE ${sqlIdent(table.name)} (\n${lines.join(',\n')}\n);`;
}

function createIndex(table: string, index: IndexSchema): string {
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${sqlIdent(index.name)} ON ${sqlIdent(table)} (${index.columns.map(sqlIdent).join(', ')});`;
}

export interface Migration {
  /** `0003_add_reviews` (without `.sql`). */
  name: string;
  sqlite: string;
  postgres: string;
}

/**
 * The migration from `before` (undefined: an empty database) to `after`, or undefined when the
 * schema did not change. Only additive changes and renames are applied; a removed column or
 * table is kept and a comment says so (dropping data is a decision for a person).
 */
export function diffSchemas(before: SchemaSnapshot | undefined, after: SchemaSnapshot, number: number): Migration | undefined {
  const statements: Record<Dialect, string[]> = { sqlite: [], postgres: [] };
  const notes: string[] = [];
  const nameParts: string[] = [];
  const previous = new Map((before?.tables ?? []).map((t) => [t.name, t]));

  for (const table of after.tables) {
    const old = previous.get(table.name);
    if (!old) {
      for (const dialect of ['sqlite', 'postgres'] as const) {
        statements[dialect].push(createTable(table, dialect));
        for (const index of table.indexes) statements[dialect].push(createIndex(table.name, index));
      }
      if (!table.name.startsWith('_')) nameParts.push(table.name);
      continue;
    }
    const oldColumns = new Map(old.columns.map((c) => [c.name, c]));
    const renamedAway = new Set<string>();
    for (const column of table.columns) {
      if (oldColumns.has(column.name)) {
        const was = oldColumns.get(column.name)!;
        if (was.sqlite !== column.sqlite || was.postgres !== column.postgres || was.notNull !== column.notNull) {
          notes.push(`-- ${table.name}.${column.name} changed type or nullability; not migrated automatically (write a migration by hand).`);
        }
        continue;
      }
      if (column.renamedFrom && oldColumns.has(column.renamedFrom)) {
        renamedAway.add(column.renamedFrom);
        for (const dialect of ['sqlite', 'postgres'] as const) {
          statements[dialect].push(`ALTER TABLE ${sqlIdent(table.name)} RENAME COLUMN ${sqlIdent(column.renamedFrom)} TO ${sqlIdent(column.name)};`);
        }
        nameParts.push(`rename_${table.name}_${column.renamedFrom}`);
        continue;
      }
      for (const dialect of ['sqlite', 'postgres'] as const) {
        statements[dialect].push(`ALTER TABLE ${sqlIdent(table.name)} ADD COLUMN ${columnDdl(column, dialect, true)};`);
        if (column.unique) statements[dialect].push(createIndex(table.name, { name: `uq_${table.name}_${column.name}`, columns: [column.name], unique: true }));
      }
      nameParts.push(`${table.name}_${column.name}`);
    }
    for (const column of old.columns) {
      if (!table.columns.some((c) => c.name === column.name) && !renamedAway.has(column.name)) {
        notes.push(`-- ${table.name}.${column.name} is no longer in the .bone file; the column and its data are kept.`);
      }
    }
    const oldIndexes = new Map(old.indexes.map((i) => [i.name, i]));
    for (const index of table.indexes) {
      const was = oldIndexes.get(index.name);
      if (was && was.columns.join(',') === index.columns.join(',') && was.unique === index.unique) continue;
      for (const dialect of ['sqlite', 'postgres'] as const) {
        if (was) statements[dialect].push(`DROP INDEX ${sqlIdent(index.name)};`);
        statements[dialect].push(createIndex(table.name, index));
      }
      nameParts.push(index.name.replace(/^idx_/, ''));
    }
    for (const index of old.indexes) {
      if (!table.indexes.some((i) => i.name === index.name)) {
        for (const dialect of ['sqlite', 'postgres'] as const) statements[dialect].push(`DROP INDEX ${sqlIdent(index.name)};`);
        nameParts.push(`drop_${index.name.replace(/^idx_/, '')}`);
      }
    }
  }
  for (const table of before?.tables ?? []) {
    if (!after.tables.some((t) => t.name === table.name)) notes.push(`-- table ${table.name} is no longer in the .bone file; it and its data are kept.`);
  }
  if (statements.sqlite.length === 0 && notes.length === 0) return undefined;

  const label = before ? `${nameParts.length ? 'add_' : 'note_'}${nameParts.slice(0, 3).join('_') || 'changes'}`.slice(0, 60).replace(/_+$/, '') : 'init';
  const name = `${String(number).padStart(4, '0')}_${label}`;
  const render = (dialect: Dialect) => {
    const head = `-- ${name}: generated by smallcode bone compile. Applied once; never edit a migration that may have run.\n`;
    const body = [...notes, ...statements[dialect]].join('\n\n');
    return `${head}\n${body}\n`;
  };
  return { name, sqlite: render('sqlite'), postgres: render('postgres') };
}

/** The number the next migration gets: one past the highest `NNNN_` prefix already present. */
export function nextMigrationNumber(existing: readonly string[]): number {
  let max = 0;
  for (const name of existing) {
    const match = /^(\d+)_/.exec(name);
    if (match) max = Math.max(max, Number(match[1]));
  }
  return max + 1;
}
