import type { SourceSpan } from '../common/index.js';

/**
 * The MarrowScript syntax tree, independent of Chevrotain's CST. Declarations are generic here
 * (kind, name, params, return type, members); bind.ts gives each kind its meaning.
 */

export interface MarrowFile {
  file: string;
  source: string;
  declarations: DeclarationNode[];
  span: SourceSpan;
}

export interface DeclarationNode {
  type: 'Declaration';
  kind: string;
  kindSpan: SourceSpan;
  name?: string;
  nameSpan?: SourceSpan;
  params?: ParamNode[];
  returns?: TypeNode;
  members: MemberNode[];
  /** Backend (BoneScript) declarations are recognised and their body skipped. */
  skipped: boolean;
  span: SourceSpan;
}

export type MemberNode = FieldNode | TargetNode | DeclarationNode;

export interface FieldNode {
  type: 'Field';
  key: string;
  keySpan: SourceSpan;
  value: Expr;
  /** `max: 0.3 -> local` in a router tier. */
  target?: TargetNode;
  span: SourceSpan;
}

export interface TargetNode {
  type: 'Target';
  name: string;
  span: SourceSpan;
}

export interface ParamNode {
  name: string;
  nameSpan: SourceSpan;
  typeNode: TypeNode;
  span: SourceSpan;
}

export type TypeNode =
  | { type: 'NamedType'; name: string; literals: Array<string | number>; args: TypeNode[]; optional: boolean; span: SourceSpan }
  | { type: 'RecordType'; fields: ParamNode[]; optional: boolean; span: SourceSpan };

export type Expr =
  | { type: 'Number'; value: number; span: SourceSpan }
  | { type: 'String'; value: string; span: SourceSpan }
  | { type: 'Bool'; value: boolean; span: SourceSpan }
  | { type: 'Null'; span: SourceSpan }
  | { type: 'Duration'; ms: number; text: string; span: SourceSpan }
  /** `80%` is stored as the fraction 0.8. */
  | { type: 'Percent'; value: number; text: string; span: SourceSpan }
  | { type: 'Regex'; pattern: string; flags: string; span: SourceSpan }
  | { type: 'Name'; name: string; span: SourceSpan }
  | { type: 'Member'; object: Expr; property: string; propertySpan: SourceSpan; span: SourceSpan }
  | { type: 'Call'; callee: Expr; args: ArgumentNode[]; span: SourceSpan }
  /** A value with a unit word: `4000 chars`, `env("X", 2000) tokens`. */
  | { type: 'Sized'; value: Expr; unit: string; unitSpan: SourceSpan; span: SourceSpan }
  | { type: 'Unary'; operator: 'not' | '-' | '+'; operand: Expr; span: SourceSpan }
  | { type: 'Binary'; operator: BinaryOperator; left: Expr; right: Expr; span: SourceSpan }
  | { type: 'List'; items: Expr[]; span: SourceSpan }
  | { type: 'Object'; entries: FieldNode[]; span: SourceSpan }
  /** What recovery leaves where an expression was missing; the parser already reported it. */
  | { type: 'Missing'; span: SourceSpan };

export type BinaryOperator = 'or' | 'and' | '<' | '>' | '<=' | '>=' | '==' | '!=' | '+' | '-' | '*' | '/';

export interface ArgumentNode {
  name?: string;
  nameSpan?: SourceSpan;
  value: Expr;
  span: SourceSpan;
}

/** `a.b.c` as a dotted path, or undefined when the expression is not a plain path. */
export function pathOf(expr: Expr): string | undefined {
  if (expr.type === 'Name') return expr.name;
  if (expr.type === 'Member') {
    const head = pathOf(expr.object);
    return head === undefined ? undefined : `${head}.${expr.property}`;
  }
  return undefined;
}
