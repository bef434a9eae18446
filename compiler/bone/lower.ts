/**
 * Stage 4: checked system → IR. Assembles what the checker resolved and derives what emitters
 * would otherwise each recompute: table and column names, per-field checks digested from
 * constraints, foreign keys and join tables, index names, which entities a capability writes,
 * a flow's input variables. Runs only on a system without errors.
 */
import { irLocation } from './expressions.js';
import {
  BONE_IR_VERSION,
  type BoneCapability,
  type BoneCondition,
  type BoneEntity,
  type BoneExpr,
  type BoneField,
  type BoneFieldCheck,
  type BoneFlow,
  type BoneGlobalConstraint,
  type BoneImport,
  type BoneIndex,
  type BoneRelation,
  type BoneStore,
  type BoneSystem,
} from './ir.js';
import { assignAccess } from './access.js';
import type { CheckedEntity, CheckedSystem } from './checker.js';
import type * as A from './ast.js';

export function lowerSystem(checked: CheckedSystem, file: string, imports: readonly A.ImportDecl[] = []): BoneSystem {
  const entityNames = new Set(checked.entities.map((e) => e.symbol.name));
  const entities = checked.entities.map((e) => lowerEntity(e, checked));
  const system: BoneSystem = {
    irVersion: BONE_IR_VERSION,
    name: checked.system.name.text,
    ...(checked.system.domain ? { domain: checked.system.domain.text } : {}),
    file,
    imports: imports.map(lowerImport),
    entities,
    capabilities: checked.capabilities.map((c): BoneCapability => ({ ...c, writes: writesOf(c) })),
    events: checked.events,
    stores: checked.stores.map((s) => inferStoreEntity(s, entityNames)),
    channels: checked.channels,
    policies: checked.policies,
    flows: checked.flows.map((f): BoneFlow => {
      const variables = flowVariables(f.steps);
      const typed = variables.filter((v) => f.variableTypes.has(v));
      const flow: BoneFlow = { name: f.decl.name.text, steps: f.steps, variables, loc: irLocation(f.decl.span) };
      if (typed.length > 0) flow.variableTypes = Object.fromEntries(typed.map((v) => [v, f.variableTypes.get(v)!]));
      return flow;
    }),
    constraints: checked.constraints.map((c): BoneGlobalConstraint => ({ ...c, entities: entitiesRead(c.condition.expr) })),
    extensionPoints: checked.extensionPoints,
  };
  assignAccess(system, new Map(checked.entities.filter((e) => e.owner).map((e) => [e.symbol.name, e.owner!])));
  return system;
}

function lowerImport(decl: A.ImportDecl): BoneImport {
  return { names: decl.all ? ['*'] : decl.names.map((n) => n.text), from: decl.from.value, loc: irLocation(decl.span) };
}

// ─── Entities ───────────────────────────────────────────────────────────────────────────────

function lowerEntity(entity: CheckedEntity, checked: CheckedSystem): BoneEntity {
  const name = entity.symbol.name;
  const tableName = tableNameOf(name);
  const checks = fieldChecks(entity.constraints);
  const fields: BoneField[] = entity.fields.map((f) => {
    const field: BoneField = {
      name: f.decl.name.text,
      column: snakeCase(f.decl.name.text),
      type: f.type,
      nullable: f.type.kind === 'optional',
      unique: checks.unique.has(f.decl.name.text),
      checks: checks.byField.get(f.decl.name.text) ?? [],
      loc: irLocation(f.decl.span),
    };
    if (f.default) field.default = f.default;
    const referenced = f.type.kind === 'entity' ? f.type.entity : f.type.kind === 'optional' && f.type.inner.kind === 'entity' ? f.type.inner.entity : undefined;
    if (referenced) field.references = referenced;
    if (f.sensitive) field.sensitive = true;
    if (f.renamedFrom) field.renamedFrom = f.renamedFrom;
    return field;
  });
  const relations = entity.relations.map((r): BoneRelation => {
    let foreignKey: BoneRelation['foreignKey'];
    const relation: Partial<BoneRelation> = {};
    if (r.kind === 'belongs_to') {
      const fk = `${r.decl.name.text}_id`;
      foreignKey = { entity: name, field: fk, declared: entity.fields.some((f) => f.decl.name.text === fk) };
      const declaredField = fields.find((f) => f.name === fk);
      if (declaredField && !declaredField.references) declaredField.references = r.target;
    } else if (r.kind === 'many_to_many') {
      const [a, b] = [singular(name), singular(r.target)];
      const sourceKey = `${a}_id`;
      const targetKey = a === b ? `other_${b}_id` : `${b}_id`;
      foreignKey = { entity: name, field: sourceKey, declared: false };
      relation.joinTable = { name: `${tableName}_${snakeCase(r.decl.name.text)}`, sourceKey, targetKey };
    } else {
      const fk = `${singular(name)}_id`;
      const target = checked.entities.find((e) => e.symbol.name === r.target);
      foreignKey = { entity: r.target, field: fk, declared: target?.fields.some((f) => f.decl.name.text === fk) ?? false };
    }
    return { name: r.decl.name.text, kind: r.kind, target: r.target, foreignKey, ...relation, cardinality: r.cardinality, loc: irLocation(r.decl.span) } as BoneRelation;
  });
  const indexes: BoneIndex[] = [];
  for (const index of entity.indexes) {
    const columns = index.fields.map((f) => snakeCase(f.text));
    const indexName = `idx_${tableName}_${columns.join('_')}`;
    if (indexes.some((i) => i.name === indexName)) continue;
    indexes.push({ name: indexName, fields: index.fields.map((f) => f.text), unique: false, loc: irLocation(index.span) });
  }
  const lowered: BoneEntity = {
    name, tableName, singularName: singular(name), fields, constraints: entity.constraints, auth: entity.auth,
    relations, indexes, derived: entity.derived,
    access: { owners: [], ownerSource: 'none', managedFields: [], managedStates: [], grants: [] }, // filled by assignAccess
    loc: irLocation(entity.symbol.decl.span),
  };
  if (entity.states) lowered.states = entity.states;
  return lowered;
}

/** Digests single-field constraints (`price > 0`, `title.length in 1..200`, `x in [..]`, `email.unique`). */
function fieldChecks(constraints: readonly BoneCondition[]): { byField: Map<string, BoneFieldCheck[]>; unique: Set<string> } {
  const byField = new Map<string, BoneFieldCheck[]>();
  const unique = new Set<string>();
  const add = (field: string, check: BoneFieldCheck): void => {
    const list = byField.get(field) ?? [];
    list.push(check);
    byField.set(field, list);
  };
  const selfField = (e: BoneExpr): string | undefined => (e.kind === 'ref' && e.scope === 'self' && e.path.length === 1 ? e.path[0] : undefined);
  const lengthOf = (e: BoneExpr): string | undefined => (e.kind === 'length' ? selfField(e.operand) : undefined);
  const numberOf = (e: BoneExpr): number | undefined => (e.kind === 'literal' && typeof e.value === 'number' ? e.value : undefined);
  const scalarOf = (e: BoneExpr): string | number | boolean | undefined => (e.kind === 'literal' && e.value !== null ? e.value : undefined);
  const flip: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

  for (const { expr } of constraints) {
    if (expr.kind === 'unique') {
      const field = selfField(expr.operand);
      if (field) unique.add(field);
      continue;
    }
    if (expr.kind === 'inRange' && !expr.negated) {
      const [min, max] = [numberOf(expr.min), numberOf(expr.max)];
      if (min === undefined || max === undefined) continue;
      const lengthField = lengthOf(expr.operand);
      const field = selfField(expr.operand);
      if (lengthField) { add(lengthField, { kind: 'minLength', value: min }); add(lengthField, { kind: 'maxLength', value: max }); }
      else if (field) { add(field, { kind: 'min', value: min, exclusive: false }); add(field, { kind: 'max', value: max, exclusive: false }); }
      continue;
    }
    if (expr.kind === 'inList' && !expr.negated) {
      const field = selfField(expr.operand);
      const values = expr.items.map(scalarOf);
      if (field && values.every((v) => v !== undefined)) add(field, { kind: 'oneOf', values: values as Array<string | number | boolean> });
      continue;
    }
    if (expr.kind !== 'binary' || !(expr.op in flip)) continue;
    let [subject, op, bound] = [expr.left, expr.op as string, expr.right];
    if (numberOf(subject) !== undefined || scalarOf(subject) !== undefined) [subject, op, bound] = [expr.right, flip[expr.op]!, expr.left];
    const lengthField = lengthOf(subject);
    const field = selfField(subject);
    const n = numberOf(bound);
    if (lengthField && n !== undefined) {
      if (op === '>=') add(lengthField, { kind: 'minLength', value: n });
      else if (op === '>') add(lengthField, { kind: 'minLength', value: n + 1 });
      else if (op === '<=') add(lengthField, { kind: 'maxLength', value: n });
      else if (op === '<') add(lengthField, { kind: 'maxLength', value: n - 1 });
      else if (op === '==') { add(lengthField, { kind: 'minLength', value: n }); add(lengthField, { kind: 'maxLength', value: n }); }
    } else if (field && n !== undefined) {
      if (op === '>=' || op === '>') add(field, { kind: 'min', value: n, exclusive: op === '>' });
      else if (op === '<=' || op === '<') add(field, { kind: 'max', value: n, exclusive: op === '<' });
      else if (op === '!=') add(field, { kind: 'notEqual', value: n });
      else if (op === '==') add(field, { kind: 'oneOf', values: [n] });
    } else if (field && op === '!=' && scalarOf(bound) !== undefined) {
      add(field, { kind: 'notEqual', value: scalarOf(bound)! });
    } else if (field && op === '==' && scalarOf(bound) !== undefined) {
      add(field, { kind: 'oneOf', values: [scalarOf(bound)!] });
    }
  }
  return { byField, unique };
}

// ─── Capabilities, flows, constraints, stores ───────────────────────────────────────────────

function writesOf(capability: Omit<BoneCapability, 'writes'>): string[] {
  const writes: string[] = [];
  for (const effect of capability.effects) {
    const entity = effect.target.entity;
    if (entity && !writes.includes(entity)) writes.push(entity);
  }
  return writes;
}

function flowVariables(steps: BoneFlow['steps']): string[] {
  const variables: string[] = [];
  for (const step of steps) {
    for (const arg of [...step.call.args, ...(step.compensate?.args ?? [])]) {
      for (const name of flowNames(arg)) if (!variables.includes(name)) variables.push(name);
    }
  }
  return variables;
}

function flowNames(expr: BoneExpr): string[] {
  switch (expr.kind) {
    case 'ref': return expr.scope === 'flow' && expr.name ? [expr.name] : [];
    case 'binary': return [...flowNames(expr.left), ...flowNames(expr.right)];
    case 'unary': case 'length': case 'unique': return flowNames(expr.operand);
    case 'call': return expr.args.flatMap(flowNames);
    case 'list': return expr.items.flatMap(flowNames);
    case 'inList': return [...flowNames(expr.operand), ...expr.items.flatMap(flowNames)];
    case 'inRange': return [...flowNames(expr.operand), ...flowNames(expr.min), ...flowNames(expr.max)];
    case 'contains': return [...flowNames(expr.collection), ...flowNames(expr.element)];
    case 'literal': return [];
  }
}

function entitiesRead(expr: BoneExpr, out: string[] = []): string[] {
  switch (expr.kind) {
    case 'ref': if (expr.scope === 'entity' && expr.entity && !out.includes(expr.entity)) out.push(expr.entity); break;
    case 'binary': entitiesRead(expr.left, out); entitiesRead(expr.right, out); break;
    case 'unary': case 'length': case 'unique': entitiesRead(expr.operand, out); break;
    case 'call': expr.args.forEach((a) => entitiesRead(a, out)); break;
    case 'list': expr.items.forEach((a) => entitiesRead(a, out)); break;
    case 'inList': entitiesRead(expr.operand, out); expr.items.forEach((a) => entitiesRead(a, out)); break;
    case 'inRange': entitiesRead(expr.operand, out); entitiesRead(expr.min, out); entitiesRead(expr.max, out); break;
    case 'contains': entitiesRead(expr.collection, out); entitiesRead(expr.element, out); break;
    case 'literal': break;
  }
  return out;
}

/** `ListingStore` holds `Listing`. */
function inferStoreEntity(store: BoneStore, entityNames: Set<string>): BoneStore {
  const base = store.name.replace(/Store$/, '');
  if (base !== store.name && entityNames.has(base)) return { ...store, entity: base };
  return store;
}

// ─── Names ──────────────────────────────────────────────────────────────────────────────────

/** `OrderItem` → `order_item`, `HTTPRequest` → `http_request`, `seller_id` unchanged. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

function singular(name: string): string {
  return snakeCase(name);
}

/** snake_case plural of an entity name: `Listing` → `listings`, `Category` → `categories`. */
export function tableNameOf(name: string): string {
  const snake = snakeCase(name);
  if (/[^aeiou]y$/.test(snake)) return `${snake.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(snake)) return `${snake}es`;
  return `${snake}s`;
}
