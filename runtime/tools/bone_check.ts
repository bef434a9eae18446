/**
 * Agent tool `bone_check`: checks a `.bone` file without generating anything and returns every
 * error with its position, so the model can fix them all in one edit.
 */
import { hasErrors } from '../../compiler/common/index.js';
import { failure, numberedDiagnostics, readBoneFile, type BoneToolContext, type BoneToolResult } from './bone_shared.js';

export const boneCheckTool = {
  name: 'bone_check',
  category: 'run' as const,
  description: 'Check a BoneScript .bone system file for errors (positions and fixes); generates nothing.',
  parameters: {
    type: 'object',
    properties: { file: { type: 'string', description: 'path of the .bone file' } },
    required: ['file'],
  } as Record<string, unknown>,
  async execute(args: { file?: unknown; path?: unknown }, ctx: BoneToolContext): Promise<BoneToolResult> {
    const read = readBoneFile(ctx.root, args.file ?? args.path);
    if ('error' in read) return failure(`bone_check: ${read.error}`);
    const { checkBone } = await import('../../compiler/bone/index.js');
    const result = checkBone(read.source, read.shown);
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
