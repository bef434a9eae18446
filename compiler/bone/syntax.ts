/**
 * Stages 1–2 together: source → tokens → CST → AST, with every lexical and syntax error turned
 * into a catalogue diagnostic at the offending token.
 */
import type { IToken } from 'chevrotain';
import { closestNames, DiagnosticBag, positionAt, spanOfTokens, type SourceSpan } from '../common/index.js';
import type { BoneFile } from './ast.js';
import { buildAst } from './ast-builder.js';
import { BoneDiagnostics } from './diagnostics.js';
import { lex } from './lexer.js';
import { parseTokens, type SyntaxError } from './parser.js';

export function parseBone(source: string, file: string, diagnostics: DiagnosticBag): BoneFile {
  const { tokens } = lex(source, file, diagnostics);
  const { cst, errors } = parseTokens(tokens);
  // One syntax error per line: recovery often trips again right after the first mistake.
  let lastLine = -1;
  for (const error of errors) {
    const line = Number.isFinite(error.token.startOffset) ? error.token.startLine ?? -1 : Number.MAX_SAFE_INTEGER;
    if (line === lastLine) continue;
    lastLine = line;
    reportSyntaxError(error, source, file, tokens, diagnostics);
  }
  return buildAst(cst, file);
}

/** The clauses each declaration accepts, for "unknown clause" messages. */
const CLAUSES_BY_RULE: Record<string, { place: string; clauses: string[] }> = {
  systemDecl: { place: 'the system', clauses: ['domain', 'entity', 'capability', 'event', 'store', 'channel', 'policy', 'flow', 'constraint', 'import', 'extension_point'] },
  entityDecl: { place: 'an entity', clauses: ['owns', 'constraints', 'states', 'auth', 'owner', 'relation', 'index', 'derived'] },
  capabilityDecl: { place: 'a capability', clauses: ['requires', 'effects', 'emits', 'sync', 'timeout', 'retry', 'idempotent', 'pipeline', 'parallel', 'algorithm', 'returns'] },
  eventDecl: { place: 'an event', clauses: ['payload', 'delivery', 'ttl'] },
  storeDecl: { place: 'a store', clauses: ['engine', 'schema', 'partition', 'replicas', 'retention'] },
  channelDecl: { place: 'a channel', clauses: ['transport', 'ordering', 'participants', 'persistence', 'filter', 'max_size'] },
  policyDecl: { place: 'a policy', clauses: ['rate_limit', 'access', 'audit', 'encryption', 'applies_to', 'crud'] },
  flowDecl: { place: 'a flow', clauses: ['step'] },
  extensionPointDecl: { place: 'an extension point', clauses: ['returns', 'stable', 'default', 'implementation', 'language'] },
};

const DECLARATION_KEYWORDS = new Set(CLAUSES_BY_RULE.systemDecl!.clauses.filter((c) => c !== 'domain'));

const ALL_CLAUSES = new Set(Object.values(CLAUSES_BY_RULE).flatMap((d) => d.clauses));

/** Where an error happened, for "unexpected X in …" messages. */
const PLACE_BY_RULE: Record<string, string> = {
  statesClause: "after 'states:'", stateChain: 'in a state chain', stateGroup: 'in a state chain', stateRef: 'in a state chain',
  emitsClause: "after 'emits:'", effectsClause: "after 'effects:'", effect: 'in an effect', derivedClause: "after 'derived'",
  retryClause: "after 'retry:'", setting: 'in a setting', settingsBlock: 'in a settings block', importDecl: 'in an import',
  cardinality: 'in a cardinality', cardinalityBound: 'in a cardinality', pipelineItem: 'in a pipeline', typeRef: 'in a type',
  fieldBlock: 'in a field list', domainClause: "after 'domain:'", file: 'at the top level',
};

const RESERVED_WORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'in', 'contains']);

const EXPRESSION_RULES = new Set(['expression', 'orExpression', 'andExpression', 'notExpression', 'comparison', 'additive', 'multiplicative', 'unary', 'primary', 'reference']);

function reportSyntaxError(error: SyntaxError, source: string, file: string, tokens: IToken[], diagnostics: DiagnosticBag): void {
  const span = errorSpan(error.token, source, file, tokens);
  const { facts, ruleName } = error;
  if (facts.kind === 'trailing' || (facts.kind === 'mismatch' && facts.expected[0] === 'end of file')) {
    diagnostics.report(BoneDiagnostics.TrailingInput, span, [facts.actual]);
    return;
  }
  const next = tokens[tokens.indexOf(error.token) + 1];
  if (RESERVED_WORDS.has(error.token.image) && next?.image === ':') {
    diagnostics.report(BoneDiagnostics.ReservedWord, span, [error.token.image]);
    return;
  }
  const closer = facts.expected.find((e) => e === "']'" || e === "'}'" || e === "')'");
  if (facts.kind === 'mismatch' && closer && next?.image === ':' && ALL_CLAUSES.has(error.token.image)) {
    diagnostics.report(BoneDiagnostics.UnclosedList, span, [closer, error.token.image]);
    return;
  }
  const declaration = CLAUSES_BY_RULE[ruleName];
  const word = isWord(error.token) ? error.token.image : undefined;
  if (declaration && ruleName !== 'systemDecl' && word !== undefined && DECLARATION_KEYWORDS.has(word) && facts.expected.includes("'}'")) {
    diagnostics.report(BoneDiagnostics.UnclosedDeclaration, span, [word, declaration.place]);
    return;
  }
  if (declaration && word !== undefined && facts.expected.includes("'}'")) {
    const [best] = closestNames(word, declaration.clauses, 1);
    const suggestion = best === undefined ? '' : ` (did you mean '${best}'?)`;
    diagnostics.report(BoneDiagnostics.UnknownClause, span, [word, declaration.place, suggestion, `${declaration.clauses.join(', ')} or '}'`]);
    return;
  }
  if (EXPRESSION_RULES.has(ruleName) && facts.kind === 'noViableAlt') {
    diagnostics.report(BoneDiagnostics.ExpectedExpression, span, [facts.actual]);
    return;
  }
  if (facts.kind === 'mismatch') {
    diagnostics.report(BoneDiagnostics.ExpectedToken, span, [facts.expected.join(' or '), facts.actual]);
    return;
  }
  const place = declaration ? `in ${declaration.place}` : PLACE_BY_RULE[ruleName] ?? 'here';
  diagnostics.report(BoneDiagnostics.UnexpectedToken, span, [facts.actual, place, joinAlternatives(facts.expected)]);
}

function isWord(token: IToken): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(token.image);
}

function joinAlternatives(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'something else';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The error token's span; at end of file (no position), just after the last real token. */
function errorSpan(token: IToken, source: string, file: string, tokens: IToken[]): SourceSpan {
  if (Number.isFinite(token.startOffset) && !token.isInsertedInRecovery) return spanOfTokens(file, token);
  const last = tokens.at(-1);
  const offset = last ? (last.endOffset ?? last.startOffset) + 1 : source.length;
  const at = positionAt(source, offset);
  return { file, start: at, end: { ...at, offset: at.offset + 1, column: at.column + 1 } };
}
