/**
 * Agent tool `bone_check`: checks a `.bone` file without generating anything and returns every
 * error with its position, so the model can fix them all in one edit. It reports what
 * `bone_compile` would: the front end's diagnostics and, once those have no error, the back end's
 * (BSE warnings, a migration that cannot be made safely against the schema kept in the output).
 */
import path from 'node:path';
import { hasErrors } from '../../compiler/common/index.js';
import { failure, insideRoot, numberedDiagnostics, readBoneFile, type BoneToolContext, type BoneToolResult } from './bone_shared.js';

export const boneCheckTool = {
  name: 'bone_check',
  category: 'run' as const,
  description: 'Check a BoneScript .bone system file for errors and warnings (positions and fixes); generates nothing.',
  parameters: {
    type: 'object',
    properties: {
      file: { type: 'string', description: 'path of the .bone file' },
      out_dir: { type: 'string', description: 'the folder it compiles into (default: the file name without .bone)' },
    },
    required: ['file'],
  } as Record<string, unknown>,
  async execute(args: { file?: unknown; path?: unknown; out_dir?: unknown; outDir?: unknown; out?: unknown }, ctx: BoneToolContext): Promise<BoneToolResult> {
    const read = readBoneFile(ctx.root, args.file ?? args.path);
    if ('error' in read) return failure(`bone_check: ${read.error}`);
    const { checkBoneProject, defaultOutDir } = await import('../../compiler/bone/compile.js');
    const outArg = args.out_dir ?? args.outDir ?? args.out;
    const out = typeof outArg === 'string' && outArg.trim() ? insideRoot(ctx.root, outArg) : { path: defaultOutDir(read.file) };
    if ('error' in out) return failure(`bone_check: ${out.error}`);
    const result = checkBoneProject(read.source, read.shown, { outDir: out.path, sourceDir: path.dirname(read.file) });
    const sources = { ...(result.sources ?? {}), [read.shown]: read.source };
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (hasErrors(result.diagnostics)) {
      return failure(
        `${read.shown}: ${errors.length} error${errors.length === 1 ? '' : 's'}. Fix each in ${read.shown}, then call bone_check again.\n${numberedDiagnostics(result.diagnostics, sources)}`,
      );
    }
    const ir = result.ir;
    const counts = ir ? `${ir.entities.length} entities, ${ir.capabilities.length} capabilities, ${ir.events.length} events, ${ir.flows.length} flows` : '';
    const warnings = result.diagnostics.length ? `\nwarnings:\n${numberedDiagnostics(result.diagnostics, sources)}` : '';
    return { ok: true, output: `${read.shown}: no errors (${counts}). Next: bone_compile {"file": "${read.shown}"}.${warnings}`, filesCreated: [], filesEdited: [] };
  },
};

export default boneCheckTool;
