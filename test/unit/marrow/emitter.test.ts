import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource, transpileToCommonJs } from '../../../compiler/marrow/index.js';
import { evaluateLayerModule, EnvReader, factsFromSnapshot } from '../../../runtime/cognition/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const golden = join(import.meta.dirname, 'golden');
const templateDirs = [join(root, 'templates', 'prompts', 'cognition')];

async function compileFile(path: string, file: string) {
  const result = await compileSource(readFileSync(path, 'utf8'), { file, templateDirs });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.code!;
}

/** Golden baselines, reviewed as diffs; UPDATE_GOLDEN=1 rewrites them. */
function matchGolden(name: string, actual: string): void {
  const path = join(golden, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('MarrowScript emitter', () => {
  it('emits the built-in agents as in the golden file', async () => {
    matchGolden('core.marrow.ts', await compileFile(join(root, 'agents', 'core.marrow'), 'agents/core.marrow'));
  });

  it('emits an upstream file (backend declarations skipped) as in the golden file', async () => {
    matchGolden('upstream.marrow.ts', await compileFile(join(import.meta.dirname, 'fixtures', 'upstream.marrow'), 'upstream.marrow'));
  });

  it('is deterministic: the same input gives byte-identical output', async () => {
    const source = readFileSync(join(root, 'agents', 'core.marrow'), 'utf8');
    const a = await compileSource(source, { file: 'agents/core.marrow', templateDirs });
    const b = await compileSource(source, { file: 'agents/core.marrow', templateDirs });
    expect(Buffer.from(a.code!).equals(Buffer.from(b.code!))).toBe(true);
    const changed = await compileSource(source.replace('max_turns: 25', 'max_turns: 26'), { file: 'agents/core.marrow', templateDirs });
    expect(changed.code).not.toBe(a.code);
  });

  it('emits nothing for a file with errors', async () => {
    const result = await compileSource('guard g { on: reply when: nope then: continue }', { file: 'x.marrow' });
    expect(result.ok).toBe(false);
    expect(result.code).toBeUndefined();
  });

  it('compiles guards into predicates over the facts and carries source locations', async () => {
    const code = await compileSource(
      'guard loop {\n  on: tool_call\n  when: calls.identical(window: 4) >= 2 and not (session.turn < 3)\n  then: steer("repetition")\n  max_trips: 1\n}',
      { file: 'g.marrow', templateDirs },
    );
    const layer = evaluateLayerModule(await transpileToCommonJs(code.code!, 'g.ts'), 'g.cjs');
    const guard = layer.guards.loop!;
    expect(guard).toMatchObject({ on: 'tool_call', then: { name: 'steer', args: ['repetition'] }, maxTrips: 1, loc: 'g.marrow:1' });
    const call = { name: 'read_file', args: { path: 'a.ts' } };
    expect(guard.when(factsFromSnapshot({ turn: 5, toolCalls: [call, call] }))).toBe(true);
    expect(guard.when(factsFromSnapshot({ turn: 2, toolCalls: [call, call] }))).toBe(false);
    expect(guard.when(factsFromSnapshot({ turn: 5, toolCalls: [call, { ...call, args: { path: 'b.ts' } }] }))).toBe(false);
  });

  it('resolves env() when the layer loads, with typed defaults', async () => {
    const code = await compileSource('model local { timeout: env("T", 300s)  name: env("M") }\ncontext { evict_at: env("E", 80%) }', { file: 'e.marrow' });
    const layer = evaluateLayerModule(await transpileToCommonJs(code.code!, 'e.ts'), 'e.cjs');
    expect(layer.policy(new EnvReader({}))).toEqual({ context: { evictAt: 0.8 }, model: { timeoutMs: 300_000 } });
    // A bare number takes the unit of the default (seconds here).
    expect(layer.policy(new EnvReader({ T: '120', E: '50%' }))).toEqual({ context: { evictAt: 0.5 }, model: { timeoutMs: 120_000 } });
    expect(layer.models!(new EnvReader({ M: 'qwen' })).local).toMatchObject({ name: 'qwen', timeoutMs: 300_000 });
  });

  it('produces TypeScript that type-checks against runtime/cognition', async () => {
    const { Project, ts } = await import('ts-morph');
    const project = new Project({
      skipAddingFilesFromTsConfig: true,
      compilerOptions: {
        strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
        skipLibCheck: true, types: ['node'], baseUrl: root, paths: { 'smallcode/cognition': ['runtime/cognition/index.ts'] }, isolatedModules: true,
      },
    });
    const file = project.createSourceFile(join(root, 'test', 'tmp', 'emitted-core.ts'), readFileSync(join(golden, 'core.marrow.ts'), 'utf8'), { overwrite: true });
    const problems = project.getPreEmitDiagnostics().filter((d) => d.getSourceFile() === file).map((d) => ts.flattenDiagnosticMessageText(d.getMessageText() as string, '\n'));
    expect(problems).toEqual([]);
  }, 120_000);
});
