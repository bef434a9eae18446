/**
 * What the two BoneScript tools share: keeping paths inside the project, reading the `.bone`
 * file, and diagnostics written so a small model can fix them (numbered, with the line shown).
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../compiler/common/index.js';

export interface BoneToolResult {
  ok: boolean;
  output: string;
  filesCreated: string[];
  filesEdited: string[];
}

export interface BoneToolContext {
  /** The project root: every path is relative to it and must stay inside it. */
  root: string;
}

/** An absolute path inside `root`, or an error message saying why not. */
export function insideRoot(root: string, rel: string): { path: string } | { error: string } {
  const base = fs.existsSync(root) ? fs.realpathSync(root) : path.resolve(root);
  const full = path.resolve(base, rel);
  if (full !== base && !full.startsWith(base + path.sep)) return { error: `${rel} is outside the project; use a path inside it` };
  // A symlink inside the project must not lead out of it.
  let probe = full;
  while (!fs.existsSync(probe) && probe !== base) probe = path.dirname(probe);
  const real = fs.realpathSync(probe);
  if (real !== base && !real.startsWith(base + path.sep)) return { error: `${rel} leads outside the project through a symlink` };
  return { path: full };
}

export function readBoneFile(root: string, rel: unknown): { file: string; shown: string; source: string } | { error: string } {
  if (typeof rel !== 'string' || rel.trim() === '') return { error: 'give "file": the path of the .bone file, e.g. {"file": "shop.bone"}' };
  const inside = insideRoot(root, rel);
  if ('error' in inside) return inside;
  if (!fs.existsSync(inside.path)) return { error: `${rel} does not exist` };
  if (fs.statSync(inside.path).isDirectory()) return { error: `${rel} is a folder; give the .bone file` };
  return { file: inside.path, shown: path.relative(path.resolve(root), inside.path), source: fs.readFileSync(inside.path, 'utf8') };
}

/** `1. shop.bone:12:33 error BS031: …` then the line and a caret, then the hint. */
export function numberedDiagnostics(diagnostics: readonly Diagnostic[], sources: Record<string, string>): string {
  return diagnostics.map((d, i) => `${i + 1}. ${formatDiagnostic(d, sources[d.span.file]).replace(/\n/g, '\n   ')}`).join('\n');
}

export function failure(output: string): BoneToolResult {
  return { ok: false, output, filesCreated: [], filesEdited: [] };
}
