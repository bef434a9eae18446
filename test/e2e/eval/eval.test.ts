// `smallcode eval` and `smallcode trace test` through the real CLI against the scripted server.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-server.js';
import { makeTempProject, removeTempProject, runCli } from '../../support/run-cli.js';

let server: ScriptedServer;
/** What the "model" answers to a prompt request (no tools offered); the main loop gets `loop`. */
let answer = 'coding';
let loop: Array<{ content?: string; toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }> }> = [];

beforeAll(async () => {
  server = await startScriptedServer({
    respond: (req) => (req.body?.tools ? loop.shift() ?? { content: 'done' } : { content: answer }),
  });
});
afterAll(async () => server.close());

const env = () => ({ SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', SMALLCODE_SANDBOX: 'off' });

const SUITE = `name: s
trials: 5
k: 3
cases:
  - id: classify
    prompt: classify_task
    input: { message: "add a --verbose flag" }
    expect: coding
`;

describe('smallcode eval', () => {
  it('runs a suite with pass@k, then detects a regression with --compare and no false alarm on identical results', async () => {
    const dir = await makeTempProject({ 'evals/s.yaml': SUITE });
    try {
      answer = 'coding';
      const first = await runCli(['eval', 's', '--json'], { cwd: dir, env: env(), timeoutMs: 60_000 });
      expect(first.code, first.stderr).toBe(0);
      const r1 = JSON.parse(first.stdout);
      expect(r1.cases[0]).toMatchObject({ id: 'classify', n: 5, passed: 5, passAt1: 1, passAtK: 1 });
      expect(r1.interval[0]).toBeGreaterThan(0.5);

      const same = await runCli(['eval', 's', '--compare', r1.saved], { cwd: dir, env: env(), timeoutMs: 60_000 });
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toContain('pass@3');
      expect(same.stdout).toContain('no regression beyond noise');

      answer = 'chat';
      const worse = await runCli(['eval', 's', '--compare', r1.saved], { cwd: dir, env: env(), timeoutMs: 60_000 });
      expect(worse.code, worse.stdout).toBe(1);
      expect(worse.stdout).toMatch(/regression\s+classify\s+5\/5 → 0\/5/);
      expect(worse.stdout).toContain('REGRESSION beyond noise');
    } finally {
      await removeTempProject(dir);
    }
  }, 120_000);

  it('reports a broken suite with its file and line', async () => {
    const dir = await makeTempProject({ 'evals/bad.yaml': 'trials: 2\ncases:\n  - id: a\n    prompt: classify_task\n    expect: coding\n    inptu: {}\n' });
    try {
      const r = await runCli(['eval', 'bad'], { cwd: dir, env: env() });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/bad\.yaml:3:\d+: .*\(cases\.0/);
    } finally {
      await removeTempProject(dir);
    }
  });
});

describe('smallcode eval: a whole-task case', () => {
  it('runs the task in a fresh folder per trial and passes when the checker command exits 0', async () => {
    const suite = 'trials: 2\ncases:\n  - id: greet\n    task: create greet.txt saying hello\n    setup: { files: { README.md: "demo" } }\n    check: grep -q hello greet.txt && test -f README.md\n';
    const dir = await makeTempProject({ 'evals/t.yaml': suite });
    try {
      const write = { toolCalls: [{ name: 'write_file', arguments: { path: 'greet.txt', content: 'hello\n' } }] };
      // Trial 1 writes the file; trial 2 only claims it did: the checker catches it.
      loop = [write, { content: 'Created greet.txt.' }, { content: 'Created greet.txt.' }];
      const r = await runCli(['eval', 't', '--json'], { cwd: dir, env: env(), timeoutMs: 60_000 });
      expect(r.code).toBe(1);
      const result = JSON.parse(r.stdout);
      expect(result.cases[0]).toMatchObject({ id: 'greet', kind: 'task', n: 2, passed: 1, passAt1: 0.5, passAtK: 1 });
      expect(result.cases[0].failures[0]).toContain("check 'grep -q hello greet.txt");
    } finally {
      await removeTempProject(dir);
    }
  }, 120_000);
});

describe('smallcode trace test', () => {
  it('turns a recorded run into a replay test that passes without a model, and fails when a reply changes', async () => {
    const dir = await makeTempProject({ 'notes.txt': 'keep me\n' });
    try {
      answer = 'coding';
      loop = [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'greet.txt', content: 'hello\n' } }] },
        { content: 'Created greet.txt.' },
      ];
      const run = await runCli(['run', 'create greet.txt saying hello'], { cwd: dir, env: env(), timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(0);

      const made = await runCli(['trace', 'test', '1'], { cwd: dir, env: {} });
      expect(made.code, made.stderr).toBe(0);
      const suite = made.stdout.trim();
      expect(readFileSync(suite, 'utf8')).toContain('greet.txt');

      // No model configured at all: the replay server answers.
      const before = server.chatRequests().length;
      const pass = await runCli(['eval', suite], { cwd: dir, env: { SMALLCODE_SANDBOX: 'off' }, timeoutMs: 60_000 });
      expect(pass.code, pass.stderr + pass.stdout).toBe(0);
      expect(server.chatRequests().length).toBe(before);

      writeFileSync(suite, readFileSync(suite, 'utf8').replace('hello\\n', 'goodbye\\n'));
      const fail = await runCli(['eval', suite], { cwd: dir, env: { SMALLCODE_SANDBOX: 'off' }, timeoutMs: 60_000 });
      expect(fail.code).toBe(1);
      expect(fail.stderr).toContain('greet.txt differs from the expected content');
    } finally {
      await removeTempProject(dir);
    }
  }, 120_000);
});
