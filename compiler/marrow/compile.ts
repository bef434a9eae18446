import { DiagnosticBag, hasErrors, spanOfTokens, type Diagnostic } from '../common/index.js';
import type { MarrowFile } from './ast.js';
import { bindFile } from './bind.js';
import { buildAst } from './build-ast.js';
import { checkProgram, type CheckOptions } from './checker.js';
import { MS } from './diagnostics.js';
import { emitModule, loadTsMorph } from './emitter.js';
import { sourceHash } from './hash.js';
import { lex } from './lexer.js';
import { MAX_NESTING, parseTokens } from './parser.js';
import type { Program } from './program.js';

export interface CompileOptions extends CheckOptions {
  /** The path shown in diagnostics and source locations, e.g. `agents/core.marrow`. */
  file: string;
}

export interface CheckResult {
  file: string;
  ast: MarrowFile;
  program: Program;
  /** Sorted by position; errors and warnings. */
  diagnostics: Diagnostic[];
  ok: boolean;
  sourceHash: string;
}

export interface CompileResult extends CheckResult {
  /** The emitted TypeScript module; absent when the file has errors. */
  code?: string;
}

export { sourceHash };

/** Lex → parse → AST → bind → check. Never throws on bad input; never loads ts-morph. */
export function checkSource(source: string, options: CompileOptions): CheckResult {
  const bag = new DiagnosticBag();
  const { tokens } = lex(source, options.file, bag);
  const { cst, errors, tooDeep } = parseTokens(tokens);
  if (tooDeep) bag.report(MS.nestedTooDeep, spanOfTokens(options.file, tooDeep), [String(MAX_NESTING)]);
  for (const error of errors) {
    const token = error.token.tokenType?.name === 'EOF' && error.previous ? error.previous : error.token;
    const span = Number.isNaN(token.startOffset) || token.startOffset === undefined
      ? { file: options.file, start: { offset: source.length, line: source.split('\n').length, column: 1 }, end: { offset: source.length, line: source.split('\n').length, column: 2 } }
      : spanOfTokens(options.file, token);
    bag.report(MS.syntaxError, span, [friendlyParserMessage(error.message, error.rule)]);
  }
  const ast = buildAst(cst, options.file, source, bag);
  const program = bindFile(ast, bag);
  checkProgram(program, options, bag);
  const diagnostics = withoutCascades(dedupe(bag.sorted()));
  return { file: options.file, ast, program, diagnostics, ok: !hasErrors(diagnostics), sourceHash: sourceHash(source) };
}

/** checkSource, then emit the TypeScript module when there are no errors. */
export async function compileSource(source: string, options: CompileOptions): Promise<CompileResult> {
  const checked = checkSource(source, options);
  if (!checked.ok) return checked;
  const code = await emitModule({ ast: checked.ast, program: checked.program, sourceHash: checked.sourceHash });
  return { ...checked, code };
}

/** TypeScript → CommonJS for evaluation by the layer loader (runtime/cognition/module-loader.ts). */
export async function transpileToCommonJs(code: string, fileName: string): Promise<string> {
  const { ts } = await loadTsMorph();
  const out = ts.transpileModule(code, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false, removeComments: false },
  });
  return out.outputText;
}

/** Chevrotain's messages name token types; users think in characters. */
function friendlyParserMessage(message: string, rule?: string): string {
  const names: Record<string, string> = {
    LCurly: "'{'", RCurly: "'}'", LParen: "'('", RParen: "')'", LBracket: "'['", RBracket: "']'", Colon: "':'", Comma: "','",
    Arrow: "'->'", Identifier: 'a name', StringLiteral: 'a string', NumberLiteral: 'a number', EOF: 'the end of the file', Less: "'<'", Greater: "'>'",
  };
  const first = message.split('\n')[0]!;
  const redundant = /^Redundant input, expecting EOF but found: (.*)$/.exec(first);
  if (redundant) return `${STRAY_BRACE}: '${redundant[1]}'`;
  const expecting = /Expecting token of type --> (\w+) <-- but found --> '(.*)' <--/.exec(first);
  if (expecting) return `expected ${names[expecting[1]!] ?? expecting[1]} but found ${expecting[2] === '' ? 'the end of the file' : `'${expecting[2]}'`}`;
  const oneOf = /Expecting: one of these possible Token sequences:/.test(first) || /Expecting: expecting at least one/.test(first);
  const found = /but found: '(.*)'/.exec(message);
  if (found && rule && ['expression', 'andExpr', 'notExpr', 'unary', 'primary'].includes(rule)) return `expected a value but found ${found[1] === '' ? 'the end of the file' : `'${found[1]}'`}`;
  if (found && rule === 'typeExpr') return `expected a type but found ${found[1] === '' ? 'the end of the file' : `'${found[1]}'`}`;
  if (found) return `unexpected ${found[1] === '' ? 'end of file' : `'${found[1]}'`}${oneOf ? ' here' : ''}`;
  return first.replace(/-->|<--/g, '').replace(/\s+/g, ' ').trim();
}

const SYNTAX = new Set(['MS001', 'MS002', 'MS003', 'MS004']);
const STRAY_BRACE = 'unexpected input after the last declaration';

/**
 * Error recovery resumes mid-line, so one mistake can surface as several messages. Keep the
 * most precise syntax error per line ("expected X" beats "unexpected"), drop other errors on a
 * line that already has a syntax error, and drop the trailing "expected end of file" that
 * earlier errors cause.
 */
function withoutCascades(diagnostics: Diagnostic[]): Diagnostic[] {
  const syntaxByLine = new Map<string, Diagnostic>();
  for (const d of diagnostics) {
    if (!SYNTAX.has(d.code)) continue;
    const key = `${d.span.file}:${d.span.start.line}`;
    const kept = syntaxByLine.get(key);
    if (!kept || (d.code !== 'MS002' && kept.code === 'MS002') || (kept.code === 'MS002' && d.code === 'MS002' && d.message.startsWith('expected') && !kept.message.startsWith('expected'))) {
      syntaxByLine.set(key, d);
    }
  }
  const firstSyntax = Math.min(...[...syntaxByLine.values()].map((d) => d.span.start.offset));
  const kept = new Set(syntaxByLine.values());
  return diagnostics.filter((d) => {
    if (d.code === MS.nestedTooDeep.code) return true;
    if (SYNTAX.has(d.code)) {
      if (!kept.has(d)) return false;
      // A stray '}' after an earlier error is that error's echo (recovery closed a block early).
      return !(d.message.startsWith(STRAY_BRACE) && d.span.start.offset > firstSyntax);
    }
    return d.severity !== 'error' || !syntaxByLine.has(`${d.span.file}:${d.span.start.line}`);
  });
}

/** Recovery can report the same position twice; keep the first of each. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}:${d.span.start.offset}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
