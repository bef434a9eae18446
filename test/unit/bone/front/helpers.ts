import { DiagnosticBag, type Diagnostic } from '../../../../compiler/common/index.js';
import type { BoneFile, Declaration, SystemDecl } from '../../../../compiler/bone/ast.js';
import { parseBone } from '../../../../compiler/bone/syntax.js';
import { checkBone, type BoneCheckOptions, type BoneCheckResult } from '../../../../compiler/bone/index.js';

export function parse(source: string): { ast: BoneFile; diagnostics: Diagnostic[]; system: SystemDecl } {
  const bag = new DiagnosticBag();
  const ast = parseBone(source, 'test.bone', bag);
  return { ast, diagnostics: bag.sorted(), system: ast.systems[0]! };
}

/** The one declaration of `kind` in a system written inline. */
export function declaration<K extends Declaration['kind']>(source: string, kind: K): Extract<Declaration, { kind: K }> {
  const { system, diagnostics } = parse(source);
  if (diagnostics.length > 0) throw new Error(`unexpected diagnostics: ${diagnostics.map((d) => d.message).join('; ')}`);
  const found = system.declarations.find((d) => d.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as Extract<Declaration, { kind: K }>;
}

/** Wraps declarations in a system and checks them (no file system access). */
export function check(body: string, options: BoneCheckOptions = {}): BoneCheckResult {
  return checkBone(`system Test {\n${body}\n}\n`, 'test.bone', { readFile: () => undefined, fileExists: () => false, ...options });
}

/** `line:col CODE` for each diagnostic — compact expectations that still pin the position. */
export function codesAt(result: { diagnostics: Diagnostic[] }): string[] {
  return result.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`);
}
