/**
 * Chevrotain computes, for every syntax error it reports, the token paths the grammar expected at
 * that point (`getLookaheadPaths`) — a walk of the grammar that costs tens of milliseconds per
 * error on our grammars, so a file with hundreds of stray tokens took minutes to check. The paths
 * depend only on the rule, the production's occurrence and its kind, never on the input, so one
 * computation per grammar point is enough: this replaces the two error-raising methods with ones
 * that memoise the paths and otherwise behave exactly as Chevrotain's own (same message provider,
 * same exceptions, same recovery).
 */
import { EarlyExitException, getLookaheadPaths, NoViableAltException, type CstParser, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';

/** Chevrotain passes the production kind as a number to raiseEarlyExitException (its PROD_TYPE). */
const EARLY_EXIT_PROD: Record<number, string> = { 2: 'RepetitionMandatory', 3: 'RepetitionMandatoryWithSeparator' };

/** The internals used here; they exist on every Chevrotain parser but are not in its typings. */
interface ParserInternals {
  maxLookahead: number;
  errorMessageProvider: IParserErrorMessageProvider;
  getCurrRuleFullName(): string;
  getGAstProductions(): Record<string, unknown>;
  LA(offset: number): IToken;
  SAVE_ERROR(error: Error): Error;
  raiseNoAltException(occurrence: number, errMsgTypes: string | undefined): never;
  raiseEarlyExitException(occurrence: number, prodType: number, userDefinedErrMsg: string | undefined): never;
}

type Paths = TokenType[][][];

/** Install the memoising error raisers on one parser instance (call after performSelfAnalysis). */
export function memoiseErrorPaths(parser: CstParser): void {
  const self = parser as unknown as ParserInternals;
  const cache = new Map<string, Paths>();
  const pathsFor = (occurrence: number, prodType: string): Paths => {
    const ruleName = self.getCurrRuleFullName();
    const key = `${ruleName}\u0000${prodType}\u0000${occurrence}`;
    let paths = cache.get(key);
    if (!paths) {
      const rule = self.getGAstProductions()[ruleName];
      paths = getLookaheadPaths({ occurrence, rule, prodType, maxLookahead: self.maxLookahead } as Parameters<typeof getLookaheadPaths>[0]) as Paths;
      cache.set(key, paths);
    }
    return paths;
  };
  const lookahead = (): IToken[] => Array.from({ length: self.maxLookahead }, (_, i) => self.LA(i + 1));

  self.raiseNoAltException = function raiseNoAltException(occurrence, errMsgTypes) {
    const previous = self.LA(0);
    const message = self.errorMessageProvider.buildNoViableAltMessage({
      expectedPathsPerAlt: pathsFor(occurrence, 'Alternation'),
      actual: lookahead(),
      previous,
      customUserDescription: errMsgTypes as string,
      ruleName: self.getCurrRuleFullName(),
    });
    throw self.SAVE_ERROR(new NoViableAltException(message, self.LA(1), previous));
  };

  self.raiseEarlyExitException = function raiseEarlyExitException(occurrence, prodType, userDefinedErrMsg) {
    const kind = EARLY_EXIT_PROD[prodType];
    if (!kind) throw new Error(`unexpected production kind ${prodType} in raiseEarlyExitException`);
    const message = self.errorMessageProvider.buildEarlyExitMessage({
      expectedIterationPaths: pathsFor(occurrence, kind)[0]!,
      actual: lookahead(),
      previous: self.LA(0),
      customUserDescription: userDefinedErrMsg as string,
      ruleName: self.getCurrRuleFullName(),
    });
    throw self.SAVE_ERROR(new EarlyExitException(message, self.LA(1), self.LA(0)));
  };
}
