import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import marrow from '../../../runtime/cli/commands/marrow.js';
import cognition from '../../../runtime/cli/commands/cognition.js';

function run(command: typeof marrow, args: string[], cwd: string, options: Record<string, unknown> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString(); });
  stderr.on('data', (c: Buffer) => { err += c.toString(); });
  return command({ args, options, cwd, env: { HOME: cwd }, stdout, stderr }).then((code) => ({ code, out, err }));
}

describe('smallcode marrow / cognition commands', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'marrow-cli-'));

  it('check: ok with a summary, or the diagnostics with a code frame and exit 1', async () => {
    writeFileSync(join(cwd, 'good.marrow'), 'prompt classify_task(message: string) -> string { model: local }\ncontext { evict_at: 70% }');
    expect(await run(marrow, ['check', 'good.marrow'], cwd)).toMatchObject({ code: 0, out: 'good.marrow: ok (1 prompt)\n' });
    writeFileSync(join(cwd, 'bad.marrow'), 'guard g {\n  on: reply\n  when: sesion.turn > 1\n  then: continue\n}\n');
    const bad = await run(marrow, ['check', 'bad.marrow'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("bad.marrow:3:9: error MS012: unknown fact 'sesion.turn' (did you mean 'session.turn'?)");
    expect(bad.err).toContain('> 3 |   when: sesion.turn > 1');
    const json = JSON.parse((await run(marrow, ['check', 'bad.marrow'], cwd, { json: true })).out) as { ok: boolean; diagnostics: Array<{ code: string; line: number }> };
    expect(json).toMatchObject({ ok: false, diagnostics: [{ code: 'MS012', line: 3 }] });
  });

  it('compile: writes the TypeScript module, the CommonJS the loader runs, and the metadata', async () => {
    const r = await run(marrow, ['compile', 'good.marrow', ], cwd, { o: 'out' });
    expect(r.code).toBe(0);
    for (const f of ['good.ts', 'good.cjs', 'good.meta.json']) expect(existsSync(join(cwd, 'out', f))).toBe(true);
    expect(readFileSync(join(cwd, 'out', 'good.ts'), 'utf8')).toContain('export function classify_task(runtime: CognitionRuntime, message: string');
  }, 60_000);

  it('eject: copies the built-in agents for editing, refusing to overwrite without --force', async () => {
    expect((await run(marrow, ['eject'], cwd)).code).toBe(0);
    expect(readFileSync(join(cwd, '.smallcode', 'agents', 'core.marrow'), 'utf8')).toContain('agent smallcode');
    expect((await run(marrow, ['eject'], cwd)).code).toBe(1);
    expect((await run(marrow, ['eject'], cwd, { force: true })).code).toBe(0);
  });

  it('usage errors exit 2', async () => {
    expect((await run(marrow, [], cwd)).code).toBe(2);
    expect((await run(marrow, ['lint', 'x'], cwd)).err).toContain("unknown sub-command 'lint'");
    expect((await run(marrow, ['check', 'missing.marrow'], cwd)).code).toBe(2);
  });

  it('cognition: lists the layers and the effective declarations', async () => {
    const r = await run(cognition, [], cwd);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓ builtin +agents\/core\.marrow +sha256:/);
    expect(r.out).toMatch(/✓ project +\.smallcode\/agents\/core\.marrow/);
    const line = readFileSync(join(cwd, '.smallcode', 'agents', 'core.marrow'), 'utf8').split('\n').findIndex((l) => l.includes('prompt classify_task')) + 1;
    expect(r.out).toContain(`prompt classify_task  (.smallcode/agents/core.marrow:${line}, project)`);
    expect(r.out).toContain('  context  (.smallcode/agents/core.marrow:');
  }, 60_000);
});
