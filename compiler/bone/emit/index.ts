/**
 * The BoneScript back end: IR → view model → a target's templates → the files of a project.
 * Pure: it reads nothing from disk but the templates; what an existing output holds (extension
 * regions, the schema snapshot, migration names) comes in through `previous`. Same IR and same
 * previous output → byte-identical files, in a stable order.
 */
import type { Diagnostic, SourceSpan } from '../../common/index.js';
import type { BoneSystem, IrLocation } from '../ir.js';
import { buildView, type SystemView } from './model.js';
import { openApiYaml } from './openapi.js';
import { mergeRegions, readRegions } from './regions.js';
import { renderTarget, type RenderedFile } from './render.js';
import { diffSchemas, keepRemovedColumns, nextMigrationNumber, schemaOf, type SchemaSnapshot, type UnsafeChange } from './schema.js';

export type BoneTarget = 'express';

export const SCHEMA_SNAPSHOT_PATH = '.bone/schema.json';
export const MIGRATION_DIRS = ['migrations/sqlite', 'migrations/postgres'] as const;

export interface PreviousOutput {
  /** The current text of a file in the output folder, or undefined when it does not exist. */
  read(path: string): string | undefined;
  /** Names (`0001_init.sql`) of migrations already in the output, either dialect. */
  migrations: readonly string[];
}

export const EMPTY_OUTPUT: PreviousOutput = { read: () => undefined, migrations: [] };

export interface EmittedProject {
  /** Every generated file, sorted by path (migrations only when new). */
  files: RenderedFile[];
  /** Names of the migrations this emit adds, without extension (`0002_add_reviews`). */
  migrationsAdded: string[];
  diagnostics: Diagnostic[];
  view: SystemView;
}

function spanOf(file: string, loc: IrLocation): SourceSpan {
  return { file, start: { offset: 0, line: loc.line, column: loc.column }, end: { offset: 0, line: loc.endLine, column: loc.endColumn } };
}

export function emitProject(system: BoneSystem, previous: PreviousOutput = EMPTY_OUTPUT, target: BoneTarget = 'express'): EmittedProject {
  const diagnostics: Diagnostic[] = [];
  const view = buildView(system);
  const files = renderTarget(target, view);

  // Extension regions: the previous bodies win over the freshly generated defaults.
  for (const file of files) {
    const old = previous.read(file.path);
    if (old === undefined || !old.includes('<bone:extension ')) continue;
    const merged = mergeRegions(file.content, old);
    file.content = merged.content;
    for (const orphan of merged.orphans) {
      const keep = `.bone/orphaned/${file.path.replace(/\//g, '__')}.${orphan.name}.txt`;
      files.push({ path: keep, content: `${orphan.body}\n` });
      diagnostics.push({
        code: 'BSE002',
        severity: 'warning',
        message: `the extension region '${orphan.name}' in ${file.path} no longer exists in the .bone file; its code was saved to ${keep}`,
        span: spanOf(system.file, { line: 1, column: 1, endLine: 1, endColumn: 1 }),
      });
    }
  }

  // Stable extension points must have a body someone wrote (or a default in the .bone file).
  const extensions = files.find((f) => f.path === 'src/extensions.ts');
  if (extensions) {
    const regions = readRegions(extensions.content);
    for (const point of system.extensionPoints) {
      const body = regions.get(point.name)?.body ?? '';
      if (point.stable && !point.default && !point.implementation && body.includes('NotImplementedError')) {
        diagnostics.push({
          code: 'BSE001',
          severity: 'warning',
          message: `stable extension point '${point.name}' is not implemented yet: write its body between the bone:extension markers in src/extensions.ts (calls fail with 501 until then)`,
          span: spanOf(system.file, point.loc),
        });
      }
    }
  }

  // Event payload fields the compiler cannot fill from a capability say so once, where they are.
  for (const capability of view.capabilities) {
    const source = system.capabilities.find((c) => c.name === capability.name);
    for (const emit of capability.emits) {
      if (emit.unresolved.length === 0 || !source) continue;
      diagnostics.push({
        code: 'BSE005',
        severity: 'warning',
        message: `event ${emit.event.name}: ${emit.unresolved.map((f) => `'${f}'`).join(', ')} ${emit.unresolved.length === 1 ? 'is' : 'are'} not a parameter of ${capability.name} nor a field of its rows, so ${emit.unresolved.length === 1 ? 'it is' : 'they are'} null; set payloads["${emit.event.name}"] in the bone:extension ${capability.name} region of src/capabilities/${capability.fileName}.ts`,
        span: spanOf(system.file, source.loc),
      });
    }
  }

  files.push({ path: 'openapi.yaml', content: openApiYaml(view) });

  // Migrations: diff the new schema against the snapshot of the last compile.
  const schema = schemaOf(system, view);
  const snapshotText = previous.read(SCHEMA_SNAPSHOT_PATH);
  let before: SchemaSnapshot | undefined;
  if (snapshotText !== undefined) {
    try {
      before = JSON.parse(snapshotText) as SchemaSnapshot;
    } catch {
      before = undefined;
    }
  }
  const migrationsAdded: string[] = [];
  if (before === undefined && previous.migrations.length > 0) {
    diagnostics.push({
      code: 'BSE003',
      severity: 'warning',
      message: `the output has migrations but no ${SCHEMA_SNAPSHOT_PATH}: no new migration was written; restore the snapshot or write the migration by hand`,
      span: spanOf(system.file, { line: 1, column: 1, endLine: 1, endColumn: 1 }),
    });
    if (snapshotText === undefined) before = schema;
  }
  const unsafe: UnsafeChange[] = [];
  const migration = diffSchemas(before, schema, nextMigrationNumber(previous.migrations), unsafe);
  for (const change of unsafe) {
    const entity = system.entities.find((e) => e.tableName === change.table);
    const field = entity?.fields.find((f) => f.column === change.column);
    diagnostics.push({ code: 'BSE006', severity: 'error', message: change.message, span: spanOf(system.file, field?.loc ?? entity?.loc ?? { line: 1, column: 1, endLine: 1, endColumn: 1 }) });
  }
  if (migration) {
    files.push({ path: `migrations/sqlite/${migration.name}.sql`, content: migration.sqlite });
    files.push({ path: `migrations/postgres/${migration.name}.sql`, content: migration.postgres });
    migrationsAdded.push(migration.name);
  }
  files.push({ path: SCHEMA_SNAPSHOT_PATH, content: `${JSON.stringify(keepRemovedColumns(before, schema), null, 2)}\n` });

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, migrationsAdded, diagnostics, view };
}
