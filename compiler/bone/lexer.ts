/** Stage 1: source text → tokens, with lexical errors as diagnostics (never thrown). */
import { Lexer, type IToken } from 'chevrotain';
import { DiagnosticBag, spanOfTokens, positionAt } from '../common/index.js';
import { BoneDiagnostics } from './diagnostics.js';
import { allTokens, Ellipsis, UnterminatedBlockComment, UnterminatedString } from './tokens.js';

const boneLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false, skipValidations: true });

export interface LexResult {
  tokens: IToken[];
}

export function lex(source: string, file: string, diagnostics: DiagnosticBag): LexResult {
  const result = boneLexer.tokenize(source);
  for (const err of result.errors) {
    const start = positionAt(source, err.offset);
    const end = positionAt(source, err.offset + Math.max(1, err.length));
    const text = source.slice(err.offset, err.offset + Math.max(1, err.length));
    diagnostics.report(BoneDiagnostics.UnexpectedCharacter, { file, start, end }, [text]);
  }
  const tokens: IToken[] = [];
  for (const token of result.tokens) {
    if (token.tokenType === UnterminatedString) {
      diagnostics.report(BoneDiagnostics.UnterminatedString, spanOfTokens(file, token), [token.image.startsWith("'") ? "'" : '"']);
      continue;
    }
    if (token.tokenType === UnterminatedBlockComment) {
      diagnostics.report(BoneDiagnostics.UnterminatedComment, spanOfTokens(file, { ...token, image: '/*', endOffset: token.startOffset + 1, endLine: token.startLine, endColumn: (token.startColumn ?? 1) + 1 }));
      continue;
    }
    if (token.tokenType === Ellipsis) {
      diagnostics.report(BoneDiagnostics.Placeholder, spanOfTokens(file, token), [token.image]);
      continue;
    }
    tokens.push(token);
  }
  return { tokens };
}
