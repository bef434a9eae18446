/** The MarrowScript compiler: lexer → parser → AST → bind → check → emit. */
export { checkSource, compileSource, transpileToCommonJs, sourceHash, type CheckResult, type CompileOptions, type CompileResult } from './compile.js';
export { COGNITION_IMPORT, COMPILER_VERSION } from './emitter.js';
export type { ExternalNames, CheckOptions } from './checker.js';
export { MS } from './diagnostics.js';
export { FIELDS, DECLARATION_KINDS } from './bind.js';
export type { Program } from './program.js';
