/**
 * Shapes shared by compiled layers, the runtime and (as types only) the compiler. Compiled
 * `.marrow` modules are plain data plus small functions in these shapes.
 */

/** A declared type, as data: drives output validation and the prompt's format instructions. */
export type TypeRef =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'list'; item: TypeRef }
  | { kind: 'record'; fields: Array<{ name: string; type: TypeRef }> }
  | { kind: 'optional'; inner: TypeRef };

export type FactType = 'int' | 'float' | 'string' | 'bool' | 'regex';

export type GuardEvent = 'turn' | 'tool_call' | 'tool_result' | 'reply' | 'plan';

export interface FactParam {
  name: string;
  type: FactType;
  /** Positional parameters come first; option parameters go in one trailing options object. */
  passing: 'positional' | 'option';
  required: boolean;
}

export interface FactSpec {
  /** Dotted name as written in a guard: `session.failure_rate`, `calls.identical`. */
  name: string;
  type: FactType;
  doc: string;
  /** Present when the fact is called: `calls.identical(window: 6)`. */
  params?: FactParam[];
  /** Events on which the fact has a value; absent = every event. */
  events?: GuardEvent[];
}

export interface ActionSpec {
  name: string;
  doc: string;
  params: Array<{ name: string; type: 'string' | 'template' | 'tool' | 'int' }>;
}

/** A guard's resolved action, as emitted: `steer("repetition")` → { name: 'steer', args: ['repetition'] }. */
export interface GuardAction {
  name: string;
  args: Array<string | number>;
}

/** Where a declaration came from, for traces and `/cognition`: `agents/core.marrow:42`. */
export type SourceLocation = string;
