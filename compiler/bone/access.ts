/**
 * Who may read and change an entity's rows directly, derived from the system description:
 *
 * - **Owners.** A row belongs to the caller whose id is in one of its owner fields: the fields an
 *   `owner:` clause names, or else — inferred — `id` of a *caller entity* (one that capabilities
 *   compare with `caller.id`, or a channel's participants) and every foreign key to a caller
 *   entity; an entity with neither is owned through a foreign key to an owned entity (`via`).
 * - **Managed fields and states.** What capability effects change is changed only through them.
 * - **Grants.** `policy { access: [roles] crud: [...] applies_to: [...] }` opens direct operations
 *   on every row to those roles.
 *
 * The emitter turns this into route guards; the rule itself is documented in docs/bonescript.md.
 */
import type { BoneCrudOp, BoneEntity, BoneEntityAccess, BoneExpr, BoneOwnerRule, BoneSystem } from './ir.js';
import { snakeCase } from './lower.js';

/** Fills `access` of every entity; `declaredOwners` are the `owner:` clauses by entity. */
export function assignAccess(system: BoneSystem, declaredOwners: ReadonlyMap<string, readonly string[]>): void {
  const callerEntities = callerEntitiesOf(system);
  const byName = new Map(system.entities.map((e) => [e.name, e]));
  const owners = new Map<string, { rules: BoneOwnerRule[]; source: BoneEntityAccess['ownerSource'] }>();

  for (const entity of system.entities) {
    const declared = declaredOwners.get(entity.name);
    if (entity.auth === 'none') owners.set(entity.name, { rules: [], source: 'none' });
    else if (declared) owners.set(entity.name, { rules: declared.map((field) => ({ field, column: field === 'id' ? 'id' : columnOf(entity, field) })), source: 'declared' });
    else {
      const rules: BoneOwnerRule[] = callerEntities.has(entity.name) ? [{ field: 'id', column: 'id' }] : [];
      for (const key of foreignKeys(system, entity)) if (callerEntities.has(key.target)) rules.push({ field: key.field, column: key.column });
      if (rules.length > 0) owners.set(entity.name, { rules, source: 'inferred' });
    }
  }
  // Owned through a row that is owned: repeat until nothing changes (a chain of belongs_to).
  for (let changed = true; changed; ) {
    changed = false;
    for (const entity of system.entities) {
      if (owners.has(entity.name)) continue;
      const rules = foreignKeys(system, entity)
        .filter((key) => key.target !== entity.name && (owners.get(key.target)?.rules.length ?? 0) > 0 && byName.get(key.target)?.auth !== 'none')
        .map((key): BoneOwnerRule => ({ field: key.field, column: key.column, via: key.target }));
      if (rules.length > 0) {
        owners.set(entity.name, { rules, source: 'inferred' });
        changed = true;
      }
    }
  }

  for (const entity of system.entities) {
    const owner = owners.get(entity.name) ?? { rules: [], source: 'none' as const };
    entity.access = {
      owners: owner.rules,
      ownerSource: owner.source,
      ...managedBy(system, entity.name),
      grants: grantsFor(system, entity.name),
    };
  }
}

/** Entities whose rows are callers: a capability checks `caller.id == p.id`, or a channel's participants. */
function callerEntitiesOf(system: BoneSystem): Set<string> {
  const found = new Set<string>();
  const visit = (expr: BoneExpr): void => {
    if (expr.kind === 'binary') {
      if (expr.op === '==') {
        const sides = [expr.left, expr.right];
        const callerId = sides.some((s) => s.kind === 'ref' && s.scope === 'caller' && s.path.length === 1 && s.path[0] === 'id');
        const row = sides.find((s) => s.kind === 'ref' && s.scope === 'param' && s.entity && s.path.length === 1 && s.path[0] === 'id');
        if (callerId && row?.kind === 'ref' && row.entity) found.add(row.entity);
      }
      visit(expr.left);
      visit(expr.right);
    } else if (expr.kind === 'unary') visit(expr.operand);
  };
  for (const capability of system.capabilities) for (const condition of capability.requires) visit(condition.expr);
  for (const channel of system.channels) {
    let type = channel.participants;
    while (type && (type.kind === 'optional' || type.kind === 'set' || type.kind === 'list')) type = type.kind === 'optional' ? type.inner : type.element;
    if (type?.kind === 'entity') found.add(type.entity);
  }
  return found;
}

interface ForeignKey {
  field: string;
  column: string;
  target: string;
}

/** Every column of `entity` that refers to another row: declared references, belongs_to keys, has_one/has_many keys put on it. */
function foreignKeys(system: BoneSystem, entity: BoneEntity): ForeignKey[] {
  const keys = new Map<string, ForeignKey>();
  for (const field of entity.fields) if (field.references) keys.set(field.name, { field: field.name, column: field.column, target: field.references });
  for (const relation of entity.relations) {
    if (relation.kind === 'belongs_to' && relation.foreignKey.entity === entity.name && !keys.has(relation.foreignKey.field)) {
      keys.set(relation.foreignKey.field, { field: relation.foreignKey.field, column: snakeCase(relation.foreignKey.field), target: relation.target });
    }
  }
  for (const other of system.entities) {
    for (const relation of other.relations) {
      if ((relation.kind === 'has_one' || relation.kind === 'has_many') && relation.target === entity.name && !keys.has(relation.foreignKey.field)) {
        keys.set(relation.foreignKey.field, { field: relation.foreignKey.field, column: snakeCase(relation.foreignKey.field), target: other.name });
      }
    }
  }
  return [...keys.values()];
}

function columnOf(entity: BoneEntity, field: string): string {
  return entity.fields.find((f) => f.name === field)?.column ?? snakeCase(field);
}

/** Fields and states the effects of capabilities change on rows of `entity`. */
function managedBy(system: BoneSystem, entity: string): Pick<BoneEntityAccess, 'managedFields' | 'managedStates'> {
  const fields = new Map<string, Set<string>>();
  const states = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, capability: string) => map.set(key, (map.get(key) ?? new Set()).add(capability));
  const machine = system.entities.find((e) => e.name === entity)?.states;
  for (const capability of system.capabilities) {
    for (const effect of capability.effects) {
      const target = effect.target;
      if (target.entity !== entity || target.scope !== 'param') continue;
      const field = target.name ? target.path[0] : target.path[1];
      if (!field) continue;
      add(fields, field, capability.name);
      if (field === 'state') {
        // A literal names its state; anything else could be any state.
        const named = effect.value.kind === 'literal' && typeof effect.value.value === 'string' ? [effect.value.value] : (machine?.states ?? []);
        for (const state of named) add(states, state, capability.name);
      }
    }
  }
  const listed = (map: Map<string, Set<string>>) => [...map].map(([key, set]) => ({ key, capabilities: [...set] }));
  return {
    managedFields: listed(fields).map(({ key, capabilities }) => ({ field: key, capabilities })),
    managedStates: listed(states).map(({ key, capabilities }) => ({ state: key, capabilities })),
  };
}

function grantsFor(system: BoneSystem, entity: string): BoneEntityAccess['grants'] {
  const grants: BoneEntityAccess['grants'] = [];
  for (const policy of system.policies) {
    if (!policy.crud || policy.crud.length === 0) continue;
    if (policy.appliesTo && !policy.appliesTo.includes(entity)) continue;
    for (const op of policy.crud) grants.push({ op: op as BoneCrudOp, roles: [...policy.access], policy: policy.name });
  }
  return grants;
}
