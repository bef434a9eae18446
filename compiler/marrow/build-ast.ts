import type { CstElement, CstNode, IToken } from 'chevrotain';
import { mergeSpans, spanOfTokens, type DiagnosticBag, type SourceSpan } from '../common/index.js';
import type { ArgumentNode, BinaryOperator, DeclarationNode, Expr, FieldNode, MarrowFile, MemberNode, ParamNode, TargetNode, TypeNode } from './ast.js';
import { MS } from './diagnostics.js';
import { parseDuration } from '../common/index.js';

/**
 * The CST visitor: turns Chevrotain's concrete syntax tree into the AST. It tolerates the holes
 * error recovery leaves (missing tokens, partial nodes) because the parser already reported them.
 */
export function buildAst(cst: CstNode, file: string, source: string, diagnostics: DiagnosticBag): MarrowFile {
  const builder = new AstBuilder(file, diagnostics);
  const declarations = nodes(cst, 'declaration').map((n) => builder.declaration(n));
  const end = { offset: source.length, line: source.split('\n').length, column: 1 };
  return { file, source, declarations, span: { file, start: { offset: 0, line: 1, column: 1 }, end } };
}

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}
function nodes(n: CstNode, key: string): CstNode[] {
  return ((n.children[key] ?? []) as CstElement[]).filter((e): e is CstNode => !isToken(e));
}
function tokens(n: CstNode, key: string): IToken[] {
  return ((n.children[key] ?? []) as CstElement[]).filter((e): e is IToken => isToken(e) && !e.isInsertedInRecovery);
}
function first(n: CstNode, key: string): CstNode | undefined {
  return nodes(n, key)[0];
}
function startOf(e: CstElement): number {
  return isToken(e) ? e.startOffset : (e.location?.startOffset ?? Number.MAX_SAFE_INTEGER);
}
/** A node's children in source order; Chevrotain groups them by label. */
function ordered(n: CstNode, keys: string[]): CstElement[] {
  const out: CstElement[] = [];
  for (const key of keys) for (const e of (n.children[key] ?? []) as CstElement[]) {
    if (isToken(e) && e.isInsertedInRecovery) continue;
    out.push(e);
  }
  return out.sort((a, b) => startOf(a) - startOf(b));
}

function unquote(image: string): string {
  const closed = image.length >= 2 && image.endsWith(image[0]!);
  const body = closed ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

class AstBuilder {
  constructor(private readonly file: string, private readonly diagnostics: DiagnosticBag) {}

  span(n: CstNode): SourceSpan {
    const loc = n.location;
    if (!loc || Number.isNaN(loc.startOffset)) {
      return { file: this.file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
    }
    return {
      file: this.file,
      start: { offset: loc.startOffset, line: loc.startLine ?? 1, column: loc.startColumn ?? 1 },
      end: { offset: (loc.endOffset ?? loc.startOffset) + 1, line: loc.endLine ?? loc.startLine ?? 1, column: (loc.endColumn ?? loc.startColumn ?? 1) + 1 },
    };
  }

  tok(t: IToken): SourceSpan {
    return spanOfTokens(this.file, t);
  }

  declaration(n: CstNode): DeclarationNode {
    const kind = tokens(n, 'kind')[0];
    const name = tokens(n, 'name')[0];
    const paramList = first(n, 'paramList');
    const returns = first(n, 'returns');
    const block = first(n, 'block');
    const decl: DeclarationNode = {
      type: 'Declaration',
      kind: kind?.image ?? '',
      kindSpan: kind ? this.tok(kind) : this.span(n),
      members: block ? nodes(block, 'member').map((m) => this.member(m)).filter((m): m is MemberNode => m !== undefined) : [],
      skipped: first(n, 'rawBlock') !== undefined,
      span: this.span(n),
    };
    if (name) {
      decl.name = name.tokenType.name === 'StringLiteral' ? unquote(name.image) : name.image;
      decl.nameSpan = this.tok(name);
    }
    if (paramList) decl.params = nodes(paramList, 'param').map((p) => this.param(p));
    if (returns) decl.returns = this.typeExpr(returns);
    return decl;
  }

  member(n: CstNode): MemberNode | undefined {
    const field = first(n, 'field');
    if (field) return this.field(field);
    const colonless = first(n, 'fieldWithoutColon');
    if (colonless) {
      const out = this.field(colonless);
      this.diagnostics.report(MS.syntaxError, out.value.span, [`expected ':' after '${out.key}'`]);
      return out;
    }
    const target = first(n, 'target');
    if (target) return this.target(target);
    const decl = first(n, 'declaration');
    return decl ? this.declaration(decl) : undefined;
  }

  field(n: CstNode): FieldNode {
    const key = tokens(n, 'key')[0];
    const value = first(n, 'value');
    const target = first(n, 'target');
    const out: FieldNode = {
      type: 'Field',
      key: key?.image ?? '',
      keySpan: key ? this.tok(key) : this.span(n),
      value: value ? this.expression(value) : { type: 'Missing', span: this.span(n) },
      span: this.span(n),
    };
    if (target) out.target = this.target(target);
    return out;
  }

  target(n: CstNode): TargetNode {
    const name = tokens(n, 'name')[0];
    return { type: 'Target', name: name?.image ?? '', span: name ? this.tok(name) : this.span(n) };
  }

  param(n: CstNode): ParamNode {
    const name = tokens(n, 'name')[0];
    const typeNode = first(n, 'typeExpr');
    const span = this.span(n);
    return {
      name: name?.image ?? '',
      nameSpan: name ? this.tok(name) : span,
      typeNode: typeNode ? this.typeExpr(typeNode) : { type: 'NamedType', name: 'string', literals: [], args: [], optional: false, span },
      span,
    };
  }

  typeExpr(n: CstNode): TypeNode {
    const optional = tokens(n, 'Question').length > 0;
    const named = first(n, 'namedType');
    if (named) {
      const name = tokens(named, 'name')[0];
      return {
        type: 'NamedType',
        name: name?.image ?? 'string',
        literals: tokens(named, 'literal').map((t) =>
          t.tokenType.name === 'StringLiteral' ? unquote(t.image) : t.tokenType.name === 'NumberLiteral' ? Number(t.image) : t.image),
        args: nodes(named, 'typeArg').map((a) => this.typeExpr(a)),
        optional,
        span: this.span(n),
      };
    }
    const record = first(n, 'recordType');
    return { type: 'RecordType', fields: record ? nodes(record, 'recordField').map((p) => this.param(p)) : [], optional, span: this.span(n) };
  }

  /** Left-associative chains: operand (operator operand)*, in source order. */
  chain(n: CstNode, next: (c: CstNode) => Expr): Expr {
    const parts = ordered(n, ['operand', 'operator']);
    let left: Expr | undefined;
    let op: string | undefined;
    for (const part of parts) {
      if (isToken(part)) {
        op = part.image;
        continue;
      }
      const right = next(part);
      if (left === undefined) left = right;
      else left = { type: 'Binary', operator: normaliseOperator(op ?? '+'), left, right, span: mergeSpans(left.span, right.span) };
    }
    return left ?? { type: 'Missing', span: this.span(n) };
  }

  expression(n: CstNode): Expr {
    return this.chain(n, (c) => this.chain(c, (a) => this.notExpr(a)));
  }

  notExpr(n: CstNode): Expr {
    const operator = tokens(n, 'operator')[0];
    const operand = first(n, 'operand');
    if (!operand) return { type: 'Missing', span: this.span(n) };
    if (operator) return { type: 'Unary', operator: 'not', operand: this.notExpr(operand), span: this.span(n) };
    return this.chain(operand, (a) => this.chain(a, (m) => this.chain(m, (u) => this.unary(u))));
  }

  unary(n: CstNode): Expr {
    const operator = tokens(n, 'operator')[0];
    const operand = first(n, 'operand');
    if (!operand) return { type: 'Missing', span: this.span(n) };
    if (operator) {
      const inner = this.unary(operand);
      // Fold signs into number literals so `-0.15` stays a constant.
      if (inner.type === 'Number') return { ...inner, value: operator.image === '-' ? -inner.value : inner.value, span: this.span(n) };
      return { type: 'Unary', operator: operator.image === '-' ? '-' : '+', operand: inner, span: this.span(n) };
    }
    return this.postfix(operand);
  }

  postfix(n: CstNode): Expr {
    const primary = first(n, 'primary');
    let expr: Expr = primary ? this.primary(primary) : { type: 'Missing', span: this.span(n) };
    for (const part of ordered(n, ['property', 'argumentList'])) {
      if (isToken(part)) {
        const propertySpan = this.tok(part);
        expr = { type: 'Member', object: expr, property: part.image, propertySpan, span: mergeSpans(expr.span, propertySpan) };
      } else {
        const args = nodes(part, 'argument').map((a) => this.argument(a));
        expr = { type: 'Call', callee: expr, args, span: mergeSpans(expr.span, this.span(part)) };
      }
    }
    const unit = tokens(n, 'unit')[0];
    if (unit) {
      const unitSpan = this.tok(unit);
      expr = { type: 'Sized', value: expr, unit: unit.image, unitSpan, span: mergeSpans(expr.span, unitSpan) };
    }
    return expr;
  }

  argument(n: CstNode): ArgumentNode {
    const name = tokens(n, 'name')[0];
    const value = first(n, 'value');
    const span = this.span(n);
    const arg: ArgumentNode = { value: value ? this.expression(value) : { type: 'Missing', span }, span };
    if (name) {
      arg.name = name.image;
      arg.nameSpan = this.tok(name);
    }
    return arg;
  }

  primary(n: CstNode): Expr {
    const span = this.span(n);
    const inner = first(n, 'inner');
    if (inner) return this.expression(inner);
    const list = first(n, 'listLiteral');
    if (list) return { type: 'List', items: nodes(list, 'item').map((i) => this.expression(i)), span };
    const object = first(n, 'objectLiteral');
    if (object) return { type: 'Object', entries: nodes(object, 'entry').map((e) => this.field(e)), span };
    const token = ordered(n, Object.keys(n.children)).find(isToken);
    if (!token) return { type: 'Missing', span };
    switch (token.tokenType.name) {
      case 'NumberLiteral':
        return { type: 'Number', value: Number(token.image), span };
      case 'Duration':
        return { type: 'Duration', ms: parseDuration(token.image) ?? 0, text: token.image, span };
      case 'Percent':
        return { type: 'Percent', value: Number(token.image.slice(0, -1)) / 100, text: token.image, span };
      case 'StringLiteral':
        return { type: 'String', value: unquote(token.image), span };
      case 'RegexLiteral': {
        const slash = token.image.lastIndexOf('/');
        const pattern = token.image.slice(1, slash);
        const flags = token.image.slice(slash + 1);
        try {
          new RegExp(pattern, flags);
        } catch (err) {
          this.diagnostics.report(MS.invalidRegex, span, [(err as Error).message]);
        }
        return { type: 'Regex', pattern, flags, span };
      }
      case 'True':
        return { type: 'Bool', value: true, span };
      case 'False':
        return { type: 'Bool', value: false, span };
      case 'Null':
        return { type: 'Null', span };
      default:
        return { type: 'Name', name: token.image, span };
    }
  }
}

function normaliseOperator(op: string): BinaryOperator {
  if (op === '&&') return 'and';
  if (op === '||') return 'or';
  return op as BinaryOperator;
}
