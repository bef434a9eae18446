/**
 * CST → AST. Tolerates the partial trees error recovery leaves behind: a missing child becomes
 * an absent clause or a `missing` expression, never an exception.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import { parseDuration, spanOfTokens, type SourceSpan } from '../common/index.js';
import type * as A from './ast.js';
import { KEYWORD_SPELLING } from './tokens.js';

export function buildAst(cst: CstNode, file: string): A.BoneFile {
  return new AstBuilder(file).buildFile(cst);
}

type Children = Record<string, CstElement[] | undefined>;

function isToken(element: CstElement | undefined): element is IToken {
  return element !== undefined && 'image' in element;
}
function isUsableToken(token: IToken | undefined): token is IToken {
  return token !== undefined && !token.isInsertedInRecovery && Number.isFinite(token.startOffset);
}

class AstBuilder {
  constructor(private readonly file: string) {}

  // ─── CST access helpers ───────────────────────────────────────────────────────────────────
  private token(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
    const element = node?.children[key]?.[index];
    return isToken(element) && isUsableToken(element) ? element : undefined;
  }
  private tokens(node: CstNode | undefined, key: string): IToken[] {
    return (node?.children[key] ?? []).filter((e): e is IToken => isToken(e) && isUsableToken(e));
  }
  private node(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
    const element = node?.children[key]?.[index];
    return element !== undefined && !isToken(element) ? element : undefined;
  }
  private nodes(node: CstNode | undefined, key: string): CstNode[] {
    return (node?.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
  }
  /** All usable tokens directly under `node`, in source order, whatever their key. */
  private orderedTokens(node: CstNode | undefined, keys: string[]): IToken[] {
    return keys.flatMap((k) => this.tokens(node, k)).sort((a, b) => a.startOffset - b.startOffset);
  }

  private span(node: CstNode | undefined, fallback?: SourceSpan): SourceSpan {
    const loc = node?.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset ?? NaN)) {
      return {
        file: this.file,
        start: { offset: loc.startOffset, line: loc.startLine ?? 1, column: loc.startColumn ?? 1 },
        end: { offset: (loc.endOffset ?? loc.startOffset) + 1, line: loc.endLine ?? loc.startLine ?? 1, column: (loc.endColumn ?? loc.startColumn ?? 1) + 1 },
      };
    }
    return fallback ?? this.emptySpan();
  }
  private emptySpan(): SourceSpan {
    return { file: this.file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
  }
  private tokenSpan(token: IToken): SourceSpan {
    return spanOfTokens(this.file, token);
  }
  private name(token: IToken | undefined): A.Name | undefined {
    if (!token) return undefined;
    return { text: token.image, span: this.tokenSpan(token) };
  }
  /** A name that may have been written as a string (`"price"`). */
  private unquotedName(token: IToken | undefined): A.Name | undefined {
    const name = this.name(token);
    if (name) name.text = unquote(name.text);
    return name;
  }
  private nameOrMissing(token: IToken | undefined, owner: CstNode | undefined): A.Name {
    return this.name(token) ?? { text: '', span: this.span(owner) };
  }
  /** The first token of a clause rule, e.g. `owns`, for duplicate-clause detection. */
  private clauseMark(node: CstNode): A.ClauseMark | undefined {
    const first = firstToken(node);
    if (!first) return undefined;
    const spelling = KEYWORD_SPELLING.get(first.tokenType) ?? first.image;
    return { keyword: spelling, span: this.tokenSpan(first) };
  }

  // ─── File and system ──────────────────────────────────────────────────────────────────────
  buildFile(cst: CstNode): A.BoneFile {
    const systems = this.nodes(cst, 'systemDecl').map((n) => this.system(n));
    const imports = this.nodes(cst, 'importDecl').map((n) => this.importDecl(n)).filter((d): d is A.ImportDecl => d !== undefined);
    return { file: this.file, systems, imports, span: this.span(cst) };
  }

  private system(node: CstNode): A.SystemDecl {
    const declarations: A.Declaration[] = [];
    let domain: A.Name | undefined;
    for (const member of this.nodes(node, 'systemMember')) {
      const [key, child] = onlyChild(member);
      if (!child || isToken(child)) continue;
      switch (key) {
        case 'domainClause': domain = this.name(this.token(child, 'Name') ?? this.token(child, 'StringLiteral')); if (domain) domain.text = unquote(domain.text); break;
        case 'entityDecl': declarations.push(this.entity(child)); break;
        case 'capabilityDecl': declarations.push(this.capability(child)); break;
        case 'eventDecl': declarations.push(this.event(child)); break;
        case 'storeDecl': declarations.push(this.store(child)); break;
        case 'channelDecl': declarations.push(this.channel(child)); break;
        case 'policyDecl': declarations.push(this.policy(child)); break;
        case 'flowDecl': declarations.push(this.flow(child)); break;
        case 'constraintDecl': declarations.push(this.constraint(child)); break;
        case 'extensionPointDecl': declarations.push(this.extensionPoint(child)); break;
        case 'importDecl': { const d = this.importDecl(child); if (d) declarations.push(d); break; }
      }
    }
    const result: A.SystemDecl = { name: this.nameOrMissing(this.token(node, 'Name'), node), declarations, span: this.span(node) };
    if (domain) result.domain = domain;
    return result;
  }

  private importDecl(node: CstNode): A.ImportDecl | undefined {
    const from = this.token(node, 'StringLiteral');
    if (!from) return undefined;
    const names = this.tokens(node, 'Name').map((t) => this.name(t)!);
    return { kind: 'import', names, all: this.token(node, 'Star') !== undefined, from: { value: unquote(from.image), span: this.tokenSpan(from) }, span: this.span(node) };
  }

  // ─── Shared pieces ────────────────────────────────────────────────────────────────────────
  private typeRef(node: CstNode | undefined): A.TypeRef | undefined {
    const nameToken = this.token(node, 'Name');
    if (!node || !nameToken) return undefined;
    const args = this.nodes(node, 'typeRef').map((n) => this.typeRef(n)).filter((t): t is A.TypeRef => t !== undefined);
    return { name: this.name(nameToken)!, args, optionalSuffix: this.token(node, 'Question') !== undefined, span: this.span(node) };
  }

  private fieldBlock(node: CstNode | undefined): A.FieldDecl[] {
    return this.nodes(this.node(node, 'fieldList'), 'fieldDecl').map((n) => this.fieldDecl(n)).filter((f): f is A.FieldDecl => f !== undefined);
  }

  private fieldDecl(node: CstNode): A.FieldDecl | undefined {
    const name = this.unquotedName(this.token(node, 'Name') ?? this.token(node, 'StringLiteral'));
    const type = this.typeRef(this.node(node, 'typeRef'));
    if (!name || !type) return undefined;
    const field: A.FieldDecl = {
      name, type, span: this.span(node),
      annotations: this.nodes(node, 'annotation').flatMap((a) => {
        const annotationName = this.name(this.token(a, 'Name'));
        return annotationName ? [{ name: annotationName, args: this.argumentList(this.node(a, 'argumentList')), span: this.span(a) }] : [];
      }),
    };
    const defaultNode = this.node(node, 'expression');
    if (defaultNode) field.default = this.expression(defaultNode);
    return field;
  }

  private params(node: CstNode | undefined): A.Param[] {
    return this.nodes(node, 'param').flatMap((p) => {
      const name = this.name(this.token(p, 'Name'));
      const type = this.typeRef(this.node(p, 'typeRef'));
      return name && type ? [{ name, type, span: this.span(p) }] : [];
    });
  }

  private nameList(node: CstNode | undefined): A.Name[] {
    return this.tokens(node, 'Name').map((t) => this.name(t)!);
  }

  private expressionList(node: CstNode | undefined): A.Expr[] {
    return this.nodes(node, 'expression').map((n) => this.expression(n));
  }

  private argumentList(node: CstNode | undefined): A.Expr[] {
    return this.nodes(node, 'expression').map((n) => this.expression(n));
  }

  private settingsBlock(node: CstNode): A.SettingsBlock {
    const settings = this.nodes(node, 'setting').flatMap((s): A.Setting[] => {
      const key = this.name(this.token(s, 'Name'));
      if (!key) return [];
      const block = this.node(s, 'settingsBlock');
      const value = block ? this.settingsBlock(block) : this.expression(this.node(s, 'expression'));
      return [{ key, value, span: this.span(s) }];
    });
    return { kind: 'settings', settings, span: this.span(node) };
  }

  private callSite(node: CstNode | undefined): A.CallSite | undefined {
    const callee = this.name(this.token(node, 'Name'));
    if (!node || !callee) return undefined;
    return { callee, args: this.argumentList(this.node(node, 'argumentList')), span: this.span(node) };
  }

  private optionClause(node: CstNode): A.OptionClause | undefined {
    const keyToken = firstToken(node);
    if (!keyToken || !isUsableToken(keyToken)) return undefined;
    const key = { text: KEYWORD_SPELLING.get(keyToken.tokenType) ?? keyToken.image, span: this.tokenSpan(keyToken) };
    return { key, value: this.expression(this.node(node, 'expression')), span: this.span(node) };
  }

  // ─── Declarations ─────────────────────────────────────────────────────────────────────────
  private entity(node: CstNode): A.EntityDecl {
    const decl: A.EntityDecl = {
      kind: 'entity', name: this.nameOrMissing(this.token(node, 'Name'), node), clauses: [],
      fields: [], constraints: [], states: [], relations: [], indexes: [], derived: [], span: this.span(node),
    };
    for (const clauseNode of this.nodes(node, 'entityClause')) {
      const [key, clause] = onlyChild(clauseNode, ['Comma']);
      if (!clause || isToken(clause)) continue;
      const mark = this.clauseMark(clause);
      if (mark) decl.clauses.push(mark);
      switch (key) {
        case 'ownsClause': decl.fields.push(...this.fieldBlock(this.node(clause, 'fieldBlock'))); break;
        case 'constraintsClause': decl.constraints.push(...this.expressionList(this.node(clause, 'expressionList'))); break;
        case 'statesClause':
          decl.statesSpan ??= this.span(clause);
          decl.states.push(...this.nodes(clause, 'stateChain').map((c) => this.stateChain(c)));
          break;
        case 'authClause': { const auth = this.unquotedName(this.token(clause, 'Name') ?? this.token(clause, 'StringLiteral')); if (auth) decl.auth = auth; break; }
        case 'ownerClause': {
          const single = this.name(this.token(clause, 'Name'));
          decl.owner = single ? [single] : this.nameList(this.node(clause, 'nameList'));
          break;
        }
        case 'relationClause': { const r = this.relation(clause); if (r) decl.relations.push(r); break; }
        case 'indexClause': decl.indexes.push(...this.indexClause(clause)); break;
        case 'derivedClause': decl.derived.push(...this.nodes(clause, 'derivedItem').flatMap((d) => this.derivedItem(d))); break;
      }
    }
    return decl;
  }

  private stateChain(node: CstNode): A.StateChain {
    const groups = this.nodes(node, 'stateGroup').map((g) =>
      this.nodes(g, 'stateRef').flatMap((r): A.StateRef[] => {
        const name = this.name(this.token(r, 'Name'));
        if (!name) return [];
        const guardNode = this.node(r, 'expression');
        return [guardNode ? { name, guard: this.expression(guardNode) } : { name }];
      }),
    ).filter((g) => g.length > 0);
    return { groups, span: this.span(node) };
  }

  private relation(node: CstNode): A.RelationDecl | undefined {
    const [nameToken, kindToken, targetToken] = [this.token(node, 'Name', 0), this.token(node, 'Name', 1), this.token(node, 'Name', 2)];
    if (!nameToken || !kindToken || !targetToken) return undefined;
    const relation: A.RelationDecl = { name: this.name(nameToken)!, kind: this.name(kindToken)!, target: this.name(targetToken)!, span: this.span(node) };
    const card = this.node(node, 'cardinality');
    if (card) {
      const bounds = this.nodes(card, 'cardinalityBound').map((b) => {
        const t = firstToken(b);
        return t?.image === '*' ? ('*' as const) : Number(t?.image ?? 0);
      });
      const min = bounds[0] ?? 0;
      relation.cardinality = { min, max: bounds[1] ?? min, span: this.span(card) };
    }
    return relation;
  }

  private indexClause(node: CstNode): A.IndexDecl[] {
    const singles = this.tokens(node, 'Name').map((t) => ({ fields: [this.name(t)!], span: this.tokenSpan(t), at: t.startOffset }));
    const composites = this.nodes(node, 'nameList').map((l) => ({ fields: this.nameList(l), span: this.span(l), at: l.location?.startOffset ?? 0 }));
    return [...singles, ...composites].sort((a, b) => a.at - b.at).filter((i) => i.fields.length > 0).map(({ fields, span }) => ({ fields, span }));
  }

  private derivedItem(node: CstNode): A.DerivedDecl[] {
    const name = this.name(this.token(node, 'Name'));
    if (!name) return [];
    const [first, second] = this.nodes(node, 'expression').map((e) => this.expression(e));
    if (!first) return [];
    if (second && first.kind === 'path' && first.parts.length === 1) {
      return [{ name, type: first.parts[0]!, expr: second, span: this.span(node) }];
    }
    return [{ name, expr: second ?? first, span: this.span(node) }];
  }

  private capability(node: CstNode): A.CapabilityDecl {
    const decl: A.CapabilityDecl = {
      kind: 'capability', name: this.nameOrMissing(this.token(node, 'Name'), node),
      params: this.params(this.node(node, 'paramList')), clauses: [],
      requires: [], effects: [], emits: [], span: this.span(node),
    };
    const arrowReturns = this.typeRef(this.node(node, 'typeRef'));
    if (arrowReturns) decl.returns = arrowReturns;
    for (const clauseNode of this.nodes(node, 'capabilityClause')) {
      const [key, clause] = onlyChild(clauseNode, ['Comma']);
      if (!clause || isToken(clause)) continue;
      const mark = this.clauseMark(clause);
      if (mark) decl.clauses.push(mark);
      switch (key) {
        case 'requiresClause': {
          const requires = this.expression(this.node(clause, 'expression'));
          decl.requires.push(...(requires.kind === 'list' ? requires.items : [requires]));
          break;
        }
        case 'effectsClause': decl.effects.push(...this.nodes(clause, 'effect').map((e) => this.effect(e))); break;
        case 'emitsClause':
          decl.emits.push(...this.nodes(clause, 'emitItem').flatMap((e): A.EmitDecl[] => {
            const event = this.name(this.token(e, 'Name'));
            return event ? [{ event, args: this.argumentList(this.node(e, 'argumentList')), span: this.span(e) }] : [];
          }));
          break;
        case 'syncClause': { const sync = this.unquotedName(this.token(clause, 'Name') ?? this.token(clause, 'StringLiteral')); if (sync) decl.sync = sync; break; }
        case 'timeoutClause': decl.timeout = this.expression(this.node(clause, 'expression')); break;
        case 'retryClause': {
          const block = this.node(clause, 'settingsBlock');
          decl.retry = block ? this.settingsBlock(block) : this.expression(this.node(clause, 'expression'));
          break;
        }
        case 'idempotentClause': decl.idempotent = this.expression(this.node(clause, 'expression')); break;
        case 'pipelineClause': decl.pipeline = this.pipeline(clause); break;
        case 'algorithmClause': {
          const algorithmName = this.name(this.token(clause, 'Name'));
          if (!algorithmName) break;
          const using = this.node(clause, 'settingsBlock');
          decl.algorithm = using ? { name: algorithmName, using: this.settingsBlock(using), span: this.span(clause) } : { name: algorithmName, span: this.span(clause) };
          break;
        }
        case 'returnsClause': { const returns = this.typeRef(this.node(clause, 'typeRef')); if (returns) decl.returns = returns; break; }
      }
    }
    return decl;
  }

  private effect(node: CstNode): A.EffectDecl {
    const target = this.reference(this.node(node, 'reference'), this.span(node));
    const value = this.nodes(node, 'expression').map((e) => this.expression(e))[0];
    const opToken = this.orderedTokens(node, ['Assign', 'PlusAssign', 'MinusAssign', 'AppendAssign'])[0];
    const effect: A.EffectDecl = { target: target ?? { kind: 'missing', span: this.span(node) }, span: this.span(node) };
    if (opToken) {
      effect.op = opToken.image as A.EffectDecl['op'];
      effect.value = value ?? { kind: 'missing', span: this.tokenSpan(opToken) };
    }
    return effect;
  }

  private pipeline(node: CstNode): A.PipelineDecl {
    const decl: A.PipelineDecl = { parallel: this.token(node, 'Kw_parallel') !== undefined, steps: [], span: this.span(node) };
    for (const item of this.nodes(node, 'pipelineItem')) {
      const step = this.node(item, 'pipelineStep');
      const onError = this.node(item, 'onErrorClause');
      if (step) {
        const call = this.callSite(this.node(step, 'callSite'));
        if (!call) continue;
        const as = this.name(this.token(step, 'Name'));
        decl.steps.push(as ? { call, as, span: this.span(step) } : { call, span: this.span(step) });
      } else if (onError) {
        const action = this.name(this.token(onError, 'Name'));
        if (action) decl.onError = { action, args: this.argumentList(this.node(onError, 'argumentList')), span: this.span(onError) };
      }
    }
    return decl;
  }

  private event(node: CstNode): A.EventDecl {
    const decl: A.EventDecl = { kind: 'event', name: this.nameOrMissing(this.token(node, 'Name'), node), clauses: [], payload: [], options: [], span: this.span(node) };
    for (const clause of this.nodes(node, 'eventClause')) {
      const option = this.node(clause, 'optionClause');
      const mark = this.clauseMark(option ?? clause);
      if (mark) decl.clauses.push(mark);
      if (option) { const o = this.optionClause(option); if (o) decl.options.push(o); }
      else decl.payload.push(...this.fieldBlock(this.node(clause, 'fieldBlock')));
    }
    return decl;
  }

  private store(node: CstNode): A.StoreDecl {
    const decl: A.StoreDecl = { kind: 'store', name: this.nameOrMissing(this.token(node, 'Name'), node), clauses: [], schema: [], options: [], span: this.span(node) };
    for (const clause of this.nodes(node, 'storeClause')) {
      const option = this.node(clause, 'optionClause');
      const mark = this.clauseMark(option ?? clause);
      if (mark) decl.clauses.push(mark);
      if (option) { const o = this.optionClause(option); if (o) decl.options.push(o); }
      else decl.schema.push(...this.fieldBlock(this.node(clause, 'fieldBlock')));
    }
    return decl;
  }

  private channel(node: CstNode): A.ChannelDecl {
    const decl: A.ChannelDecl = { kind: 'channel', name: this.nameOrMissing(this.token(node, 'Name'), node), clauses: [], options: [], span: this.span(node) };
    for (const clause of this.nodes(node, 'channelClause')) {
      const option = this.node(clause, 'optionClause');
      const mark = this.clauseMark(option ?? clause);
      if (mark) decl.clauses.push(mark);
      if (option) { const o = this.optionClause(option); if (o) decl.options.push(o); }
      else { const participants = this.typeRef(this.node(clause, 'typeRef')); if (participants) decl.participants = participants; }
    }
    return decl;
  }

  private policy(node: CstNode): A.PolicyDecl {
    const decl: A.PolicyDecl = { kind: 'policy', name: this.nameOrMissing(this.token(node, 'Name'), node), clauses: [], options: [], span: this.span(node) };
    for (const clause of this.nodes(node, 'policyClause')) {
      const option = this.node(clause, 'optionClause');
      const mark = this.clauseMark(option ?? clause);
      if (mark) decl.clauses.push(mark);
      if (option) { const o = this.optionClause(option); if (o) decl.options.push(o); continue; }
      if (this.token(clause, 'Kw_rate_limit')) {
        const [count, window] = this.nodes(clause, 'expression').map((e) => this.expression(e));
        decl.rateLimit = { count: count ?? { kind: 'missing', span: this.span(clause) }, window: window ?? { kind: 'missing', span: this.span(clause) }, span: this.span(clause) };
      } else if (this.token(clause, 'Kw_access')) {
        decl.access = this.nameList(this.node(clause, 'nameList'));
      } else if (this.token(clause, 'Kw_applies_to')) {
        decl.appliesTo = this.nameList(this.node(clause, 'nameList'));
      }
    }
    return decl;
  }

  private flow(node: CstNode): A.FlowDecl {
    const steps = this.nodes(node, 'flowStep').flatMap((s): A.FlowStepDecl[] => {
      const name = this.name(this.token(s, 'Name'));
      const [callNode, compensateNode] = this.nodes(s, 'callSite');
      const call = this.callSite(callNode);
      if (!name || !call) return [];
      const compensate = this.callSite(compensateNode);
      return [compensate ? { name, call, compensate, span: this.span(s) } : { name, call, span: this.span(s) }];
    });
    return { kind: 'flow', name: this.nameOrMissing(this.token(node, 'Name'), node), steps, span: this.span(node) };
  }

  private constraint(node: CstNode): A.ConstraintDecl {
    return { kind: 'constraint', name: this.nameOrMissing(this.token(node, 'Name'), node), expr: this.expression(this.node(node, 'expression')), span: this.span(node) };
  }

  private extensionPoint(node: CstNode): A.ExtensionPointDecl {
    const decl: A.ExtensionPointDecl = {
      kind: 'extension_point', name: this.nameOrMissing(this.token(node, 'Name'), node),
      params: this.params(this.node(node, 'paramList')), clauses: [], options: [], span: this.span(node),
    };
    for (const clause of this.nodes(node, 'extensionClause')) {
      const option = this.node(clause, 'optionClause');
      const returns = this.node(clause, 'returnsClause');
      const mark = this.clauseMark(option ?? returns ?? clause);
      if (mark) decl.clauses.push(mark);
      if (option) { const o = this.optionClause(option); if (o) decl.options.push(o); }
      else if (returns) { const type = this.typeRef(this.node(returns, 'typeRef')); if (type) decl.returns = type; }
    }
    return decl;
  }

  // ─── Expressions ──────────────────────────────────────────────────────────────────────────
  expression(node: CstNode | undefined): A.Expr {
    if (!node) return { kind: 'missing', span: this.emptySpan() };
    return this.orExpression(this.node(node, 'orExpression'), this.span(node));
  }

  /** Left-associative chains: operands under `operandKey`, operators among `operatorKeys`. */
  private chain(node: CstNode | undefined, operandKey: string, operatorKeys: string[], operand: (n: CstNode | undefined) => A.Expr, opOf: (t: IToken) => A.BinaryOperator): A.Expr {
    const operands = this.nodes(node, operandKey);
    const operators = this.orderedTokens(node, operatorKeys);
    let result = operand(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const right = operand(operands[i]);
      const op = operators[i - 1];
      if (!op) break;
      result = { kind: 'binary', op: opOf(op), left: result, right, span: joinSpans(result.span, right.span) };
    }
    return result;
  }

  private orExpression(node: CstNode | undefined, fallback: SourceSpan): A.Expr {
    if (!node) return { kind: 'missing', span: fallback };
    return this.chain(node, 'andExpression', ['Kw_or', 'OrOr'], (n) => this.andExpression(n), () => 'or');
  }

  private andExpression(node: CstNode | undefined): A.Expr {
    return this.chain(node, 'notExpression', ['Kw_and', 'AndAnd'], (n) => this.notExpression(n), () => 'and');
  }

  private notExpression(node: CstNode | undefined): A.Expr {
    const inner = this.node(node, 'notExpression');
    if (inner) {
      const operand = this.notExpression(inner);
      return { kind: 'unary', op: 'not', operand, span: this.span(node, operand.span) };
    }
    return this.comparison(this.node(node, 'comparison'));
  }

  private comparison(node: CstNode | undefined): A.Expr {
    const operands = this.nodes(node, 'additive').map((n) => this.additive(n));
    const left = operands[0] ?? { kind: 'missing', span: this.span(node) };
    const inToken = this.token(node, 'Kw_in');
    if (inToken) {
      const target = operands[1] ?? { kind: 'missing', span: this.tokenSpan(inToken) };
      const result: A.Expr = { kind: 'in', operand: left, target, negated: this.token(node, 'Kw_not') !== undefined, span: this.span(node) };
      if (operands[2]) result.rangeEnd = operands[2];
      return result;
    }
    const opToken = this.orderedTokens(node, ['EqEq', 'NotEq', 'LtEq', 'GtEq', 'Less', 'Greater', 'Kw_contains'])[0];
    if (!opToken || !operands[1]) return left;
    return { kind: 'binary', op: opToken.image as A.BinaryOperator, left, right: operands[1], span: this.span(node) };
  }

  private additive(node: CstNode | undefined): A.Expr {
    return this.chain(node, 'multiplicative', ['Plus', 'Minus'], (n) => this.multiplicative(n), (t) => t.image as A.BinaryOperator);
  }

  private multiplicative(node: CstNode | undefined): A.Expr {
    return this.chain(node, 'unary', ['Star', 'Slash', 'Percent'], (n) => this.unary(n), (t) => t.image as A.BinaryOperator);
  }

  private unary(node: CstNode | undefined): A.Expr {
    const inner = this.node(node, 'unary');
    if (inner) {
      const operand = this.unary(inner);
      // Fold `-5` into a literal so negative defaults and bounds stay literals.
      if (operand.kind === 'number') return { ...operand, value: -operand.value, span: this.span(node, operand.span) };
      return { kind: 'unary', op: '-', operand, span: this.span(node, operand.span) };
    }
    return this.primary(this.node(node, 'primary'));
  }

  private primary(node: CstNode | undefined): A.Expr {
    const span = this.span(node);
    if (!node) return { kind: 'missing', span };
    const [key, child] = onlyChild(node);
    if (!child) return { kind: 'missing', span };
    if (isToken(child)) {
      switch (key) {
        case 'Duration': return { kind: 'duration', ms: parseDuration(child.image) ?? 0, span };
        case 'FloatLiteral': return { kind: 'number', value: Number(child.image), isFloat: true, span };
        case 'IntLiteral': return { kind: 'number', value: Number(child.image), isFloat: false, span };
        case 'StringLiteral': return { kind: 'string', value: unquote(child.image), span };
        case 'Kw_true': return { kind: 'bool', value: true, span };
        case 'Kw_false': return { kind: 'bool', value: false, span };
        case 'Kw_null': return { kind: 'null', span };
      }
      return { kind: 'missing', span };
    }
    switch (key) {
      case 'parenthesized': return this.expression(this.node(child, 'expression'));
      case 'listLiteral': return { kind: 'list', items: this.nodes(child, 'expression').map((e) => this.expression(e)), span };
      case 'reference': return this.reference(child, span);
    }
    return { kind: 'missing', span };
  }

  private reference(node: CstNode | undefined, fallback: SourceSpan): A.Expr {
    const span = this.span(node, fallback);
    const parts = this.tokens(node, 'Name').map((t) => this.name(t)!);
    if (parts.length === 0) return { kind: 'missing', span };
    const args = this.node(node, 'argumentList');
    if (args) return { kind: 'call', callee: parts, args: this.argumentList(args), span };
    return { kind: 'path', parts, span };
  }
}

/** The one meaningful child of an OR-rule node (a clause wrapper or a primary). */
function onlyChild(node: CstNode, ignore: string[] = []): [string, CstNode | IToken | undefined] {
  const children = node.children as Children;
  for (const [key, elements] of Object.entries(children)) {
    if (ignore.includes(key) || !elements?.length) continue;
    const element = elements[0]!;
    if (isToken(element) && !isUsableToken(element)) continue;
    return [key, element as CstNode | IToken];
  }
  return ['', undefined];
}

function firstToken(node: CstNode): IToken | undefined {
  let best: IToken | undefined;
  for (const elements of Object.values(node.children as Children)) {
    for (const element of elements ?? []) {
      const candidate = isToken(element) ? element : firstToken(element);
      if (candidate && isUsableToken(candidate) && (!best || candidate.startOffset < best.startOffset)) best = candidate;
    }
  }
  return best;
}

function joinSpans(a: SourceSpan, b: SourceSpan): SourceSpan {
  return { file: a.file, start: a.start, end: b.end };
}

/** `"a\"b"` → `a"b`; single quotes work the same way. */
export function unquote(image: string): string {
  const quote = image[0];
  if ((quote !== '"' && quote !== "'") || image.length < 2) return image;
  return image.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c);
}
