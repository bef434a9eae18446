// `npm run fuzz` in the short seeded form CI can afford: a fixed number of inputs per target (the
// same inputs on every machine), through the real script. A crash or an input over the CPU-time
// limit makes it exit 1; an endless loop never returns, and the wall-clock kill reports it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const TARGETS = ['marrow checkSource', 'bone checkBone', 'parseToolCalls', 'repairJson', 'applyEdits (search/replace)', 'parseEditBlocks', 'mergeElidedRewrite'];

function fuzz(args: string[], timeout: number) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fuzz.ts', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    timeout,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
  });
  const rows = [...run.stdout.matchAll(/^(.+): (\d+) inputs, (\d+) crashes, (\d+) hangs/gm)].map(([, name, inputs, crashes, hangs]) => ({ name, inputs: Number(inputs), crashes: Number(crashes), hangs: Number(hangs) }));
  return { ...run, rows };
}

describe('npm run fuzz (short, seeded)', () => {
  it('runs every target on 40 seeded inputs without a crash or a hang', () => {
    const run = fuzz(['--seed', '1', '--inputs', '40'], 100_000);
    expect(run.signal, `killed (an input never returned?):\n${run.stdout}`).toBeNull();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.rows.map((r) => r.name)).toEqual(TARGETS);
    for (const row of run.rows) expect(row, run.stdout).toEqual({ name: row.name, inputs: 40, crashes: 0, hangs: 0 });
  }, 110_000);

  it('exits 1 when an input is over the limit', () => {
    const strict = fuzz(['--inputs', '1', '--hang-ms', '0'], 60_000);
    expect(strict.status, strict.stdout).toBe(1);
    expect(strict.rows.length).toBe(TARGETS.length);
    expect(strict.rows.some((r) => r.hangs === 1), strict.stdout).toBe(true);
  }, 70_000);
});
