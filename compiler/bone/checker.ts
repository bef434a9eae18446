/**
 * Stage 3: validation, one checker per declaration kind (as in Langium's validation registry).
 * Every check reports into the bag and carries on, so a file gets all its errors at once. The
 * result holds what the checks resolved (typed expressions, durations, enum values) for
 * lower.ts to assemble into the IR.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DiagnosticBag, didYouMean, parseDuration, type SourceSpan } from '../common/index.js';
import type * as A from './ast.js';
import { BoneDiagnostics } from './diagnostics.js';
import { assignable, ExpressionChecker, irLocation, isNumeric, unwrap, type ExprEnv } from './expressions.js';
import {
  formatBoneType,
  type BoneAlgorithm,
  type BoneAuthMode,
  type BoneCapability,
  type BoneChannel,
  type BoneCondition,
  type BoneCrudOp,
  type BoneDelivery,
  type BoneDerivedField,
  type BoneEffect,
  type BoneEffectOp,
  type BoneEncryption,
  type BoneEvent,
  type BoneExpr,
  type BoneExtensionPoint,
  type BoneFlowCall,
  type BoneFlowStep,
  type BoneGlobalConstraint,
  type BoneParam,
  type BonePayloadField,
  type BonePipeline,
  type BonePolicy,
  type BoneRelationKind,
  type BoneRetry,
  type BoneSettingValue,
  type BoneStateMachine,
  type BoneStore,
  type BoneSyncMode,
  type BoneTransition,
  type BoneType,
} from './ir.js';
import { buildEntityFields, collectSymbols, entityOf, RELATION_KINDS, resolveType, UNKNOWN, type EntitySymbol, type Symbols } from './scope.js';

export interface CheckOptions {
  /** Whether a file exists (extension-point implementations); defaults to the real file system. */
  fileExists?: (path: string) => boolean;
  /**
   * Whether an extension point already has an implementation outside the `.bone` file — e.g. a
   * filled marked region in the previously generated output, which the compiler knows about.
   */
  extensionImplemented?: (name: string) => boolean;
}

export interface CheckedField {
  decl: A.FieldDecl;
  type: BoneType;
  default?: BoneExpr;
  sensitive: boolean;
  renamedFrom?: string;
}

export interface CheckedRelation {
  decl: A.RelationDecl;
  kind: BoneRelationKind;
  target: string;
  cardinality: { min: number; max: number | '*' };
}

export interface CheckedEntity {
  symbol: EntitySymbol;
  fields: CheckedField[];
  constraints: BoneCondition[];
  states?: BoneStateMachine;
  auth: BoneAuthMode;
  /** `owner:` fields as declared (`id` for rows that are the caller's own record). */
  owner?: string[];
  relations: CheckedRelation[];
  indexes: A.IndexDecl[];
  derived: BoneDerivedField[];
}

export interface CheckedFlow {
  decl: A.FlowDecl;
  steps: BoneFlowStep[];
  /** Each saga variable's type, from the parameters it is passed to, in first-use order. */
  variableTypes: Map<string, BoneType>;
}

/** Everything the checks resolved, in source order per kind. */
export interface CheckedSystem {
  system: A.SystemDecl;
  symbols: Symbols;
  entities: CheckedEntity[];
  capabilities: Array<Omit<BoneCapability, 'writes'>>;
  events: BoneEvent[];
  stores: BoneStore[];
  channels: BoneChannel[];
  policies: BonePolicy[];
  flows: CheckedFlow[];
  constraints: Array<Omit<BoneGlobalConstraint, 'entities'>>;
  extensionPoints: BoneExtensionPoint[];
}

const AUTH_MODES = ['jwt', 'oauth2', 'api_key', 'session', 'none'] as const;
const SYNC_MODES = ['realtime', 'eventual', 'batch', 'transactional'] as const;
const DELIVERIES = ['at_least_once', 'at_most_once', 'exactly_once'] as const;
const ENCRYPTIONS = ['none', 'at_rest', 'in_transit', 'both'] as const;
const BACKOFFS = ['fixed', 'linear', 'exponential'] as const;
const CRUD_OPS = ['create', 'read', 'update', 'delete', 'transition'] as const;
const ON_ERROR = ['rollback', 'continue', 'abort', 'retry', 'compensate'] as const;
const ENGINES = ['postgresql', 'postgres', 'sqlite', 'redis', 'mongodb', 's3', 'dynamodb', 'memory'] as const;
const TRANSPORTS = ['websocket', 'sse', 'polling', 'grpc_stream'] as const;
const ORDERINGS = ['causal', 'fifo', 'total', 'unordered', 'none'] as const;
/** Options each declaration kind accepts (`key: value` clauses). */
const OPTIONS_BY_KIND: Record<string, readonly string[]> = {
  event: ['delivery', 'ttl'],
  store: ['engine', 'partition', 'replicas', 'retention'],
  channel: ['transport', 'ordering', 'persistence', 'filter', 'max_size'],
  policy: ['audit', 'encryption', 'crud'],
  extension_point: ['stable', 'language', 'default', 'implementation'],
};
/** Clauses that may appear more than once in one declaration. */
const REPEATABLE_CLAUSES = new Set(['relation', 'derived', 'index']);

/** `sources` maps every file a declaration may come from (the system's and its imports) to its text. */
export function checkSystem(system: A.SystemDecl, sources: ReadonlyMap<string, string>, diagnostics: DiagnosticBag, options: CheckOptions = {}): CheckedSystem {
  return new Checker(system, sources, diagnostics, options).run();
}

class Checker {
  private readonly symbols: Symbols;
  private readonly exprs: ExpressionChecker;
  private readonly fieldTypes = new Map<A.FieldDecl, BoneType>();
  private readonly derivedFields = new Map<EntitySymbol, BoneDerivedField[]>();
  private readonly fileExists: (path: string) => boolean;

  constructor(
    private readonly system: A.SystemDecl,
    sources: ReadonlyMap<string, string>,
    private readonly diagnostics: DiagnosticBag,
    options: CheckOptions,
  ) {
    this.symbols = collectSymbols(system.declarations, diagnostics);
    buildEntityFields(this.symbols, diagnostics, this.fieldTypes);
    this.exprs = new ExpressionChecker(this.symbols, diagnostics, sources, system.span.file);
    this.fileExists = options.fileExists ?? ((path) => existsSync(path));
    this.extensionImplemented = options.extensionImplemented ?? (() => false);
  }

  private readonly extensionImplemented: (name: string) => boolean;

  run(): CheckedSystem {
    const result: CheckedSystem = {
      system: this.system, symbols: this.symbols, entities: [], capabilities: [], events: [], stores: [],
      channels: [], policies: [], flows: [], constraints: [], extensionPoints: [],
    };
    // State names and extension return types first: expressions anywhere may refer to them.
    for (const entity of this.symbols.entities.values()) entity.states = collectStateNames(entity.decl);
    for (const entity of this.symbols.entities.values()) {
      this.exprs.file = entity.decl.span.file;
      this.derivedFields.set(entity, this.derived(entity));
    }
    for (const ext of this.symbols.extensionPoints.values()) {
      if (ext.returns) this.exprs.extensionReturnTypes.set(ext.name.text, resolveType(ext.returns, this.symbols, silentBag()));
    }
    for (const decl of this.system.declarations) {
      if (decl.kind !== 'import' && !this.isCanonical(decl)) continue;
      this.exprs.file = decl.span.file;
      switch (decl.kind) {
        case 'entity': result.entities.push(this.entity(this.symbols.entities.get(decl.name.text)!)); break;
        case 'capability': result.capabilities.push(this.capability(decl)); break;
        case 'event': result.events.push(this.event(decl)); break;
        case 'store': result.stores.push(this.store(decl)); break;
        case 'channel': result.channels.push(this.channel(decl)); break;
        case 'policy': result.policies.push(this.policy(decl)); break;
        case 'flow': result.flows.push(this.flow(decl)); break;
        case 'constraint': result.constraints.push(this.globalConstraint(decl)); break;
        case 'extension_point': result.extensionPoints.push(this.extensionPoint(decl)); break;
        case 'import': break;
      }
    }
    return result;
  }

  /** Only the first declaration of a duplicated name is checked (the rest got BS020). */
  private isCanonical(decl: Exclude<A.Declaration, A.ImportDecl>): boolean {
    if (decl.name.text === '') return false;
    const table: Map<string, unknown> = {
      entity: this.symbols.entities, capability: this.symbols.capabilities, event: this.symbols.events,
      store: this.symbols.stores, channel: this.symbols.channels, policy: this.symbols.policies, flow: this.symbols.flows,
      constraint: this.symbols.constraints, extension_point: this.symbols.extensionPoints,
    }[decl.kind];
    const entry = table.get(decl.name.text);
    return entry === decl || (decl.kind === 'entity' && (entry as EntitySymbol | undefined)?.decl === decl);
  }

  // ─── Shared helpers ───────────────────────────────────────────────────────────────────────
  private type(ref: A.TypeRef): BoneType {
    return resolveType(ref, this.symbols, this.diagnostics);
  }

  private condition(expr: A.Expr, env: ExprEnv): BoneCondition {
    const typed = this.exprs.condition(expr, env);
    return { expr: typed, text: typed.text, loc: typed.loc };
  }

  private duplicateClauses(clauses: A.ClauseMark[], owner: string): void {
    const seen = new Map<string, A.ClauseMark>();
    for (const clause of clauses) {
      if (REPEATABLE_CLAUSES.has(clause.keyword)) continue;
      const first = seen.get(clause.keyword);
      if (first) this.diagnostics.report(BoneDiagnostics.DuplicateClause, clause.span, [clause.keyword, owner, first.span.start.line]);
      else seen.set(clause.keyword, clause);
    }
  }

  private params(params: A.Param[], owner: string): { list: BoneParam[]; env: Map<string, BoneType> } {
    const list: BoneParam[] = [];
    const env = new Map<string, BoneType>();
    for (const p of params) {
      const type = this.type(p.type);
      if (env.has(p.name.text)) {
        this.diagnostics.report(BoneDiagnostics.DuplicateParameter, p.name.span, [p.name.text, owner]);
        continue;
      }
      env.set(p.name.text, type);
      const param: BoneParam = { name: p.name.text, type, loc: irLocation(p.span) };
      const entity = type.kind === 'entity' ? type.entity : undefined;
      if (entity) param.entity = entity;
      list.push(param);
    }
    return { list, env };
  }

  /** A bare word written as a value (`sync: eventual`, `engine: postgresql`). */
  private word(expr: A.Expr): string | undefined {
    if (expr.kind === 'path' && expr.parts.length === 1) return expr.parts[0]!.text;
    if (expr.kind === 'string') return expr.value;
    return undefined;
  }

  private oneOf<T extends string>(value: string, span: SourceSpan, allowed: readonly T[], what: string, aliases: Record<string, T> = {}): T | undefined {
    const normalised = aliases[value] ?? value;
    if ((allowed as readonly string[]).includes(normalised)) return normalised as T;
    this.diagnostics.report(BoneDiagnostics.InvalidOption, span, [what, value, didYouMean(value, allowed), joinOr(allowed)]);
    return undefined;
  }

  private optionWord<T extends string>(option: A.OptionClause, allowed: readonly T[], what: string, aliases: Record<string, T> = {}): T | undefined {
    const word = this.word(option.value);
    if (word === undefined) {
      if (option.value.kind !== 'missing') this.diagnostics.report(BoneDiagnostics.InvalidOption, option.value.span, [what, this.exprs.textOf(option.value.span), '', joinOr(allowed)]);
      return undefined;
    }
    return this.oneOf(word, option.value.span, allowed, what, aliases);
  }

  private duration(expr: A.Expr, key: string): number | undefined {
    if (expr.kind === 'duration') return expr.ms;
    if (expr.kind === 'string' && parseDuration(expr.value) !== undefined) return parseDuration(expr.value);
    if (expr.kind !== 'missing') this.diagnostics.report(BoneDiagnostics.ExpectedDuration, expr.span, [key, `'${this.exprs.textOf(expr.span)}'`]);
    return undefined;
  }

  private count(expr: A.Expr, key: string, min: number): number | undefined {
    if (expr.kind === 'number' && !expr.isFloat && expr.value >= min) return expr.value;
    if (expr.kind !== 'missing') this.diagnostics.report(BoneDiagnostics.ExpectedCount, expr.span, [key, min, `'${this.exprs.textOf(expr.span)}'`]);
    return undefined;
  }

  private boolean(expr: A.Expr, key: string): boolean | undefined {
    if (expr.kind === 'bool') return expr.value;
    if (expr.kind !== 'missing') this.diagnostics.report(BoneDiagnostics.ExpectedBoolean, expr.span, [key, `'${this.exprs.textOf(expr.span)}'`]);
    return undefined;
  }

  /** Options not accepted by this kind of declaration are BS084. */
  private options(options: A.OptionClause[], kind: string, owner: string): Map<string, A.OptionClause> {
    const allowed = OPTIONS_BY_KIND[kind] ?? [];
    const result = new Map<string, A.OptionClause>();
    for (const option of options) {
      if (!allowed.includes(option.key.text)) {
        this.diagnostics.report(BoneDiagnostics.UnknownSetting, option.key.span, [option.key.text, owner, didYouMean(option.key.text, allowed)]);
        continue;
      }
      result.set(option.key.text, option);
    }
    return result;
  }

  private payloadFields(fields: A.FieldDecl[], owner: string): BonePayloadField[] {
    const seen = new Map<string, A.FieldDecl>();
    const result: BonePayloadField[] = [];
    for (const field of fields) {
      const type = this.type(field.type);
      const previous = seen.get(field.name.text);
      if (previous) {
        this.diagnostics.report(BoneDiagnostics.DuplicateField, field.name.span, [field.name.text, owner, previous.name.span.start.line]);
        continue;
      }
      seen.set(field.name.text, field);
      result.push({ name: field.name.text, type, nullable: type.kind === 'optional', loc: irLocation(field.span) });
    }
    return result;
  }

  // ─── entity ───────────────────────────────────────────────────────────────────────────────
  private entity(symbol: EntitySymbol): CheckedEntity {
    const { decl } = symbol;
    const owner = `entity '${symbol.name}'`;
    this.duplicateClauses(decl.clauses, owner);
    const self: ExprEnv = { kind: 'self', entity: symbol };
    const fields: CheckedField[] = [];
    for (const field of decl.fields) {
      const type = this.fieldTypes.get(field);
      if (!type || symbol.fields.get(field.name.text)?.decl !== field) continue;
      const checked: CheckedField = { decl: field, type, sensitive: false };
      if (field.default) {
        const value = this.exprs.check(field.default, { kind: 'literal' });
        if (!assignable(value.type, type)) {
          this.diagnostics.report(BoneDiagnostics.DefaultMismatch, field.default.span, [value.text, field.name.text, formatBoneType(type)]);
        } else if (isUint(type) && value.kind === 'literal' && typeof value.value === 'number' && value.value < 0) {
          this.diagnostics.report(BoneDiagnostics.NegativeUint, field.default.span, [field.name.text, value.text]);
        }
        checked.default = value;
      }
      for (const annotation of field.annotations) {
        if (annotation.name.text === 'sensitive') checked.sensitive = true;
        if (annotation.name.text === 'renamed_from') {
          const old = annotation.args[0];
          const oldName = old && (old.kind === 'path' ? old.parts.map((p) => p.text).join('.') : old.kind === 'string' ? old.value : undefined);
          if (oldName) checked.renamedFrom = oldName;
        }
      }
      fields.push(checked);
    }
    const constraints = decl.constraints.map((c) => this.condition(c, self));
    const states = decl.states.length > 0 ? this.stateMachine(symbol, self) : undefined;
    let auth: BoneAuthMode = 'none';
    if (decl.auth) auth = this.oneOf(decl.auth.text, decl.auth.span, AUTH_MODES, 'auth mode', { apikey: 'api_key', api_token: 'api_key' }) ?? 'none';
    const relations: CheckedRelation[] = [];
    for (const relation of decl.relations) {
      const kind = relation.kind.text as BoneRelationKind;
      if (!RELATION_KINDS.includes(kind) || !this.symbols.entities.has(relation.target.text)) continue;
      const defaults = kind === 'belongs_to' || kind === 'has_one' ? { min: 1, max: 1 as number | '*' } : { min: 0, max: '*' as number | '*' };
      let cardinality = defaults;
      if (relation.cardinality) {
        const { min, max, span } = relation.cardinality;
        const minimum = min === '*' ? 0 : min;
        if (max !== '*' && minimum > max) this.diagnostics.report(BoneDiagnostics.BadCardinality, span, [minimum, max]);
        cardinality = { min: minimum, max };
      }
      relations.push({ decl: relation, kind, target: relation.target.text, cardinality });
    }
    const indexes: A.IndexDecl[] = [];
    for (const index of decl.indexes) {
      let ok = true;
      for (const field of index.fields) {
        if (!symbol.fields.has(field.text)) {
          this.diagnostics.report(BoneDiagnostics.UnknownField, field.span, [symbol.name, field.text, didYouMean(field.text, symbol.fields.keys())]);
          ok = false;
        }
      }
      if (ok) indexes.push(index);
    }
    const derived = this.derivedFields.get(symbol) ?? [];
    const checked: CheckedEntity = { symbol, fields, constraints, auth, relations, indexes, derived };
    if (states) checked.states = states;
    if (decl.owner) checked.owner = this.ownerFields(symbol, decl.owner);
    return checked;
  }

  /** `owner: [a, b]`: each a field holding a caller id (uuid, or a reference), or `id` itself. */
  private ownerFields(symbol: EntitySymbol, names: A.Name[]): string[] {
    const owners: string[] = [];
    for (const name of names) {
      const field = symbol.fields.get(name.text);
      if (!field || field.origin === 'derived' || field.origin === 'relation') {
        const candidates = [...symbol.fields.values()].filter((f) => f.origin !== 'derived' && f.origin !== 'relation').map((f) => f.name);
        this.diagnostics.report(BoneDiagnostics.UnknownField, name.span, [symbol.name, name.text, didYouMean(name.text, candidates)]);
        continue;
      }
      const type = field.type.kind === 'optional' ? field.type.inner : field.type;
      if (!(type.kind === 'entity' || (type.kind === 'scalar' && type.scalar === 'uuid'))) {
        this.diagnostics.report(BoneDiagnostics.OwnerFieldType, name.span, [name.text, symbol.name, formatBoneType(field.type)]);
        continue;
      }
      if (!owners.includes(name.text)) owners.push(name.text);
    }
    return owners;
  }

  /** Derived fields join the entity's members before any expression is checked, so any expression can read them. */
  private derived(symbol: EntitySymbol): BoneDerivedField[] {
    const { decl } = symbol;
    const owner = `entity '${symbol.name}'`;
    const self: ExprEnv = { kind: 'self', entity: symbol };
    const derived: BoneDerivedField[] = [];
    for (const item of decl.derived) {
      const expr = this.exprs.check(item.expr, self);
      let type = expr.type;
      if (item.type) {
        type = this.type({ name: item.type, args: [], optionalSuffix: false, span: item.type.span });
        if (!assignable(expr.type, type)) this.diagnostics.report(BoneDiagnostics.EffectValueMismatch, item.expr.span, [formatBoneType(expr.type), item.name.text, formatBoneType(type)]);
      }
      if (symbol.fields.has(item.name.text)) {
        this.diagnostics.report(BoneDiagnostics.DuplicateField, item.name.span, [item.name.text, owner, symbol.fields.get(item.name.text)!.span.start.line]);
        continue;
      }
      symbol.fields.set(item.name.text, { name: item.name.text, type, origin: 'derived', span: item.name.span });
      derived.push({ name: item.name.text, type, expr, loc: irLocation(item.span) });
    }
    return derived;
  }

  /** `a | b -> c`: every state of one group goes to every state of the next. */
  private stateMachine(symbol: EntitySymbol, self: ExprEnv): BoneStateMachine {
    const { decl } = symbol;
    const states = symbol.states;
    const transitions: BoneTransition[] = [];
    const seen = new Set<string>();
    for (const chain of decl.states) {
      // A guard guards the transitions into its state; the first group of a chain has none.
      for (const first of chain.groups[0] ?? []) {
        if (first.guard) this.diagnostics.report(BoneDiagnostics.UnusedGuard, first.guard.span, [first.name.text]);
      }
      for (let i = 0; i + 1 < chain.groups.length; i++) {
        for (const from of chain.groups[i]!) {
          for (const to of chain.groups[i + 1]!) {
            const key = `${from.name.text}->${to.name.text}`;
            if (seen.has(key)) {
              this.diagnostics.report(BoneDiagnostics.DuplicateTransition, to.name.span, [from.name.text, to.name.text]);
              continue;
            }
            seen.add(key);
            const span: SourceSpan = { file: from.name.span.file, start: from.name.span.start, end: to.name.span.end };
            const transition: BoneTransition = { from: from.name.text, to: to.name.text, loc: irLocation(span) };
            if (to.guard) transition.guard = this.condition(to.guard, self);
            transitions.push(transition);
          }
        }
      }
    }
    const initial = states[0]!;
    const reachable = new Set([initial]);
    for (let grew = true; grew;) {
      grew = false;
      for (const t of transitions) if (reachable.has(t.from) && !reachable.has(t.to)) { reachable.add(t.to); grew = true; }
    }
    const firstMention = new Map<string, SourceSpan>();
    for (const chain of decl.states) for (const group of chain.groups) for (const ref of group) if (!firstMention.has(ref.name.text)) firstMention.set(ref.name.text, ref.name.span);
    for (const state of states) {
      if (!reachable.has(state)) this.diagnostics.report(BoneDiagnostics.UnreachableState, firstMention.get(state)!, [state, symbol.name, initial]);
    }
    const terminal = states.filter((s) => !transitions.some((t) => t.from === s));
    return { states, initial, terminal, transitions, loc: irLocation(decl.statesSpan ?? decl.span) };
  }

  // ─── capability ───────────────────────────────────────────────────────────────────────────
  private capability(decl: A.CapabilityDecl): Omit<BoneCapability, 'writes'> {
    const owner = `capability '${decl.name.text}'`;
    this.duplicateClauses(decl.clauses, owner);
    const { list: params, env: paramTypes } = this.params(decl.params, owner);
    const bindings = new Set(decl.pipeline?.steps.flatMap((s) => (s.as ? [s.as.text] : [])) ?? []);
    const env: ExprEnv = { kind: 'params', params: paramTypes, bindings };
    const requires = decl.requires.map((r) => this.condition(r, env));
    const effects = decl.effects.flatMap((e) => this.effect(e, env));
    this.checkStateEffects(requires, effects);
    const emits: string[] = [];
    const emitPayloads: Record<string, Record<string, BoneExpr>> = {};
    for (const emit of decl.emits) {
      const args = emit.args.map((a) => this.exprs.check(a, env));
      const event = this.symbols.events.get(emit.event.text);
      if (!event) {
        this.diagnostics.report(BoneDiagnostics.UnknownEvent, emit.event.span, [decl.name.text, emit.event.text, didYouMean(emit.event.text, this.symbols.events.keys())]);
        continue;
      }
      if (!emits.includes(emit.event.text)) emits.push(emit.event.text);
      if (args.length > 0) {
        const payload = this.payloadOf(event);
        if (args.length > payload.length) {
          this.diagnostics.report(BoneDiagnostics.WrongArgumentCount, emit.span, [emit.event.text, payload.length, args.length]);
          continue;
        }
        const values: Record<string, BoneExpr> = {};
        args.forEach((arg, i) => {
          const field = payload[i]!;
          if (!assignable(arg.type, field.type)) this.diagnostics.report(BoneDiagnostics.ArgumentMismatch, emit.args[i]!.span, [arg.text, emit.event.text, field.name, formatBoneType(field.type)]);
          values[field.name] = arg;
        });
        emitPayloads[emit.event.text] = values;
      }
    }
    let sync: BoneSyncMode = 'transactional';
    if (decl.sync) sync = this.oneOf(decl.sync.text, decl.sync.span, SYNC_MODES, 'sync mode') ?? sync;
    const capability: Omit<BoneCapability, 'writes'> = {
      name: decl.name.text, params, requires, effects, emits, sync, idempotent: false, loc: irLocation(decl.span),
    };
    if (Object.keys(emitPayloads).length > 0) capability.emitPayloads = emitPayloads;
    if (decl.timeout) {
      const ms = this.duration(decl.timeout, 'timeout');
      if (ms !== undefined) capability.timeoutMs = ms;
    }
    if (decl.retry) {
      const retry = this.retry(decl.retry);
      if (retry) capability.retry = retry;
    }
    if (decl.idempotent) capability.idempotent = this.boolean(decl.idempotent, 'idempotent') ?? false;
    if (decl.pipeline) capability.pipeline = this.pipeline(decl.pipeline, env);
    if (decl.algorithm) capability.algorithm = this.algorithm(decl.algorithm, paramTypes);
    if (decl.returns) capability.returns = this.type(decl.returns);
    return capability;
  }

  private effect(effect: A.EffectDecl, env: ExprEnv): BoneEffect[] {
    let targetExpr = effect.target;
    let op: BoneEffectOp | undefined = effect.op === '<<=' ? 'append' : effect.op;
    let valueExpr = effect.value;
    // Method form: `tags.append(x)` / `tags.remove(x)`.
    if (targetExpr.kind === 'call' && !op) {
      const method = targetExpr.callee.at(-1)!.text;
      if ((method === 'append' || method === 'remove' || method === 'push' || method === 'add') && targetExpr.callee.length > 1) {
        op = method === 'remove' ? 'remove' : 'append';
        valueExpr = targetExpr.args[0] ?? { kind: 'missing', span: targetExpr.span };
        const parts = targetExpr.callee.slice(0, -1);
        targetExpr = { kind: 'path', parts, span: { file: parts[0]!.span.file, start: parts[0]!.span.start, end: parts.at(-1)!.span.end } };
      }
    }
    if (targetExpr.kind === 'missing') return [];
    if (targetExpr.kind !== 'path' || !op || !valueExpr) {
      this.diagnostics.report(BoneDiagnostics.BadEffectTarget, targetExpr.span, [this.exprs.textOf(targetExpr.span)]);
      return [];
    }
    const headType = env.kind === 'params' ? env.params.get(targetExpr.parts[0]!.text) : undefined;
    if (headType?.kind === 'unknown') return []; // the parameter's type is already reported
    const isParamField = targetExpr.parts.length >= 2 && headType !== undefined && entityOf(headType) !== undefined;
    if (!isParamField) {
      const hint = 'effects change stored rows: take the entity as a parameter (e.g. `player: Player`) and write `player.hp = 100`';
      this.diagnostics.report(BoneDiagnostics.BadEffectTarget, targetExpr.span, [this.exprs.textOf(targetExpr.span)], hint);
      if (valueExpr.kind !== 'missing') this.exprs.check(valueExpr, env);
      return [];
    }
    const target = this.exprs.path(targetExpr.parts, targetExpr.span, env);
    const value = this.exprs.check(valueExpr, env);
    if (target.kind !== 'ref') {
      this.diagnostics.report(BoneDiagnostics.BadEffectTarget, targetExpr.span, [target.text]);
      return [];
    }
    const targetType = target.type;
    const targetText = target.text;
    if (op === '+=' || op === '-=') {
      const t = unwrap(targetType);
      const timestamp = t.kind === 'scalar' && t.scalar === 'timestamp';
      if (!isNumeric(targetType) && !timestamp) {
        this.diagnostics.report(BoneDiagnostics.EffectOnNonNumeric, targetExpr.span, [op, targetText, formatBoneType(targetType)]);
      } else if (!isNumeric(value.type)) {
        this.diagnostics.report(BoneDiagnostics.EffectValueMismatch, valueExpr.span, [formatBoneType(value.type), targetText, formatBoneType(targetType)]);
      }
    } else if (op === 'append' || op === 'remove') {
      const t = unwrap(targetType);
      if (t.kind !== 'list' && t.kind !== 'set' && t.kind !== 'unknown' && !(t.kind === 'scalar' && t.scalar === 'json')) {
        this.diagnostics.report(BoneDiagnostics.AppendOnNonList, targetExpr.span, [targetText, formatBoneType(targetType)]);
      } else if ((t.kind === 'list' || t.kind === 'set') && !assignable(value.type, t.element)) {
        this.diagnostics.report(BoneDiagnostics.EffectValueMismatch, valueExpr.span, [formatBoneType(value.type), targetText, formatBoneType(targetType)]);
      }
    } else {
      if (!assignable(value.type, targetType)) {
        this.diagnostics.report(BoneDiagnostics.EffectValueMismatch, valueExpr.span, [formatBoneType(value.type), targetText, formatBoneType(targetType)]);
      } else if (isUint(targetType) && value.kind === 'literal' && typeof value.value === 'number' && value.value < 0) {
        this.diagnostics.report(BoneDiagnostics.NegativeUint, valueExpr.span, [targetText, value.text]);
      }
      this.exprs.checkStateLiteral(target, value);
    }
    return [{ target, op, value, text: this.exprs.textOf(effect.span), loc: irLocation(effect.span) }];
  }

  /**
   * `order.state = "paid"` only succeeds along a declared transition (the generated backend
   * answers 409 otherwise). BS064: nothing leads to that state at all. BS065: the states the
   * `requires` pin (`order.state == "pending"`, `order.state in [...]`) have no transition to it.
   */
  private checkStateEffects(requires: BoneCondition[], effects: BoneEffect[]): void {
    for (const effect of effects) {
      const { target, value } = effect;
      if (effect.op !== '=' || target.path.length !== 1 || target.path[0] !== 'state' || !target.entity || !target.name) continue;
      if (value.kind !== 'literal' || typeof value.value !== 'string') continue;
      const entity = this.symbols.entities.get(target.entity);
      if (!entity?.hasStates || !entity.states.includes(value.value)) continue;
      const transitions = transitionPairs(entity.decl);
      const to = value.value;
      const span = this.exprs.spanAt(effect.loc);
      if (!transitions.some(([, t]) => t === to)) {
        this.diagnostics.report(BoneDiagnostics.NoTransitionInto, span, [entity.name, to]);
        continue;
      }
      const pinned = pinnedStates(requires, target.name);
      if (!pinned || pinned.includes(to)) continue;
      if (!pinned.some((from) => transitions.some(([f, t]) => f === from && t === to))) {
        this.diagnostics.report(BoneDiagnostics.NoTransitionFrom, span, [entity.name, pinned.join("' or '"), to]);
      }
    }
  }

  private retry(retry: A.SettingsBlock | A.Expr): BoneRetry | undefined {
    const result: BoneRetry = { maxAttempts: 3, backoff: 'exponential', intervalMs: 1000 };
    if (retry.kind !== 'settings') {
      const attempts = this.count(retry, 'retry', 1);
      if (attempts === undefined) return undefined;
      result.maxAttempts = attempts;
      return result;
    }
    for (const setting of retry.settings) {
      const value = setting.value;
      if (value.kind === 'settings') {
        this.diagnostics.report(BoneDiagnostics.UnknownSetting, setting.key.span, [setting.key.text, 'retry', '']);
        continue;
      }
      switch (setting.key.text) {
        case 'max_attempts': case 'attempts': case 'max': { const n = this.count(value, setting.key.text, 1); if (n !== undefined) result.maxAttempts = n; break; }
        case 'backoff': { const w = this.word(value); const b = w === undefined ? undefined : this.oneOf(w, value.span, BACKOFFS, 'backoff', { constant: 'fixed' }); if (b) result.backoff = b; break; }
        case 'interval': case 'delay': { const ms = this.duration(value, setting.key.text); if (ms !== undefined) result.intervalMs = ms; break; }
        default: this.diagnostics.report(BoneDiagnostics.UnknownSetting, setting.key.span, [setting.key.text, 'retry', didYouMean(setting.key.text, ['max_attempts', 'backoff', 'interval'])]);
      }
    }
    return result;
  }

  private pipeline(pipeline: A.PipelineDecl, env: ExprEnv): BonePipeline {
    const result: BonePipeline = {
      steps: pipeline.steps.map((step) => {
        const capability = this.symbols.capabilities.get(step.call.callee.text);
        if (capability && capability.params.length !== step.call.args.length) {
          this.diagnostics.report(BoneDiagnostics.WrongArgumentCount, step.call.span, [step.call.callee.text, capability.params.length, step.call.args.length]);
        }
        return { name: step.as?.text ?? step.call.callee.text, call: step.call.callee.text, args: step.call.args.map((a) => this.exprs.check(a, env)), loc: irLocation(step.span) };
      }),
      onError: 'rollback',
    };
    if (pipeline.parallel) result.parallel = true;
    if (pipeline.onError) {
      const action = this.oneOf(pipeline.onError.action.text, pipeline.onError.action.span, ON_ERROR, 'on_error action');
      if (action) result.onError = action;
      const [first] = pipeline.onError.args;
      if (first && first.kind === 'call') {
        result.onErrorCall = { call: first.callee.map((n) => n.text).join('.'), args: first.args.map((a) => this.exprs.check(a, env)) };
      }
    }
    return result;
  }

  private algorithm(algorithm: NonNullable<A.CapabilityDecl['algorithm']>, params: Map<string, BoneType>): BoneAlgorithm {
    const result: BoneAlgorithm = { name: algorithm.name.text, using: {} };
    const bindings: Record<string, string> = {};
    for (const setting of algorithm.using?.settings ?? []) {
      result.using[setting.key.text] = this.settingValue(setting.value);
      const value = setting.value;
      if (value.kind === 'path' && value.parts.length === 1 && params.has(value.parts[0]!.text)) bindings[setting.key.text] = value.parts[0]!.text;
    }
    if (Object.keys(bindings).length > 0) result.paramBindings = bindings;
    return result;
  }

  private settingValue(value: A.Expr | A.SettingsBlock): BoneSettingValue {
    switch (value.kind) {
      case 'settings': return Object.fromEntries(value.settings.map((s) => [s.key.text, this.settingValue(s.value)]));
      case 'number': return value.value;
      case 'duration': return value.ms;
      case 'string': return value.value;
      case 'bool': return value.value;
      case 'null': return null;
      case 'list': return value.items.map((i) => this.settingValue(i));
      case 'path': return value.parts.map((p) => p.text).join('.');
      default: return this.exprs.textOf(value.span);
    }
  }

  // ─── event, store, channel ────────────────────────────────────────────────────────────────
  private event(decl: A.EventDecl): BoneEvent {
    const owner = `event '${decl.name.text}'`;
    this.duplicateClauses(decl.clauses, owner);
    const options = this.options(decl.options, 'event', owner);
    const event: BoneEvent = { name: decl.name.text, payload: this.payloadFields(decl.payload, owner), delivery: 'at_least_once', loc: irLocation(decl.span) };
    const delivery = options.get('delivery');
    if (delivery) event.delivery = this.optionWord<BoneDelivery>(delivery, DELIVERIES, 'delivery') ?? event.delivery;
    const ttl = options.get('ttl');
    if (ttl) {
      const ms = this.duration(ttl.value, 'ttl');
      if (ms !== undefined) event.ttlMs = ms;
    }
    return event;
  }

  private store(decl: A.StoreDecl): BoneStore {
    const owner = `store '${decl.name.text}'`;
    this.duplicateClauses(decl.clauses, owner);
    const options = this.options(decl.options, 'store', owner);
    const schema = this.payloadFields(decl.schema, owner);
    const engineOption = options.get('engine');
    const store: BoneStore = { name: decl.name.text, engine: 'postgresql', schema, loc: irLocation(decl.span) };
    if (engineOption) store.engine = this.optionWord(engineOption, ENGINES, 'store engine', { postgres: 'postgresql' }) ?? store.engine;
    const partition = options.get('partition');
    if (partition) {
      const field = this.word(partition.value);
      if (field !== undefined) {
        if (schema.length > 0 && !schema.some((f) => f.name === field)) this.diagnostics.report(BoneDiagnostics.StoreFieldUnknown, partition.value.span, [decl.name.text, field]);
        store.partition = field;
      }
    }
    const replicas = options.get('replicas');
    if (replicas) {
      const n = this.count(replicas.value, 'replicas', 1);
      if (n !== undefined) store.replicas = n;
    }
    const retention = options.get('retention');
    if (retention) {
      const ms = this.duration(retention.value, 'retention');
      if (ms !== undefined) store.retentionMs = ms;
    }
    return store;
  }

  private channel(decl: A.ChannelDecl): BoneChannel {
    const owner = `channel '${decl.name.text}'`;
    this.duplicateClauses(decl.clauses, owner);
    const options = this.options(decl.options, 'channel', owner);
    const channel: BoneChannel = { name: decl.name.text, transport: 'websocket', persistence: { kind: 'none' }, loc: irLocation(decl.span) };
    const transport = options.get('transport');
    if (transport) channel.transport = this.optionWord(transport, TRANSPORTS, 'transport') ?? channel.transport;
    const ordering = options.get('ordering');
    if (ordering) {
      const value = this.optionWord(ordering, ORDERINGS, 'ordering');
      if (value) channel.ordering = value;
    }
    if (decl.participants) channel.participants = this.type(decl.participants);
    const persistence = options.get('persistence');
    if (persistence) {
      const word = this.word(persistence.value);
      const last = word ? /^last_(\d+)$/.exec(word) : null;
      if (last) channel.persistence = { kind: 'last', count: Number(last[1]) };
      else if (word === 'none' || word === 'ephemeral') channel.persistence = { kind: 'none' };
      else if (word === 'full' || word === 'all' || word === 'durable') channel.persistence = { kind: 'all' };
      else this.diagnostics.report(BoneDiagnostics.InvalidOption, persistence.value.span, ['persistence', this.exprs.textOf(persistence.value.span), '', 'none, full or last_<n> (e.g. last_100)']);
    }
    const maxSize = options.get('max_size');
    if (maxSize) {
      const n = this.count(maxSize.value, 'max_size', 1);
      if (n !== undefined) channel.maxSize = n;
    }
    const filter = options.get('filter');
    if (filter) {
      // `participant` is the member being considered: the element type of `participants`.
      const participants = channel.participants ? unwrap(channel.participants) : undefined;
      const member = participants && (participants.kind === 'set' || participants.kind === 'list') ? participants.element : UNKNOWN;
      const env: ExprEnv = { kind: 'params', params: new Map([['participant', member]]), bindings: new Set() };
      channel.filter = this.condition(filter.value, env);
    }
    return channel;
  }

  // ─── policy ───────────────────────────────────────────────────────────────────────────────
  private policy(decl: A.PolicyDecl): BonePolicy {
    const owner = `policy '${decl.name.text}'`;
    this.duplicateClauses(decl.clauses, owner);
    const options = this.options(decl.options, 'policy', owner);
    const policy: BonePolicy = { name: decl.name.text, access: decl.access?.map((n) => n.text) ?? [], audit: false, encryption: 'none', loc: irLocation(decl.span) };
    if (decl.rateLimit) {
      const count = this.count(decl.rateLimit.count, 'rate_limit', 1);
      const windowMs = this.duration(decl.rateLimit.window, 'rate_limit');
      if (count !== undefined && windowMs !== undefined) policy.rateLimit = { count, windowMs };
    }
    const audit = options.get('audit');
    if (audit) policy.audit = this.boolean(audit.value, 'audit') ?? false;
    const encryption = options.get('encryption');
    if (encryption) policy.encryption = this.optionWord<BoneEncryption>(encryption, ENCRYPTIONS, 'encryption') ?? 'none';
    const crud = options.get('crud');
    if (crud) policy.crud = this.crudOps(crud);
    if (decl.appliesTo) {
      const known = [...this.symbols.capabilities.keys(), ...this.symbols.entities.keys(), ...this.symbols.flows.keys()];
      policy.appliesTo = [];
      for (const target of decl.appliesTo) {
        if (!known.includes(target.text)) this.diagnostics.report(BoneDiagnostics.UnknownName, target.span, [target.text, didYouMean(target.text, known)]);
        else policy.appliesTo.push(target.text);
      }
    }
    return policy;
  }

  /** `crud: read`, `crud: [create, read]` or `crud: all`: the direct entity routes a policy opens. */
  private crudOps(option: A.OptionClause): BoneCrudOp[] {
    const value = option.value;
    const items = value.kind === 'list' ? value.items : [value];
    const ops: BoneCrudOp[] = [];
    for (const item of items) {
      const word = this.word(item);
      if (word === 'all') ops.push(...CRUD_OPS);
      else if (word !== undefined) {
        const op = this.oneOf<BoneCrudOp>(word, item.span, CRUD_OPS, 'crud operation');
        if (op) ops.push(op);
      } else if (item.kind !== 'missing') {
        this.diagnostics.report(BoneDiagnostics.InvalidOption, item.span, ['crud operation', this.exprs.textOf(item.span), '', `all or ${joinOr(CRUD_OPS)}`]);
      }
    }
    return [...new Set(ops)];
  }

  // ─── flow, constraint, extension point ────────────────────────────────────────────────────
  private flow(decl: A.FlowDecl): CheckedFlow {
    if (decl.steps.length === 0) this.diagnostics.report(BoneDiagnostics.EmptyFlow, decl.name.span, [decl.name.text]);
    const env: ExprEnv = { kind: 'flow' };
    const names = new Map<string, A.FlowStepDecl>();
    const steps: BoneFlowStep[] = [];
    const variables = new Map<string, { type: BoneType; capability: string }>();
    for (const step of decl.steps) {
      const previous = names.get(step.name.text);
      if (previous) this.diagnostics.report(BoneDiagnostics.DuplicateDeclaration, step.name.span, [step.name.text, 'a step', previous.name.span.start.line]);
      names.set(step.name.text, step);
      const call = this.flowCall(step.call, env, variables, (name) =>
        this.diagnostics.report(BoneDiagnostics.UnknownCapability, step.call.callee.span, [decl.name.text, name, didYouMean(name, this.symbols.capabilities.keys())]));
      const compensate = step.compensate && this.flowCall(step.compensate, env, variables, (name) =>
        this.diagnostics.report(BoneDiagnostics.UnknownCompensation, step.compensate!.callee.span, [step.name.text, name, didYouMean(name, this.symbols.capabilities.keys())]));
      const lowered: BoneFlowStep = { name: step.name.text, call, loc: irLocation(step.span) };
      if (compensate) lowered.compensate = compensate;
      steps.push(lowered);
    }
    return { decl, steps, variableTypes: new Map([...variables].map(([name, v]) => [name, v.type])) };
  }

  /**
   * A step's call: the capability must exist and take as many arguments; a literal must fit its
   * parameter (BS106), and a saga variable gets the parameter's type — passing one variable to
   * parameters of different types is BS105.
   */
  private flowCall(site: A.CallSite, env: ExprEnv, variables: Map<string, { type: BoneType; capability: string }>, unknown: (name: string) => void): BoneFlowCall {
    const capability = this.symbols.capabilities.get(site.callee.text);
    if (!capability) unknown(site.callee.text);
    else if (capability.params.length !== site.args.length) {
      this.diagnostics.report(BoneDiagnostics.WrongArgumentCount, site.span, [site.callee.text, capability.params.length, site.args.length]);
    }
    const paramTypes = capability ? this.paramTypesOf(capability) : [];
    const args = site.args.map((arg, i) => {
      const typed = this.exprs.check(arg, env);
      const param = capability?.params[i];
      const paramType = paramTypes[i];
      if (!param || !paramType || paramType.kind === 'unknown') return typed;
      if (typed.kind === 'ref' && typed.scope === 'flow' && typed.name && typed.path.length === 0) {
        const known = variables.get(typed.name);
        if (!known) variables.set(typed.name, { type: paramType, capability: site.callee.text });
        else if (known.type.kind !== 'unknown' && !(assignable(paramType, known.type) && assignable(known.type, paramType))) {
          this.diagnostics.report(BoneDiagnostics.FlowVariableConflict, arg.span, [typed.name, formatBoneType(known.type), known.capability, formatBoneType(paramType), site.callee.text]);
        }
        return { ...typed, type: paramType };
      }
      if (typed.kind === 'literal' && !assignable(typed.type, paramType)) {
        this.diagnostics.report(BoneDiagnostics.ArgumentMismatch, arg.span, [typed.text, site.callee.text, param.name.text, formatBoneType(paramType)]);
      }
      return typed;
    });
    return { capability: site.callee.text, args };
  }

  /** An event's payload fields with types, resolved quietly (the event's own check reports errors). */
  private payloadOf(event: A.EventDecl): Array<{ name: string; type: BoneType }> {
    const quiet = silentBag();
    return event.payload.map((f) => ({ name: f.name.text, type: resolveType(f.type, this.symbols, quiet) }));
  }

  private readonly paramTypeCache = new Map<A.CapabilityDecl, BoneType[]>();
  /** Parameter types, resolved quietly (the capability's own check reports their errors). */
  private paramTypesOf(capability: A.CapabilityDecl): BoneType[] {
    let types = this.paramTypeCache.get(capability);
    if (!types) {
      const quiet = silentBag();
      types = capability.params.map((p) => resolveType(p.type, this.symbols, quiet));
      this.paramTypeCache.set(capability, types);
    }
    return types;
  }

  private globalConstraint(decl: A.ConstraintDecl): Omit<BoneGlobalConstraint, 'entities'> {
    const condition = this.condition(decl.expr, { kind: 'global' });
    if (decl.expr.kind !== 'missing' && !mentionsEntity(condition.expr)) {
      this.diagnostics.report(BoneDiagnostics.ConstraintWithoutEntity, decl.name.span, [decl.name.text]);
    }
    return { name: decl.name.text, condition, loc: irLocation(decl.span) };
  }

  private extensionPoint(decl: A.ExtensionPointDecl): BoneExtensionPoint {
    const owner = `extension point '${decl.name.text}'`;
    this.duplicateClauses(decl.clauses, owner);
    const { list: params, env: paramTypes } = this.params(decl.params, owner);
    const options = this.options(decl.options, 'extension_point', owner);
    const ext: BoneExtensionPoint = { name: decl.name.text, params, stable: false, loc: irLocation(decl.span) };
    if (decl.returns) ext.returns = this.type(decl.returns);
    const stable = options.get('stable');
    if (stable) ext.stable = this.boolean(stable.value, 'stable') ?? false;
    const fallback = options.get('default');
    if (fallback) {
      const value = this.exprs.check(fallback.value, { kind: 'params', params: paramTypes, bindings: new Set() });
      if (ext.returns && !assignable(value.type, ext.returns)) {
        this.diagnostics.report(BoneDiagnostics.EffectValueMismatch, fallback.value.span, [formatBoneType(value.type), `${decl.name.text}()`, formatBoneType(ext.returns)]);
      }
      ext.default = value;
    }
    const implementation = options.get('implementation');
    if (implementation) {
      const path = implementation.value.kind === 'string' ? implementation.value.value : undefined;
      if (path === undefined) {
        this.diagnostics.report(BoneDiagnostics.InvalidOption, implementation.value.span, ['implementation', this.exprs.textOf(implementation.value.span), '', 'a quoted path such as "extensions/fee.ts"']);
      } else if (!this.fileExists(resolve(dirname(decl.span.file), path))) {
        this.diagnostics.report(BoneDiagnostics.ImplementationMissing, implementation.value.span, [path, decl.name.text]);
      } else {
        ext.implementation = path;
      }
    }
    if (ext.stable) {
      if (!decl.returns) this.diagnostics.report(BoneDiagnostics.StableExtensionWithoutReturns, decl.name.span, [decl.name.text]);
      if (!fallback && !implementation && !this.extensionImplemented(decl.name.text)) {
        this.diagnostics.report(BoneDiagnostics.StableExtensionNotImplemented, decl.name.span, [decl.name.text]);
      }
    }
    return ext;
  }
}

/** Every `from -> to` pair the state chains declare. */
function transitionPairs(decl: A.EntityDecl): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const chain of decl.states) {
    for (let i = 0; i + 1 < chain.groups.length; i++) {
      for (const from of chain.groups[i]!) for (const to of chain.groups[i + 1]!) pairs.push([from.name.text, to.name.text]);
    }
  }
  return pairs;
}

/** The states `requires` pins parameter `param` to, from top-level conjuncts; undefined if none. */
function pinnedStates(requires: readonly BoneCondition[], param: string): string[] | undefined {
  let pinned: string[] | undefined;
  const isStateOf = (e: BoneExpr): boolean => e.kind === 'ref' && e.scope === 'param' && e.name === param && e.path.length === 1 && e.path[0] === 'state';
  const stringOf = (e: BoneExpr): string | undefined => (e.kind === 'literal' && typeof e.value === 'string' ? e.value : undefined);
  const visit = (e: BoneExpr): void => {
    let states: string[] | undefined;
    if (e.kind === 'binary' && e.op === 'and') { visit(e.left); visit(e.right); return; }
    if (e.kind === 'binary' && e.op === '==') {
      const literal = isStateOf(e.left) ? stringOf(e.right) : isStateOf(e.right) ? stringOf(e.left) : undefined;
      if (literal !== undefined) states = [literal];
    } else if (e.kind === 'inList' && !e.negated && isStateOf(e.operand)) {
      const items = e.items.map(stringOf);
      if (items.every((i) => i !== undefined)) states = items as string[];
    }
    if (states) pinned = pinned ? pinned.filter((s) => states!.includes(s)) : states;
  };
  for (const r of requires) visit(r.expr);
  return pinned;
}

function collectStateNames(decl: A.EntityDecl): string[] {
  const names: string[] = [];
  for (const chain of decl.states) for (const group of chain.groups) for (const ref of group) if (!names.includes(ref.name.text)) names.push(ref.name.text);
  return names;
}

function mentionsEntity(expr: BoneExpr): boolean {
  switch (expr.kind) {
    case 'ref': return expr.scope === 'entity';
    case 'binary': return mentionsEntity(expr.left) || mentionsEntity(expr.right);
    case 'unary': case 'length': case 'unique': return mentionsEntity(expr.operand);
    case 'inList': return mentionsEntity(expr.operand) || expr.items.some(mentionsEntity);
    case 'inRange': return mentionsEntity(expr.operand) || mentionsEntity(expr.min) || mentionsEntity(expr.max);
    case 'contains': return mentionsEntity(expr.collection) || mentionsEntity(expr.element);
    case 'call': return expr.args.some(mentionsEntity);
    case 'list': return expr.items.some(mentionsEntity);
    case 'literal': return false;
  }
}

function isUint(type: BoneType): boolean {
  const t = unwrap(type);
  return t.kind === 'scalar' && t.scalar === 'uint';
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** A throwaway bag for resolving types early whose errors are reported when their declaration is checked. */
function silentBag(): DiagnosticBag {
  return new DiagnosticBag();
}
