import { Lexer, type IToken } from 'chevrotain';
import { DiagnosticBag, type SourceSpan } from '../common/index.js';
import { MS } from './diagnostics.js';
import { allTokens, StringLiteral } from './tokens.js';

let lexerInstance: Lexer | undefined;
function lexerSingleton(): Lexer {
  lexerInstance ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
  return lexerInstance;
}

export interface LexResult {
  tokens: IToken[];
}

/** Tokenises a file; bad characters and unterminated strings become diagnostics, never throws. */
export function lex(source: string, file: string, diagnostics: DiagnosticBag): LexResult {
  const result = lexerSingleton().tokenize(source);
  for (const error of result.errors) {
    const span: SourceSpan = {
      file,
      start: { offset: error.offset, line: error.line ?? 1, column: error.column ?? 1 },
      end: { offset: error.offset + error.length, line: error.line ?? 1, column: (error.column ?? 1) + error.length },
    };
    diagnostics.report(MS.unexpectedCharacter, span, [source.slice(error.offset, error.offset + Math.min(error.length, 1))]);
  }
  for (const token of result.groups['unterminated'] ?? []) {
    diagnostics.report(MS.unterminatedString, {
      file,
      start: { offset: token.startOffset, line: token.startLine ?? 1, column: token.startColumn ?? 1 },
      end: { offset: token.startOffset + token.image.length, line: token.startLine ?? 1, column: (token.startColumn ?? 1) + token.image.length },
    }, [], 'close the string with the same quote on the same line');
  }
  const unterminated = result.groups['unterminated'] ?? [];
  if (unterminated.length === 0) return { tokens: result.tokens };
  // The parser sees an unterminated string as a string, so one missing quote is one error.
  const asStrings = unterminated.map((t) => ({ ...t, tokenType: StringLiteral, tokenTypeIdx: StringLiteral.tokenTypeIdx! }));
  return { tokens: [...result.tokens, ...asStrings].sort((a, b) => a.startOffset - b.startOffset) };
}
