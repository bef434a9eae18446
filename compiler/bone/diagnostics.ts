/**
 * The BoneScript diagnostics catalogue: every problem the front end reports, with a stable code.
 * Codes are never reused or renumbered; docs/bonescript.md lists each with an example.
 *   BS001–BS019  lexing and syntax
 *   BS020–BS029  duplicate and reserved names
 *   BS030–BS039  unknown references
 *   BS040–BS059  types
 *   BS060–BS069  state machines
 *   BS070–BS079  relations
 *   BS080–BS089  clause values
 *   BS090–BS099  constraints
 *   BS100–BS119  events, flows, extension points, imports
 *   BS900        the compiler itself failed (a bug: never expected)
 */
import type { DiagnosticTemplate } from '../common/index.js';

function error(code: string, message: string): DiagnosticTemplate {
  return { code, severity: 'error', message };
}
function warning(code: string, message: string): DiagnosticTemplate {
  return { code, severity: 'warning', message };
}

export const BoneDiagnostics = {
  // Lexing and syntax
  UnexpectedCharacter: error('BS001', "unexpected character '{0}'"),
  UnterminatedString: error('BS002', 'unterminated string: add the closing {0}'),
  UnterminatedComment: error('BS003', "unterminated comment: '/*' has no closing '*/'"),
  ExpectedToken: error('BS004', 'expected {0} but found {1}'),
  UnexpectedToken: error('BS005', 'unexpected {0} {1}; expected {2}'),
  TrailingInput: error('BS006', 'unexpected {0} after the end of the system'),
  MissingSystem: error('BS007', "no 'system' declaration: a .bone file describes one system, e.g. `system Shop { … }`"),
  MultipleSystems: error('BS008', "more than one 'system' in one file: '{0}' is already declared at line {1}"),
  FileNotReadable: error('BS009', 'cannot read {0}: {1}'),
  UnknownClause: error('BS010', "unknown clause '{0}' in {1}{2}; expected {3}"),
  ExpectedExpression: error('BS011', 'expected an expression but found {0}'),
  UnclosedList: error('BS014', "'{1}' starts a new clause, but the list before it is still open: add {0} before it"),
  UnclosedDeclaration: error('BS015', "'{0}' starts a new declaration, but {1} before it is still open: add '}' before it"),
  ReservedWord: error('BS013', "'{0}' is a reserved word and cannot be used as a name: rename it (e.g. '{0}_')"),
  Placeholder: warning('BS012', "placeholder '{0}' is ignored: write the declarations it stands for"),

  // Duplicate and reserved names
  DuplicateDeclaration: error('BS020', "duplicate name '{0}': {1} with this name is declared at line {2}"),
  DuplicateField: error('BS021', "duplicate field '{0}' in {1} (first declared at line {2})"),
  DuplicateClause: error('BS022', "duplicate clause '{0}' in {1} (first at line {2})"),
  ReservedField: error('BS023', "field name '{0}' is reserved: every entity gets '{0}'{1} automatically"),
  DuplicateParameter: error('BS024', "duplicate parameter '{0}' in {1}"),

  // Unknown references
  UnknownType: error('BS030', "unknown type '{0}'{1}"),
  UnknownEntity: error('BS031', "unknown entity '{0}'{1}"),
  UnknownField: error('BS032', "entity '{0}' has no field '{1}'{2}"),
  UnknownName: error('BS033', "unknown name '{0}'{1}"),
  UnknownEvent: error('BS034', "'{0}' emits undeclared event '{1}'{2}"),
  UnknownCapability: error('BS035', "flow '{0}' calls unknown capability '{1}'{2}"),
  WrongArgumentCount: error('BS036', "'{0}' takes {1} argument(s) but is given {2}"),
  UnknownMember: error('BS037', "'{0}' has no member '{1}'{2}"),
  UnknownFunction: error('BS038', "unknown function '{0}'{1}"),
  ReadThroughRelation: error('BS039', "cannot read through relation '{0}' in an expression{1}"),

  // Types
  TypeMismatch: error('BS040', "cannot compare {0} with {1} using '{2}'"),
  NotNumeric: error('BS041', "operator '{0}' needs numbers, but {1} is {2}"),
  EffectOnNonNumeric: error('BS042', "'{0}' needs a numeric field, but '{1}' is {2}"),
  EffectValueMismatch: error('BS043', "cannot assign {0} to '{1}', which is {2}"),
  NotBoolean: error('BS044', 'a condition must be true or false, but this is {0}'),
  LengthOfNonCollection: error('BS045', "'.length' needs a string or a collection, but '{0}' is {1}"),
  BadGenericArity: error('BS046', "'{0}' takes {1} type argument(s): write {2}"),
  DefaultMismatch: error('BS047', "default value {0} does not fit field '{1}', which is {2}"),
  BadEffectTarget: error('BS048', "effect target '{0}' must be a field of an entity parameter, e.g. 'listing.stock'"),
  AppendOnNonList: error('BS049', "'append' needs a list or set field, but '{0}' is {1}"),
  NegativeUint: error('BS050', "'{0}' is a uint and cannot be negative ({1})"),
  BadLogicalOperand: error('BS051', "'{0}' needs true/false operands, but this is {1}"),
  InListMismatch: error('BS052', "'in' list item {0} does not match {1}"),

  // State machines
  UnknownState: error('BS060', "entity '{0}' has no state '{1}'{2}"),
  UnreachableState: error('BS061', "state '{0}' of entity '{1}' can never be reached from the initial state '{2}'"),
  NoStateMachine: error('BS062', "entity '{0}' has no 'states' clause, so it has no '{1}' to read or set"),
  DuplicateTransition: warning('BS063', "transition {0} -> {1} is declared twice"),
  UnusedGuard: warning('BS066', "this guard is never checked: no transition in this chain leads into '{0}' (a guard applies to the transitions into its state)"),
  NoTransitionInto: error('BS064', "no transition of entity '{0}' leads to state '{1}', so this effect can never succeed"),
  NoTransitionFrom: error('BS065', "entity '{0}' cannot move from '{1}' to '{2}': no such transition, so this capability would always be refused"),

  // Relations
  RelationToUnknownEntity: error('BS070', "relation '{0}' points to unknown entity '{1}'{2}"),
  UnknownRelationKind: error('BS071', "unknown relation kind '{0}'{1}: use has_one, has_many, belongs_to or many_to_many"),
  BadCardinality: error('BS072', 'cardinality [{0}..{1}] is empty: the minimum is larger than the maximum'),
  ForeignKeyType: error('BS073', "foreign key '{0}' of relation '{1}' must be uuid, but it is {2}"),
  OwnerFieldType: error('BS074', "owner field '{0}' of entity '{1}' must hold a caller id (uuid or an entity reference), but it is {2}"),

  // Clause values
  InvalidOption: error('BS080', "'{1}' is not a valid {0}{2}: use {3}"),
  ExpectedDuration: error('BS081', "'{0}' needs a duration such as 30s, 5m or 100ms, not {1}"),
  ExpectedCount: error('BS082', "'{0}' needs a whole number of at least {1}, not {2}"),
  ExpectedBoolean: error('BS083', "'{0}' needs true or false, not {1}"),
  UnknownSetting: error('BS084', "unknown setting '{0}' in {1}{2}"),
  StoreFieldUnknown: error('BS085', "store '{0}' partitions by '{1}', which is not in its schema"),

  // Constraints
  EmptyRange: error('BS090', 'range {0}..{1} is empty: nothing can satisfy it'),
  ConstraintWithoutEntity: error('BS091', "global constraint '{0}' must read at least one entity field, e.g. 'Listing.price <= 1000'"),
  ImpossibleComparison: error('BS092', "'{0}' can never hold: {1}"),

  // Events, flows, extension points, imports
  EmptyFlow: error('BS100', "flow '{0}' has no steps"),
  UnknownCompensation: error('BS101', "step '{0}' compensates with unknown capability '{1}'{2}"),
  StableExtensionNotImplemented: error('BS102', "stable extension point '{0}' is not implemented: give it 'default: <value>' or 'implementation: \"path/to/{0}.ts\"'"),
  ImplementationMissing: error('BS103', "implementation file '{0}' of extension point '{1}' does not exist"),
  StableExtensionWithoutReturns: error('BS104', "stable extension point '{0}' must declare 'returns: <type>'"),
  FlowVariableConflict: error('BS105', "saga variable '{0}' is {1} for '{2}' but {3} for '{4}'"),
  ArgumentMismatch: error('BS106', "argument {0} does not fit parameter '{2}' of '{1}', which is {3}"),
  ImportNotFound: error('BS110', "cannot import from '{0}': {1}"),
  ImportedNameMissing: error('BS111', "'{0}' does not declare '{1}'{2}"),
  ImportCycle: warning('BS112', "'{0}' is already being imported (import cycle); its declarations are included once"),

  // The compiler itself
  InternalError: error('BS900', 'internal compiler error: {0} — please report this with the .bone file'),
} as const;

export type BoneDiagnosticName = keyof typeof BoneDiagnostics;

/** All templates, for docs and the "one test per code" check. */
export const BONE_DIAGNOSTIC_CODES: readonly string[] = Object.values(BoneDiagnostics).map((t) => t.code);
