import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../common/index.js';
import { compileSource, transpileToCommonJs, type CompileOptions } from './compile.js';

/**
 * What `marrow compile` and `build:agents` write next to each compiled module. No clock: the
 * same input gives byte-identical files in any process (reproducible builds); when it was
 * compiled is the file's own mtime.
 */
export interface CompiledMeta {
  file: string;
  sourceHash: string;
  diagnostics: Diagnostic[];
}

export interface WrittenLayer {
  ok: boolean;
  diagnostics: Diagnostic[];
  source: string;
  outputs: string[];
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Compiles one .marrow file into `outDir` as `<name>.ts` (readable, type-checkable), `<name>.cjs`
 * (what the layer loader evaluates) and `<name>.meta.json` (source hash, warnings).
 */
export async function compileFileToDir(path: string, outDir: string, options: CompileOptions): Promise<WrittenLayer> {
  const source = readFileSync(path, 'utf8');
  const result = await compileSource(source, options);
  if (!result.ok || !result.code) return { ok: false, diagnostics: result.diagnostics, source, outputs: [] };
  const name = basename(path).replace(/\.marrow$/, '');
  mkdirSync(outDir, { recursive: true });
  const ts = join(outDir, `${name}.ts`);
  const cjs = join(outDir, `${name}.cjs`);
  const meta = join(outDir, `${name}.meta.json`);
  writeAtomic(ts, result.code);
  writeAtomic(cjs, await transpileToCommonJs(result.code, `${name}.ts`));
  const metaValue: CompiledMeta = { file: options.file, sourceHash: result.sourceHash, diagnostics: result.diagnostics };
  writeAtomic(meta, `${JSON.stringify(metaValue, null, 2)}\n`);
  return { ok: true, diagnostics: result.diagnostics, source, outputs: [ts, cjs, meta] };
}
