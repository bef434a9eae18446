/**
 * The BoneScript front end: `.bone` source → diagnostics and, when there are no errors, the IR
 * the emitters consume. Stages: lexer → parser → AST builder → checker → lower (see README.md).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DiagnosticBag, formatDiagnostics, hasErrors, type Diagnostic } from '../common/index.js';
import type * as A from './ast.js';
import { checkSystem } from './checker.js';
import { BoneDiagnostics } from './diagnostics.js';
import { importedDeclarations } from './imports.js';
import type { BoneSystem } from './ir.js';
import { lowerSystem } from './lower.js';
import { parseBone } from './syntax.js';

export interface BoneCheckResult {
  /** Sorted by file and position; errors and warnings. */
  diagnostics: Diagnostic[];
  /** Present only when there are no errors. */
  ir?: BoneSystem;
  source: string;
  file: string;
  /** Texts of imported files, by path, for code frames of diagnostics in them. */
  sources?: Record<string, string>;
}

export interface BoneCheckOptions {
  /** Reads an imported file; undefined when it cannot. Defaults to the real file system. */
  readFile?: (path: string) => string | undefined;
  /** Whether an extension point's `implementation:` file exists. Defaults to the real file system. */
  fileExists?: (path: string) => boolean;
  /**
   * Whether an extension point is already implemented outside the `.bone` file (a filled marked
   * region in the previous output). A stable extension point needs this, a `default:` or an
   * `implementation:` file (BS102).
   */
  extensionImplemented?: (name: string) => boolean;
}

/** Checks one `.bone` source. Never throws: every problem is a diagnostic. */
export function checkBone(source: string, file: string, options: BoneCheckOptions = {}): BoneCheckResult {
  const diagnostics = new DiagnosticBag();
  const sources = new Map<string, string>([[file, source]]);
  let ir: BoneSystem | undefined;
  try {
    ir = runFrontEnd(source, file, options, diagnostics, sources);
  } catch (error) {
    const where = { file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
    diagnostics.report(BoneDiagnostics.InternalError, where, [error instanceof Error ? error.message : String(error)]);
    ir = undefined;
  }
  const sorted = diagnostics.sorted();
  const result: BoneCheckResult = { diagnostics: sorted, source, file };
  if (ir && !hasErrors(sorted)) result.ir = ir;
  if (sources.size > 1) result.sources = Object.fromEntries([...sources].filter(([path]) => path !== file));
  return result;
}

/** Reads and checks a `.bone` file; an unreadable file is a BS009 diagnostic, not an exception. */
export async function checkBoneFile(path: string, options: BoneCheckOptions = {}): Promise<BoneCheckResult> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    const where = { file: path, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
    const bag = new DiagnosticBag();
    bag.report(BoneDiagnostics.FileNotReadable, where, [path, reason]);
    return { diagnostics: bag.sorted(), source: '', file: path };
  }
  return checkBone(source, path, options);
}

/** Human-readable diagnostics with code frames, one blank line apart. */
export function formatBoneDiagnostics(result: BoneCheckResult): string {
  const sources: Record<string, string> = { ...(result.sources ?? {}), [result.file]: result.source };
  return formatDiagnostics(result.diagnostics, result.source === '' ? {} : sources);
}

function runFrontEnd(source: string, file: string, options: BoneCheckOptions, diagnostics: DiagnosticBag, sources: Map<string, string>): BoneSystem | undefined {
  const ast = parseBone(source, file, diagnostics);
  const syntaxErrors = diagnostics.items.filter((d) => d.severity === 'error');
  const afterSyntax = diagnostics.items.length;
  const [system, ...extra] = ast.systems;
  if (!system) {
    if (!diagnostics.hasErrors) {
      const where = { file, start: { offset: 0, line: 1, column: 1 }, end: { offset: Math.min(1, source.length), line: 1, column: 2 } };
      diagnostics.report(BoneDiagnostics.MissingSystem, where);
    }
    return undefined;
  }
  for (const other of extra) diagnostics.report(BoneDiagnostics.MultipleSystems, other.name.span, [other.name.text, system.name.span.start.line]);
  const imports = [...ast.imports, ...system.declarations.filter((d): d is A.ImportDecl => d.kind === 'import')];
  const read = options.readFile ?? defaultReadFile;
  const imported = importedDeclarations(imports, file, { readFile: read, diagnostics, sources, active: new Set([resolve(file)]) });
  const merged: A.SystemDecl = { ...system, declarations: [...system.declarations, ...imported] };
  const checkOptions = {
    ...(options.fileExists ? { fileExists: options.fileExists } : {}),
    ...(options.extensionImplemented ? { extensionImplemented: options.extensionImplemented } : {}),
  };
  const checked = checkSystem(merged, sources, diagnostics, checkOptions);
  dropCascades(diagnostics, afterSyntax, syntaxErrors, system.declarations);
  if (diagnostics.hasErrors) return undefined;
  return lowerSystem(checked, file, imports);
}

/**
 * A declaration with a syntax error was only partly read, so what the checker says about it is
 * mostly noise ("unknown type 'states'" after a missing `]`). Its semantic diagnostics are
 * dropped; the syntax errors and every other declaration's diagnostics stay.
 */
function dropCascades(diagnostics: DiagnosticBag, afterSyntax: number, syntaxErrors: Diagnostic[], declarations: readonly A.Declaration[]): void {
  if (syntaxErrors.length === 0) return;
  const contains = (outer: A.Declaration['span'], inner: Diagnostic['span']): boolean =>
    outer.file === inner.file && inner.start.offset >= outer.start.offset && inner.start.offset <= outer.end.offset;
  const broken = declarations.filter((d) => syntaxErrors.some((e) => contains(d.span, e.span)));
  const semantic = diagnostics.items.splice(afterSyntax);
  for (const d of semantic) if (!broken.some((b) => contains(b.span, d.span))) diagnostics.add(d);
}

function defaultReadFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export { BoneDiagnostics, BONE_DIAGNOSTIC_CODES } from './diagnostics.js';
export type * from './ir.js';
export { formatBoneType, BONE_IR_VERSION } from './ir.js';
export { parseBone } from './syntax.js';
