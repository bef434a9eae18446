/**
 * `smallcode bone compile`: the whole pipeline. Front end (parse, check, lower to IR) → back end
 * (emitProject) → write into the output folder, keeping extension regions and adding a new
 * numbered migration when the schema changed. A file with errors generates nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../common/index.js';
import { formatDiagnostics, hasErrors } from '../common/index.js';
import { emitProject, MIGRATION_DIRS, type BoneTarget, type PreviousOutput } from './emit/index.js';
import { implementationPath } from './emit/model.js';
import { readRegions } from './emit/regions.js';
import { checkBone, checkBoneFile } from './index.js';
import type { BoneSystem } from './ir.js';

export interface CompileBoneOptions {
  outDir: string;
  target?: BoneTarget;
  /** Where `implementation:` paths of extension points are resolved (the .bone file's folder). */
  sourceDir?: string;
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

const MANIFEST_PATH = '.bone/files.json';

export async function compileBoneFile(file: string, opts: CompileBoneOptions): Promise<CompileBoneResult> {
  const checked = await checkBoneFile(file, { extensionImplemented: implementedIn(opts.outDir) });
  if (!checked.ir || hasErrors(checked.diagnostics)) return failed(checked.diagnostics, opts);
  const result = compileBoneSystem(checked.ir, { ...opts, sourceDir: path.dirname(path.resolve(file)) });
  return { ...result, diagnostics: [...checked.diagnostics, ...result.diagnostics] };
}

export async function compileBoneSource(source: string, file: string, opts: CompileBoneOptions): Promise<CompileBoneResult> {
  const sourceDir = opts.sourceDir ?? path.dirname(path.resolve(file));
  const checked = checkBone(source, file, {
    extensionImplemented: implementedIn(opts.outDir),
    // `implementation:` paths are relative to the .bone file, wherever the process runs.
    // The checker resolves them against the .bone path as given (relative to this process's cwd).
    fileExists: (p) => fs.existsSync(path.resolve(sourceDir, path.relative(path.resolve(path.dirname(file)), p))),
  });
  if (!checked.ir || hasErrors(checked.diagnostics)) return failed(checked.diagnostics, opts);
  const result = compileBoneSystem(checked.ir, { ...opts, sourceDir });
  return { ...result, diagnostics: [...checked.diagnostics, ...result.diagnostics] };
}

/**
 * What `bone check` reports: the front end's diagnostics and, when it finds no error, the back
 * end's too (BSE warnings, unsafe migrations against the schema kept in `outDir`) — the same
 * diagnostics `compile` would print, with nothing written.
 */
export function checkBoneProject(source: string, file: string, opts: { outDir: string; sourceDir?: string }): ReturnType<typeof checkBone> {
  const sourceDir = opts.sourceDir ?? path.dirname(path.resolve(file));
  const checked = checkBone(source, file, {
    extensionImplemented: implementedIn(opts.outDir),
    fileExists: (p) => fs.existsSync(path.resolve(sourceDir, path.relative(path.resolve(path.dirname(file)), p))),
  });
  if (!checked.ir || hasErrors(checked.diagnostics)) return checked;
  const emitted = emitProject(checked.ir, readPrevious(path.resolve(opts.outDir)), 'express');
  return { ...checked, diagnostics: [...checked.diagnostics, ...emitted.diagnostics] };
}

/**
 * A stable extension point counts as implemented when the previous output's src/extensions.ts
 * has its region filled with someone's code (not the generated "not implemented" body).
 */
function implementedIn(outDir: string): (name: string) => boolean {
  let regions: ReturnType<typeof readRegions> | undefined;
  return (name) => {
    if (!regions) {
      try {
        regions = readRegions(fs.readFileSync(path.join(outDir, 'src', 'extensions.ts'), 'utf8'));
      } catch {
        regions = new Map();
      }
    }
    const body = regions.get(name)?.body.trim() ?? '';
    return body !== '' && !body.includes('NotImplementedError');
  };
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
  // `implementation: "extensions/fee.ts"` modules are copied into the project, which imports them.
  for (const point of system.extensionPoints) {
    if (!point.implementation) continue;
    const from = path.resolve(opts.sourceDir ?? process.cwd(), point.implementation);
    try {
      emitted.files.push({ path: implementationPath(point.implementation), content: fs.readFileSync(from, 'utf8') });
    } catch (error) {
      emitted.diagnostics.push({
        code: 'BSE004',
        severity: 'error',
        message: `cannot read the implementation of extension point '${point.name}' (${from}): ${(error as Error).message}`,
        span: { file: system.file, start: { offset: 0, line: point.loc.line, column: point.loc.column }, end: { offset: 0, line: point.loc.endLine, column: point.loc.endColumn } },
      });
    }
  }
  emitted.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (hasErrors(emitted.diagnostics)) return { ...failed(emitted.diagnostics, opts), diagnostics: emitted.diagnostics };
  const filesWritten: string[] = [];
  const filesUnchanged: string[] = [];
  const filesAdded: string[] = [];
  // Read before anything is written: the previous compile's list of generated files.
  const previousManifest = previous.read(MANIFEST_PATH);
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
  if (previousManifest) {
    let listed: unknown;
    try {
      listed = JSON.parse(previousManifest);
    } catch {
      listed = [];
    }
    const now = new Set(generated);
    for (const rel of Array.isArray(listed) ? (listed as unknown[]) : []) {
      if (typeof rel !== 'string' || now.has(rel) || rel.startsWith('migrations/') || rel.startsWith('.bone/') || rel.includes('..')) continue;
      const full = path.join(outDir, rel);
      if (!fs.existsSync(full)) continue;
      const text = fs.readFileSync(full, 'utf8');
      const regions = [...readRegions(text).values()];
      if (regions.length > 0) {
        // It has extension regions, so it may hold someone's code: the file moves to .bone/orphaned/, kept whole.
        const kept = `.bone/orphaned/${rel}`;
        fs.mkdirSync(path.dirname(path.join(outDir, kept)), { recursive: true });
        fs.renameSync(full, path.join(outDir, kept));
        emitted.diagnostics.push({
          code: 'BSE007',
          severity: 'warning',
          message: `${rel} is no longer generated (its declaration was removed) with its extension region${regions.length === 1 ? '' : 's'} ${regions.map((r) => `'${r.name}'`).join(', ')}; the file was moved to ${kept}`,
          span: { file: system.file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } },
        });
      } else fs.rmSync(full);
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

/** Where `compile` writes when no output folder is given: `<file name without .bone>/` beside the file. */
export function defaultOutDir(file: string): string {
  return path.join(path.dirname(file), path.basename(file).replace(/\.bone$/i, '') || 'out');
}

/**
 * The report people and small models read after a compile: what was written, the migration,
 * and the next command — or, on errors, every diagnostic with its code frame and that nothing
 * was generated.
 */
export function formatCompileReport(result: CompileBoneResult, file: string, sources: Record<string, string> = {}, cwd = process.cwd()): string {
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const lines: string[] = [];
  if (!result.ok) {
    lines.push(`${file}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} — nothing was generated. Fix them and compile again.`);
    lines.push('', formatDiagnostics(result.diagnostics, sources));
    return lines.join('\n');
  }
  const out = rel(result.outDir);
  const changed = result.filesWritten.length - result.filesAdded.length;
  lines.push(
    `compiled ${file} → ${out}/: ${result.filesAdded.length} added, ${changed} changed, ${result.filesUnchanged.length} unchanged${result.filesRemoved.length ? `, ${result.filesRemoved.length} removed` : ''}.`,
  );
  if (result.migrationsAdded.length) lines.push(`new migration: ${result.migrationsAdded.join(', ')} (migrations/sqlite and migrations/postgres)`);
  if (result.filesWritten.length && result.filesWritten.length <= 12) lines.push(`written: ${result.filesWritten.join(', ')}`);
  if (warnings) lines.push('', formatDiagnostics(result.diagnostics, sources));
  lines.push('', `next: cd ${out} && npm install && npm test && npm start`);
  return lines.join('\n');
}
