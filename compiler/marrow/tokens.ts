import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/**
 * MarrowScript tokens. Declaration kinds and field names are plain identifiers: the grammar is
 * generic ("kind name (params) -> type { field: value … }") and the per-kind meaning lives in
 * bind.ts, so a new field never needs a grammar change and an unknown one gets a precise message.
 */

// Every token except the braces: lets the parser skip a backend declaration's body wholesale.
export const NonBrace = createToken({ name: 'NonBrace', pattern: Lexer.NA });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /(?:\/\/|#)[^\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [NonBrace] });

function keyword(name: string, word: string): TokenType {
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, categories: [NonBrace] });
}
export const True = keyword('True', 'true');
export const False = keyword('False', 'false');
export const Null = keyword('Null', 'null');
export const And = keyword('And', 'and');
export const Or = keyword('Or', 'or');
export const Not = keyword('Not', 'not');

// Tokens after which a `/` divides instead of opening a regular expression.
const VALUE_ENDING = new Set(['Identifier', 'NumberLiteral', 'Duration', 'Percent', 'StringLiteral', 'RParen', 'RBracket', 'True', 'False', 'Null']);

/** `/…/flags` where a value may start; the lexer cannot know this from the text alone. */
function matchRegex(text: string, offset: number, tokens: IToken[]): RegExpExecArray | null {
  if (text.charCodeAt(offset) !== 47 /* / */) return null;
  const previous = tokens[tokens.length - 1];
  if (previous && VALUE_ENDING.has(previous.tokenType.name)) return null;
  const re = /\/(?![*/])(?:[^/\\\n[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/[a-z]*/y;
  re.lastIndex = offset;
  return re.exec(text);
}
export const RegexLiteral = createToken({
  name: 'RegexLiteral',
  pattern: { exec: matchRegex },
  line_breaks: false,
  start_chars_hint: ['/'],
  categories: [NonBrace],
});

export const Duration = createToken({ name: 'Duration', pattern: /\d+(?:\.\d+)?(?:ms|s|m|h|d)(?![A-Za-z0-9_])/, categories: [NonBrace] });
export const Percent = createToken({ name: 'Percent', pattern: /\d+(?:\.\d+)?%/, categories: [NonBrace] });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, categories: [NonBrace] });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/, categories: [NonBrace] });
// Kept out of the parser's stream (group) and reported as MS003 by the lexer stage.
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /["'](?:[^"'\\\n]|\\.)*/, group: 'unterminated' });

function punct(name: string, pattern: string | RegExp, braces = false): TokenType {
  return createToken({ name, pattern, ...(braces ? {} : { categories: [NonBrace] }) });
}
export const Arrow = punct('Arrow', '->');
export const LCurly = punct('LCurly', '{', true);
export const RCurly = punct('RCurly', '}', true);
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LessEq = punct('LessEq', '<=');
export const GreaterEq = punct('GreaterEq', '>=');
export const EqEq = punct('EqEq', '==');
export const NotEq = punct('NotEq', '!=');
export const AndAnd = punct('AndAnd', '&&');
export const OrOr = punct('OrOr', '||');
export const Less = punct('Less', '<');
export const Greater = punct('Greater', '>');
export const Colon = punct('Colon', ':');
export const Comma = punct('Comma', ',');
export const Semicolon = punct('Semicolon', ';');
export const Dot = punct('Dot', '.');
export const Question = punct('Question', '?');
export const Plus = punct('Plus', '+');
export const Minus = punct('Minus', '-');
export const Star = punct('Star', '*');
export const Slash = punct('Slash', '/');
export const Bang = punct('Bang', '!');
export const Equals = punct('Equals', '=');
export const At = punct('At', '@'); // only so BoneScript bodies (`@unique`) lex inside skipped declarations

/** Order matters: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  WhiteSpace, BlockComment, LineComment,
  RegexLiteral,
  Duration, Percent, NumberLiteral, StringLiteral, UnterminatedString,
  Arrow, LessEq, GreaterEq, EqEq, NotEq, AndAnd, OrOr,
  LCurly, RCurly, LParen, RParen, LBracket, RBracket, Less, Greater,
  Colon, Comma, Semicolon, Dot, Question, Plus, Minus, Star, Slash, Bang, Equals, At,
  True, False, Null, And, Or, Not,
  Identifier,
  NonBrace,
];
