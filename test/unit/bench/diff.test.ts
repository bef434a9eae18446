import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns, VERDICT_EXIT } from '../../../bench/harness/diff.js';
import { loadRuns, RESULTS_SCHEMA, saveRun, summarize, type SuiteRun, type TaskResult } from '../../../bench/harness/results.js';

function task(id: string, passed: boolean, tokens = 1000, wallMs = 1000): TaskResult {
  return { id, suite: 'smoke', language: 'python', passed, turns: 3, toolCalls: 2, toolErrors: 0, tokens: { prompt: tokens, completion: 0, total: tokens, estimated: false }, wallMs };
}

function run(tasks: TaskResult[]): SuiteRun {
  return {
    schema: RESULTS_SCHEMA,
    suite: 'smoke',
    kit: 'on',
    target: { kind: 'endpoint', model: 'm', baseUrl: 'http://127.0.0.1:1/v1' },
    startedAt: '2026-11-21T09:00:00.000Z',
    finishedAt: '2026-11-21T09:01:00.000Z',
    summary: summarize(tasks),
    tasks,
  };
}

describe('compareRuns', () => {
  it('reports fixed and broken tasks, the pass-rate delta and improved past the margin', () => {
    const a = run([task('t1', false), task('t2', true), task('t3', false), task('t4', true)]);
    const b = run([task('t1', true, 800, 500), task('t2', true, 800, 500), task('t3', true, 800, 500), task('t4', false, 800, 500)]);
    const c = compareRuns([a], [b]);
    expect(c.tasks.map((t) => t.move)).toEqual(['fixed', 'same', 'fixed', 'broke']);
    expect(c.passRateDelta).toBeCloseTo(0.25);
    expect(c.tokensA).toBe(1000);
    expect(c.tokensB).toBe(800);
    expect(c.timeMsB).toBe(500);
    expect(c.verdict).toBe('improved');
    expect(VERDICT_EXIT[c.verdict]).toBe(0);
    expect(compareRuns([b], [a]).verdict).toBe('regressed');
    expect(VERDICT_EXIT.regressed).toBe(1);
  });

  it('calls a change within the margin noise', () => {
    const a = run([task('t1', true), task('t2', false)]);
    const b = run([task('t1', false), task('t2', true)]);
    const c = compareRuns([a], [b]);
    expect(c.passRateDelta).toBe(0);
    expect(c.verdict).toBe('noise');
    expect(VERDICT_EXIT.noise).toBe(2);
    expect(compareRuns([run([task('t1', true)])], [run([task('t1', false)])], 1).verdict).toBe('noise');
  });

  it('pools repeated runs into per-task pass rates and lists tasks only one side ran', () => {
    const c = compareRuns([run([task('t1', true)]), run([task('t1', false)])], [run([task('t1', true), task('t9', true)])]);
    expect(c.tasks).toEqual([{ task: 'smoke/t1', a: 0.5, b: 1, move: 'better' }]);
    expect(c.onlyInB).toEqual(['smoke/t9']);
  });
});

describe('results files', () => {
  it('round-trip through saveRun and loadRuns, file or folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-results-'));
    try {
      const r = run([task('t1', true), task('t2', false)]);
      const file = await saveRun(r, dir);
      expect(file).toMatch(/smoke-kiton-endpoint-20261121T090000Z\.json$/);
      expect(await loadRuns(file)).toEqual([r]);
      expect(await loadRuns(dir)).toEqual([r]);
      expect(r.summary).toMatchObject({ passed: 1, total: 2, passRate: 0.5 });
      await writeFile(join(dir, 'other.json'), '{"hello": 1}');
      await expect(loadRuns(dir)).rejects.toThrow(/not a benchmark results file/);
      await expect(loadRuns(join(dir, 'missing.json'))).rejects.toThrow(/no results at/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
