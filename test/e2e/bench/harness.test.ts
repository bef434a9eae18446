// The harness end to end: the real engine (library API) against the simulated model over HTTP.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA, summarize, type SuiteRun } from '../../../bench/harness/results.js';
import { runTask } from '../../../bench/harness/run-task.js';
import { startSimServer } from '../../../bench/sim/server.js';
import { suiteTasks } from '../../../bench/suites/index.js';

const [hello, , fixTypo] = suiteTasks('smoke') as [ReturnType<typeof suiteTasks>[number], unknown, ReturnType<typeof suiteTasks>[number]];

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
  });

describe('runTask against the simulated model', () => {
  it('passes a task through the engine and reports turns, tool calls and tokens', async () => {
    const result = await runTask(fixTypo, { kind: 'sim', faultRate: 0, seed: 1 }, { kit: 'on' });
    expect(result).toMatchObject({ id: 'smoke-fix-typo', passed: true, toolCalls: 3, toolErrors: 0, turns: 4, faults: {} });
    expect(result.tokens.total).toBeGreaterThan(0);
    expect(result.failure).toBeUndefined();
  });

  it('survives text-dialect tool calls with the kit on; without the kit the call is taken as the answer and the checker fails', async () => {
    const target = { kind: 'sim' as const, faultRate: 1, seed: 1, faults: ['text_dialect' as const], dialects: ['qwen3-coder-xml' as const] };
    const on = await runTask(fixTypo, target, { kit: 'on' });
    expect(on.passed).toBe(true);
    expect(on.faults?.text_dialect).toBe(3);
    const off = await runTask(fixTypo, target, { kit: 'off' });
    expect(off.passed).toBe(false);
    expect(off.turns).toBe(1);
    expect(off.failure).toMatch(/^answered "<tool_call> <function=read_file>.*checker failed/);
  });

  it('gives broken JSON arguments back as an error without the kit, and the model recovers on its retry', async () => {
    const target = { kind: 'sim' as const, faultRate: 1, seed: 2, faults: ['broken_json' as const] };
    const off = await runTask(hello, target, { kit: 'off' });
    expect(off.passed).toBe(true);
    expect(off.turns).toBeGreaterThan((await runTask(hello, target, { kit: 'on' })).turns);
  });
});

describe('runTask against an endpoint', () => {
  it('drives any OpenAI-compatible server given by base URL and model (here the sim, started by hand)', async () => {
    const server = await startSimServer(hello, { faultRate: 0, seed: 1 });
    try {
      const result = await runTask(hello, { kind: 'endpoint', baseUrl: server.url, model: server.model }, { kit: 'on' });
      expect(result).toMatchObject({ id: 'smoke-hello-python', passed: true, toolCalls: 2 });
      expect(result.faults).toBeUndefined();
      expect(server.server.chatRequests().length).toBe(result.turns);
    } finally {
      await server.close();
    }
  });

  it('fails the task with a readable reason when nothing answers at the endpoint', async () => {
    const result = await runTask(hello, { kind: 'endpoint', baseUrl: 'http://127.0.0.1:9/v1', model: 'nothing-here' }, { kit: 'on', timeoutMs: 20_000 });
    expect(result.passed).toBe(false);
    expect(result.failure).toMatch(/127\.0\.0\.1:9/);
  });
});

describe('the bench commands', () => {
  it('bench:smoke --json prints and saves a results file', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bench-out-'));
    try {
      const run = cli(['bench/smoke.ts', '--task', 'smoke-hello-python', '--json', '--out', out]);
      expect(run.status, run.stderr).toBe(0);
      const printed = JSON.parse(run.stdout) as SuiteRun;
      expect(printed).toMatchObject({ schema: RESULTS_SCHEMA, suite: 'smoke', kit: 'on', target: { kind: 'sim', faultRate: 0, seed: 1 } });
      expect(printed.tasks.map((t) => [t.id, t.passed])).toEqual([['smoke-hello-python', true]]);
      const files = await readdir(out);
      expect(files).toHaveLength(1);
      expect(JSON.parse(await readFile(join(out, files[0]!), 'utf8'))).toEqual(printed);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('bench:diff exits 0 when b improved, 1 when it regressed, 2 for noise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-diff-'));
    try {
      const file = async (name: string, passed: boolean[]) => {
        const tasks = passed.map((p, i) => ({ id: `t${i}`, suite: 'smoke' as const, language: 'python', passed: p, turns: 2, toolCalls: 1, toolErrors: 0, tokens: { prompt: 10, completion: 5, total: 15, estimated: false }, wallMs: 100 }));
        const run: SuiteRun = { schema: RESULTS_SCHEMA, suite: 'smoke', kit: 'on', target: { kind: 'endpoint', model: 'm', baseUrl: 'u' }, startedAt: '', finishedAt: '', summary: summarize(tasks), tasks };
        await writeFile(join(dir, name), JSON.stringify(run));
        return join(dir, name);
      };
      const worse = await file('a.json', [true, false, false, false]);
      const better = await file('b.json', [true, true, true, false]);
      const improved = cli(['bench/diff.ts', worse, better]);
      expect(improved.status, improved.stderr).toBe(0);
      expect(improved.stdout).toMatch(/pass rate: 25% → 75% \(\+50\.0 points/);
      expect(improved.stdout).toMatch(/smoke\/t1\s+0%\s+100%\s+fixed/);
      expect(cli(['bench/diff.ts', better, worse]).status).toBe(1);
      expect(cli(['bench/diff.ts', better, better]).status).toBe(2);
      expect(cli(['bench/diff.ts', better]).status).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
