/**
 * BoneScript expressions → TypeScript expressions. What a name means depends on where the
 * expression sits (an entity constraint reads the row being validated, a capability reads its
 * loaded rows and inputs), so the caller passes a resolver for references.
 */
import type { BoneExpr, BoneRefExpr } from '../ir.js';
import { propertyAccess, tsLiteral } from './names.js';
import { unwrapOptional } from './types.js';

export interface ExprContext {
  /** TypeScript for a reference (`listing.stock` → `listing.stock`, `quantity` → `input.quantity`). */
  ref(ref: BoneRefExpr): string;
  /** TypeScript for a call to something that is not a built-in (an extension point), or undefined. */
  call?(callee: string, args: string[]): string | undefined;
}

const BINARY: Record<string, string> = {
  '==': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', and: '&&', or: '||',
};

/** Built-ins the generated `lib/builtins.ts` provides. */
export const BUILTINS = new Set(['now', 'count', 'sum', 'min', 'max', 'abs', 'len', 'length', 'lower', 'upper', 'round', 'floor', 'ceil', 'uuid', 'days', 'hours', 'minutes', 'seconds']);

export function exprToTs(expr: BoneExpr, ctx: ExprContext): string {
  switch (expr.kind) {
    case 'literal':
      return expr.value === null ? 'null' : tsLiteral(expr.value);
    case 'ref':
      return ctx.ref(expr);
    case 'binary': {
      const left = exprToTs(expr.left, ctx);
      const right = exprToTs(expr.right, ctx);
      // Entity references compare by id: `order.buyer == buyer` holds when they are the same row.
      if ((expr.op === '==' || expr.op === '!=') && (isEntityValued(expr.left) || isEntityValued(expr.right))) {
        return `(idOf(${left}) ${BINARY[expr.op]} idOf(${right}))`;
      }
      // Timestamps are ISO strings; arithmetic on them is in milliseconds.
      if ((expr.op === '+' || expr.op === '-') && isTimestamp(expr.left) && !isTimestamp(expr.right)) {
        return `timestampPlus(${left}, ${expr.op === '-' ? `-(${right})` : right})`;
      }
      if (expr.op === '+' && isTimestamp(expr.right) && !isTimestamp(expr.left)) return `timestampPlus(${right}, ${left})`;
      if (expr.op === '-' && isTimestamp(expr.left) && isTimestamp(expr.right)) return `msBetween(${right}, ${left})`;
      return `(${left} ${BINARY[expr.op]} ${right})`;
    }
    case 'unary':
      return expr.op === 'not' ? `!(${exprToTs(expr.operand, ctx)})` : `(-${exprToTs(expr.operand, ctx)})`;
    case 'inList': {
      const test = `[${expr.items.map((i) => exprToTs(i, ctx)).join(', ')}].includes(${exprToTs(expr.operand, ctx)} as never)`;
      return expr.negated ? `!${test}` : test;
    }
    case 'inRange': {
      const operand = exprToTs(expr.operand, ctx);
      const test = `inRange(${operand}, ${exprToTs(expr.min, ctx)}, ${exprToTs(expr.max, ctx)})`;
      return expr.negated ? `!${test}` : test;
    }
    case 'contains':
      return `containsItem(${exprToTs(expr.collection, ctx)}, ${exprToTs(expr.element, ctx)})`;
    case 'length':
      return `lengthOf(${exprToTs(expr.operand, ctx)})`;
    case 'unique':
      // Uniqueness is a table-wide property: a UNIQUE index enforces it (a violation is a 409).
      return 'true';
    case 'call': {
      const args = expr.args.map((a) => exprToTs(a, ctx));
      const custom = ctx.call?.(expr.callee, args);
      if (custom !== undefined) return custom;
      return `builtins.${BUILTINS.has(expr.callee) ? expr.callee : 'unknown'}(${BUILTINS.has(expr.callee) ? '' : `${tsLiteral(expr.callee)}${args.length ? ', ' : ''}`}${args.join(', ')})`;
    }
    case 'list':
      return `[${expr.items.map((i) => exprToTs(i, ctx)).join(', ')}]`;
  }
}

function isTimestamp(expr: BoneExpr): boolean {
  const t = unwrapOptional(expr.type);
  return t.kind === 'scalar' && t.scalar === 'timestamp';
}

function isEntityValued(expr: BoneExpr): boolean {
  return unwrapOptional(expr.type).kind === 'entity';
}

/** `a.b.c` as a property chain on `root`. */
export function pathAccess(root: string, path: readonly string[]): string {
  return path.reduce((acc, part) => propertyAccess(acc, part), root);
}

/** Every reference in an expression, in source order. */
export function collectRefs(expr: BoneExpr, out: BoneRefExpr[] = []): BoneRefExpr[] {
  switch (expr.kind) {
    case 'ref':
      out.push(expr);
      break;
    case 'binary':
      collectRefs(expr.left, out);
      collectRefs(expr.right, out);
      break;
    case 'unary':
    case 'length':
    case 'unique':
      collectRefs(expr.operand, out);
      break;
    case 'inList':
      collectRefs(expr.operand, out);
      expr.items.forEach((i) => collectRefs(i, out));
      break;
    case 'inRange':
      collectRefs(expr.operand, out);
      collectRefs(expr.min, out);
      collectRefs(expr.max, out);
      break;
    case 'contains':
      collectRefs(expr.collection, out);
      collectRefs(expr.element, out);
      break;
    case 'call':
    case 'list':
      (expr.kind === 'call' ? expr.args : expr.items).forEach((a) => collectRefs(a, out));
      break;
    case 'literal':
      break;
  }
  return out;
}

export function containsKind(expr: BoneExpr, kind: BoneExpr['kind']): boolean {
  if (expr.kind === kind) return true;
  switch (expr.kind) {
    case 'binary':
      return containsKind(expr.left, kind) || containsKind(expr.right, kind);
    case 'unary':
    case 'length':
    case 'unique':
      return containsKind(expr.operand, kind);
    case 'inList':
      return containsKind(expr.operand, kind) || expr.items.some((i) => containsKind(i, kind));
    case 'inRange':
      return containsKind(expr.operand, kind) || containsKind(expr.min, kind) || containsKind(expr.max, kind);
    case 'contains':
      return containsKind(expr.collection, kind) || containsKind(expr.element, kind);
    case 'call':
      return expr.args.some((a) => containsKind(a, kind));
    case 'list':
      return expr.items.some((i) => containsKind(i, kind));
    default:
      return false;
  }
}
