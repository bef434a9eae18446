/**
 * The BoneScript IR: the contract between the front end (lexer → parser → checker → lower) and
 * the emitters. Everything here is resolved and typed, holds no AST nodes, and is plain
 * JSON-serialisable data. Arrays keep source order, so the same `.bone` file always lowers to the
 * same IR (and the emitters can produce byte-identical output).
 *
 * Compatibility rule: fields are only ever ADDED (optional where possible); nothing is renamed or
 * removed without updating compiler/bone/emit/.
 *
 * Implicit columns: every entity table also has `id` (uuid primary key), `created_at` and
 * `updated_at` (timestamps), plus `state` (string) when the entity has a state machine. They are
 * not listed in `BoneEntity.fields`; the checker rejects user fields with those names. Foreign
 * keys of relations that `owns` does not declare (`BoneRelation.foreignKey.declared === false`)
 * are columns too.
 */

export const BONE_IR_VERSION = 1 as const;

// ─── Locations ──────────────────────────────────────────────────────────────────────────────

/** 1-based position range in the `.bone` file (`BoneSystem.file`), for messages and source maps. */
export interface IrLocation {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

// ─── Types ──────────────────────────────────────────────────────────────────────────────────

export type BoneScalarKind = 'string' | 'uint' | 'int' | 'float' | 'bool' | 'timestamp' | 'uuid' | 'bytes' | 'json';

export type BoneType =
  | { kind: 'scalar'; scalar: BoneScalarKind }
  /** A reference to another entity; stored as its uuid `id`. */
  | { kind: 'entity'; entity: string }
  | { kind: 'list'; element: BoneType }
  | { kind: 'set'; element: BoneType }
  | { kind: 'map'; key: BoneType; value: BoneType }
  | { kind: 'optional'; inner: BoneType }
  /** Only in expression types: `null`, and values whose type cannot be known (e.g. `json` members). */
  | { kind: 'null' }
  | { kind: 'unknown' };

// ─── Expressions ────────────────────────────────────────────────────────────────────────────

export type BoneBinaryOp =
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '+' | '-' | '*' | '/' | '%'
  | 'and' | 'or';

export type BoneUnaryOp = 'not' | '-';

/** Every expression node carries its checked type, its exact source text and its location. */
interface BoneExprBase {
  type: BoneType;
  text: string;
  loc: IrLocation;
}

export interface BoneLiteralExpr extends BoneExprBase {
  kind: 'literal';
  /** Durations (`30s`) are lowered to milliseconds with `unit: 'ms'`. */
  value: string | number | boolean | null;
  unit?: 'ms';
}

/**
 * A name, optionally followed by member accesses. `scope` says what the first name is:
 * - `self`: a field of the entity being described (entity constraints, guards, derived fields);
 *   `path[0]` is the field name.
 * - `param`: a capability / extension-point parameter; `name` is the parameter, `path` the
 *   members read from it (`listing.stock` → name `listing`, path `['stock']`).
 * - `caller`: the authenticated caller (`caller.id`, `caller.role`); `path` as written.
 * - `entity`: an entity named in a global constraint (`Listing.price` → entity `Listing`,
 *   path `['price']`): the constraint holds for every row.
 * - `flow`: a saga variable in a flow step's arguments; `name` is the variable.
 * - `payload`: a field of the event being described (reserved for event-level rules).
 * - `step`: the result of an earlier pipeline step (`reserve(order) as reservation`); `name` is
 *   the binding.
 * `entity` is the entity whose field `path` reads from, when there is one. A `belongs_to`
 * relation member in a path is its foreign key: `order.buyer` → path `['buyer_id']`, typed as the
 * entity `Buyer` (so `==` compares ids).
 */
export interface BoneRefExpr extends BoneExprBase {
  kind: 'ref';
  scope: 'self' | 'param' | 'caller' | 'entity' | 'flow' | 'payload' | 'step';
  name?: string;
  path: string[];
  entity?: string;
}

export interface BoneBinaryExpr extends BoneExprBase {
  kind: 'binary';
  op: BoneBinaryOp;
  left: BoneExpr;
  right: BoneExpr;
}

export interface BoneUnaryExpr extends BoneExprBase {
  kind: 'unary';
  op: BoneUnaryOp;
  operand: BoneExpr;
}

/** `x in ["a", "b"]` (membership in a list literal or a list-typed value). */
export interface BoneInListExpr extends BoneExprBase {
  kind: 'inList';
  operand: BoneExpr;
  items: BoneExpr[];
  negated: boolean;
}

/** `x in 1..100` — both bounds inclusive. */
export interface BoneInRangeExpr extends BoneExprBase {
  kind: 'inRange';
  operand: BoneExpr;
  min: BoneExpr;
  max: BoneExpr;
  negated: boolean;
}

/** `tags contains "x"` — membership of `element` in a list/set-valued `collection`. */
export interface BoneContainsExpr extends BoneExprBase {
  kind: 'contains';
  collection: BoneExpr;
  element: BoneExpr;
}

/** `title.length` (string length or collection size). */
export interface BoneLengthExpr extends BoneExprBase {
  kind: 'length';
  operand: BoneExpr;
}

/** `email.unique` — the field's value is unique across the table. */
export interface BoneUniqueExpr extends BoneExprBase {
  kind: 'unique';
  operand: BoneExpr;
}

/** `now()`, `count(x)`, `sum(items)` … — a call to a built-in function (see `callee`). */
export interface BoneCallExpr extends BoneExprBase {
  kind: 'call';
  callee: string;
  args: BoneExpr[];
}

/** A list literal used as a value (`tags = ["a"]`). */
export interface BoneListExpr extends BoneExprBase {
  kind: 'list';
  items: BoneExpr[];
}

export type BoneExpr =
  | BoneLiteralExpr
  | BoneRefExpr
  | BoneBinaryExpr
  | BoneUnaryExpr
  | BoneInListExpr
  | BoneInRangeExpr
  | BoneContainsExpr
  | BoneLengthExpr
  | BoneUniqueExpr
  | BoneCallExpr
  | BoneListExpr;

/** A boolean condition as written: the tree, and its source text for error messages (409/422 bodies). */
export interface BoneCondition {
  expr: BoneExpr;
  text: string;
  loc: IrLocation;
}

// ─── Entities ───────────────────────────────────────────────────────────────────────────────

/**
 * Per-field validation pre-digested from the entity's `constraints` so emitters can build zod
 * schemas and SQL CHECKs without walking expressions. Constraints that do not fit these shapes
 * (cross-field ones) stay only in `BoneEntity.constraints`.
 */
export type BoneFieldCheck =
  | { kind: 'min'; value: number; exclusive: boolean }
  | { kind: 'max'; value: number; exclusive: boolean }
  | { kind: 'minLength'; value: number }
  | { kind: 'maxLength'; value: number }
  | { kind: 'oneOf'; values: Array<string | number | boolean> }
  | { kind: 'notEqual'; value: string | number | boolean };

export interface BoneField {
  name: string;
  /** SQL column name (snake_case of `name`). */
  column: string;
  type: BoneType;
  /** True when the type is `optional<T>`; the column allows NULL and the field may be omitted. */
  nullable: boolean;
  /** `stock: uint = 0` → a literal expression; `now()` and other calls are allowed too. */
  default?: BoneExpr;
  /** True when a constraint says `field.unique` (or the field is in a unique index). */
  unique: boolean;
  checks: BoneFieldCheck[];
  /** Set when this field is the foreign key of a `belongs_to` relation (or its type is an entity). */
  references?: string;
  /** `@sensitive`: never returned in list responses or logs. */
  sensitive?: boolean;
  /** `@renamed_from(old)`: migrations rename the column instead of dropping it. */
  renamedFrom?: string;
  loc: IrLocation;
}

export interface BoneTransition {
  from: string;
  to: string;
  /** Optional guard: the transition is allowed only when it holds (fields are `self` refs). */
  guard?: BoneCondition;
  loc: IrLocation;
}

export interface BoneStateMachine {
  /** All states in order of first appearance. */
  states: string[];
  /** The first state written: new rows start here. */
  initial: string;
  /** States with no outgoing transition. */
  terminal: string[];
  transitions: BoneTransition[];
  loc: IrLocation;
}

export type BoneAuthMode = 'jwt' | 'oauth2' | 'api_key' | 'session' | 'none';

export type BoneRelationKind = 'has_one' | 'has_many' | 'belongs_to' | 'many_to_many';

export interface BoneRelation {
  name: string;
  kind: BoneRelationKind;
  target: string;
  /**
   * Where the foreign key lives. belongs_to: on this entity, `<name>_id`. has_one/has_many: on the
   * target, `<this entity in snake_case>_id`. many_to_many: in `joinTable`, two keys.
   * `declared` says whether that field is already in the owning entity's `owns` (otherwise the
   * emitter adds the column).
   */
  foreignKey: { entity: string; field: string; declared: boolean };
  /** many_to_many only: the join table and its two key columns. */
  joinTable?: { name: string; sourceKey: string; targetKey: string };
  /** `[1..*]` → min 1, max '*'. Defaults by kind: belongs_to/has_one 1..1, has_many/many_to_many 0..*. */
  cardinality: { min: number; max: number | '*' };
  loc: IrLocation;
}

export interface BoneIndex {
  /** Deterministic name: `idx_<table>_<columns joined by _>`. */
  name: string;
  /** Field names (snake_case columns are `BoneField.column`). */
  fields: string[];
  unique: boolean;
  loc: IrLocation;
}

export interface BoneDerivedField {
  name: string;
  type: BoneType;
  expr: BoneExpr;
  loc: IrLocation;
}

export interface BoneEntity {
  name: string;
  /** snake_case plural, e.g. `Listing` → `listings`, `OrderItem` → `order_items`. */
  tableName: string;
  /** snake_case singular, e.g. `order_item`. */
  singularName: string;
  fields: BoneField[];
  /** All constraints as written (including the per-field ones digested into `BoneField.checks`). */
  constraints: BoneCondition[];
  states?: BoneStateMachine;
  auth: BoneAuthMode;
  relations: BoneRelation[];
  indexes: BoneIndex[];
  derived: BoneDerivedField[];
  /** Who may read and change rows directly (derived from owners, capabilities and `crud:` policies). */
  access: BoneEntityAccess;
  loc: IrLocation;
}

// ─── Access ─────────────────────────────────────────────────────────────────────────────────

/** A direct entity operation a `crud:` policy can open. */
export type BoneCrudOp = 'create' | 'read' | 'update' | 'delete' | 'transition';

/**
 * One way a row belongs to a caller: `field` holds the caller's id (`id` for a caller's own record,
 * `buyer_id` for a `belongs_to Buyer`), or, with `via`, refers to a row of `via` that belongs to them.
 */
export interface BoneOwnerRule {
  field: string;
  column: string;
  via?: string;
}

export interface BoneEntityAccess {
  /** How rows belong to callers; empty: the entity has no owner. */
  owners: BoneOwnerRule[];
  /** Where the owners come from: an `owner:` clause, inferred from relations/capabilities, or none. */
  ownerSource: 'declared' | 'inferred' | 'none';
  /** Fields that capability effects change: direct writes may not set them. */
  managedFields: Array<{ field: string; capabilities: string[] }>;
  /** States that capability effects move rows into: no direct transition goes there. */
  managedStates: Array<{ state: string; capabilities: string[] }>;
  /** Direct operations `crud:` policies grant on every row; `roles` empty means any authenticated caller. */
  grants: Array<{ op: BoneCrudOp; roles: string[]; policy: string }>;
}

// ─── Capabilities ───────────────────────────────────────────────────────────────────────────

export interface BoneParam {
  name: string;
  type: BoneType;
  /** Set when the parameter is an entity: the endpoint takes `<name>_id` and loads the row. */
  entity?: string;
  loc: IrLocation;
}

export type BoneEffectOp = '=' | '+=' | '-=' | 'append' | 'remove';

export interface BoneEffect {
  /** What is changed: a `param` ref with a one-field path (`listing.stock`), or a scalar param. */
  target: BoneRefExpr;
  op: BoneEffectOp;
  value: BoneExpr;
  text: string;
  loc: IrLocation;
}

export type BoneSyncMode = 'realtime' | 'eventual' | 'batch' | 'transactional';

export interface BoneRetry {
  maxAttempts: number;
  backoff: 'fixed' | 'linear' | 'exponential';
  intervalMs: number;
}

export interface BonePipelineStep {
  /** `as name`; defaults to the function name. */
  name: string;
  call: string;
  args: BoneExpr[];
  loc: IrLocation;
}

export interface BonePipeline {
  steps: BonePipelineStep[];
  onError: 'rollback' | 'continue' | 'abort' | 'retry' | 'compensate';
  /** `parallel: { … }` — the steps run concurrently instead of in order. */
  parallel?: boolean;
  /** `on_error: compensate(undo_x(order))` — the function called on failure, if any. */
  onErrorCall?: { call: string; args: BoneExpr[] };
}

/** Literal settings, e.g. `algorithm: rank using { k: 10, metric: "cosine" }`. */
export type BoneSettingValue = string | number | boolean | null | BoneSettingValue[] | { [key: string]: BoneSettingValue };

export interface BoneAlgorithm {
  name: string;
  /** Literal settings; a bare name (`graph: road_network`) is kept as its string. */
  using: Record<string, BoneSettingValue>;
  /** Settings whose value names a capability parameter (`source: start` → `{ source: 'start' }`). */
  paramBindings?: Record<string, string>;
}

export interface BoneCapability {
  name: string;
  params: BoneParam[];
  requires: BoneCondition[];
  effects: BoneEffect[];
  /** Event names, all declared. */
  emits: string[];
  /**
   * `emits: PaymentCaptured(order.id, order.total)`: payload values given positionally, by
   * payload field name. Fields not listed are filled by name from parameters and rows.
   */
  emitPayloads?: Record<string, Record<string, BoneExpr>>;
  sync: BoneSyncMode;
  timeoutMs?: number;
  retry?: BoneRetry;
  idempotent: boolean;
  pipeline?: BonePipeline;
  algorithm?: BoneAlgorithm;
  returns?: BoneType;
  /** Entities whose rows this capability changes (from `effects`), in first-use order. */
  writes: string[];
  loc: IrLocation;
}

// ─── Events, stores, channels ───────────────────────────────────────────────────────────────

export interface BonePayloadField {
  name: string;
  type: BoneType;
  nullable: boolean;
  loc: IrLocation;
}

export type BoneDelivery = 'at_least_once' | 'at_most_once' | 'exactly_once';

export interface BoneEvent {
  name: string;
  payload: BonePayloadField[];
  delivery: BoneDelivery;
  ttlMs?: number;
  loc: IrLocation;
}

export interface BoneStore {
  name: string;
  engine: string;
  schema: BonePayloadField[];
  /** The entity this store holds, when its name is `<Entity>Store` or its schema matches one. */
  entity?: string;
  partition?: string;
  replicas?: number;
  /** `retention: 2h` — how long entries are kept. */
  retentionMs?: number;
  loc: IrLocation;
}

export interface BoneChannel {
  name: string;
  transport: string;
  ordering?: string;
  participants?: BoneType;
  /** `last_100` → { kind: 'last', count: 100 }; `none`/absent → { kind: 'none' }; anything else → 'all'. */
  persistence: { kind: 'none' } | { kind: 'last'; count: number } | { kind: 'all' };
  /** `max_size: 10000` — the most participants (or buffered messages) the channel holds. */
  maxSize?: number;
  /**
   * `filter: participant.role == "auditor"` — who receives messages; `participant` is a `param`
   * ref (name `participant`) typed as the element of `participants`.
   */
  filter?: BoneCondition;
  loc: IrLocation;
}

// ─── Policies, flows, constraints, extension points, imports ────────────────────────────────

export type BoneEncryption = 'none' | 'at_rest' | 'in_transit' | 'both';

export interface BonePolicy {
  name: string;
  rateLimit?: { count: number; windowMs: number };
  /** Roles allowed to call; empty means no role restriction. */
  access: string[];
  audit: boolean;
  encryption: BoneEncryption;
  /** Capabilities / entities the policy applies to; absent means the whole system. */
  appliesTo?: string[];
  /** `crud: [...]`: direct entity operations the policy's `access` roles may do on every row. */
  crud?: BoneCrudOp[];
  loc: IrLocation;
}

export interface BoneFlowCall {
  capability: string;
  /** Flow variables (`ref` with scope `flow`) or literals, positionally matching the capability's params. */
  args: BoneExpr[];
}

export interface BoneFlowStep {
  name: string;
  call: BoneFlowCall;
  compensate?: BoneFlowCall;
  loc: IrLocation;
}

export interface BoneFlow {
  name: string;
  steps: BoneFlowStep[];
  /** Flow variables used by the steps, in first-use order: the saga's input. */
  variables: string[];
  /** The type of each variable, from the capability parameters it is passed to (same order). */
  variableTypes?: Record<string, BoneType>;
  loc: IrLocation;
}

export interface BoneGlobalConstraint {
  name: string;
  condition: BoneCondition;
  /** Entities the condition reads, in first-use order. */
  entities: string[];
  loc: IrLocation;
}

export interface BoneExtensionPoint {
  name: string;
  params: BoneParam[];
  returns?: BoneType;
  /**
   * The generated code calls every extension point; its body lives in a marked region
   * (`// <bone:extension NAME>` … `// </bone:extension NAME>`) that a recompile preserves.
   * A `stable: true` extension point is part of the system's contract, so the checker requires it
   * to be implemented in the `.bone` file: a `default:` expression or an `implementation:` module
   * that exists (BS102).
   */
  stable: boolean;
  /** `default: <expr>` in the declaration: the value returned until someone implements it. */
  default?: BoneExpr;
  /** `implementation: "extensions/fee.ts"` — a module (relative to the .bone file) exporting the function. */
  implementation?: string;
  loc: IrLocation;
}

export interface BoneImport {
  names: string[];
  from: string;
  loc: IrLocation;
}

// ─── The system ─────────────────────────────────────────────────────────────────────────────

export interface BoneSystem {
  irVersion: typeof BONE_IR_VERSION;
  name: string;
  domain?: string;
  /** The `.bone` file as passed to the compiler (locations are relative to it). */
  file: string;
  imports: BoneImport[];
  entities: BoneEntity[];
  capabilities: BoneCapability[];
  events: BoneEvent[];
  stores: BoneStore[];
  channels: BoneChannel[];
  policies: BonePolicy[];
  flows: BoneFlow[];
  constraints: BoneGlobalConstraint[];
  extensionPoints: BoneExtensionPoint[];
}

// ─── Small helpers emitters share ───────────────────────────────────────────────────────────

/** The type as a user writes it: `list<uint>`, `optional<Listing>`. */
export function formatBoneType(type: BoneType): string {
  switch (type.kind) {
    case 'scalar': return type.scalar;
    case 'entity': return type.entity;
    case 'list': return `list<${formatBoneType(type.element)}>`;
    case 'set': return `set<${formatBoneType(type.element)}>`;
    case 'map': return `map<${formatBoneType(type.key)}, ${formatBoneType(type.value)}>`;
    case 'optional': return `optional<${formatBoneType(type.inner)}>`;
    case 'null': return 'null';
    case 'unknown': return 'unknown';
  }
}

export function findEntity(system: BoneSystem, name: string): BoneEntity | undefined {
  return system.entities.find((e) => e.name === name);
}

export function findCapability(system: BoneSystem, name: string): BoneCapability | undefined {
  return system.capabilities.find((c) => c.name === name);
}

export function findEvent(system: BoneSystem, name: string): BoneEvent | undefined {
  return system.events.find((e) => e.name === name);
}
