/**
 * Agent tool `bone_compile`: one call turns a `.bone` system into a complete TypeScript backend
 * (replacing a dozen file writes a small model would get wrong). Recompiling into the same folder
 * keeps code in `// <bone:extension …>` regions and adds a migration for schema changes.
 */
import path from 'node:path';
import { failure, insideRoot, numberedDiagnostics, readBoneFile, type BoneToolContext, type BoneToolResult } from './bone_shared.js';

export const boneCompileTool = {
  name: 'bone_compile',
  category: 'run' as const,
  description:
    'Compile a BoneScript .bone system into a runnable TypeScript backend (express, SQLite/PostgreSQL, tests). Recompiling keeps code inside bone:extension regions.',
  parameters: {
    type: 'object',
    properties: {
      file: { type: 'string', description: 'path of the .bone file' },
      out_dir: { type: 'string', description: 'output folder (default: the file name without .bone)' },
    },
    required: ['file'],
  } as Record<string, unknown>,
  async execute(args: { file?: unknown; path?: unknown; out_dir?: unknown; outDir?: unknown; out?: unknown; target?: unknown }, ctx: BoneToolContext): Promise<BoneToolResult> {
    const read = readBoneFile(ctx.root, args.file ?? args.path);
    if ('error' in read) return failure(`bone_compile: ${read.error}`);
    if (args.target !== undefined && args.target !== 'express') return failure(`bone_compile: unknown target ${JSON.stringify(args.target)}; the only target is "express"`);
    const { compileBoneSource, defaultOutDir } = await import('../../compiler/bone/compile.js');
    const outArg = args.out_dir ?? args.outDir ?? args.out;
    const out = typeof outArg === 'string' && outArg.trim() ? insideRoot(ctx.root, outArg) : { path: defaultOutDir(read.file) };
    if ('error' in out) return failure(`bone_compile: ${out.error}`);

    const result = await compileBoneSource(read.source, read.shown, { outDir: out.path, target: 'express', sourceDir: path.dirname(read.file) });
    const sources = { [read.shown]: read.source };
    if (!result.ok) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      return failure(
        `${read.shown}: ${errors} error${errors === 1 ? '' : 's'}; nothing was generated. Fix each in ${read.shown}, then call bone_compile again.\n${numberedDiagnostics(result.diagnostics, sources)}`,
      );
    }
    const root = path.resolve(ctx.root);
    const outRel = path.relative(root, result.outDir) || '.';
    const toRoot = (f: string) => path.join(outRel, f);
    const added = new Set(result.filesAdded);
    const filesCreated = result.filesAdded.map(toRoot);
    const filesEdited = result.filesWritten.filter((f) => !added.has(f)).map(toRoot);
    const lines = [
      `compiled ${read.shown} into ${outRel}/: ${filesCreated.length} files created, ${filesEdited.length} changed, ${result.filesUnchanged.length} unchanged.`,
    ];
    if (result.migrationsAdded.length) lines.push(`New database migration: ${result.migrationsAdded.join(', ')}.`);
    if (filesEdited.length && filesEdited.length <= 10) lines.push(`Changed: ${filesEdited.join(', ')}`);
    if (result.filesRemoved.length) lines.push(`Removed (no longer in the .bone file): ${result.filesRemoved.map(toRoot).join(', ')}`);
    if (result.diagnostics.length) lines.push(`Warnings:\n${numberedDiagnostics(result.diagnostics, sources)}`);
    lines.push(`Next: run \`cd ${outRel} && npm install && npm test\`. Put custom logic only between // <bone:extension NAME> markers (src/extensions.ts, src/capabilities/*): a recompile keeps it; other edits are overwritten.`);
    return { ok: true, output: lines.join('\n'), filesCreated, filesEdited };
  },
};

export default boneCompileTool;
