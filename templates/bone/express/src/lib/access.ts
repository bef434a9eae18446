/**
 * Who may read and change rows through the generated entity routes. Derived by the compiler from
 * the `.bone` file (see docs/bonescript.md, "Access"):
 *
 * - rows with an owner (`owner:` or a `belongs_to` a caller entity) are read and changed only by
 *   that caller; an entity without an owner is readable by every authenticated caller, and written
 *   directly only where a policy grants it;
 * - fields and states that capabilities change are changed only through those capabilities;
 * - `policy { access: [roles] crud: [...] }` grants direct operations on every row to those roles.
 */
import type { Caller } from './auth.js';
import { forbidden } from './errors.js';
import { isUuid } from './repository.js';
import { sqlName } from './sql.js';

export type CrudOp = 'create' | 'read' | 'update' | 'delete' | 'transition';

export interface EntityAccess {
  entity: string;
  /** Whether the routes need a caller at all (`auth:` is not `none`). */
  authRequired: boolean;
  /** SQL over the entity's own columns that holds for the caller's rows, with `?` per caller id; undefined: no owner. */
  ownerSql?: string;
  ownerParams: number;
  /** A caller's own record (`owner: id`): a direct create makes the row with the caller's id. */
  identity: boolean;
  /** Roles each operation is granted to on every row; `[]`: any caller; absent: nobody. */
  grants: Partial<Record<CrudOp, readonly string[]>>;
  /** Field → the capabilities that change it. */
  managedFields: Record<string, readonly string[]>;
  /** State → the capabilities that move rows into it. */
  managedStates: Record<string, readonly string[]>;
  /** Defaults of managed fields: a direct create must leave them as they are. */
  managedDefaults: Record<string, unknown>;
}

/** A filter that keeps the rows a caller may see; undefined keeps every row. */
export interface RowScope {
  sql: string;
  params: unknown[];
}

export function granted(access: EntityAccess, op: CrudOp, caller: Caller | undefined): boolean {
  const roles = access.grants[op];
  if (!roles) return false;
  if (roles.length === 0) return !access.authRequired || !!caller;
  return !!caller && caller.roles.some((r) => roles.includes(r));
}

/** The rows `caller` may read (`read`) or change (`update`, `delete`, `transition`). */
export function scopeFor(access: EntityAccess, op: CrudOp, caller: Caller | undefined): RowScope | undefined {
  if (!access.ownerSql || granted(access, op, caller)) return undefined;
  // A caller id that is not a uuid can own nothing (and must not reach a uuid column).
  if (!caller || !isUuid(caller.id)) return { sql: '1 = 0', params: [] };
  return { sql: access.ownerSql, params: Array.from({ length: access.ownerParams }, () => caller.id) };
}

function grantHint(access: EntityAccess, op: CrudOp): string {
  return `a policy with crud: [${op}] and applies_to: [${access.entity}] grants it to roles`;
}

/**
 * Direct writes to an entity without an owner need a grant: nobody's row is nobody's to change.
 * With an owner, `scopeFor` limits the write to the caller's rows.
 */
export function assertDirectWrite(access: EntityAccess, op: CrudOp, caller: Caller | undefined): void {
  if (granted(access, op, caller) || access.ownerSql || !access.authRequired) return;
  throw forbidden(`${access.entity} rows have no owner, so they cannot be changed directly (${op}); ${grantHint(access, op)}`, { entity: access.entity, operation: op });
}

/** 403 when a direct write sets a field only capabilities may change (unless `op` is granted). */
export function assertUnmanagedFields(access: EntityAccess, op: CrudOp, caller: Caller | undefined, changed: Record<string, unknown>): void {
  if (granted(access, op, caller)) return;
  for (const [field, value] of Object.entries(changed)) {
    if (field === 'state' || value === undefined) continue;
    const capabilities = access.managedFields[field];
    if (!capabilities) continue;
    if (op === 'create' && field in access.managedDefaults && JSON.stringify(access.managedDefaults[field]) === JSON.stringify(value)) continue;
    if (op === 'create' && !(field in access.managedDefaults)) continue; // required on create; capabilities take it from there
    throw forbidden(`${access.entity}.${field} is changed only through ${capabilities.join(', ')}`, { entity: access.entity, field, capabilities: [...capabilities] });
  }
}

/** 403 when a direct transition goes into a state that only capabilities may set (unless `transition` is granted). */
export function assertUnmanagedState(access: EntityAccess, caller: Caller | undefined, to: string): void {
  if (granted(access, 'transition', caller)) return;
  const capabilities = access.managedStates[to];
  if (capabilities) {
    throw forbidden(`${access.entity} moves to ${to} only through ${capabilities.join(', ')}`, { entity: access.entity, state: to, capabilities: [...capabilities] });
  }
}

/**
 * The events a caller may see: those about a row it may read (`_outbox_subjects`), and those
 * about no row at all. Undefined when it may read every row of every entity.
 */
export function eventScope(entities: ReadonlyArray<{ access: EntityAccess; table: string }>, caller: Caller | undefined): RowScope | undefined {
  const clauses: string[] = [];
  const params: unknown[] = [];
  let everything = true;
  for (const { access, table } of entities) {
    const scope = scopeFor(access, 'read', caller);
    if (!scope) {
      clauses.push('"s"."entity" = ?');
      params.push(access.entity);
      continue;
    }
    everything = false;
    clauses.push(`("s"."entity" = ? AND "s"."row_id" IN (SELECT "id" FROM ${sqlName(table)} WHERE ${scope.sql}))`);
    params.push(access.entity, ...scope.params);
  }
  if (everything) return undefined;
  const subjects = 'SELECT 1 FROM "_outbox_subjects" AS "s" WHERE "s"."event_id" = "o"."id"';
  return { sql: `NOT EXISTS (${subjects}) OR EXISTS (${subjects} AND (${clauses.join(' OR ')}))`, params };
}
