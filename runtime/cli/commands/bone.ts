import fs from 'node:fs';
import path from 'node:path';
import { diagnosticToJson, formatDiagnostics, hasErrors } from '../../../compiler/common/index.js';
import type { CommandContext } from '../command.js';

/**
 * `smallcode bone compile <file> [-o dir] [--target express] [--json]` and
 * `smallcode bone check <file> [-o dir] [--json]` (check: every diagnostic compile would print, nothing written). main.ts passes the sub-command and the file as
 * `args` (`['compile', 'shop.bone']`). Exit 0 success, 1 the .bone file has errors, 2 usage.
 */
const USAGE = 'usage: smallcode bone compile <file.bone> [-o <dir>] [--target express] [--json]\n       smallcode bone check <file.bone> [-o <dir>] [--json]\n';
const TARGETS = ['express'] as const;

export default async function bone(ctx: CommandContext): Promise<number> {
  const [action, file, ...rest] = ctx.args;
  if ((action !== 'compile' && action !== 'check') || !file || rest.length > 0) {
    ctx.stderr.write(`smallcode bone: ${!action ? 'missing sub-command' : action !== 'compile' && action !== 'check' ? `unknown sub-command '${action}'` : !file ? 'missing <file.bone>' : `unexpected argument '${rest[0]}'`}\n${USAGE}`);
    return 2;
  }
  const target = String(ctx.options.target ?? 'express');
  if (!(TARGETS as readonly string[]).includes(target)) {
    ctx.stderr.write(`smallcode bone: unknown target '${target}' (available: ${TARGETS.join(', ')})\n`);
    return 2;
  }
  const json = Boolean(ctx.options.json);
  const filePath = path.resolve(ctx.cwd, file);
  const shown = path.relative(ctx.cwd, filePath) || file;
  const source = readSource(filePath);
  if (source === undefined) {
    ctx.stderr.write(`smallcode bone: cannot read ${shown}\n`);
    return 2;
  }
  const sources = { [shown]: source };

  if (action === 'check') {
    // Everything compile would say, with nothing written (the schema kept by an earlier compile included).
    const { checkBoneProject, defaultOutDir } = await import('../../../compiler/bone/compile.js');
    const outOption = ctx.options.o ?? ctx.options.out ?? ctx.options.outDir;
    const result = checkBoneProject(source, shown, { outDir: outOption ? path.resolve(ctx.cwd, String(outOption)) : defaultOutDir(filePath), sourceDir: path.dirname(filePath) });
    const failed = hasErrors(result.diagnostics);
    if (json) {
      ctx.stdout.write(`${JSON.stringify({ ok: !failed, file: shown, diagnostics: result.diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
    } else {
      if (result.diagnostics.length) ctx.stderr.write(`${formatDiagnostics(result.diagnostics, { ...(result.sources ?? {}), ...sources })}\n`);
      if (!failed) ctx.stdout.write(`${shown}: ok (${summary(result.ir)})\n`);
    }
    return failed ? 1 : 0;
  }

  const { compileBoneSource, defaultOutDir, formatCompileReport } = await import('../../../compiler/bone/compile.js');
  const outOption = ctx.options.o ?? ctx.options.out ?? ctx.options.outDir;
  const outDir = outOption ? path.resolve(ctx.cwd, String(outOption)) : defaultOutDir(filePath);
  const result = await compileBoneSource(source, shown, { outDir, target: 'express', sourceDir: path.dirname(filePath) });
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ ...result, diagnostics: result.diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
  } else {
    const report = formatCompileReport(result, shown, sources, ctx.cwd);
    (result.ok ? ctx.stdout : ctx.stderr).write(`${report}\n`);
  }
  return result.ok ? 0 : 1;
}

function readSource(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function summary(ir: { entities: unknown[]; capabilities: unknown[]; flows: unknown[] } | undefined): string {
  if (!ir) return 'no system';
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${n(ir.entities.length, 'entity').replace('entitys', 'entities')}, ${n(ir.capabilities.length, 'capability').replace('capabilitys', 'capabilities')}, ${n(ir.flows.length, 'flow')}`;
}
