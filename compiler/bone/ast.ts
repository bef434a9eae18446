/**
 * The BoneScript AST: what the user wrote, with a span on every node, before any name is
 * resolved. Clauses the parser could not read (error recovery) are simply absent.
 */
import type { SourceSpan } from '../common/index.js';

export interface Name {
  text: string;
  span: SourceSpan;
}

export interface TypeRef {
  name: Name;
  args: TypeRef[];
  /** `string?` */
  optionalSuffix: boolean;
  span: SourceSpan;
}

// ─── Expressions ────────────────────────────────────────────────────────────────────────────

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | 'and' | 'or' | 'contains';

export type Expr =
  | { kind: 'number'; value: number; isFloat: boolean; span: SourceSpan }
  | { kind: 'duration'; ms: number; span: SourceSpan }
  | { kind: 'string'; value: string; span: SourceSpan }
  | { kind: 'bool'; value: boolean; span: SourceSpan }
  | { kind: 'null'; span: SourceSpan }
  /** `a.b.c` — a name with member accesses, resolved by the checker. */
  | { kind: 'path'; parts: Name[]; span: SourceSpan }
  /** `now()`, `tags.append(x)` — callee is the dotted path before the parentheses. */
  | { kind: 'call'; callee: Name[]; args: Expr[]; span: SourceSpan }
  | { kind: 'list'; items: Expr[]; span: SourceSpan }
  | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr; span: SourceSpan }
  | { kind: 'unary'; op: 'not' | '-'; operand: Expr; span: SourceSpan }
  /** `x in [..]`, `x in other`, `x in 1..10`, `x not in …` */
  | { kind: 'in'; operand: Expr; target: Expr; rangeEnd?: Expr; negated: boolean; span: SourceSpan }
  /** A hole left by error recovery; the checker ignores it (the syntax error is already reported). */
  | { kind: 'missing'; span: SourceSpan };

// ─── Declarations ───────────────────────────────────────────────────────────────────────────

export interface Annotation {
  name: Name;
  args: Expr[];
  span: SourceSpan;
}

export interface FieldDecl {
  name: Name;
  type: TypeRef;
  default?: Expr;
  annotations: Annotation[];
  span: SourceSpan;
}

export interface Param {
  name: Name;
  type: TypeRef;
  span: SourceSpan;
}

/** A clause keyword as written, to find duplicates (`owns:` twice). */
export interface ClauseMark {
  keyword: string;
  span: SourceSpan;
}

/** `key: value` where the value is one expression (`ttl: 30d`, `engine: postgresql`). */
export interface OptionClause {
  key: Name;
  value: Expr;
  span: SourceSpan;
}

export interface StateRef {
  name: Name;
  guard?: Expr;
}

/** `a | b -> c -> d | e`: groups joined by arrows; every member of a group goes to every member of the next. */
export interface StateChain {
  groups: StateRef[][];
  span: SourceSpan;
}

export interface RelationDecl {
  name: Name;
  kind: Name;
  target: Name;
  cardinality?: { min: number | '*'; max: number | '*'; span: SourceSpan };
  span: SourceSpan;
}

export interface IndexDecl {
  fields: Name[];
  span: SourceSpan;
}

export interface DerivedDecl {
  name: Name;
  /** `derived total: uint = a * b` → type `uint`; `derived total: a * b` → no type. */
  type?: Name;
  expr: Expr;
  span: SourceSpan;
}

export interface EntityDecl {
  kind: 'entity';
  name: Name;
  clauses: ClauseMark[];
  fields: FieldDecl[];
  constraints: Expr[];
  states: StateChain[];
  statesSpan?: SourceSpan;
  auth?: Name;
  /** `owner: field` / `owner: [a, b]`: the fields holding the id of the caller a row belongs to. */
  owner?: Name[];
  relations: RelationDecl[];
  indexes: IndexDecl[];
  derived: DerivedDecl[];
  span: SourceSpan;
}

export interface Setting {
  key: Name;
  value: Expr | SettingsBlock;
  span: SourceSpan;
}

export interface SettingsBlock {
  kind: 'settings';
  settings: Setting[];
  span: SourceSpan;
}

export interface EffectDecl {
  target: Expr;
  /** Absent for the method form `tags.append(x)`; the checker reads it from the call. */
  op?: '=' | '+=' | '-=' | '<<=';
  value?: Expr;
  span: SourceSpan;
}

export interface CallSite {
  callee: Name;
  args: Expr[];
  span: SourceSpan;
}

export interface EmitDecl {
  event: Name;
  args: Expr[];
  span: SourceSpan;
}

export interface PipelineDecl {
  parallel: boolean;
  steps: Array<{ call: CallSite; as?: Name; span: SourceSpan }>;
  onError?: { action: Name; args: Expr[]; span: SourceSpan };
  span: SourceSpan;
}

export interface CapabilityDecl {
  kind: 'capability';
  name: Name;
  params: Param[];
  clauses: ClauseMark[];
  requires: Expr[];
  effects: EffectDecl[];
  emits: EmitDecl[];
  sync?: Name;
  timeout?: Expr;
  retry?: SettingsBlock | Expr;
  idempotent?: Expr;
  pipeline?: PipelineDecl;
  algorithm?: { name: Name; using?: SettingsBlock; span: SourceSpan };
  returns?: TypeRef;
  span: SourceSpan;
}

export interface EventDecl {
  kind: 'event';
  name: Name;
  clauses: ClauseMark[];
  payload: FieldDecl[];
  options: OptionClause[];
  span: SourceSpan;
}

export interface StoreDecl {
  kind: 'store';
  name: Name;
  clauses: ClauseMark[];
  schema: FieldDecl[];
  options: OptionClause[];
  span: SourceSpan;
}

export interface ChannelDecl {
  kind: 'channel';
  name: Name;
  clauses: ClauseMark[];
  participants?: TypeRef;
  options: OptionClause[];
  span: SourceSpan;
}

export interface PolicyDecl {
  kind: 'policy';
  name: Name;
  clauses: ClauseMark[];
  rateLimit?: { count: Expr; window: Expr; span: SourceSpan };
  access?: Name[];
  appliesTo?: Name[];
  options: OptionClause[];
  span: SourceSpan;
}

export interface FlowStepDecl {
  name: Name;
  call: CallSite;
  compensate?: CallSite;
  span: SourceSpan;
}

export interface FlowDecl {
  kind: 'flow';
  name: Name;
  steps: FlowStepDecl[];
  span: SourceSpan;
}

export interface ConstraintDecl {
  kind: 'constraint';
  name: Name;
  expr: Expr;
  span: SourceSpan;
}

export interface ExtensionPointDecl {
  kind: 'extension_point';
  name: Name;
  params: Param[];
  clauses: ClauseMark[];
  returns?: TypeRef;
  options: OptionClause[];
  span: SourceSpan;
}

export interface ImportDecl {
  kind: 'import';
  /** Empty with `all` set for `import * from "…"`. */
  names: Name[];
  all: boolean;
  from: { value: string; span: SourceSpan };
  span: SourceSpan;
}

export type Declaration =
  | EntityDecl
  | CapabilityDecl
  | EventDecl
  | StoreDecl
  | ChannelDecl
  | PolicyDecl
  | FlowDecl
  | ConstraintDecl
  | ExtensionPointDecl
  | ImportDecl;

export interface SystemDecl {
  name: Name;
  domain?: Name;
  declarations: Declaration[];
  span: SourceSpan;
}

export interface BoneFile {
  file: string;
  systems: SystemDecl[];
  /** Imports written outside the system block. */
  imports: ImportDecl[];
  span: SourceSpan;
}
