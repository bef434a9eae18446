/** The code graph: symbols and their relations, per project (runtime/graph/README.md). */
export { CodeGraph, type CallerRef, type CodeGraphOptions, type GraphStats, type SymbolRef } from './graph.js';
export { listProjects, recordProject, userStore, type ProjectEntry } from './projects.js';
export { SYMBOL_KINDS, languageOf, type SymbolKind } from './languages.js';
export { loadGrammars } from './extract.js';
