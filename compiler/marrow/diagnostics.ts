import type { DiagnosticTemplate } from '../common/index.js';

/**
 * Every MarrowScript diagnostic, in one catalogue (the TypeScript compiler's
 * diagnosticMessages.json, in small). Codes are stable: docs/marrowscript.md lists them and
 * tests match on them. MS0xx syntax, MS01x–MS02x names, MS03x types and values, MS04x structure.
 */
function d(code: string, severity: DiagnosticTemplate['severity'], message: string): DiagnosticTemplate {
  return { code, severity, message };
}

export const MS = {
  // Syntax
  unexpectedCharacter: d('MS001', 'error', "unexpected character '{0}'"),
  syntaxError: d('MS002', 'error', '{0}'),
  unterminatedString: d('MS003', 'error', 'unterminated string'),
  invalidRegex: d('MS004', 'error', 'invalid regular expression: {0}'),
  nestedTooDeep: d('MS005', 'error', "brackets nested more than {0} deep here; the rest of the file was not read"),

  // Declarations and names
  unknownDeclarationKind: d('MS010', 'error', "unknown declaration '{0}'{1}"),
  backendDeclaration: d('MS011', 'warning', "'{0}' is a backend declaration and belongs in a BoneScript (.bone) file; skipped"),
  unknownFact: d('MS012', 'error', "unknown fact '{0}'{1}"),
  unknownField: d('MS013', 'error', "unknown field '{0}' in {1}{2}"),
  duplicateDeclaration: d('MS014', 'error', "duplicate {0} '{1}' (first declared at line {2})"),
  duplicateField: d('MS015', 'error', "duplicate field '{0}'"),
  missingField: d('MS016', 'error', "{0} needs a '{1}' field"),
  missingName: d('MS017', 'error', '{0} needs a name'),
  unexpectedName: d('MS018', 'error', "{0} takes no name ('{1}')"),
  misplacedDeclaration: d('MS019', 'error', "'{0}' cannot be declared inside {1}"),
  unknownModel: d('MS020', 'error', "unknown model '{0}'{1}"),
  unknownPrompt: d('MS021', 'error', "unknown prompt '{0}'{1}"),
  templateNotFound: d('MS022', 'error', "template '{0}' not found (looked for {1})"),
  unknownTool: d('MS023', 'warning', "unknown tool '{0}'{1}"),
  unknownRouter: d('MS024', 'error', "unknown router '{0}'{1}"),
  unknownValidator: d('MS025', 'error', "unknown validator '{0}'{1}"),
  unknownAction: d('MS026', 'error', "unknown guard action '{0}'{1}"),
  unknownEvent: d('MS027', 'error', "unknown guard event '{0}'{1}"),
  unknownHeuristic: d('MS028', 'error', "no heuristic is registered for prompt '{0}' (registered: {1})"),
  unknownParameter: d('MS029', 'error', "unknown parameter '{0}'{1}"),

  // Types and values
  typeMismatch: d('MS030', 'error', 'expected {0}, found {1}'),
  badArguments: d('MS031', 'error', '{0}'),
  cacheKeyReadsNoParameter: d('MS032', 'error', "cache key of '{0}' reads no parameter, so every call would share one entry"),
  tiersNotAscending: d('MS033', 'error', "router tiers must ascend: tier '{0}' (max {1}) is not above tier '{2}' (max {3})"),
  tierWithoutMax: d('MS034', 'error', "only the last tier may omit 'max' (tier '{0}')"),
  outOfRange: d('MS035', 'error', '{0} is out of range: {1}'),
  expectedDuration: d('MS036', 'error', "expected a duration such as 300ms, 3s, 10m or 1h for '{0}', found {1}"),
  expectedSize: d('MS037', 'error', "expected a size in {0} (e.g. '4000 {0}') for '{1}', found {2}"),
  expectedPercentage: d('MS038', 'error', "expected a percentage such as 80% for '{0}', found {1}"),
  unknownType: d('MS039', 'error', "unknown type '{0}'{1}"),
  factNotOnEvent: d('MS040', 'error', "fact '{0}' is not available on '{1}' (it is published on: {2})"),
  envMisuse: d('MS041', 'error', '{0}'),
  unknownStrategy: d('MS042', 'error', "unknown on_invalid strategy '{0}'{1}"),
  modelAndRouter: d('MS043', 'error', "prompt '{0}' names both a model and a router; choose one"),
  signatureMismatch: d('MS045', 'error', '{0}'),
  unreachableStrategy: d('MS046', 'warning', "on_invalid strategy '{0}' can never run: '{1}' before it always ends the call"),
  noModels: d('MS047', 'warning', 'no model is declared; prompts cannot run'),
  unknownDefaultModel: d('MS048', 'error', "unknown default_model '{0}'{1}"),
  unknownPlanStep: d('MS049', 'error', "unknown step validation '{0}'{1}"),

  templateVariable: d('MS051', 'warning', "template '{0}' uses '{{{1}}}', which prompt '{2}' does not provide{3}"),

  // Loading (reported by runtime/cognition/loader.ts)
  layerLoadFailed: d('MS050', 'error', 'cannot load the compiled layer: {0}'),
} as const satisfies Record<string, DiagnosticTemplate>;

export type MarrowDiagnosticKey = keyof typeof MS;
