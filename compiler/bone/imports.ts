/**
 * `import Name from "./other.bone"`: brings declarations of another file's system into this one
 * before checking, so the IR is self-contained. `import * from "…"` (or importing the other
 * system's own name) brings everything; otherwise only the named declarations.
 */
import { dirname, extname, resolve } from 'node:path';
import { didYouMean, type DiagnosticBag } from '../common/index.js';
import type * as A from './ast.js';
import { BoneDiagnostics } from './diagnostics.js';
import { parseBone } from './syntax.js';

export interface ImportContext {
  readFile: (path: string) => string | undefined;
  diagnostics: DiagnosticBag;
  /** Every file read so far, by path (for code frames and expression text). */
  sources: Map<string, string>;
  /** Files on the current import chain, to stop cycles. */
  active: Set<string>;
}

/** Declarations the imports of `fromFile` bring in, in import order. */
export function importedDeclarations(imports: readonly A.ImportDecl[], fromFile: string, context: ImportContext): A.Declaration[] {
  const result: A.Declaration[] = [];
  for (const decl of imports) {
    let path = resolve(dirname(fromFile), decl.from.value);
    if (extname(path) === '') path += '.bone';
    if (context.active.has(path)) {
      context.diagnostics.report(BoneDiagnostics.ImportCycle, decl.from.span, [decl.from.value]);
      continue;
    }
    const source = context.sources.get(path) ?? context.readFile(path);
    if (source === undefined) {
      context.diagnostics.report(BoneDiagnostics.ImportNotFound, decl.from.span, [decl.from.value, 'no such file']);
      continue;
    }
    context.sources.set(path, source);
    const ast = parseBone(source, path, context.diagnostics);
    const system = ast.systems[0];
    if (!system) {
      context.diagnostics.report(BoneDiagnostics.ImportNotFound, decl.from.span, [decl.from.value, 'it declares no system']);
      continue;
    }
    context.active.add(path);
    const nested = importedDeclarations([...ast.imports, ...system.declarations.filter((d): d is A.ImportDecl => d.kind === 'import')], path, context);
    context.active.delete(path);
    const available = [...system.declarations.filter((d) => d.kind !== 'import'), ...nested];
    const everything = decl.all || decl.names.some((n) => n.text === system.name.text);
    if (everything) {
      result.push(...available);
      continue;
    }
    for (const name of decl.names) {
      const found = available.find((d) => d.kind !== 'import' && d.name.text === name.text);
      if (found) result.push(found);
      else {
        const names = available.flatMap((d) => (d.kind === 'import' ? [] : [d.name.text]));
        context.diagnostics.report(BoneDiagnostics.ImportedNameMissing, name.span, [decl.from.value, name.text, didYouMean(name.text, names)]);
      }
    }
  }
  return result;
}
