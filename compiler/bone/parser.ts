/**
 * Stage 2: tokens → concrete syntax tree. The grammar is pure (no actions); ast-builder.ts turns
 * the CST into the AST. Error recovery is on, so one run reports every syntax error it can and
 * still yields a partial tree. Commas between clauses are optional, as in the upstream examples;
 * fields, parameters and expression lists need them (trailing commas allowed).
 */
import { CstParser, EOF, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

/**
 * Chevrotain's errors carry only a message string, so the provider encodes the facts as JSON and
 * `syntaxDiagnostic` turns them into catalogue diagnostics (BS004/BS005/BS006/BS010). Tokens are
 * named as users write them (`'}'`, `identifier`), never by internal token names.
 */
export interface SyntaxErrorFacts {
  kind: 'mismatch' | 'noViableAlt' | 'trailing';
  expected: string[];
  actual: string;
}
const encode = (facts: SyntaxErrorFacts): string => JSON.stringify(facts);

const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return encode({ kind: 'mismatch', expected: [T.describeTokenType(expected)], actual: describeActual(actual) });
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return encode({ kind: 'trailing', expected: [], actual: describeActual(firstRedundant) });
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(T.describeTokenType(path[0]));
    return encode({ kind: 'noViableAlt', expected: [...firsts], actual: describeActual(actual[0]) });
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = new Set<string>();
    for (const path of expectedIterationPaths) if (path[0]) firsts.add(T.describeTokenType(path[0]));
    return encode({ kind: 'noViableAlt', expected: [...firsts], actual: describeActual(actual[0]) });
  },
};

export function describeActual(token: IToken | undefined): string {
  if (!token || token.tokenType === EOF) return 'end of file';
  if (token.tokenType === T.StringLiteral) return `string ${token.image}`;
  return `'${token.image}'`;
}

export class BoneParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'full', errorMessageProvider: errorMessages });
    this.performSelfAnalysis();
  }

  // ─── File and system ────────────────────────────────────────────────────────────────────
  file = this.RULE('file', () => {
    this.MANY(() => this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.systemDecl) },
    ]));
  });

  systemDecl = this.RULE('systemDecl', () => {
    this.CONSUME(T.System);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.systemMember));
    this.CONSUME(T.RBrace);
  });

  systemMember = this.RULE('systemMember', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.domainClause) },
      { ALT: () => this.SUBRULE(this.entityDecl) },
      { ALT: () => this.SUBRULE(this.capabilityDecl) },
      { ALT: () => this.SUBRULE(this.eventDecl) },
      { ALT: () => this.SUBRULE(this.storeDecl) },
      { ALT: () => this.SUBRULE(this.channelDecl) },
      { ALT: () => this.SUBRULE(this.policyDecl) },
      { ALT: () => this.SUBRULE(this.flowDecl) },
      { ALT: () => this.SUBRULE(this.constraintDecl) },
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.extensionPointDecl) },
    ]);
  });

  domainClause = this.RULE('domainClause', () => {
    this.CONSUME(T.Domain);
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
  });

  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.OR([
      { ALT: () => this.CONSUME(T.Star) },
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.MANY(() => {
            this.CONSUME2(T.Name);
            this.OPTION(() => this.CONSUME(T.Comma));
          });
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Name);
          this.MANY2(() => {
            this.CONSUME2(T.Comma);
            this.CONSUME3(T.Name);
          });
        },
      },
    ]);
    this.CONSUME(T.From);
    this.CONSUME(T.StringLiteral);
  });

  // ─── Shared pieces ──────────────────────────────────────────────────────────────────────
  /** `name: type = default @annotation`, in owns / payload / schema. */
  fieldDecl = this.RULE('fieldDecl', () => {
    // `"price": uint` — a JSON habit — is accepted as the field `price`.
    this.OR([
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE(this.expression);
    });
    this.MANY(() => this.SUBRULE(this.annotation));
  });

  annotation = this.RULE('annotation', () => {
    this.CONSUME(T.At);
    this.CONSUME(T.Name);
    this.OPTION(() => this.SUBRULE(this.argumentList));
  });

  /** `[f: T, …]` or `{f: T, …}` */
  fieldBlock = this.RULE('fieldBlock', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.fieldList);
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.SUBRULE2(this.fieldList);
          this.CONSUME(T.RBrace);
        },
      },
    ]);
  });

  /**
   * Fields need commas between them (as upstream): a forgotten `]` then shows up at the next
   * clause instead of swallowing it as a field. A trailing comma is fine.
   */
  fieldList = this.RULE('fieldList', () => {
    this.OPTION(() => {
      this.SUBRULE(this.fieldDecl);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.fieldDecl));
      });
    });
  });

  /** `uint`, `Listing`, `list<string>`, `map<string, uint>`, `string?` */
  typeRef = this.RULE('typeRef', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => {
      this.CONSUME(T.Less);
      this.SUBRULE(this.typeRef);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.typeRef);
      });
      this.CONSUME(T.Greater);
    });
    this.OPTION2(() => this.CONSUME(T.Question));
  });

  paramList = this.RULE('paramList', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.param);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.param));
      });
    });
    this.CONSUME(T.RParen);
  });

  param = this.RULE('param', () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
  });

  /** `[a, b, c]` of names (access lists, index lists). */
  nameList = this.RULE('nameList', () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.CONSUME(T.Name);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  /** `[expr, expr]` — constraints. */
  expressionList = this.RULE('expressionList', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.expression));
      });
    });
    this.CONSUME(T.RBracket);
  });

  /** `{ key: value, … }` — retry, algorithm settings. */
  settingsBlock = this.RULE('settingsBlock', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.setting);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  setting = this.RULE('setting', () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.SUBRULE(this.settingsBlock) },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  /** `name(args)` — flow steps, compensations. */
  callSite = this.RULE('callSite', () => {
    this.CONSUME(T.Name);
    this.SUBRULE(this.argumentList);
  });

  argumentList = this.RULE('argumentList', () => {
    this.CONSUME(T.LParen);
    this.MANY(() => {
      this.SUBRULE(this.expression);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  // ─── entity ─────────────────────────────────────────────────────────────────────────────
  entityDecl = this.RULE('entityDecl', () => {
    this.CONSUME(T.Entity);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.entityClause));
    this.CONSUME(T.RBrace);
  });

  entityClause = this.RULE('entityClause', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ownsClause) },
      { ALT: () => this.SUBRULE(this.constraintsClause) },
      { ALT: () => this.SUBRULE(this.statesClause) },
      { ALT: () => this.SUBRULE(this.authClause) },
      { ALT: () => this.SUBRULE(this.ownerClause) },
      { ALT: () => this.SUBRULE(this.relationClause) },
      { ALT: () => this.SUBRULE(this.indexClause) },
      { ALT: () => this.SUBRULE(this.derivedClause) },
    ]);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  ownsClause = this.RULE('ownsClause', () => {
    this.CONSUME(T.Owns);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.fieldBlock);
  });

  constraintsClause = this.RULE('constraintsClause', () => {
    this.CONSUME(T.Constraints);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expressionList);
  });

  /** `states: a -> b -> c | d` or `states: [a -> b, b -> c when ready]` */
  statesClause = this.RULE('statesClause', () => {
    this.CONSUME(T.States);
    this.CONSUME(T.Colon);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.MANY(() => {
            this.SUBRULE(this.stateChain);
            this.OPTION(() => this.CONSUME(T.Comma));
          });
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE2(this.stateChain) },
    ]);
  });

  stateChain = this.RULE('stateChain', () => {
    this.SUBRULE(this.stateGroup);
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE2(this.stateGroup);
    });
  });

  stateGroup = this.RULE('stateGroup', () => {
    this.SUBRULE(this.stateRef);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE2(this.stateRef);
    });
  });

  stateRef = this.RULE('stateRef', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression);
    });
  });

  authClause = this.RULE('authClause', () => {
    this.CONSUME(T.Auth);
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
  });

  /** `owner: seller_id`, `owner: [patient_id, doctor_id]` or `owner: id` — whose rows these are. */
  ownerClause = this.RULE('ownerClause', () => {
    this.CONSUME(T.Owner);
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.SUBRULE(this.nameList) },
    ]);
  });

  /** `relation seller: belongs_to Seller [1..*]` */
  relationClause = this.RULE('relationClause', () => {
    this.CONSUME(T.Relation);
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Name);
    this.CONSUME3(T.Name);
    this.OPTION(() => this.SUBRULE(this.cardinality));
  });

  cardinality = this.RULE('cardinality', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.cardinalityBound);
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.SUBRULE2(this.cardinalityBound);
    });
    this.CONSUME(T.RBracket);
  });

  cardinalityBound = this.RULE('cardinalityBound', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.Star) },
    ]);
  });

  /** `index: [a, b]` (one index each) or `index: [[a, b]]` (one composite index). */
  indexClause = this.RULE('indexClause', () => {
    this.CONSUME(T.Index);
    this.CONSUME(T.Colon);
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Name) },
        { ALT: () => this.SUBRULE(this.nameList) },
      ]);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  /** `derived total: price * quantity` or `derived: [total: uint = price * quantity]` */
  derivedClause = this.RULE('derivedClause', () => {
    this.CONSUME(T.Derived);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Colon);
          this.CONSUME(T.LBracket);
          this.MANY(() => {
            this.SUBRULE(this.derivedItem);
            this.OPTION(() => this.CONSUME(T.Comma));
          });
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE2(this.derivedItem) },
    ]);
  });

  derivedItem = this.RULE('derivedItem', () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE2(this.expression);
    });
  });

  // ─── capability ─────────────────────────────────────────────────────────────────────────
  capabilityDecl = this.RULE('capabilityDecl', () => {
    this.CONSUME(T.Capability);
    this.CONSUME(T.Name);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.OPTION2(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.typeRef);
    });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.capabilityClause));
    this.CONSUME(T.RBrace);
  });

  capabilityClause = this.RULE('capabilityClause', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.requiresClause) },
      { ALT: () => this.SUBRULE(this.effectsClause) },
      { ALT: () => this.SUBRULE(this.emitsClause) },
      { ALT: () => this.SUBRULE(this.syncClause) },
      { ALT: () => this.SUBRULE(this.timeoutClause) },
      { ALT: () => this.SUBRULE(this.retryClause) },
      { ALT: () => this.SUBRULE(this.idempotentClause) },
      { ALT: () => this.SUBRULE(this.pipelineClause) },
      { ALT: () => this.SUBRULE(this.algorithmClause) },
      { ALT: () => this.SUBRULE(this.returnsClause) },
    ]);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  /** `requires: [a, b]` or `requires: a` — a list literal is unwrapped by the AST builder. */
  requiresClause = this.RULE('requiresClause', () => {
    this.CONSUME(T.Requires);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  effectsClause = this.RULE('effectsClause', () => {
    this.CONSUME(T.Effects);
    this.CONSUME(T.Colon);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.OPTION(() => {
            this.SUBRULE(this.effect);
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.OPTION2(() => this.SUBRULE3(this.effect));
            });
          });
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE2(this.effect) },
    ]);
  });

  /** `listing.stock -= quantity`, `tags <<= "x"`, `tags.append("x")` */
  effect = this.RULE('effect', () => {
    this.SUBRULE(this.reference);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Assign) },
        { ALT: () => this.CONSUME(T.PlusAssign) },
        { ALT: () => this.CONSUME(T.MinusAssign) },
        { ALT: () => this.CONSUME(T.AppendAssign) },
      ]);
      this.SUBRULE(this.expression);
    });
  });

  /** `emits: OrderPlaced`, `emits: A, B`, `emits: [A, B]`, `emits: A(order.id)` */
  emitsClause = this.RULE('emitsClause', () => {
    this.CONSUME(T.Emits);
    this.CONSUME(T.Colon);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.MANY(() => {
            this.SUBRULE(this.emitItem);
            this.OPTION(() => this.CONSUME(T.Comma));
          });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.SUBRULE2(this.emitItem);
          this.MANY2(() => {
            this.CONSUME2(T.Comma);
            this.SUBRULE3(this.emitItem);
          });
        },
      },
    ]);
  });

  emitItem = this.RULE('emitItem', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => this.SUBRULE(this.argumentList));
  });

  syncClause = this.RULE('syncClause', () => {
    this.CONSUME(T.Sync);
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
  });

  timeoutClause = this.RULE('timeoutClause', () => {
    this.CONSUME(T.Timeout);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  retryClause = this.RULE('retryClause', () => {
    this.CONSUME(T.Retry);
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.SUBRULE(this.settingsBlock) },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  idempotentClause = this.RULE('idempotentClause', () => {
    this.CONSUME(T.Idempotent);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  pipelineClause = this.RULE('pipelineClause', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Pipeline) },
      { ALT: () => this.CONSUME(T.Parallel) },
    ]);
    this.CONSUME(T.Colon);
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.pipelineItem);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  pipelineItem = this.RULE('pipelineItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.onErrorClause) },
      { ALT: () => this.SUBRULE(this.pipelineStep) },
    ]);
  });

  pipelineStep = this.RULE('pipelineStep', () => {
    this.SUBRULE(this.callSite);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Name);
    });
  });

  onErrorClause = this.RULE('onErrorClause', () => {
    this.CONSUME(T.OnError);
    this.CONSUME(T.Colon);
    this.CONSUME(T.Name);
    this.OPTION(() => this.SUBRULE(this.argumentList));
  });

  algorithmClause = this.RULE('algorithmClause', () => {
    this.CONSUME(T.Algorithm);
    this.CONSUME(T.Colon);
    this.CONSUME(T.Name);
    this.OPTION(() => {
      this.CONSUME(T.Using);
      this.SUBRULE(this.settingsBlock);
    });
  });

  returnsClause = this.RULE('returnsClause', () => {
    this.CONSUME(T.Returns);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
  });

  // ─── event, store, channel ──────────────────────────────────────────────────────────────
  eventDecl = this.RULE('eventDecl', () => {
    this.CONSUME(T.Event);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.eventClause));
    this.CONSUME(T.RBrace);
  });

  eventClause = this.RULE('eventClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Payload);
          this.CONSUME(T.Colon);
          this.SUBRULE(this.fieldBlock);
        },
      },
      { ALT: () => this.SUBRULE(this.optionClause) },
    ]);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  /**
   * `key: value` clauses whose value is one word, number, duration or string:
   * delivery, ttl, engine, partition, replicas, retention, transport, ordering, persistence,
   * max_size, audit, encryption, stable, language, default, implementation.
   */
  optionClause = this.RULE('optionClause', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Delivery) },
      { ALT: () => this.CONSUME(T.Ttl) },
      { ALT: () => this.CONSUME(T.Engine) },
      { ALT: () => this.CONSUME(T.Partition) },
      { ALT: () => this.CONSUME(T.Replicas) },
      { ALT: () => this.CONSUME(T.Retention) },
      { ALT: () => this.CONSUME(T.Transport) },
      { ALT: () => this.CONSUME(T.Ordering) },
      { ALT: () => this.CONSUME(T.Persistence) },
      { ALT: () => this.CONSUME(T.MaxSize) },
      { ALT: () => this.CONSUME(T.Audit) },
      { ALT: () => this.CONSUME(T.Encryption) },
      { ALT: () => this.CONSUME(T.Crud) },
      { ALT: () => this.CONSUME(T.Stable) },
      { ALT: () => this.CONSUME(T.Language) },
      { ALT: () => this.CONSUME(T.Default) },
      { ALT: () => this.CONSUME(T.Implementation) },
      { ALT: () => this.CONSUME(T.Filter) },
    ]);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  storeDecl = this.RULE('storeDecl', () => {
    this.CONSUME(T.Store);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.storeClause));
    this.CONSUME(T.RBrace);
  });

  storeClause = this.RULE('storeClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Schema);
          this.CONSUME(T.Colon);
          this.SUBRULE(this.fieldBlock);
        },
      },
      { ALT: () => this.SUBRULE(this.optionClause) },
    ]);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  channelDecl = this.RULE('channelDecl', () => {
    this.CONSUME(T.Channel);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.channelClause));
    this.CONSUME(T.RBrace);
  });

  channelClause = this.RULE('channelClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Participants);
          this.CONSUME(T.Colon);
          this.SUBRULE(this.typeRef);
        },
      },
      { ALT: () => this.SUBRULE(this.optionClause) },
    ]);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  // ─── policy ─────────────────────────────────────────────────────────────────────────────
  policyDecl = this.RULE('policyDecl', () => {
    this.CONSUME(T.Policy);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.policyClause));
    this.CONSUME(T.RBrace);
  });

  policyClause = this.RULE('policyClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.RateLimit);
          this.CONSUME(T.Colon);
          this.SUBRULE(this.expression);
          this.CONSUME(T.Per);
          this.SUBRULE2(this.expression);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Access);
          this.CONSUME2(T.Colon);
          this.SUBRULE(this.nameList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.AppliesTo);
          this.CONSUME3(T.Colon);
          this.SUBRULE2(this.nameList);
        },
      },
      { ALT: () => this.SUBRULE(this.optionClause) },
    ]);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  // ─── flow, constraint, extension point ──────────────────────────────────────────────────
  flowDecl = this.RULE('flowDecl', () => {
    this.CONSUME(T.Flow);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.flowStep));
    this.CONSUME(T.RBrace);
  });

  flowStep = this.RULE('flowStep', () => {
    this.CONSUME(T.Step);
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.callSite);
    this.OPTION(() => {
      this.CONSUME(T.Compensate);
      this.CONSUME2(T.Colon);
      this.SUBRULE2(this.callSite);
    });
    this.OPTION2(() => this.CONSUME(T.Comma));
  });

  constraintDecl = this.RULE('constraintDecl', () => {
    this.CONSUME(T.ConstraintKw);
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  extensionPointDecl = this.RULE('extensionPointDecl', () => {
    this.CONSUME(T.ExtensionPoint);
    this.CONSUME(T.Name);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.extensionClause));
    this.CONSUME(T.RBrace);
  });

  extensionClause = this.RULE('extensionClause', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.returnsClause) },
      { ALT: () => this.SUBRULE(this.optionClause) },
    ]);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  // ─── Expressions (lowest precedence first) ──────────────────────────────────────────────
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.orExpression);
  });

  orExpression = this.RULE('orExpression', () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Or) },
        { ALT: () => this.CONSUME(T.OrOr) },
      ]);
      this.SUBRULE2(this.andExpression);
    });
  });

  andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.And) },
        { ALT: () => this.CONSUME(T.AndAnd) },
      ]);
      this.SUBRULE2(this.notExpression);
    });
  });

  notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Not) },
            { ALT: () => this.CONSUME(T.Bang) },
          ]);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.EqEq) },
              { ALT: () => this.CONSUME(T.NotEq) },
              { ALT: () => this.CONSUME(T.LtEq) },
              { ALT: () => this.CONSUME(T.GtEq) },
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.Greater) },
              { ALT: () => this.CONSUME(T.Contains) },
            ]);
            this.SUBRULE2(this.additive);
          },
        },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.Not));
            this.CONSUME(T.In);
            this.SUBRULE3(this.additive);
            this.OPTION3(() => {
              this.CONSUME(T.DotDot);
              this.SUBRULE4(this.additive);
            });
          },
        },
      ]);
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus) },
        { ALT: () => this.CONSUME(T.Minus) },
      ]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Slash) },
        { ALT: () => this.CONSUME(T.Percent) },
      ]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Duration) },
      { ALT: () => this.CONSUME(T.FloatLiteral) },
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.reference) },
    ]);
  });

  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.expression));
      });
    });
    this.CONSUME(T.RBracket);
  });

  /** `a`, `a.b.c`, `now()`, `tags.append(x)` */
  reference = this.RULE('reference', () => {
    this.CONSUME(T.Name);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Name);
    });
    this.OPTION(() => this.SUBRULE(this.argumentList));
  });
}

/** One parser instance: Chevrotain parsers are reusable and expensive to construct. */
let sharedParser: BoneParser | undefined;
export function boneParser(): BoneParser {
  sharedParser ??= new BoneParser();
  return sharedParser;
}

export interface SyntaxError {
  facts: SyntaxErrorFacts;
  token: IToken;
  /** The innermost grammar rule, e.g. `entityDecl`. */
  ruleName: string;
}

export interface ParseOutput {
  cst: CstNode;
  errors: SyntaxError[];
}

export function parseTokens(tokens: IToken[]): ParseOutput {
  const parser = boneParser();
  parser.input = tokens;
  const cst = parser.file();
  const errors = parser.errors.map((e): SyntaxError => {
    let facts: SyntaxErrorFacts;
    try {
      facts = JSON.parse(e.message) as SyntaxErrorFacts;
    } catch {
      facts = { kind: 'noViableAlt', expected: [], actual: describeActual(e.token) };
    }
    return { facts, token: e.token, ruleName: (e.context?.ruleStack ?? []).at(-1) ?? '' };
  });
  return { cst, errors };
}

export type { TokenType };
