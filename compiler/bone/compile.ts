/**
 * `smallcode bone compile`: the whole pipeline. Front end (parse, check, lower to IR) → back end
 * (emitProject) → write into the output folder, keeping extension regions and adding a new
 * numbered migration when the schema changed. A file with errors generates nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../common/index.js';
import { hasErrors } from '../common/index.js';
import { emitProject, MIGRATION_DIRS, type BoneTarget, type PreviousOutput } from './emit/index.js';
import type { BoneSystem } from './ir.js';

export interface CompileBoneOptions {
  outDir: string;
  target?: BoneTarget;
}

export interface CompileBoneResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Output-relative paths of files created or changed by this compile (sorted). */
  filesWritten: string[];
  /** Output-relative paths of generated files whose content was already right. */
  filesUnchanged: string[];
  /** Migrations added (`0002_add_reviews`); empty when the schema did not change. */
  migrationsAdded: string[];
  outDir: string;
  /** Of `filesWritten`, the ones that did not exist before. */
  filesAdded: string[];
  /** Files an earlier compile generated that this one does not (an entity was removed); deleted. */
  filesRemoved: string[];
}

/** What the front end hands over: the checked system, or diagnostics saying why not. */
export interface FrontEndResult {
  system?: BoneSystem;
  diagnostics: Diagnostic[];
}

const MANIFEST_PATH = '.bone/files.json';

/** The front end (compiler/bone/index.ts), loaded lazily so the back end works on IR alone. */
async function checkSource(source: string, file: string): Promise<FrontEndResult> {
  const frontEndModule = './index.js'; // the front end's entry; a variable until it exists in every checkout
  const frontEnd = (await import(frontEndModule)) as unknown as {
    checkBone: (source: string, file: string) => FrontEndResult | Promise<FrontEndResult> | { ir?: BoneSystem; system?: BoneSystem; diagnostics: Diagnostic[] };
  };
  const result = (await frontEnd.checkBone(source, file)) as { ir?: BoneSystem; system?: BoneSystem; diagnostics: Diagnostic[] };
  return { system: result.system ?? result.ir, diagnostics: result.diagnostics ?? [] };
}

export async function compileBoneFile(file: string, opts: CompileBoneOptions): Promise<CompileBoneResult> {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const diagnostic: Diagnostic = {
      code: 'BS009',
      severity: 'error',
      message: `cannot read ${file}: ${(error as Error).message}`,
      span: { file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } },
    };
    return failed([diagnostic], opts);
  }
  return compileBoneSource(source, file, opts);
}

export async function compileBoneSource(source: string, file: string, opts: CompileBoneOptions): Promise<CompileBoneResult> {
  const checked = await checkSource(source, file);
  if (hasErrors(checked.diagnostics) || !checked.system) return failed(checked.diagnostics, opts);
  const result = compileBoneSystem(checked.system, opts);
  return { ...result, diagnostics: [...checked.diagnostics, ...result.diagnostics] };
}

function failed(diagnostics: Diagnostic[], opts: CompileBoneOptions): CompileBoneResult {
  return { ok: false, diagnostics, filesWritten: [], filesUnchanged: [], migrationsAdded: [], outDir: path.resolve(opts.outDir), filesAdded: [], filesRemoved: [] };
}

function readPrevious(outDir: string): PreviousOutput {
  const migrations = new Set<string>();
  for (const dir of MIGRATION_DIRS) {
    const full = path.join(outDir, dir);
    if (fs.existsSync(full)) for (const name of fs.readdirSync(full)) if (name.endsWith('.sql')) migrations.add(name);
  }
  return {
    read: (rel) => {
      try {
        return fs.readFileSync(path.join(outDir, rel), 'utf8');
      } catch {
        return undefined;
      }
    },
    migrations: [...migrations].sort(),
  };
}

/** Back end + write, from an already checked IR (what compileBoneSource does after the front end). */
export function compileBoneSystem(system: BoneSystem, opts: CompileBoneOptions): CompileBoneResult {
  const outDir = path.resolve(opts.outDir);
  const previous = readPrevious(outDir);
  const emitted = emitProject(system, previous, opts.target ?? 'express');
  const filesWritten: string[] = [];
  const filesUnchanged: string[] = [];
  const filesAdded: string[] = [];
  const generated = emitted.files.map((f) => f.path);
  const manifest = `${JSON.stringify(generated.filter((p) => !p.startsWith('migrations/')), null, 2)}\n`;

  for (const file of [...emitted.files, { path: MANIFEST_PATH, content: manifest }]) {
    const target = path.join(outDir, file.path);
    const old = previous.read(file.path);
    if (old === file.content) {
      filesUnchanged.push(file.path);
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Write then rename: an interrupted compile never leaves a half-written file behind.
    const temp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temp, file.content);
    fs.renameSync(temp, target);
    filesWritten.push(file.path);
    if (old === undefined) filesAdded.push(file.path);
  }

  const filesRemoved: string[] = [];
  const before = previous.read(MANIFEST_PATH);
  if (before) {
    let listed: unknown;
    try {
      listed = JSON.parse(before);
    } catch {
      listed = [];
    }
    const now = new Set(generated);
    for (const rel of Array.isArray(listed) ? (listed as unknown[]) : []) {
      if (typeof rel !== 'string' || now.has(rel) || rel.startsWith('migrations/') || rel.startsWith('.bone/') || rel.includes('..')) continue;
      const full = path.join(outDir, rel);
      if (!fs.existsSync(full)) continue;
      const text = fs.readFileSync(full, 'utf8');
      if (text.includes('<bone:extension ')) continue; // may hold someone's code: leave it
      fs.rmSync(full);
      filesRemoved.push(rel);
    }
  }

  return {
    ok: !hasErrors(emitted.diagnostics),
    diagnostics: emitted.diagnostics,
    filesWritten: filesWritten.sort(),
    filesUnchanged: filesUnchanged.sort(),
    migrationsAdded: emitted.migrationsAdded,
    outDir,
    filesAdded: filesAdded.sort(),
    filesRemoved,
  };
}
