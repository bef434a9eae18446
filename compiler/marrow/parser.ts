import { CstParser, EOF, type CstNode, type IToken } from 'chevrotain';
import { memoiseErrorPaths } from '../common/parser-errors.js';
import * as T from './tokens.js';

/** Declarations that belong to BoneScript; their bodies are skipped (bind.ts warns MS011). */
export const BACKEND_KINDS = new Set([
  'entity', 'store', 'event', 'capability', 'channel', 'flow', 'api', 'auth', 'job', 'queue', 'index', 'migration', 'service', 'view', 'enum_type',
]);

/** Words that, right after a value, give it a unit: `4000 chars`, `env("X", 2000) tokens`. */
export const SIZE_UNITS = new Set(['chars', 'tokens', 'bytes', 'lines', 'calls', 'turns']);

/** Tokens that can only start a value: after a name they mean a field whose ':' is missing. */
const VALUE_START = new Set([T.NumberLiteral, T.StringLiteral, T.Duration, T.Percent, T.RegexLiteral, T.True, T.False, T.Null, T.LBracket]);

/**
 * The MarrowScript grammar, pure: no semantic actions, only a CST (build-ast.ts turns it into the
 * AST). Error recovery is on so one pass reports every syntax error in a file.
 */
export class MarrowParser extends CstParser {
  /** `validate: false` skips Chevrotain's grammar self-checks (slow at start-up); a unit test runs them. */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, { recoveryEnabled: true, nodeLocationTracking: 'full', maxLookahead: 3, skipValidations: options.validate === false });
    this.performSelfAnalysis();
    memoiseErrorPaths(this);
  }

  file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  declaration = this.RULE('declaration', () => {
    this.CONSUME(T.Identifier, { LABEL: 'kind' });
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => BACKEND_KINDS.has(this.LA(0).image),
          ALT: () => {
            this.MANY(() => this.CONSUME(T.NonBrace, { LABEL: 'skippedHead' }));
            this.SUBRULE(this.rawBlock);
          },
        },
        {
          ALT: () => {
            // A name; `tool * { … }` and `tool "mcp.search" { … }` name tools that are not identifiers.
            this.OPTION(() => this.OR2([
              { ALT: () => this.CONSUME2(T.Identifier, { LABEL: 'name' }) },
              { ALT: () => this.CONSUME(T.Star, { LABEL: 'name' }) },
              { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'name' }) },
            ]));
            this.OPTION2(() => this.SUBRULE(this.paramList));
            this.OPTION3(() => {
              this.CONSUME(T.Arrow);
              this.SUBRULE(this.typeExpr, { LABEL: 'returns' });
            });
            this.SUBRULE(this.block);
          },
        },
      ],
    });
  });

  rawBlock = this.RULE('rawBlock', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.OR([{ ALT: () => this.CONSUME(T.NonBrace) }, { ALT: () => this.SUBRULE(this.rawBlock) }]));
    this.CONSUME(T.RCurly);
  });

  paramList = this.RULE('paramList', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
  });

  param = this.RULE('param', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
  });

  block = this.RULE('block', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.member));
    this.CONSUME(T.RCurly);
  });

  member = this.RULE('member', () => {
    this.OR({
      MAX_LOOKAHEAD: 2,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.LA(2).tokenType === T.Colon, ALT: () => this.SUBRULE(this.field) },
        { ALT: () => this.SUBRULE(this.target) },
        // `key value` with the colon forgotten: parsed as a field, reported by build-ast.ts.
        { GATE: () => VALUE_START.has(this.LA(2).tokenType), ALT: () => this.SUBRULE(this.fieldWithoutColon) },
        { ALT: () => this.SUBRULE(this.declaration) },
      ],
    });
    this.OPTION(() => this.OR2([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]));
  });

  field = this.RULE('field', () => {
    this.CONSUME(T.Identifier, { LABEL: 'key' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression, { LABEL: 'value' });
    this.OPTION(() => this.SUBRULE(this.target));
  });

  fieldWithoutColon = this.RULE('fieldWithoutColon', () => {
    this.CONSUME(T.Identifier, { LABEL: 'key' });
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  /** `-> model` inside a router tier. */
  target = this.RULE('target', () => {
    this.CONSUME(T.Arrow);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
  });

  typeExpr = this.RULE('typeExpr', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.namedType) },
      { ALT: () => this.SUBRULE(this.recordType) },
    ]);
    this.OPTION(() => this.CONSUME(T.Question));
  });

  namedType = this.RULE('namedType', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({
        SEP: T.Comma,
        DEF: () => this.OR([
          { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'literal' }) },
          { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'literal' }) },
          { ALT: () => this.CONSUME2(T.Identifier, { LABEL: 'literal' }) },
        ]),
      });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Less);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.typeExpr, { LABEL: 'typeArg' }) });
      this.CONSUME(T.Greater);
    });
  });

  recordType = this.RULE('recordType', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.param, { LABEL: 'recordField' });
      this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]));
    });
    this.CONSUME(T.RCurly);
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Or, { LABEL: 'operator' }) }, { ALT: () => this.CONSUME(T.OrOr, { LABEL: 'operator' }) }]);
      this.SUBRULE2(this.andExpr, { LABEL: 'operand' });
    });
  });

  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.And, { LABEL: 'operator' }) }, { ALT: () => this.CONSUME(T.AndAnd, { LABEL: 'operator' }) }]);
      this.SUBRULE2(this.notExpr, { LABEL: 'operand' });
    });
  });

  notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Not, { LABEL: 'operator' }) }, { ALT: () => this.CONSUME(T.Bang, { LABEL: 'operator' }) }]);
          this.SUBRULE(this.notExpr, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.comparison, { LABEL: 'operand' }) },
    ]);
  });

  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive, { LABEL: 'operand' });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Less, { LABEL: 'operator' }) },
        { ALT: () => this.CONSUME(T.Greater, { LABEL: 'operator' }) },
        { ALT: () => this.CONSUME(T.LessEq, { LABEL: 'operator' }) },
        { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: 'operator' }) },
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: 'operator' }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: 'operator' }) },
      ]);
      this.SUBRULE2(this.additive, { LABEL: 'operand' });
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: 'operator' }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: 'operator' }) }]);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operand' });
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star, { LABEL: 'operator' }) }, { ALT: () => this.CONSUME(T.Slash, { LABEL: 'operator' }) }]);
      this.SUBRULE2(this.unary, { LABEL: 'operand' });
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Minus, { LABEL: 'operator' }) }, { ALT: () => this.CONSUME(T.Plus, { LABEL: 'operator' }) }]);
          this.SUBRULE(this.unary, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.postfix, { LABEL: 'operand' }) },
    ]);
  });

  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            this.CONSUME(T.Identifier, { LABEL: 'property' });
          },
        },
        { ALT: () => this.SUBRULE(this.argumentList) },
      ]);
    });
    // A unit word is part of the value unless it starts the next field (`tokens: …`).
    this.OPTION({
      GATE: () => SIZE_UNITS.has(this.LA(1).image) && this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType !== T.Colon,
      DEF: () => this.CONSUME2(T.Identifier, { LABEL: 'unit' }),
    });
  });

  argumentList = this.RULE('argumentList', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
    this.CONSUME(T.RParen);
  });

  argument = this.RULE('argument', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: 'name' });
        this.CONSUME(T.Colon);
      },
    });
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.Duration) },
      { ALT: () => this.CONSUME(T.Percent) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.RegexLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression, { LABEL: 'inner' });
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.objectLiteral) },
    ]);
  });

  listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.SUBRULE(this.expression, { LABEL: 'item' });
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  objectLiteral = this.RULE('objectLiteral', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.field, { LABEL: 'entry' });
      this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]));
    });
    this.CONSUME(T.RCurly);
  });
}

let parserInstance: MarrowParser | undefined;
/** Chevrotain parsers are expensive to build and reusable: one per process. */
export function marrowParser(): MarrowParser {
  parserInstance ??= new MarrowParser({ validate: false });
  return parserInstance;
}

/**
 * Deeper nesting than any agent needs (real files stay under 6). The recursive-descent parser uses
 * about ten stack frames per bracket level, so without a cap a few hundred `[` overflow the stack.
 */
export const MAX_NESTING = 32;
const OPENERS = new Set([T.LCurly, T.LBracket, T.LParen]);
const CLOSERS = new Set([T.RCurly, T.RBracket, T.RParen]);

/** The first opening bracket that goes deeper than MAX_NESTING, if any (counted over the tokens, linear). */
export function tooDeepAt(tokens: IToken[]): number {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (OPENERS.has(type) && ++depth > MAX_NESTING) return i;
    if (CLOSERS.has(type) && depth > 0) depth--;
  }
  return -1;
}

export interface ParseOutcome {
  cst: CstNode;
  errors: Array<{ message: string; token: IToken; previous?: IToken; rule?: string }>;
  /** Set when nesting went past MAX_NESTING: the token where reading stopped. */
  tooDeep?: IToken;
}

export function parseTokens(tokens: IToken[]): ParseOutcome {
  const parser = marrowParser();
  const cut = tooDeepAt(tokens);
  // Too deep: parse what comes before, and drop the errors the cut itself causes at its end.
  parser.input = cut < 0 ? tokens : tokens.slice(0, cut);
  const cst = parser.file();
  const errors = parser.errors
    .filter((e) => cut < 0 || e.token.tokenType !== EOF)
    .map((e) => ({
      message: e.message,
      token: e.token,
      previous: (e as { previousToken?: IToken }).previousToken,
      rule: e.context?.ruleStack?.at(-1),
    }));
  return cut < 0 ? { cst, errors } : { cst, errors, tooDeep: tokens[cut]! };
}

export { EOF };
