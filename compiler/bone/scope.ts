/**
 * Scoping: what every name in a system refers to. Builds the symbol tables the checker and the
 * lowering read — declarations by name (one namespace for all declarations), and per entity the
 * fields an expression can read (declared, implicit `id`/`created_at`/`updated_at`/`state`,
 * relation members and their foreign keys, derived fields).
 */
import { didYouMean, type DiagnosticBag, type SourceSpan } from '../common/index.js';
import type * as A from './ast.js';
import { BoneDiagnostics } from './diagnostics.js';
import { formatBoneType, type BoneRelationKind, type BoneScalarKind, type BoneType } from './ir.js';

export const SCALAR_KINDS: readonly BoneScalarKind[] = ['string', 'uint', 'int', 'float', 'bool', 'timestamp', 'uuid', 'bytes', 'json'];
const GENERIC_ARITY: Record<string, number> = { list: 1, set: 1, map: 2, optional: 1 };
export const RELATION_KINDS: readonly BoneRelationKind[] = ['has_one', 'has_many', 'belongs_to', 'many_to_many'];
/** Columns every entity table has; users may not declare them. */
export const IMPLICIT_FIELDS: ReadonlyArray<[string, BoneType]> = [
  ['id', scalar('uuid')],
  ['created_at', scalar('timestamp')],
  ['updated_at', scalar('timestamp')],
];

export function scalar(kind: BoneScalarKind): BoneType {
  return { kind: 'scalar', scalar: kind };
}
export const UNKNOWN: BoneType = { kind: 'unknown' };

export type FieldOrigin = 'declared' | 'implicit' | 'state' | 'relation' | 'foreign_key' | 'derived';

export interface FieldSymbol {
  name: string;
  type: BoneType;
  origin: FieldOrigin;
  span: SourceSpan;
  decl?: A.FieldDecl;
  relation?: A.RelationDecl;
}

export interface EntitySymbol {
  name: string;
  decl: A.EntityDecl;
  /** Every readable member, in declaration order: declared fields first. */
  fields: Map<string, FieldSymbol>;
  hasStates: boolean;
  /** Filled by the checker once the state chains are read. */
  states: string[];
}

export type DeclarationKind = A.Declaration['kind'];

export interface Symbols {
  entities: Map<string, EntitySymbol>;
  capabilities: Map<string, A.CapabilityDecl>;
  events: Map<string, A.EventDecl>;
  stores: Map<string, A.StoreDecl>;
  channels: Map<string, A.ChannelDecl>;
  policies: Map<string, A.PolicyDecl>;
  flows: Map<string, A.FlowDecl>;
  constraints: Map<string, A.ConstraintDecl>;
  extensionPoints: Map<string, A.ExtensionPointDecl>;
}

const KIND_WORD: Record<DeclarationKind, string> = {
  entity: 'an entity', capability: 'a capability', event: 'an event', store: 'a store', channel: 'a channel', policy: 'a policy',
  flow: 'a flow', constraint: 'a constraint', extension_point: 'an extension point', import: 'an import',
};

/** Collects declarations by name; a second declaration of a name is BS020 and is ignored. */
export function collectSymbols(declarations: readonly A.Declaration[], diagnostics: DiagnosticBag): Symbols {
  const symbols: Symbols = {
    entities: new Map(), capabilities: new Map(), events: new Map(), stores: new Map(), channels: new Map(),
    policies: new Map(), flows: new Map(), constraints: new Map(), extensionPoints: new Map(),
  };
  const seen = new Map<string, { kind: DeclarationKind; span: SourceSpan }>();
  for (const decl of declarations) {
    if (decl.kind === 'import' || decl.name.text === '') continue;
    const previous = seen.get(decl.name.text);
    if (previous) {
      diagnostics.report(BoneDiagnostics.DuplicateDeclaration, decl.name.span, [decl.name.text, KIND_WORD[previous.kind], previous.span.start.line]);
      continue;
    }
    seen.set(decl.name.text, { kind: decl.kind, span: decl.name.span });
    switch (decl.kind) {
      case 'entity': symbols.entities.set(decl.name.text, { name: decl.name.text, decl, fields: new Map(), hasStates: decl.states.length > 0, states: [] }); break;
      case 'capability': symbols.capabilities.set(decl.name.text, decl); break;
      case 'event': symbols.events.set(decl.name.text, decl); break;
      case 'store': symbols.stores.set(decl.name.text, decl); break;
      case 'channel': symbols.channels.set(decl.name.text, decl); break;
      case 'policy': symbols.policies.set(decl.name.text, decl); break;
      case 'flow': symbols.flows.set(decl.name.text, decl); break;
      case 'constraint': symbols.constraints.set(decl.name.text, decl); break;
      case 'extension_point': symbols.extensionPoints.set(decl.name.text, decl); break;
    }
  }
  return symbols;
}

/** Resolves a written type; reports unknown names (BS030) and wrong generic arity (BS046). */
export function resolveType(ref: A.TypeRef, symbols: Symbols, diagnostics: DiagnosticBag): BoneType {
  const name = ref.name.text;
  let type: BoneType;
  const arity = GENERIC_ARITY[name];
  if (arity !== undefined) {
    if (ref.args.length !== arity) {
      const example = arity === 2 ? `${name}<string, uint>` : `${name}<string>`;
      diagnostics.report(BoneDiagnostics.BadGenericArity, ref.span, [name, arity, example]);
      type = UNKNOWN;
    } else {
      const args = ref.args.map((a) => resolveType(a, symbols, diagnostics));
      type = name === 'map' ? { kind: 'map', key: args[0]!, value: args[1]! }
        : name === 'optional' ? { kind: 'optional', inner: args[0]! }
        : { kind: name as 'list' | 'set', element: args[0]! };
    }
  } else if ((SCALAR_KINDS as readonly string[]).includes(name)) {
    type = scalar(name as BoneScalarKind);
    if (ref.args.length > 0) diagnostics.report(BoneDiagnostics.BadGenericArity, ref.span, [name, 0, name]);
  } else if (symbols.entities.has(name)) {
    type = { kind: 'entity', entity: name };
  } else {
    const candidates = [...SCALAR_KINDS, ...Object.keys(GENERIC_ARITY), ...symbols.entities.keys()];
    const suggestion = didYouMean(name, candidates);
    const hint = suggestion ? undefined : `types are ${SCALAR_KINDS.join(', ')}, list<T>, set<T>, map<K, V>, optional<T> or an entity name`;
    diagnostics.report(BoneDiagnostics.UnknownType, ref.name.span, [name, suggestion], hint);
    type = UNKNOWN;
  }
  if (ref.optionalSuffix && type.kind !== 'optional' && type.kind !== 'unknown') type = { kind: 'optional', inner: type };
  return type;
}

/**
 * Fills every entity's field table. Runs after `collectSymbols`, so field types can name any
 * entity regardless of declaration order.
 */
export function buildEntityFields(symbols: Symbols, diagnostics: DiagnosticBag, fieldTypes: Map<A.FieldDecl, BoneType>): void {
  for (const entity of symbols.entities.values()) {
    const { decl, fields } = entity;
    const add = (symbol: FieldSymbol): void => {
      const previous = fields.get(symbol.name);
      if (previous) {
        diagnostics.report(BoneDiagnostics.DuplicateField, symbol.span, [symbol.name, `entity '${entity.name}'`, previous.span.start.line]);
        return;
      }
      fields.set(symbol.name, symbol);
    };
    for (const field of decl.fields) {
      const implicit = IMPLICIT_FIELDS.find(([n]) => n === field.name.text);
      // Upstream files often spell the implicit key out (`owns: [id: uuid, …]`): the same column, so it is accepted as that.
      if (implicit && restatesImplicit(field, implicit[1])) continue;
      if (implicit || (entity.hasStates && field.name.text === 'state')) {
        diagnostics.report(BoneDiagnostics.ReservedField, field.name.span, [field.name.text, implicit ? ` (${formatBoneType(implicit[1])})` : ' (its current state)']);
        continue;
      }
      const type = resolveType(field.type, symbols, diagnostics);
      fieldTypes.set(field, type);
      add({ name: field.name.text, type, origin: 'declared', span: field.name.span, decl: field });
    }
    for (const [name, type] of IMPLICIT_FIELDS) fields.set(name, { name, type, origin: 'implicit', span: decl.name.span });
    if (entity.hasStates) fields.set('state', { name: 'state', type: scalar('string'), origin: 'state', span: decl.statesSpan ?? decl.name.span });
    for (const relation of decl.relations) {
      const target = relation.target.text;
      if (!symbols.entities.has(target)) {
        diagnostics.report(BoneDiagnostics.RelationToUnknownEntity, relation.target.span, [relation.name.text, target, didYouMean(target, symbols.entities.keys())]);
      }
      const kind = relation.kind.text as BoneRelationKind;
      if (!RELATION_KINDS.includes(kind)) {
        diagnostics.report(BoneDiagnostics.UnknownRelationKind, relation.kind.span, [relation.kind.text, didYouMean(relation.kind.text, RELATION_KINDS)]);
      }
      const targetType: BoneType = symbols.entities.has(target) ? { kind: 'entity', entity: target } : UNKNOWN;
      const memberType: BoneType = kind === 'has_many' || kind === 'many_to_many' ? { kind: 'list', element: targetType } : targetType;
      add({ name: relation.name.text, type: memberType, origin: 'relation', span: relation.name.span, relation });
      if (kind === 'belongs_to') {
        const foreignKey = `${relation.name.text}_id`;
        const declared = fields.get(foreignKey);
        if (declared) {
          const t = declared.type.kind === 'optional' ? declared.type.inner : declared.type;
          const ok = t.kind === 'unknown' || (t.kind === 'scalar' && (t.scalar === 'uuid' || t.scalar === 'string')) || t.kind === 'entity';
          if (!ok) diagnostics.report(BoneDiagnostics.ForeignKeyType, declared.span, [foreignKey, relation.name.text, formatBoneType(declared.type)]);
        } else {
          fields.set(foreignKey, { name: foreignKey, type: scalar('uuid'), origin: 'foreign_key', span: relation.name.span, relation });
        }
      }
    }
  }
}

/** `id: uuid` or `created_at: timestamp` written out: exactly the implicit column, no default, nothing added. */
function restatesImplicit(field: A.FieldDecl, type: BoneType): boolean {
  const ref = field.type;
  return ref.args.length === 0 && !ref.optionalSuffix && !field.default && field.annotations.length === 0 && type.kind === 'scalar' && ref.name.text === type.scalar;
}

/** Entity type behind optional/list wrappers, if any. */
export function entityOf(type: BoneType): string | undefined {
  if (type.kind === 'entity') return type.entity;
  if (type.kind === 'optional') return entityOf(type.inner);
  return undefined;
}
