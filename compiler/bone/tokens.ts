/**
 * BoneScript tokens. Keywords are also names: every keyword token belongs to the `Name` category
 * and has `longer_alt: Identifier`, so `status`, `index`, `state` or `allowed` work as field
 * names and `indexes` is never split into `index` + `es`. Only the expression words `true`,
 * `false`, `null`, `and`, `or`, `not`, `in` and `contains` are reserved.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

// ─── Trivia ─────────────────────────────────────────────────────────────────────────────────
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\uFEFF]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });
/** An unclosed `/*`: lexed as one token so the lexer reports it once, at its start. */
export const UnterminatedBlockComment = createToken({ name: 'UnterminatedBlockComment', pattern: /\/\*[\s\S]*/ });

// ─── Names ──────────────────────────────────────────────────────────────────────────────────
/** Category: anything usable as a name (identifiers and non-reserved keywords). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name] });

const keywordTokens: TokenType[] = [];
/** Keyword spelled `word`; usable as a name unless `reserved`. */
function keyword(word: string, reserved = false): TokenType {
  const token = createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: reserved ? [] : [Name],
  });
  keywordTokens.push(token);
  KEYWORD_SPELLING.set(token, word);
  return token;
}
/** The spelling of each keyword token, for error messages. */
export const KEYWORD_SPELLING = new Map<TokenType, string>();

// Declarations
export const System = keyword('system');
export const Domain = keyword('domain');
export const Entity = keyword('entity');
export const Capability = keyword('capability');
export const Event = keyword('event');
export const Store = keyword('store');
export const Channel = keyword('channel');
export const Policy = keyword('policy');
export const Flow = keyword('flow');
export const ConstraintKw = keyword('constraint');
export const Import = keyword('import');
export const From = keyword('from');
export const ExtensionPoint = keyword('extension_point');
// Entity clauses
export const Owns = keyword('owns');
export const Constraints = keyword('constraints');
export const States = keyword('states');
export const When = keyword('when');
export const Auth = keyword('auth');
export const Owner = keyword('owner');
export const Relation = keyword('relation');
export const Index = keyword('index');
export const Derived = keyword('derived');
// Capability clauses
export const Requires = keyword('requires');
export const Effects = keyword('effects');
export const Emits = keyword('emits');
export const Sync = keyword('sync');
export const Timeout = keyword('timeout');
export const Retry = keyword('retry');
export const Idempotent = keyword('idempotent');
export const Pipeline = keyword('pipeline');
export const Parallel = keyword('parallel');
export const OnError = keyword('on_error');
export const As = keyword('as');
export const Algorithm = keyword('algorithm');
export const Using = keyword('using');
export const Returns = keyword('returns');
// Event / store / channel clauses
export const Payload = keyword('payload');
export const Delivery = keyword('delivery');
export const Ttl = keyword('ttl');
export const Engine = keyword('engine');
export const Schema = keyword('schema');
export const Partition = keyword('partition');
export const Replicas = keyword('replicas');
export const Retention = keyword('retention');
export const Transport = keyword('transport');
export const Ordering = keyword('ordering');
export const Participants = keyword('participants');
export const Persistence = keyword('persistence');
export const Filter = keyword('filter');
export const MaxSize = keyword('max_size');
// Policy clauses
export const RateLimit = keyword('rate_limit');
export const Per = keyword('per');
export const Access = keyword('access');
export const Audit = keyword('audit');
export const Encryption = keyword('encryption');
export const Crud = keyword('crud');
export const AppliesTo = keyword('applies_to');
// Flow clauses
export const Step = keyword('step');
export const Compensate = keyword('compensate');
// Extension point clauses
export const Stable = keyword('stable');
export const Language = keyword('language');
export const Default = keyword('default');
export const Implementation = keyword('implementation');
// Reserved expression words
export const True = keyword('true', true);
export const False = keyword('false', true);
export const Null = keyword('null', true);
export const And = keyword('and', true);
export const Or = keyword('or', true);
export const Not = keyword('not', true);
export const In = keyword('in', true);
export const Contains = keyword('contains', true);

// ─── Literals ───────────────────────────────────────────────────────────────────────────────
/** `30s`, `100ms`, `1.5h`, `30d` — before numbers so `1m` is one token. */
export const Duration = createToken({ name: 'Duration', pattern: /\d+(?:\.\d+)?(?:ms|s|m|h|d)(?![A-Za-z0-9_])/ });
export const FloatLiteral = createToken({ name: 'FloatLiteral', pattern: /\d+\.\d+(?:[eE][+-]?\d+)?/ });
export const IntLiteral = createToken({ name: 'IntLiteral', pattern: /\d+/ });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'/ });
/** A string with no closing quote on its line: reported by the lexer (BS002), not the parser. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*|'(?:[^'\\\n\r]|\\.)*/ });

// ─── Punctuation and operators (longest first) ──────────────────────────────────────────────
export const AppendAssign = createToken({ name: 'AppendAssign', pattern: /<<=/ });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/ });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/ });
export const LtEq = createToken({ name: 'LtEq', pattern: /<=/ });
export const GtEq = createToken({ name: 'GtEq', pattern: />=/ });
export const PlusAssign = createToken({ name: 'PlusAssign', pattern: /\+=/ });
export const MinusAssign = createToken({ name: 'MinusAssign', pattern: /-=/ });
export const AndAnd = createToken({ name: 'AndAnd', pattern: /&&/ });
export const OrOr = createToken({ name: 'OrOr', pattern: /\|\|/ });
/** `…` / `...` as a placeholder in sketches (`schema: { … }`): skipped with a warning. */
export const Ellipsis = createToken({ name: 'Ellipsis', pattern: /…|\.\.\./ });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
/** `;` means nothing in BoneScript; writers used to C-like languages add it after clauses. */
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, group: Lexer.SKIPPED });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/ });
export const Assign = createToken({ name: 'Assign', pattern: /=/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const Bang = createToken({ name: 'Bang', pattern: /!/ });
export const Question = createToken({ name: 'Question', pattern: /\?/ });
export const At = createToken({ name: 'At', pattern: /@/ });

/** Lexer order matters: trivia, literals, keywords before Identifier, longer operators first. */
export const allTokens: TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedBlockComment,
  Duration, FloatLiteral, IntLiteral, StringLiteral, UnterminatedString,
  // Longest keywords first, so `constraints` is not read as `constraint` + `s`.
  ...[...keywordTokens].sort((a, b) => (KEYWORD_SPELLING.get(b)!.length - KEYWORD_SPELLING.get(a)!.length)),
  Identifier, Name,
  AppendAssign, Arrow, EqEq, NotEq, LtEq, GtEq, PlusAssign, MinusAssign, AndAnd, OrOr, Ellipsis, DotDot,
  LBrace, RBrace, LBracket, RBracket, LParen, RParen, Less, Greater, Colon, Semicolon, Comma, Dot,
  Pipe, Assign, Plus, Minus, Star, Slash, Percent, Bang, Question, At,
];

/** Every keyword spelling, e.g. for "did you mean" on a misspelt clause. */
export const KEYWORDS: readonly string[] = [...KEYWORD_SPELLING.values()];

const PUNCTUATION_SPELLING = new Map<TokenType, string>([
  [AppendAssign, '<<='], [Arrow, '->'], [EqEq, '=='], [NotEq, '!='], [LtEq, '<='], [GtEq, '>='],
  [PlusAssign, '+='], [MinusAssign, '-='], [AndAnd, '&&'], [OrOr, '||'], [Ellipsis, '…'], [DotDot, '..'],
  [LBrace, '{'], [RBrace, '}'], [LBracket, '['], [RBracket, ']'], [LParen, '('], [RParen, ')'],
  [Less, '<'], [Greater, '>'], [Colon, ':'], [Semicolon, ';'], [Comma, ','], [Dot, '.'], [Pipe, '|'],
  [Assign, '='], [Plus, '+'], [Minus, '-'], [Star, '*'], [Slash, '/'], [Percent, '%'], [Bang, '!'],
  [Question, '?'], [At, '@'],
]);

/** How a user would name an expected token: `'}'`, `'owns'`, `identifier`, `a number`. */
export function describeTokenType(type: TokenType): string {
  const keywordText = KEYWORD_SPELLING.get(type);
  if (keywordText !== undefined) return `'${keywordText}'`;
  const punctuation = PUNCTUATION_SPELLING.get(type);
  if (punctuation !== undefined) return `'${punctuation}'`;
  switch (type) {
    case Name:
    case Identifier: return 'identifier';
    case IntLiteral: return 'a number';
    case FloatLiteral: return 'a number';
    case Duration: return 'a duration (e.g. 30s)';
    case StringLiteral: return 'a string';
    default: return type.name === 'EOF' ? 'end of file' : type.name;
  }
}
