/**
 * The view model: the IR digested into exactly what the templates print (names, TypeScript
 * snippets, zod schemas, sample values for the generated tests). Templates stay logic-free;
 * every decision about the generated code is made here, once, for every target.
 */
import type {
  BoneCapability,
  BoneCondition,
  BoneCrudOp,
  BoneEntity,
  BoneEvent,
  BoneExpr,
  BoneField,
  BoneFieldCheck,
  BoneFlow,
  BoneRefExpr,
  BoneSystem,
  BoneType,
} from '../ir.js';
import { collectRefs, exprToTs, pathAccess, type ExprContext } from './expr.js';
import { camelCase, kebabCase, pascalCase, propertyAccess, propertyKey, safeIdentifier, snakeCase, tsLiteral } from './names.js';
import { codecOf, tsFieldType, tsType, unwrapOptional, zodFieldSchema, zodType } from './types.js';

export interface FieldView {
  name: string;
  key: string;
  column: string;
  tsType: string;
  /** zod schema for the value, checks included, without optional/default. */
  zod: string;
  /** zod schema as used in the create body (with `.nullable().optional()` or `.default(…)`). */
  zodCreate: string;
  codec: string;
  nullable: boolean;
  required: boolean;
  sensitive: boolean;
  references?: string;
  /** A TypeScript literal that passes the field's checks, for the generated tests. */
  sample: string;
  sampleValue: unknown;
  /** TypeScript for a valid value in the generated tests: the sample, made distinct per row for unique fields. */
  sampleTs: string;
  /** A JSON literal that fails one of the field's checks (or its type), with the reason. */
  invalid?: { value: string; reason: string };
  /** Capabilities change it and it has a default: a direct create leaves it out (the generated tests too). */
  managedDefault: boolean;
  openapi: Record<string, unknown>;
}

export interface TransitionView {
  from: string;
  to: string;
  /** `failsTs` is true when the guard does not hold. */
  guard?: { ts: string; failsTs: string; text: string };
}

export interface ConstraintView {
  /** TypeScript test over `value` (the entity's data), and its negation. */
  ts: string;
  failsTs: string;
  text: string;
  field: string;
  /** Names of nullable fields it reads: null there means "not applicable". */
  nullableGuards: string[];
}

export interface EntityView {
  name: string;
  varName: string;
  fileName: string;
  table: string;
  route: string;
  constName: string;
  fields: FieldView[];
  hasStates: boolean;
  states: string[];
  statesTs: string;
  initialState: string;
  transitions: TransitionView[];
  transitionMapTs: string;
  /** A transition that is not allowed from the initial state, for the generated tests. */
  illegalTransition?: { from: string; to: string };
  legalTransition?: { from: string; to: string };
  guardedTransitions: TransitionView[];
  constraints: ConstraintView[];
  authRequired: boolean;
  rolesTs: string;
  roles: string[];
  /** Entities this one refers to (its foreign keys), for the order the tests create rows in. */
  dependsOn: string[];
  columnsTs: string;
  filterable: string[];
  /** Can the generated tests build a valid row of it (no unsatisfiable references)? */
  testable: boolean;
  /** The first field with an invalid sample, for the 400 test. */
  invalidField?: FieldView;
  /** A field the PATCH test changes, with a second valid value. */
  patchField?: { name: string; value: string };
  /** Rate limits of policies that name this entity in `applies_to`. */
  rateLimits: RateLimitView[];
  /** `derived name: type = expr`: computed on every read, never stored. */
  derived: Array<{ name: string; key: string; tsType: string; ts: string; alias: string }>;
  /** The `EntityAccess` object (lib/access.ts) as TypeScript. */
  accessTs: string;
  /** Which generic routes exist: DELETE and transition go when capabilities manage the entity (unless granted). */
  routes: { delete: boolean; transition: boolean };
  /** For the generated tests: how a row gets its owner, and what a caller may do directly. */
  ownership: {
    kind: 'identity' | 'field' | 'none';
    /** The owner field (`kind: field`): the referenced row's owner owns the new row, or a fresh caller id. */
    field?: string;
    granted: Record<'create' | 'read' | 'update' | 'delete' | 'transition', boolean>;
    /** Direct creates work for the tests (owned, public, or granted). */
    creatable: boolean;
    /** Who the generated tests expect to succeed with each direct write: the row's owner, a granted role, or nobody. */
    writer: Record<'update' | 'delete' | 'transition', 'own' | 'admin' | 'refused'>;
    /** Rows are private to their owners (no read grant): the cross-caller probes apply. */
    private: boolean;
  };
  /** A managed field with a sample value, and the state capabilities own, for the "only through capabilities" tests. */
  managedField?: { name: string; value: string; capabilities: string[] };
  managedState?: { state: string; capabilities: string[] };
  /** `relation r: many_to_many T`: link routes under `/<route>/:id/<segment>`. */
  manyToMany: Array<{ name: string; segment: string; joinTable: string; sourceKey: string; targetKey: string; target: string; targetVar: string; targetFile: string; self: boolean; testable: boolean }>;
}

export interface ParamView {
  name: string;
  /** Key in the request body: `<name>_id` for entity parameters. */
  key: string;
  entity?: EntityView;
  variable: string;
  tsType: string;
  zod: string;
  /** A valid JSON value for the generated tests (scalar parameters). */
  sample: string;
}

export interface RequireView {
  /** TypeScript that is true when the requirement FAILS. */
  failsTs: string;
  ts: string;
  text: string;
  status: number;
  index: number;
}

export interface EffectView {
  ts: string;
  text: string;
}

export interface EventView {
  name: string;
  key: string;
  constName: string;
  payloadTs: string;
  fields: Array<{ name: string; key: string; tsType: string; nullable: boolean }>;
}

export interface EmitView {
  event: EventView;
  payloadTs: string;
  /** Payload fields nothing in the capability provides (null until set in its extension region). */
  unresolved: string[];
}

export interface CapabilityView {
  name: string;
  fnName: string;
  fileName: string;
  typeName: string;
  route: string;
  params: ParamView[];
  entityParams: ParamView[];
  /** Each entity whose module the capability imports, once. */
  entityImports: EntityView[];
  scalarParams: ParamView[];
  requires: RequireView[];
  effects: EffectView[];
  /** The entity parameters whose rows the effects change (saved after validation). */
  writes: ParamView[];
  emits: EmitView[];
  usesCaller: boolean;
  authRequired: boolean;
  roles: string[];
  rolesTs: string;
  timeoutMs: number;
  retryTs: string;
  idempotent: boolean;
  sync: string;
  needsExtensions: boolean;
  /** Rate limits of policies that name this capability in `applies_to`. */
  rateLimits: RateLimitView[];
  /** Can the generated tests call it with rows they create (every entity parameter testable)? */
  callable: boolean;
  /** The `requires` texts as a JSON array, for the generated tests. */
  requiresJson: string;
  /** Every row it takes is private to its owner, so its events are not shown to other callers. */
  eventsPrivate: boolean;
  /** Expressions read pipeline step results (`steps[name]`), which custom code provides. */
  usesSteps: boolean;
  /** `pipeline:` as written, for the comment above the region where it is implemented. */
  pipelineText?: string;
  /** `returns: T`: the response's `result`, set by code in the extension region (null until then). */
  returnsTs?: string;
}

export interface FlowStepView {
  name: string;
  capability: CapabilityView;
  inputTs: string;
  compensate?: { capability: CapabilityView; inputTs: string };
}

export interface FlowView {
  name: string;
  fnName: string;
  route: string;
  variables: string[];
  inputZod: string;
  steps: FlowStepView[];
  authRequired: boolean;
}

export interface ChannelView {
  name: string;
  route: string;
  history: number;
  persistence: string;
  ordering: string;
  maxSize?: number;
  /** `filter:` as a TypeScript test over `participant`, and its text. */
  filter?: { ts: string; text: string };
  /** `participants: set<User>`: the participant is the caller's User row, loaded on join. */
  participantEntity?: EntityView;
}

export interface ExtensionView {
  name: string;
  fnName: string;
  paramsTs: string;
  returnsTs: string;
  /** The generated body, used until someone writes one in the marked region. */
  defaultBody: string;
  stable: boolean;
  /** `POST /extensions/<name>`: the body's keys (`<param>_id` for rows), loaded rows, auth. */
  route: string;
  params: Array<{ name: string; key: string; variable: string; entity?: EntityView; zod: string; sample: string }>;
  authRequired: boolean;
  /** Can the generated tests call it with rows they create? */
  callable: boolean;
}

export interface RateLimitView {
  policy: string;
  count: number;
  windowMs: number;
  global: boolean;
}

export interface SystemView {
  name: string;
  packageName: string;
  snakeName: string;
  clientName: string;
  title: string;
  domain?: string;
  sourceFile: string;
  entities: EntityView[];
  /** Entities in an order where every referenced entity comes first (the tests create them so). */
  entitiesByDependency: EntityView[];
  capabilities: CapabilityView[];
  events: EventView[];
  flows: FlowView[];
  channels: ChannelView[];
  extensions: ExtensionView[];
  /** Entities the extension points take as parameters (their types are imported). */
  extensionImports: EntityView[];
  /** Entities whose rows channel filters read. */
  channelImports: EntityView[];
  /** Capabilities the flows call, once each. */
  flowCapabilities: CapabilityView[];
  rateLimits: RateLimitView[];
  globalRateLimits: RateLimitView[];
  audit: boolean;
  hasAuth: boolean;
  hasChannels: boolean;
  hasFlows: boolean;
  hasCapabilities: boolean;
  hasExtensions: boolean;
  policies: Array<{ name: string; access: string[]; audit: boolean; encryption: string; rateLimit?: string }>;
  /** A role that passes every role check, for the tokens the generated tests sign. */
  testRoles: string;
  /** The roles of `testRoles` that no `crud:` policy grants: an ordinary caller. */
  testPlainRoles: string;
}

export function buildView(system: BoneSystem): SystemView {
  const policies = system.policies;
  const appliesTo = (name: string) => policies.filter((p) => !p.appliesTo || p.appliesTo.includes(name));
  // A `crud:` policy's roles are granted direct access to rows; they restrict nobody.
  const rolesFor = (name: string) => unique(appliesTo(name).filter((p) => !p.crud).flatMap((p) => p.access));
  const rateLimits: RateLimitView[] = policies
    .filter((p) => p.rateLimit)
    .map((p) => ({ policy: p.name, count: p.rateLimit!.count, windowMs: p.rateLimit!.windowMs, global: !p.appliesTo }));

  const limitsFor = (name: string) => rateLimits.filter((r) => !r.global && policies.find((p) => p.name === r.policy)?.appliesTo?.includes(name));
  const entities = system.entities.map((e) => ({ ...buildEntity(system, e, rolesFor(e.name)), rateLimits: limitsFor(e.name) }));
  const entityByName = new Map(entities.map((e) => [e.name, e]));
  for (const entity of entities) {
    const source = system.entities.find((e) => e.name === entity.name)!;
    entity.manyToMany = source.relations
      .filter((r) => r.kind === 'many_to_many' && r.joinTable && entityByName.has(r.target))
      .map((r) => {
        const target = entityByName.get(r.target)!;
        return {
          name: r.name,
          segment: kebabCase(r.name),
          joinTable: r.joinTable!.name,
          sourceKey: r.joinTable!.sourceKey,
          targetKey: r.joinTable!.targetKey,
          target: target.name,
          targetVar: target.varName,
          targetFile: target.fileName,
          self: target.name === entity.name,
          testable: target.testable && entity.testable,
        };
      });
  }
  const events = system.events.map(buildEvent);
  const eventByName = new Map(events.map((e) => [e.name, e]));
  const extensionNames = new Set(system.extensionPoints.map((x) => x.name));
  const capabilities = system.capabilities.map((c) => ({
    ...buildCapability(system, c, entityByName, eventByName, extensionNames, rolesFor(c.name)),
    rateLimits: limitsFor(c.name),
  }));
  const capabilityByName = new Map(capabilities.map((c) => [c.name, c]));
  const channels = system.channels.map((c) => ({
    name: c.name,
    route: `/channels/${kebabCase(c.name)}`,
    history: c.persistence.kind === 'last' ? c.persistence.count : c.persistence.kind === 'all' ? 10_000 : 0,
    persistence: c.persistence.kind === 'last' ? `last_${c.persistence.count}` : c.persistence.kind,
    ordering: c.ordering ?? 'fifo',
    maxSize: c.maxSize,
    ...channelFilter(c, entityByName),
  }));
  const flows = system.flows.map((f) => buildFlow(f, capabilityByName));
  const allRoles = unique(policies.flatMap((p) => p.access));
  const grantRoles = new Set(policies.filter((p) => p.crud).flatMap((p) => p.access));
  const plainRoles = allRoles.filter((r) => !grantRoles.has(r));

  return {
    name: system.name,
    packageName: kebabCase(system.name) || 'bone-system',
    snakeName: snakeCase(system.name) || 'bone_system',
    clientName: pascalCase(system.name) || 'Bone',
    title: system.name,
    domain: system.domain,
    sourceFile: system.file.split(/[\\/]/).pop() ?? system.file,
    entities,
    entitiesByDependency: dependencyOrder(entities),
    capabilities,
    events,
    flows,
    channels,
    channelImports: unique(channels.flatMap((c) => (c.filter && c.participantEntity ? [c.participantEntity] : []))),
    extensions: system.extensionPoints.map((x) => {
      const params = x.params.map((p) => `${safeIdentifier(p.name)}: ${p.entity ? p.entity : tsType(p.type)}`).join(', ');
      const returnsTs = x.returns ? tsType(x.returns) : 'void';
      const defaultCtx: ExprContext = { ref: (r) => pathAccess(safeIdentifier(r.name ?? r.path[0] ?? ''), r.name ? r.path : r.path.slice(1)) };
      const argNames = x.params.map((p) => safeIdentifier(p.name)).join(', ');
      const defaultBody = x.implementation
        ? [
            `const implementation = (await import(${lit(`./${implementationPath(x.implementation).replace(/^src\//, '').replace(/\.ts$/, '.js')}`)})) as Record<string, unknown>;`,
            `  const run = (${unique([x.name, camelCase(x.name), 'default']).map((n) => `implementation[${lit(n)}]`).join(' ?? ')}) as (...args: unknown[]) => unknown;`,
            `  return (await run(${argNames})) as ${returnsTs};`,
          ].join('\n')
        : x.default
          ? `return ${exprToTs(x.default, defaultCtx)};`
          : `throw new NotImplementedError(${lit(x.name)});`;
      const routeParams = x.params.map((p) => {
        const entity = p.entity ? entityByName.get(p.entity) : undefined;
        const variable = safeIdentifier(camelCase(p.name));
        return entity
          ? { name: p.name, key: `${p.name}_id`, variable, entity, zod: 'z.uuid()', sample: 'null' }
          : {
              name: p.name,
              key: p.name,
              variable,
              zod: p.type.kind === 'optional' ? `${zodType(p.type)}.nullable().default(null)` : zodType(p.type),
              sample: lit(sampleValues(p.type, [], p.name).valid),
            };
      });
      return {
        name: x.name,
        fnName: safeIdentifier(camelCase(x.name)),
        paramsTs: params,
        returnsTs,
        defaultBody,
        stable: x.stable,
        route: `/extensions/${kebabCase(x.name)}`,
        params: routeParams,
        authRequired: routeParams.some((p) => p.entity?.authRequired),
        callable: routeParams.every((p) => !p.entity || (p.entity.testable && p.entity.ownership.creatable)),
      };
    }),
    extensionImports: unique(system.extensionPoints.flatMap((x) => x.params.map((p) => (p.entity ? entityByName.get(p.entity) : undefined)).filter((e): e is EntityView => !!e))),
    flowCapabilities: unique(flows.flatMap((f) => f.steps.flatMap((s) => (s.compensate ? [s.capability, s.compensate.capability] : [s.capability])))),
    rateLimits,
    globalRateLimits: rateLimits.filter((r) => r.global),
    audit: policies.some((p) => p.audit),
    hasAuth: entities.some((e) => e.authRequired) || capabilities.some((c) => c.authRequired),
    hasChannels: system.channels.length > 0,
    hasFlows: flows.length > 0,
    hasCapabilities: capabilities.length > 0,
    hasExtensions: system.extensionPoints.length > 0,
    policies: policies.map((p) => ({
      name: p.name,
      access: p.access,
      audit: p.audit,
      encryption: p.encryption,
      rateLimit: p.rateLimit ? `${p.rateLimit.count} per ${p.rateLimit.windowMs / 1000}s` : undefined,
    })),
    testRoles: lit(allRoles.length > 0 ? allRoles : ['user']),
    testPlainRoles: lit(plainRoles.length > 0 ? plainRoles : ['user']),
  };
}

/** `!(x)`, without doubling the parentheses of an already wrapped expression. */
export function negate(ts: string): string {
  // `(a > b)` and `f(x)` are single operands already: `!(a > b)`, `!f(x)`.
  const call = /^[A-Za-z_$][\w$.]*\(/.exec(ts);
  const open = ts.startsWith('(') ? 0 : call ? call[0].length - 1 : -1;
  if (open >= 0 && ts.endsWith(')')) {
    let depth = 0;
    let inString = false;
    for (let i = open; i < ts.length; i++) {
      const c = ts[i];
      if (c === "'" && ts[i - 1] !== '\\') inString = !inString;
      if (inString) continue;
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if (depth === 0 && i < ts.length - 1) return `!(${ts})`;
    }
    return `!${ts}`;
  }
  return `!(${ts})`;
}

/** Where an extension point's `implementation:` module is copied in the generated project. */
export function implementationPath(implementation: string): string {
  const base = implementation.split(/[\\/]/).pop() ?? implementation;
  return `src/impl/${base}`;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Values in generated TypeScript: single-quoted strings (see tsLiteral). */
function lit(value: unknown): string {
  return tsLiteral(value);
}

// ─── Entities ───────────────────────────────────────────────────────────────────────────────

function buildEntity(system: BoneSystem, entity: BoneEntity, roles: string[]): Omit<EntityView, 'rateLimits'> {
  const fields = entityFields(system, entity).map((f) => buildField(f));
  const fieldByName = new Map(fields.map((f) => [f.name, f]));
  const states = entity.states;
  const transitions: TransitionView[] = (states?.transitions ?? []).map((t) => ({
    from: t.from,
    to: t.to,
    guard: t.guard ? guardView(exprToTs(t.guard.expr, selfContext('value')), t.guard.text) : undefined,
  }));
  const transitionMap = (states?.states ?? []).map((s) => `${propertyKey(s)}: [${transitions.filter((t) => t.from === s).map((t) => lit(t.to)).join(', ')}]`);

  let illegalTransition: EntityView['illegalTransition'];
  let legalTransition: EntityView['legalTransition'];
  if (states) {
    const allowed = new Set(transitions.filter((t) => t.from === states.initial).map((t) => t.to));
    const target = states.states.find((s) => s !== states.initial && !allowed.has(s));
    if (target) illegalTransition = { from: states.initial, to: target };
    const legal = transitions.find((t) => t.from === states.initial && !t.guard);
    if (legal) legalTransition = { from: legal.from, to: legal.to };
  }

  const constraintConditions: BoneCondition[] = [
    ...entity.constraints,
    ...system.constraints.filter((g) => g.entities.length === 1 && g.entities[0] === entity.name).map((g) => g.condition),
  ];
  const constraints = constraintConditions
    .filter((c) => c.expr.kind !== 'unique' && !collectRefs(c.expr).some((r) => r.scope === 'param' || r.scope === 'caller' || r.scope === 'flow'))
    .map((c) => {
      const refs = collectRefs(c.expr).filter((r) => r.scope === 'self' || r.scope === 'entity');
      const fieldNames = unique(refs.map((r) => r.path[0]).filter((n): n is string => !!n && fieldByName.has(n)));
      const ts = exprToTs(c.expr, selfContext('value'));
      return {
        ts,
        failsTs: negate(ts),
        text: c.text,
        field: fieldNames[0] ?? '(body)',
        nullableGuards: fieldNames.filter((n) => fieldByName.get(n)!.nullable),
      };
    })
    .filter((c) => c.field !== '(body)' || c.text.length > 0);

  const authRequired = entity.auth !== 'none';
  const dependsOn = unique(fields.filter((f) => f.references && f.references !== entity.name).map((f) => f.references!));
  const requiredSelfRef = fields.some((f) => f.references === entity.name && f.required);
  const invalidField = fields.find((f) => f.invalid);
  const singular = entity.singularName || snakeCase(entity.name);
  const access = accessView(system, entity, fields);
  const managedStates = new Set(entity.access.managedStates.map((m) => m.state));
  const directTransition = (to: string) => access.ownership.granted.transition || !managedStates.has(to);
  if (illegalTransition && !directTransition(illegalTransition.to)) {
    const allowed = new Set(transitions.filter((t) => t.from === states!.initial).map((t) => t.to));
    const target = states!.states.find((s) => s !== states!.initial && !allowed.has(s) && directTransition(s));
    illegalTransition = target ? { from: states!.initial, to: target } : undefined;
  }
  if (legalTransition && !directTransition(legalTransition.to)) {
    const legal = transitions.find((t) => t.from === states!.initial && !t.guard && directTransition(t.to));
    legalTransition = legal ? { from: legal.from, to: legal.to } : undefined;
  }
  const managedNames = new Set(entity.access.managedFields.map((m) => m.field));
  for (const field of fields) field.managedDefault = managedNames.has(field.name) && (field.nullable || !!entity.fields.find((f) => f.name === field.name)?.default);
  const patchable = fields.find((f) => !f.references && f.tsType === 'string' && f.codec === 'plain' && !f.sensitive && !managedNames.has(f.name));
  return {
    name: entity.name,
    varName: safeIdentifier(camelCase(entity.name)),
    fileName: kebabCase(singular),
    table: entity.tableName,
    route: `/${kebabCase(entity.tableName)}`,
    constName: snakeCase(entity.name).toUpperCase(),
    fields,
    hasStates: !!states,
    states: states?.states ?? [],
    statesTs: (states?.states ?? []).map(lit).join(', '),
    initialState: states?.initial ?? '',
    transitions,
    transitionMapTs: transitionMap.join(', '),
    illegalTransition,
    legalTransition,
    guardedTransitions: transitions.filter((t) => t.guard),
    constraints,
    authRequired,
    roles,
    rolesTs: `[${roles.map(lit).join(', ')}]`,
    dependsOn,
    columnsTs: fields.map((f) => `{ field: ${lit(f.name)}, column: ${lit(f.column)}, codec: ${lit(f.codec)}${f.sensitive ? ', sensitive: true' : ''} }`).join(',\n    '),
    filterable: fields.filter((f) => f.codec !== 'json' && !f.sensitive).map((f) => f.name),
    testable: !requiredSelfRef,
    invalidField,
    patchField: patchable ? { name: patchable.name, value: patchSample(patchable) } : undefined,
    manyToMany: [],
    ...access,
    derived: entity.derived.map((d, i) => ({
      name: d.name,
      key: propertyKey(d.name),
      tsType: `${tsType(unwrapOptional(d.type))} | null`,
      ts: exprToTs(d.expr, selfContext('record')),
      alias: `_derived${i}`,
    })),
  };
}

/** SQL over the entity's columns that holds for rows owned by the caller (`?` = the caller's id), and its `?` count. */
function ownerSqlOf(system: BoneSystem, entity: BoneEntity, seen: ReadonlySet<string> = new Set()): { sql: string; params: number } | undefined {
  const rules = entity.access.owners;
  if (rules.length === 0 || seen.has(entity.name)) return undefined;
  const parts: string[] = [];
  let params = 0;
  for (const rule of rules) {
    const column = `"${rule.column}"`;
    if (!rule.via) {
      parts.push(`${column} = ?`);
      params++;
      continue;
    }
    const parent = system.entities.find((e) => e.name === rule.via);
    const inner = parent ? ownerSqlOf(system, parent, new Set([...seen, entity.name])) : undefined;
    if (!parent || !inner) continue;
    parts.push(`${column} IN (SELECT "id" FROM "${parent.tableName}" WHERE ${inner.sql})`);
    params += inner.params;
  }
  if (parts.length === 0) return undefined;
  return { sql: parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(' OR '), params };
}

function accessView(system: BoneSystem, entity: BoneEntity, fields: FieldView[]): Pick<EntityView, 'accessTs' | 'routes' | 'ownership' | 'managedField' | 'managedState'> {
  const access = entity.access;
  const owner = ownerSqlOf(system, entity);
  const grants: Partial<Record<BoneCrudOp, string[]>> = {};
  for (const grant of access.grants) grants[grant.op] = unique([...(grants[grant.op] ?? []), ...grant.roles]);
  // A grant with no roles opens the operation to every caller: it wins over a role list.
  for (const grant of access.grants) if (grant.roles.length === 0) grants[grant.op] = [];
  const isGranted = (op: BoneCrudOp) => grants[op] !== undefined;
  const managedDefaults: Record<string, unknown> = {};
  for (const m of access.managedFields) {
    const field = entity.fields.find((f) => f.name === m.field);
    if (field?.default?.kind === 'literal') managedDefaults[m.field] = field.default.value;
    else if (field?.nullable) managedDefaults[m.field] = null;
  }
  const manages = access.managedFields.length > 0 || access.managedStates.length > 0;
  const identity = access.owners.some((r) => r.field === 'id' && !r.via);
  const firstField = access.owners.find((r) => r.field !== 'id');
  const accessTs = [
    '{',
    `  entity: ${lit(entity.name)},`,
    `  authRequired: ${entity.auth !== 'none'},`,
    ...(owner ? [`  ownerSql: ${lit(owner.sql)},`] : []),
    `  ownerParams: ${owner?.params ?? 0},`,
    `  identity: ${identity},`,
    `  grants: { ${Object.entries(grants).map(([op, roles]) => `${op}: [${roles.map(lit).join(', ')}]`).join(', ')} },`,
    `  managedFields: { ${access.managedFields.filter((m) => m.field !== 'state').map((m) => `${propertyKey(m.field)}: [${m.capabilities.map(lit).join(', ')}]`).join(', ')} },`,
    `  managedStates: { ${access.managedStates.map((m) => `${propertyKey(m.state)}: [${m.capabilities.map(lit).join(', ')}]`).join(', ')} },`,
    `  managedDefaults: { ${Object.entries(managedDefaults).map(([f, v]) => `${propertyKey(f)}: ${lit(v)}`).join(', ')} },`,
    '}',
  ].join('\n');
  const transitionTargets = unique((entity.states?.transitions ?? []).map((t) => t.to));
  const managedStates = new Set(access.managedStates.map((m) => m.state));
  const granted = { create: isGranted('create'), read: isGranted('read'), update: isGranted('update'), delete: isGranted('delete'), transition: isGranted('transition') };
  const managedFieldView = access.managedFields
    .filter((m) => m.field !== 'state')
    .map((m) => ({ m, field: fields.find((f) => f.name === m.field) }))
    .find((x) => x.field && !x.field.references);
  const kind = entity.auth === 'none' || access.owners.length === 0 || !owner ? 'none' : identity && !firstField ? 'identity' : firstField ? 'field' : 'identity';
  return {
    accessTs,
    routes: {
      delete: granted.delete || !manages,
      transition: !!entity.states && (granted.transition || transitionTargets.some((t) => !managedStates.has(t))),
    },
    ownership: {
      kind,
      field: kind === 'field' ? firstField!.field : undefined,
      granted,
      creatable: granted.create || kind !== 'none' || entity.auth === 'none',
      writer: {
        update: granted.update ? 'admin' : kind !== 'none' || entity.auth === 'none' ? 'own' : 'refused',
        delete: granted.delete ? 'admin' : kind !== 'none' || entity.auth === 'none' ? 'own' : 'refused',
        transition: granted.transition ? 'admin' : kind !== 'none' || entity.auth === 'none' ? 'own' : 'refused',
      },
      private: kind !== 'none' && !granted.read,
    },
    managedField: managedFieldView && !granted.update ? { name: managedFieldView.m.field, value: managedFieldView.field!.sample, capabilities: managedFieldView.m.capabilities } : undefined,
    managedState: access.managedStates[0] && !granted.transition && entity.states ? { state: access.managedStates[0].state, capabilities: access.managedStates[0].capabilities } : undefined,
  };
}

function guardView(ts: string, text: string): { ts: string; failsTs: string; text: string } {
  return { ts, failsTs: negate(ts), text };
}

/** Declared fields plus the foreign-key columns relations add (`relation seller: belongs_to Seller`). */
function entityFields(system: BoneSystem, entity: BoneEntity): BoneField[] {
  const fields = [...entity.fields];
  const have = new Set(fields.map((f) => f.name));
  const addKey = (name: string, target: string, nullable: boolean, loc: BoneField['loc']) => {
    if (have.has(name)) return;
    have.add(name);
    const type: BoneType = nullable ? { kind: 'optional', inner: { kind: 'scalar', scalar: 'uuid' } } : { kind: 'scalar', scalar: 'uuid' };
    fields.push({ name, column: snakeCase(name), type, nullable, unique: false, checks: [], references: target, loc });
  };
  for (const relation of entity.relations) {
    if (relation.kind === 'belongs_to' && !relation.foreignKey.declared && relation.foreignKey.entity === entity.name) {
      addKey(relation.foreignKey.field, relation.target, relation.cardinality.min === 0, relation.loc);
    }
  }
  for (const other of system.entities) {
    for (const relation of other.relations) {
      if ((relation.kind === 'has_one' || relation.kind === 'has_many') && relation.target === entity.name && !relation.foreignKey.declared && relation.foreignKey.entity === entity.name) {
        addKey(relation.foreignKey.field, other.name, true, relation.loc);
      }
    }
  }
  return fields.map((f) => (f.references || unwrapOptional(f.type).kind !== 'entity' ? f : { ...f, references: (unwrapOptional(f.type) as { entity: string }).entity }));
}

/**
 * A channel's `filter`. With `participants: set<Entity>` the participant is that entity's row
 * whose id is the caller's (loaded when they join); otherwise it is the caller itself.
 */
function channelFilter(channel: BoneSystem['channels'][number], entities: Map<string, EntityView>): Pick<ChannelView, 'filter' | 'participantEntity'> {
  const element = channel.participants ? unwrapOptional(channel.participants) : undefined;
  const inner = element && (element.kind === 'set' || element.kind === 'list') ? unwrapOptional(element.element) : element;
  const participantEntity = inner?.kind === 'entity' ? entities.get(inner.entity) : undefined;
  if (!channel.filter) return { participantEntity };
  const ctx: ExprContext = {
    ref: (r) => {
      const path = r.name ? r.path : r.path.slice(1);
      if (participantEntity && r.scope !== 'caller') return pathAccess('participant', path);
      const [member = 'id', ...rest] = path;
      const base = member === 'id' || member === 'role' || member === 'roles' ? `participant.${member}` : `participant.claims[${lit(member)}]`;
      return pathAccess(base, rest);
    },
  };
  return { participantEntity, filter: { ts: exprToTs(channel.filter.expr, ctx), text: channel.filter.text } };
}

function selfContext(root: string): ExprContext {
  return {
    ref: (r: BoneRefExpr) => {
      if (r.scope === 'self' || r.scope === 'entity') return pathAccess(root, r.path);
      return pathAccess(safeIdentifier(r.name ?? 'value'), r.path);
    },
  };
}

function buildField(field: BoneField): FieldView {
  const zod = zodFieldSchema(field.type, field.checks);
  let zodCreate = zod;
  if (field.default && field.default.kind === 'literal' && field.default.value !== null) zodCreate = `${zod}.default(${lit(field.default.value)})`;
  else if (field.default && field.default.kind === 'call' && field.default.callee === 'now') zodCreate = `${zod}.default(() => new Date().toISOString())`;
  else if (field.nullable) zodCreate = `${zod}.nullable().default(null)`;
  const required = !field.default && !field.nullable;
  const samples = sampleValues(field.type, field.checks, field.name);
  return {
    name: field.name,
    key: propertyKey(field.name),
    column: field.column,
    tsType: tsFieldType(field.type, field.checks),
    zod: field.nullable ? `${zod}.nullable()` : zod,
    zodCreate,
    codec: codecOf(field.type),
    nullable: field.nullable,
    required,
    sensitive: !!field.sensitive,
    references: field.references,
    sample: lit(samples.valid),
    sampleValue: samples.valid,
    sampleTs: field.unique ? uniqueSample(samples.valid, field.checks) : lit(samples.valid),
    managedDefault: false,
    invalid: samples.invalid ? { value: lit(samples.invalid.value), reason: samples.invalid.reason } : undefined,
    openapi: openapiSchemaOf(field.type, field.checks),
  };
}

/** Unique columns need a different value per row the tests create. */
function uniqueSample(value: unknown, checks: readonly BoneFieldCheck[]): string {
  const max = (checks.find((c) => c.kind === 'maxLength') as { value: number } | undefined)?.value ?? 1000;
  if (typeof value === 'string') {
    if (UUID_SAMPLE.test(value)) return 'crypto.randomUUID()';
    return `distinct(${lit(value)}, ${max})`;
  }
  if (typeof value === 'number') return `${value} + nextSerial()`;
  return lit(value);
}

/** A second valid value: same length (so length checks still hold), different content. */
/** A valid value other than the create sample: a uuid stays a uuid (its last digit changes), a string keeps its length. */
function patchSample(field: FieldView): string {
  const value = field.sampleValue;
  if (typeof value === 'string' && UUID_SAMPLE.test(value)) return lit(`${value.slice(0, -1)}${value.endsWith('2') ? '3' : '2'}`);
  if (typeof value === 'string' && value.length > 0) return lit(`${value[0] === 'y' ? 'z' : 'y'}${value.slice(1)}`);
  return field.sample;
}
const UUID_SAMPLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A value that satisfies the field's checks, and one that violates the first check it can. */
function sampleValues(type: BoneType, checks: readonly BoneFieldCheck[], name: string): { valid: unknown; invalid?: { value: unknown; reason: string } } {
  const t = unwrapOptional(type);
  const get = <K extends BoneFieldCheck['kind']>(kind: K) => checks.find((c) => c.kind === kind) as Extract<BoneFieldCheck, { kind: K }> | undefined;
  const oneOf = get('oneOf');
  if (oneOf && oneOf.values.length > 0) return { valid: oneOf.values[0], invalid: { value: typeof oneOf.values[0] === 'string' ? '__not_allowed__' : -987654, reason: 'oneOf' } };
  if (t.kind === 'entity') return { valid: null, invalid: { value: 'not-a-uuid', reason: 'type' } };
  if (t.kind === 'list' || t.kind === 'set') {
    const minLength = get('minLength')?.value ?? 0;
    const element = sampleValues(t.element, [], name).valid;
    return { valid: Array.from({ length: minLength }, () => element), invalid: { value: 'not-a-list', reason: 'type' } };
  }
  if (t.kind === 'map') return { valid: {}, invalid: { value: 'not-a-map', reason: 'type' } };
  if (t.kind !== 'scalar') return { valid: null };
  switch (t.scalar) {
    case 'string': {
      const min = get('minLength')?.value ?? 0;
      const max = get('maxLength')?.value;
      const base = `sample ${name}`;
      let valid = base.length >= min ? base : base.padEnd(min, 'x');
      if (max !== undefined && valid.length > max) valid = 'x'.repeat(Math.max(min, Math.min(max, 1)));
      const notEqual = get('notEqual');
      if (notEqual && valid === notEqual.value) valid = `${valid}x`;
      if (max !== undefined) return { valid, invalid: { value: 'x'.repeat(max + 1), reason: 'maxLength' } };
      if (min > 0) return { valid, invalid: { value: '', reason: 'minLength' } };
      return { valid, invalid: { value: 12345, reason: 'type' } };
    }
    case 'uint':
    case 'int':
    case 'float': {
      const min = get('min');
      const max = get('max');
      const integer = t.scalar !== 'float';
      let lo = t.scalar === 'uint' ? 0 : -Infinity;
      if (min) lo = Math.max(lo, min.exclusive ? min.value + (integer ? 1 : 0.5) : min.value);
      let hi = Infinity;
      if (max) hi = max.exclusive ? max.value - (integer ? 1 : 0.5) : max.value;
      let valid = 10;
      if (valid < lo) valid = integer ? Math.ceil(lo) : lo;
      if (valid > hi) valid = integer ? Math.floor(hi) : hi;
      const notEqual = get('notEqual');
      if (notEqual && valid === notEqual.value) valid = valid + 1 <= hi ? valid + 1 : valid - 1;
      if (min) return { valid, invalid: { value: min.exclusive ? min.value : min.value - 1, reason: 'min' } };
      if (max) return { valid, invalid: { value: max.exclusive ? max.value : max.value + 1, reason: 'max' } };
      if (t.scalar === 'uint') return { valid, invalid: { value: -1, reason: 'uint' } };
      return { valid, invalid: { value: 'not-a-number', reason: 'type' } };
    }
    case 'bool':
      return { valid: true, invalid: { value: 'yes', reason: 'type' } };
    case 'timestamp':
      return { valid: '2026-01-02T03:04:05.000Z', invalid: { value: 'yesterday', reason: 'type' } };
    case 'uuid':
      return { valid: '00000000-0000-4000-8000-000000000001', invalid: { value: 'not-a-uuid', reason: 'type' } };
    case 'bytes':
      return { valid: 'aGVsbG8=', invalid: { value: '%%%', reason: 'type' } };
    case 'json':
      return { valid: { sample: true } };
  }
}

// ─── Events ─────────────────────────────────────────────────────────────────────────────────

function buildEvent(event: BoneEvent): EventView {
  const fields = event.payload.map((p) => ({
    name: p.name,
    key: propertyKey(p.name),
    tsType: p.nullable ? `${tsType(unwrapOptional(p.type))} | null` : tsType(p.type),
    nullable: p.nullable,
  }));
  return {
    name: event.name,
    key: propertyKey(event.name),
    constName: snakeCase(event.name).toUpperCase(),
    payloadTs: fields.map((f) => `${f.key}: ${f.tsType};`).join(' '),
    fields,
  };
}

// ─── Capabilities ───────────────────────────────────────────────────────────────────────────

function buildCapability(
  system: BoneSystem,
  capability: BoneCapability,
  entities: Map<string, EntityView>,
  events: Map<string, EventView>,
  extensions: Set<string>,
  roles: string[],
): Omit<CapabilityView, 'rateLimits'> {
  const params: ParamView[] = capability.params.map((p) => {
    const entityName = p.entity ?? (unwrapOptional(p.type).kind === 'entity' ? (unwrapOptional(p.type) as { entity: string }).entity : undefined);
    const entity = entityName ? entities.get(entityName) : undefined;
    const variable = safeIdentifier(camelCase(p.name));
    if (entity) return { name: p.name, key: `${p.name}_id`, entity, variable, tsType: entity.name, zod: 'z.uuid()', sample: 'null' };
    return {
      name: p.name,
      key: p.name,
      variable,
      tsType: tsType(p.type),
      zod: p.type.kind === 'optional' ? `${zodType(p.type)}.nullable().default(null)` : zodType(p.type),
      sample: lit(sampleValues(p.type, [], p.name).valid),
    };
  });
  const paramByName = new Map(params.map((p) => [p.name, p]));
  let usesCaller = false;
  let needsExtensions = false;
  let usesSteps = false;
  const ctx: ExprContext = {
    ref: (r) => {
      if (r.scope === 'step') {
        // Pipeline results are produced by custom code in the capability's extension region.
        usesSteps = true;
        return pathAccess(`steps[${lit(r.name ?? r.path[0] ?? '')}]`, r.name ? r.path : r.path.slice(1));
      }
      if (r.scope === 'caller') {
        usesCaller = true;
        const [member = 'id', ...rest] = r.path;
        const base = member === 'id' || member === 'role' || member === 'roles' ? `caller.${member}` : `caller.claims[${lit(member)}]`;
        return pathAccess(base, rest);
      }
      const param = paramByName.get(r.name ?? r.path[0] ?? '');
      if (param) {
        const path = r.name ? r.path : r.path.slice(1);
        if (param.entity) return pathAccess(param.variable, path);
        return pathAccess(propertyAccess('input', param.name), path);
      }
      return pathAccess(safeIdentifier(r.name ?? 'value'), r.path);
    },
    call: (callee, args) => {
      if (!extensions.has(callee)) return undefined;
      needsExtensions = true;
      return `(await extensions.${safeIdentifier(camelCase(callee))}(${args.join(', ')}))`;
    },
  };

  const requires = capability.requires.map((condition, index) => {
    const refs = collectRefs(condition.expr);
    const status = refs.some((r) => r.scope === 'caller') ? 403 : refs.some((r) => r.path.includes('state')) ? 409 : 422;
    const ts = exprToTs(condition.expr, ctx);
    return { failsTs: negate(ts), ts, text: condition.text, status, index };
  });
  const effects = capability.effects.map((effect) => {
    const target = exprToTs(effect.target, ctx);
    const value = exprToTs(effect.value, ctx);
    let ts: string;
    switch (effect.op) {
      case '=':
        ts = `${target} = ${value};`;
        break;
      case '+=':
      case '-=':
        ts = `${target} ${effect.op} ${value};`;
        break;
      case 'append':
        ts = `${target} = [...${target}, ${value}];`;
        break;
      case 'remove':
        ts = `${target} = ${target}.filter((item) => JSON.stringify(item) !== JSON.stringify(${value}));`;
        break;
    }
    return { ts, text: effect.text };
  });
  const writtenParams = unique(
    capability.effects.map((e) => paramByName.get(e.target.name ?? e.target.path[0] ?? '')).filter((p): p is ParamView => !!p && !!p.entity),
  );

  const emits = capability.emits
    .map((name) => events.get(name))
    .filter((e): e is EventView => !!e)
    .map((event) => {
      const given = Object.fromEntries(Object.entries(capability.emitPayloads?.[event.name] ?? {}).map(([field, expr]) => [field, exprToTs(expr, ctx)]));
      const payload = eventPayload(event, params, given);
      return { event, payloadTs: payload.ts, unresolved: payload.unresolved };
    });

  const entityParams = params.filter((p) => p.entity);
  const authRequired = usesCaller || entityParams.some((p) => p.entity!.authRequired) || roles.length > 0;
  const retry = capability.retry;
  return {
    name: capability.name,
    fnName: safeIdentifier(camelCase(capability.name)),
    fileName: kebabCase(capability.name),
    typeName: pascalCase(capability.name),
    route: `/capabilities/${kebabCase(capability.name)}`,
    params,
    entityParams,
    entityImports: unique(entityParams.map((p) => p.entity!)),
    scalarParams: params.filter((p) => !p.entity),
    requires,
    effects,
    writes: writtenParams,
    emits,
    usesCaller,
    authRequired,
    roles: authRequired ? roles : [],
    rolesTs: `[${(authRequired ? roles : []).map(lit).join(', ')}]`,
    timeoutMs: capability.timeoutMs ?? 30_000,
    retryTs: retry ? `{ maxAttempts: ${retry.maxAttempts}, backoff: ${lit(retry.backoff)}, intervalMs: ${retry.intervalMs} }` : 'undefined',
    idempotent: capability.idempotent,
    sync: capability.sync,
    needsExtensions,
    callable: entityParams.every((p) => p.entity!.testable && p.entity!.ownership.creatable),
    eventsPrivate: entityParams.length > 0 && entityParams.every((p) => p.entity!.ownership.private),
    requiresJson: lit(capability.requires.map((r) => r.text)),
    usesSteps: usesSteps || !!capability.pipeline,
    returnsTs: capability.returns ? (unwrapOptional(capability.returns).kind === 'entity' ? 'string' : tsType(unwrapOptional(capability.returns))) : undefined,
    pipelineText: capability.pipeline
      ? `${capability.pipeline.steps.map((s) => `${s.call}(${s.args.map((a) => a.text).join(', ')})${s.name !== s.call ? ` as ${s.name}` : ''}`).join(capability.pipeline.parallel ? ' ∥ ' : ' → ')} (on_error: ${capability.pipeline.onError})`
      : undefined,
  };
}

/**
 * Event payload fields are filled from what the capability has: a parameter of the same name
 * (an entity parameter gives its id), `<param>_id`, or a field of a loaded row. A uuid nobody
 * provides is a fresh id (e.g. `order_id` of a new order); anything else unknown is null.
 */
function eventPayload(event: EventView, params: ParamView[], given: Record<string, string> = {}): { ts: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const ts = event.fields
    .map((field) => {
      if (given[field.name] !== undefined) return `${field.key}: ${given[field.name]}`;
      const direct = params.find((p) => p.name === field.name);
      if (direct) return `${field.key}: ${direct.entity ? `${direct.variable}.id` : propertyAccess('input', direct.name)}`;
      const byId = params.find((p) => p.entity && `${p.name}_id` === field.name);
      if (byId) return `${field.key}: ${byId.variable}.id`;
      // A @sensitive field never travels in an event: events are shown to more callers than its owner.
      const fromRow = params.find((p) => p.entity?.fields.some((f) => f.name === field.name && !f.sensitive));
      if (fromRow) return `${field.key}: ${propertyAccess(fromRow.variable, field.name)}`;
      if (field.tsType.startsWith('string') && /(^|_)id$/.test(field.name)) return `${field.key}: crypto.randomUUID()`;
      unresolved.push(field.name);
      return `${field.key}: null`;
    })
    .join(', ');
  return { ts, unresolved };
}

// ─── Flows ──────────────────────────────────────────────────────────────────────────────────

function buildFlow(flow: BoneFlow, capabilities: Map<string, CapabilityView>): FlowView {
  const inputOf = (capability: CapabilityView, args: BoneExpr[]) =>
    `{ ${capability.params
      .map((param, i) => {
        const arg = args[i];
        const value = !arg ? 'undefined' : arg.kind === 'ref' && arg.scope === 'flow' ? propertyAccess('vars', arg.name ?? arg.path[0] ?? '') : exprToTs(arg, { ref: (r) => propertyAccess('vars', r.name ?? r.path[0] ?? '') });
        return `${propertyKey(param.key)}: ${value}`;
      })
      .join(', ')} }`;
  const steps: FlowStepView[] = [];
  for (const step of flow.steps) {
    const capability = capabilities.get(step.call.capability);
    if (!capability) continue;
    const compensation = step.compensate ? capabilities.get(step.compensate.capability) : undefined;
    steps.push({
      name: step.name,
      capability,
      inputTs: inputOf(capability, step.call.args),
      compensate: compensation && step.compensate ? { capability: compensation, inputTs: inputOf(compensation, step.compensate.args) } : undefined,
    });
  }
  return {
    name: flow.name,
    fnName: safeIdentifier(camelCase(`run_${flow.name}`)),
    route: `/flows/${kebabCase(flow.name)}`,
    variables: flow.variables,
    inputZod: `z.strictObject({ ${flow.variables
      .map((v) => {
        const type = flow.variableTypes?.[v];
        const zod = !type ? 'z.unknown()' : unwrapOptional(type).kind === 'entity' ? 'z.uuid()' : zodType(unwrapOptional(type));
        return `${propertyKey(v)}: ${zod}`;
      })
      .join(', ')} })`,
    steps,
    authRequired: steps.some((s) => s.capability.authRequired || !!s.compensate?.capability.authRequired),
  };
}

// ─── Ordering and OpenAPI helpers ───────────────────────────────────────────────────────────

function dependencyOrder(entities: EntityView[]): EntityView[] {
  const byName = new Map(entities.map((e) => [e.name, e]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: EntityView[] = [];
  const visit = (e: EntityView) => {
    if (done.has(e.name) || visiting.has(e.name)) return;
    visiting.add(e.name);
    for (const d of e.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    visiting.delete(e.name);
    done.add(e.name);
    out.push(e);
  };
  entities.forEach(visit);
  return out;
}

export function openapiSchemaOf(type: BoneType, checks: readonly BoneFieldCheck[] = []): Record<string, unknown> {
  const t = unwrapOptional(type);
  let schema: Record<string, unknown>;
  switch (t.kind) {
    case 'scalar': {
      const map: Record<string, Record<string, unknown>> = {
        string: { type: 'string' },
        uint: { type: 'integer', minimum: 0 },
        int: { type: 'integer' },
        float: { type: 'number' },
        bool: { type: 'boolean' },
        timestamp: { type: 'string', format: 'date-time' },
        uuid: { type: 'string', format: 'uuid' },
        bytes: { type: 'string', format: 'byte' },
        json: {},
      };
      schema = { ...map[t.scalar] };
      break;
    }
    case 'entity':
      schema = { type: 'string', format: 'uuid' };
      break;
    case 'list':
      schema = { type: 'array', items: openapiSchemaOf(t.element) };
      break;
    case 'set':
      schema = { type: 'array', uniqueItems: true, items: openapiSchemaOf(t.element) };
      break;
    case 'map':
      schema = { type: 'object', additionalProperties: openapiSchemaOf(t.value) };
      break;
    default:
      schema = {};
  }
  const isString = schema.type === 'string';
  const isArray = schema.type === 'array';
  for (const c of checks) {
    // OpenAPI 3.0: `exclusiveMinimum` is a boolean modifier of `minimum`.
    if (c.kind === 'min') Object.assign(schema, { minimum: c.value }, c.exclusive ? { exclusiveMinimum: true } : {});
    if (c.kind === 'max') Object.assign(schema, { maximum: c.value }, c.exclusive ? { exclusiveMaximum: true } : {});
    if (c.kind === 'minLength') schema[isArray ? 'minItems' : isString ? 'minLength' : 'minLength'] = c.value;
    if (c.kind === 'maxLength') schema[isArray ? 'maxItems' : isString ? 'maxLength' : 'maxLength'] = c.value;
    if (c.kind === 'oneOf') schema.enum = c.values;
  }
  if (type.kind === 'optional') schema.nullable = true;
  return schema;
}
