// The short resilience run CI can afford, through the real command line: JSON shape and sane facts.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { suiteTasks } from '../../../bench/suites/index.js';

describe('bench:resilience --short --json', () => {
  it('lists both kits at 0% and 30% faults, and the kit completes every smoke task without faults', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/resilience.ts', '--short', '--json', '--no-save'], {
      cwd: process.cwd(),
      encoding: 'utf8',
      timeout: 170_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { simulated: boolean; results: Array<Record<string, unknown>> };
    expect(report.simulated).toBe(true);
    const smoke = suiteTasks('smoke').length;
    expect(report.results).toHaveLength(4);
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(['completed', 'completion', 'faultRate', 'kit', 'total']);
      expect(r.total).toBe(smoke);
      expect(Number.isInteger(r.completed) && (r.completed as number) >= 0 && (r.completed as number) <= smoke).toBe(true);
      expect(r.completion).toBeCloseTo((r.completed as number) / smoke, 3);
    }
    expect(new Set(report.results.map((r) => r.kit))).toEqual(new Set(['on', 'off']));
    expect(new Set(report.results.map((r) => r.faultRate))).toEqual(new Set([0, 0.3]));
    expect(report.results.find((r) => r.kit === 'on' && r.faultRate === 0)).toMatchObject({ completed: smoke, completion: 1 });
  }, 180_000);
});
