/**
 * Expression checking: resolves every name in an expression (against the environment it sits
 * in), computes types, reports misuse, and returns the typed IR expression tree.
 */
import { didYouMean, type DiagnosticBag, type SourceSpan } from '../common/index.js';
import type * as A from './ast.js';
import { BoneDiagnostics } from './diagnostics.js';
import { formatBoneType, type BoneBinaryOp, type BoneExpr, type BoneRefExpr, type BoneType, type IrLocation } from './ir.js';
import { entityOf, scalar, UNKNOWN, type EntitySymbol, type Symbols } from './scope.js';

/** Where an expression sits decides what its names mean. */
export type ExprEnv =
  /** Entity constraints, state guards, derived fields: names are the entity's fields. */
  | { kind: 'self'; entity: EntitySymbol }
  /** Capability requires/effects/emits/pipeline, extension-point defaults: names are parameters. */
  | { kind: 'params'; params: Map<string, BoneType>; bindings: Set<string> }
  /** Global constraints: `Entity.field`. */
  | { kind: 'global' }
  /** Flow step arguments: every name is a saga variable. */
  | { kind: 'flow' }
  /** Field defaults and settings: literals and built-in calls only. */
  | { kind: 'literal' };

/** Built-in functions (the generated backend's `lib/builtins.ts`) and their result types. */
const BUILTIN_RESULTS: Record<string, (args: BoneExpr[]) => BoneType> = {
  now: () => scalar('timestamp'),
  uuid: () => scalar('uuid'),
  count: () => scalar('uint'),
  len: () => scalar('uint'),
  length: () => scalar('uint'),
  sum: (args) => numericElement(args[0]?.type),
  min: (args) => numericElement(args[0]?.type),
  max: (args) => numericElement(args[0]?.type),
  abs: (args) => args[0]?.type ?? scalar('float'),
  round: () => scalar('int'),
  floor: () => scalar('int'),
  ceil: () => scalar('int'),
  lower: () => scalar('string'),
  upper: () => scalar('string'),
  days: () => scalar('int'),
  hours: () => scalar('int'),
  minutes: () => scalar('int'),
  seconds: () => scalar('int'),
};
export const BUILTIN_FUNCTIONS = Object.keys(BUILTIN_RESULTS);

/** What `caller` offers: the authenticated principal from the JWT / session / API key. */
const CALLER_MEMBERS: Record<string, BoneType> = {
  id: scalar('uuid'),
  role: scalar('string'),
  roles: { kind: 'list', element: scalar('string') },
  email: scalar('string'),
  name: scalar('string'),
};

function numericElement(type: BoneType | undefined): BoneType {
  const t = type ? unwrap(type) : undefined;
  if (t && (t.kind === 'list' || t.kind === 'set')) return unwrap(t.element);
  return t ?? scalar('float');
}

export function unwrap(type: BoneType): BoneType {
  return type.kind === 'optional' ? unwrap(type.inner) : type;
}
export function isNumeric(type: BoneType): boolean {
  const t = unwrap(type);
  return t.kind === 'unknown' || (t.kind === 'scalar' && (t.scalar === 'uint' || t.scalar === 'int' || t.scalar === 'float' || t.scalar === 'json'));
}
function isScalar(type: BoneType, ...kinds: string[]): boolean {
  const t = unwrap(type);
  return t.kind === 'scalar' && kinds.includes(t.scalar);
}
function isLoose(type: BoneType): boolean {
  const t = unwrap(type);
  return t.kind === 'unknown' || t.kind === 'null' || isScalar(t, 'json');
}
function isBool(type: BoneType): boolean {
  return isLoose(type) || isScalar(type, 'bool');
}
function isCollection(type: BoneType): boolean {
  const t = unwrap(type);
  return t.kind === 'list' || t.kind === 'set' || t.kind === 'map';
}

/** Can values of these types be compared with == / != ? */
export function comparable(a: BoneType, b: BoneType): boolean {
  const x = unwrap(a);
  const y = unwrap(b);
  if (isLoose(x) || isLoose(y)) return true;
  if (isNumeric(x) && isNumeric(y)) return true;
  const idLike = (t: BoneType): boolean => t.kind === 'entity' || isScalar(t, 'uuid');
  if (idLike(x) && idLike(y)) return x.kind !== 'entity' || y.kind !== 'entity' || x.entity === y.entity;
  // ids are often compared with string literals, and strings with uuids
  if ((isScalar(x, 'uuid') && isScalar(y, 'string')) || (isScalar(x, 'string') && isScalar(y, 'uuid'))) return true;
  if (x.kind === 'scalar' && y.kind === 'scalar') return x.scalar === y.scalar;
  if ((x.kind === 'list' || x.kind === 'set') && (y.kind === 'list' || y.kind === 'set')) return comparable(x.element, y.element);
  return false;
}

/** Can a value of type `value` be stored in a field of type `target`? */
export function assignable(value: BoneType, target: BoneType): boolean {
  if (value.kind === 'null') return target.kind === 'optional' || isLoose(target);
  const t = unwrap(target);
  const v = unwrap(value);
  if (isLoose(t) || isLoose(v)) return true;
  if (t.kind === 'scalar' && v.kind === 'scalar') {
    if (t.scalar === v.scalar) return true;
    if (t.scalar === 'float') return isNumeric(v);
    if (t.scalar === 'int' || t.scalar === 'uint') return v.scalar === 'int' || v.scalar === 'uint';
    if (t.scalar === 'uuid') return v.scalar === 'string';
    if (t.scalar === 'timestamp') return v.scalar === 'string';
    return false;
  }
  if (t.kind === 'scalar' && t.scalar === 'uuid' && v.kind === 'entity') return true;
  if (t.kind === 'entity') return (v.kind === 'entity' && v.entity === t.entity) || isScalar(v, 'uuid', 'string');
  if ((t.kind === 'list' || t.kind === 'set') && (v.kind === 'list' || v.kind === 'set')) return assignable(v.element, t.element);
  if (t.kind === 'map' && v.kind === 'map') return assignable(v.key, t.key) && assignable(v.value, t.value);
  return false;
}

function describeType(type: BoneType): string {
  return formatBoneType(type);
}

export function irLocation(span: SourceSpan): IrLocation {
  return { line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

export class ExpressionChecker {
  constructor(
    private readonly symbols: Symbols,
    private readonly diagnostics: DiagnosticBag,
    private readonly sources: ReadonlyMap<string, string>,
    /** The file whose declaration is being checked (imports bring declarations from others). */
    public file: string,
  ) {
    this.lineStarts = new Map();
  }

  private readonly lineStarts: Map<string, number[]>;
  private lineStartsOf(file: string): number[] {
    let starts = this.lineStarts.get(file);
    if (!starts) {
      const source = this.sources.get(file) ?? '';
      starts = [0];
      for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts.set(file, starts);
    }
    return starts;
  }

  /** A source span back from an IR location (to report on a sub-expression). */
  spanAt(loc: IrLocation): SourceSpan {
    const starts = this.lineStartsOf(this.file);
    const offset = (line: number, column: number): number => (starts[line - 1] ?? 0) + column - 1;
    return {
      file: this.file,
      start: { offset: offset(loc.line, loc.column), line: loc.line, column: loc.column },
      end: { offset: offset(loc.endLine, loc.endColumn), line: loc.endLine, column: loc.endColumn },
    };
  }

  textOf(span: SourceSpan): string {
    return (this.sources.get(span.file) ?? '').slice(span.start.offset, span.end.offset);
  }

  private base(span: SourceSpan, type: BoneType): { type: BoneType; text: string; loc: IrLocation } {
    return { type, text: this.textOf(span), loc: irLocation(span) };
  }

  /** A condition: checked, and reported (BS044) unless it is true/false. */
  condition(expr: A.Expr, env: ExprEnv): BoneExpr {
    const typed = this.check(expr, env);
    if (!isBool(typed.type)) this.diagnostics.report(BoneDiagnostics.NotBoolean, expr.span, [describeType(typed.type)]);
    return typed;
  }

  check(expr: A.Expr, env: ExprEnv): BoneExpr {
    switch (expr.kind) {
      case 'number': return { kind: 'literal', value: expr.value, ...this.base(expr.span, scalar(expr.isFloat ? 'float' : expr.value < 0 ? 'int' : 'uint')) };
      case 'duration': return { kind: 'literal', value: expr.ms, unit: 'ms', ...this.base(expr.span, scalar('uint')) };
      case 'string': return { kind: 'literal', value: expr.value, ...this.base(expr.span, scalar('string')) };
      case 'bool': return { kind: 'literal', value: expr.value, ...this.base(expr.span, scalar('bool')) };
      case 'null': return { kind: 'literal', value: null, ...this.base(expr.span, { kind: 'null' }) };
      case 'missing': return { kind: 'literal', value: null, ...this.base(expr.span, UNKNOWN) };
      case 'list': {
        const items = expr.items.map((i) => this.check(i, env));
        const element = items.find((i) => i.type.kind !== 'null')?.type ?? UNKNOWN;
        return { kind: 'list', items, ...this.base(expr.span, { kind: 'list', element }) };
      }
      case 'path': return this.path(expr.parts, expr.span, env);
      case 'call': return this.call(expr, env);
      case 'unary': return this.unary(expr, env);
      case 'binary': return this.binary(expr, env);
      case 'in': return this.membership(expr, env);
    }
  }

  private unary(expr: Extract<A.Expr, { kind: 'unary' }>, env: ExprEnv): BoneExpr {
    const operand = this.check(expr.operand, env);
    if (expr.op === 'not') {
      if (!isBool(operand.type)) this.diagnostics.report(BoneDiagnostics.BadLogicalOperand, expr.span, ['not', describeType(operand.type)]);
      return { kind: 'unary', op: 'not', operand, ...this.base(expr.span, scalar('bool')) };
    }
    if (!isNumeric(operand.type)) this.diagnostics.report(BoneDiagnostics.NotNumeric, expr.span, ['-', `'${operand.text}'`, describeType(operand.type)]);
    const type = isScalar(operand.type, 'float') ? scalar('float') : scalar('int');
    return { kind: 'unary', op: '-', operand, ...this.base(expr.span, type) };
  }

  private binary(expr: Extract<A.Expr, { kind: 'binary' }>, env: ExprEnv): BoneExpr {
    const left = this.check(expr.left, env);
    const right = this.check(expr.right, env);
    const op = expr.op;
    if (op === 'contains') return this.contains(left, right, expr.span);
    let type: BoneType = scalar('bool');
    if (op === 'and' || op === 'or') {
      for (const side of [left, right]) {
        if (!isBool(side.type)) this.diagnostics.report(BoneDiagnostics.BadLogicalOperand, this.spanAt(side.loc), [op, describeType(side.type)]);
      }
    } else if (op === '==' || op === '!=') {
      if (!comparable(left.type, right.type)) {
        this.diagnostics.report(BoneDiagnostics.TypeMismatch, expr.span, [describeOperand(left), describeOperand(right), op]);
      } else {
        this.checkStateLiteral(left, right);
        this.checkStateLiteral(right, left);
      }
    } else if (op === '<' || op === '<=' || op === '>' || op === '>=') {
      const ordered = (isNumeric(left.type) && isNumeric(right.type))
        || (isScalar(left.type, 'timestamp', 'string') && comparable(left.type, right.type))
        || isLoose(left.type) || isLoose(right.type);
      if (!ordered) this.diagnostics.report(BoneDiagnostics.TypeMismatch, expr.span, [describeOperand(left), describeOperand(right), op]);
      else this.checkImpossibleComparison(op, left, right, expr.span);
    } else {
      type = this.arithmetic(op, left, right, expr.span);
    }
    return { kind: 'binary', op: op as BoneBinaryOp, left, right, ...this.base(expr.span, type) };
  }

  private arithmetic(op: string, left: BoneExpr, right: BoneExpr, span: SourceSpan): BoneType {
    if (op === '+' && isScalar(left.type, 'string') && isScalar(right.type, 'string')) return scalar('string');
    if ((op === '+' || op === '-') && isScalar(left.type, 'timestamp') && isNumeric(right.type)) return scalar('timestamp');
    if (op === '-' && isScalar(left.type, 'timestamp') && isScalar(right.type, 'timestamp')) return scalar('int');
    for (const side of [left, right]) {
      if (!isNumeric(side.type)) {
        this.diagnostics.report(BoneDiagnostics.NotNumeric, span, [op, `'${side.text}'`, describeType(side.type)]);
        return UNKNOWN;
      }
    }
    // Division is not integer division in the generated code; subtraction can go below zero.
    if (isScalar(left.type, 'float') || isScalar(right.type, 'float') || op === '/') return scalar('float');
    if (isScalar(left.type, 'int') || isScalar(right.type, 'int') || op === '-') return scalar('int');
    return scalar('uint');
  }

  private contains(collection: BoneExpr, element: BoneExpr, span: SourceSpan): BoneExpr {
    const c = unwrap(collection.type);
    const elementType = c.kind === 'list' || c.kind === 'set' ? c.element : c.kind === 'map' ? c.key : isScalar(c, 'string') ? scalar('string') : undefined;
    if (!elementType && !isLoose(c)) {
      this.diagnostics.report(BoneDiagnostics.LengthOfNonCollection, span, [collection.text, describeType(collection.type)]);
    } else if (elementType && !comparable(elementType, element.type)) {
      this.diagnostics.report(BoneDiagnostics.InListMismatch, span, [describeOperand(element), describeType(elementType)]);
    }
    return { kind: 'contains', collection, element, ...this.base(span, scalar('bool')) };
  }

  private membership(expr: Extract<A.Expr, { kind: 'in' }>, env: ExprEnv): BoneExpr {
    const operand = this.check(expr.operand, env);
    if (expr.rangeEnd) {
      const min = this.check(expr.target, env);
      const max = this.check(expr.rangeEnd, env);
      for (const side of [operand, min, max]) {
        if (!isNumeric(side.type) && !isScalar(side.type, 'timestamp')) {
          this.diagnostics.report(BoneDiagnostics.NotNumeric, expr.span, ['..', `'${side.text}'`, describeType(side.type)]);
          break;
        }
      }
      if (min.kind === 'literal' && max.kind === 'literal' && typeof min.value === 'number' && typeof max.value === 'number' && min.value > max.value) {
        this.diagnostics.report(BoneDiagnostics.EmptyRange, spanOfRange(expr), [min.text, max.text]);
      }
      return { kind: 'inRange', operand, min, max, negated: expr.negated, ...this.base(expr.span, scalar('bool')) };
    }
    if (expr.target.kind === 'list') {
      const items = expr.target.items.map((i) => this.check(i, env));
      for (const item of items) {
        if (!comparable(operand.type, item.type)) {
          this.diagnostics.report(BoneDiagnostics.InListMismatch, this.spanAt(item.loc), [describeOperand(item), `'${operand.text}', which is ${describeType(operand.type)}`]);
        } else {
          this.checkStateLiteral(operand, item);
        }
      }
      return { kind: 'inList', operand, items, negated: expr.negated, ...this.base(expr.span, scalar('bool')) };
    }
    // `x in some_list_field` is membership in a collection value.
    const collection = this.check(expr.target, env);
    const result = this.contains(collection, operand, expr.span);
    return expr.negated ? { kind: 'unary', op: 'not', operand: result, ...this.base(expr.span, scalar('bool')) } : result;
  }

  private call(expr: Extract<A.Expr, { kind: 'call' }>, env: ExprEnv): BoneExpr {
    const args = expr.args.map((a) => this.check(a, env));
    const callee = expr.callee.map((n) => n.text).join('.');
    const calleeSpan = expr.callee[0]!.span;
    const builtin = BUILTIN_RESULTS[callee];
    if (builtin) return { kind: 'call', callee, args, ...this.base(expr.span, builtin(args)) };
    const extension = this.symbols.extensionPoints.get(callee);
    if (extension) {
      if (extension.params.length !== args.length) {
        this.diagnostics.report(BoneDiagnostics.WrongArgumentCount, expr.span, [callee, extension.params.length, args.length]);
      }
      const returns = extension.returns ? this.typeOfExtensionReturn(extension) : UNKNOWN;
      return { kind: 'call', callee, args, ...this.base(expr.span, returns) };
    }
    const candidates = [...BUILTIN_FUNCTIONS, ...this.symbols.extensionPoints.keys()];
    this.diagnostics.report(BoneDiagnostics.UnknownFunction, calleeSpan, [callee, didYouMean(callee, candidates)]);
    return { kind: 'call', callee, args, ...this.base(expr.span, UNKNOWN) };
  }

  /** Extension return types are resolved by the checker; here we only need a best effort. */
  extensionReturnTypes = new Map<string, BoneType>();
  private typeOfExtensionReturn(extension: A.ExtensionPointDecl): BoneType {
    return this.extensionReturnTypes.get(extension.name.text) ?? UNKNOWN;
  }

  /** Resolves `a.b.c` in `env`, then applies the `.length` / `.unique` members. */
  path(parts: A.Name[], span: SourceSpan, env: ExprEnv): BoneExpr {
    const [head, ...rest] = parts;
    if (!head) return { kind: 'literal', value: null, ...this.base(span, UNKNOWN) };
    let ref: BoneRefExpr;
    let type: BoneType;
    let remaining = rest;
    const refBase = (type: BoneType, consumed: number): { type: BoneType; text: string; loc: IrLocation } => {
      const last = parts[consumed - 1]!;
      const refSpan = { file: span.file, start: head.span.start, end: last.span.end };
      return this.base(refSpan, type);
    };

    if (head.text === 'caller' && env.kind !== 'flow' && !(env.kind === 'params' && env.params.has('caller'))) {
      const member = rest[0];
      if (!member) {
        ref = { kind: 'ref', scope: 'caller', path: [], ...refBase(UNKNOWN, 1) };
        return ref;
      }
      const memberType = CALLER_MEMBERS[member.text];
      if (!memberType) {
        this.diagnostics.report(BoneDiagnostics.UnknownMember, member.span, ['caller', member.text, didYouMean(member.text, Object.keys(CALLER_MEMBERS))]);
        return { kind: 'ref', scope: 'caller', path: [member.text], ...refBase(UNKNOWN, 2) };
      }
      ref = { kind: 'ref', scope: 'caller', path: [member.text], ...refBase(memberType, 2) };
      return this.applySpecialMembers(ref, rest.slice(1), span);
    }

    switch (env.kind) {
      case 'flow': {
        ref = { kind: 'ref', scope: 'flow', name: head.text, path: rest.map((p) => p.text), ...refBase(UNKNOWN, parts.length) };
        return ref;
      }
      case 'literal': {
        if (head.text === 'none' && rest.length === 0) return { kind: 'literal', value: null, ...this.base(span, { kind: 'null' }) };
        this.diagnostics.report(BoneDiagnostics.UnknownName, head.span, [head.text, ' (only literals and built-in calls such as now() are allowed here)']);
        return { kind: 'literal', value: null, ...this.base(span, UNKNOWN) };
      }
      case 'self': {
        const field = env.entity.fields.get(head.text);
        if (!field) {
          if (head.text === 'none' && rest.length === 0) return { kind: 'literal', value: null, ...this.base(span, { kind: 'null' }) };
          this.reportUnknownField(env.entity, head);
          return { kind: 'ref', scope: 'self', path: parts.map((p) => p.text), entity: env.entity.name, ...refBase(UNKNOWN, parts.length) };
        }
        let path: string[];
        ({ type, remaining, path } = this.members({ kind: 'entity', entity: env.entity.name }, parts));
        const consumed = parts.length - remaining.length;
        ref = { kind: 'ref', scope: 'self', path, entity: env.entity.name, ...refBase(type, consumed) };
        break;
      }
      case 'global': {
        const entity = this.symbols.entities.get(head.text);
        if (!entity) {
          this.diagnostics.report(BoneDiagnostics.UnknownEntity, head.span, [head.text, didYouMean(head.text, this.symbols.entities.keys())]);
          return { kind: 'ref', scope: 'entity', name: head.text, path: rest.map((p) => p.text), ...refBase(UNKNOWN, parts.length) };
        }
        let path: string[];
        ({ type, remaining, path } = this.members({ kind: 'entity', entity: entity.name }, rest));
        const consumed = parts.length - remaining.length;
        ref = { kind: 'ref', scope: 'entity', name: entity.name, path, entity: entity.name, ...refBase(type, consumed) };
        break;
      }
      case 'params': {
        const paramType = env.params.get(head.text);
        if (paramType === undefined) {
          if (env.bindings.has(head.text)) {
            return { kind: 'ref', scope: 'step', name: head.text, path: rest.map((p) => p.text), ...refBase(UNKNOWN, parts.length) };
          }
          if (head.text === 'none' && rest.length === 0) return { kind: 'literal', value: null, ...this.base(span, { kind: 'null' }) };
          const candidates = [...env.params.keys(), ...env.bindings, 'caller'];
          this.diagnostics.report(BoneDiagnostics.UnknownName, head.span, [head.text, didYouMean(head.text, candidates)]);
          return { kind: 'ref', scope: 'param', name: head.text, path: rest.map((p) => p.text), ...refBase(UNKNOWN, parts.length) };
        }
        let path: string[];
        ({ type, remaining, path } = this.members(paramType, rest));
        const consumed = parts.length - remaining.length;
        const entity = entityOf(paramType);
        ref = { kind: 'ref', scope: 'param', name: head.text, path, ...refBase(type, consumed) };
        if (entity) ref.entity = entity;
        break;
      }
    }
    return this.applySpecialMembers(ref, remaining, span);
  }

  /**
   * Walks entity members as far as they go; returns the type reached, the path written into the
   * IR and the unconsumed parts (`.length` / `.unique`). A `belongs_to` relation member at the
   * end reads its foreign key (`order.buyer` → `buyer_id`, still typed as the entity, so it
   * compares by id); reading further through a relation is BS039.
   */
  private members(start: BoneType, parts: A.Name[]): { type: BoneType; remaining: A.Name[]; path: string[] } {
    let type = start;
    const path: string[] = [];
    let index = 0;
    for (; index < parts.length; index++) {
      const part = parts[index]!;
      const entityName = entityOf(type);
      if (!entityName) break;
      const entity = this.symbols.entities.get(entityName);
      const field = entity?.fields.get(part.text);
      if (!entity || !field) {
        if (part.text === 'length' || part.text === 'unique') break;
        if (entity) this.reportUnknownField(entity, part);
        return { type: UNKNOWN, remaining: [], path: [...path, ...parts.slice(index).map((p) => p.text)] };
      }
      if (field.origin === 'relation' && field.relation) {
        const next = parts[index + 1];
        const isBelongsTo = field.relation.kind.text === 'belongs_to';
        if (!isBelongsTo || (next && next.text !== 'id')) {
          this.diagnostics.report(BoneDiagnostics.ReadThroughRelation, part.span, [part.text, isBelongsTo ? ` — compare '${part.text}_id' instead` : ' — pass the related rows as a parameter instead']);
          return { type: UNKNOWN, remaining: [], path: [...path, ...parts.slice(index).map((p) => p.text)] };
        }
        path.push(`${part.text}_id`);
        type = field.type;
        if (next) index++; // `order.buyer.id` is the same foreign key
        continue;
      }
      path.push(part.text);
      type = field.type;
    }
    return { type, remaining: parts.slice(index), path };
  }

  private reportUnknownField(entity: EntitySymbol, part: A.Name): void {
    if (part.text === 'state' && !entity.hasStates) {
      this.diagnostics.report(BoneDiagnostics.NoStateMachine, part.span, [entity.name, part.text]);
      return;
    }
    this.diagnostics.report(BoneDiagnostics.UnknownField, part.span, [entity.name, part.text, didYouMean(part.text, entity.fields.keys())]);
  }

  /** `.length` and `.unique` after a reference; anything else on a non-entity value is BS037. */
  private applySpecialMembers(ref: BoneExpr, remaining: A.Name[], span: SourceSpan): BoneExpr {
    let result = ref;
    for (const member of remaining) {
      const memberSpan = { file: span.file, start: span.start, end: member.span.end };
      if (member.text === 'length') {
        const t = unwrap(result.type);
        if (!isScalar(t, 'string') && !isCollection(t) && !isLoose(t)) {
          this.diagnostics.report(BoneDiagnostics.LengthOfNonCollection, member.span, [result.text, describeType(result.type)]);
        }
        result = { kind: 'length', operand: result, ...this.base(memberSpan, scalar('uint')) };
      } else if (member.text === 'unique') {
        result = { kind: 'unique', operand: result, ...this.base(memberSpan, scalar('bool')) };
      } else {
        if (!isLoose(result.type)) {
          this.diagnostics.report(BoneDiagnostics.UnknownMember, member.span, [result.text, member.text, ' (members: length, unique)']);
        }
        return { ...result, type: UNKNOWN };
      }
    }
    return result;
  }

  /** `listing.state == "actve"` → BS060 when the entity has no such state. */
  checkStateLiteral(maybeState: BoneExpr, literal: BoneExpr): void {
    if (maybeState.kind !== 'ref' || literal.kind !== 'literal' || typeof literal.value !== 'string') return;
    if (maybeState.path.at(-1) !== 'state') return;
    const owner = this.stateOwner(maybeState);
    if (!owner || !owner.hasStates || owner.states.length === 0) return;
    if (!owner.states.includes(literal.value)) {
      const span = this.spanAt(literal.loc);
      this.diagnostics.report(BoneDiagnostics.UnknownState, span, [owner.name, literal.value, didYouMean(literal.value, owner.states)]);
    }
  }

  /** The entity whose `state` a reference reads. */
  stateOwner(ref: BoneRefExpr): EntitySymbol | undefined {
    if (!ref.entity) return undefined;
    let entity = this.symbols.entities.get(ref.entity);
    for (const part of ref.path.slice(0, -1)) {
      const next = entity?.fields.get(part);
      const name = next ? entityOf(next.type) : undefined;
      entity = name ? this.symbols.entities.get(name) : undefined;
    }
    return entity;
  }

  /** `uint` fields compared below zero, e.g. `stock < 0`, can never hold (BS092). */
  private checkImpossibleComparison(op: string, left: BoneExpr, right: BoneExpr, span: SourceSpan): void {
    if (left.kind !== 'ref' || !isScalar(left.type, 'uint') || right.kind !== 'literal' || typeof right.value !== 'number') return;
    if ((op === '<' && right.value <= 0) || (op === '<=' && right.value < 0)) {
      this.diagnostics.report(BoneDiagnostics.ImpossibleComparison, span, [this.textOf(span), `'${left.text}' is a uint, never below 0`]);
    }
  }
}

function describeOperand(expr: BoneExpr): string {
  return expr.kind === 'literal' ? `${formatBoneType(expr.type)} ${expr.text}` : `'${expr.text}' (${formatBoneType(expr.type)})`;
}

function spanOfRange(expr: Extract<A.Expr, { kind: 'in' }>): SourceSpan {
  return { file: expr.target.span.file, start: expr.target.span.start, end: (expr.rangeEnd ?? expr.target).span.end };
}

