import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest, ScriptedTurn } from '../../support/scripted-server.js';
import { makeTempProject, removeTempProject, runCli, runTask, startScriptedServer, withProject } from './helpers.js';

/** A tiny project whose check is `node test.js` (no test framework to install). */
const TEST_JS = "const assert = require('node:assert');\nconst { add } = require('./calc.js');\nassert.strictEqual(add(2, 3), 5);\nconsole.log('ok');\n";
const GREEN = { 'calc.js': 'exports.add = (a, b) => a + b;\n', 'test.js': TEST_JS };
const RED = { 'calc.js': 'exports.add = (a, b) => a - b;\n', 'test.js': TEST_JS };
const CHECKS = { SMALLCODE_TEST_RUNNER: 'node test.js', SMALLCODE_VERIFY_RETRIES: '1' };

const read = (path: string): ScriptedTurn => ({ toolCalls: [{ name: 'read_file', arguments: { path } }] });
const write = (path: string, content: string): ScriptedTurn => ({ toolCalls: [{ name: 'write_file', arguments: { path, content } }] });
const answer = (content: string): ScriptedTurn => ({ content });
/** Side prompts (classify_task, diagnose_error) carry no tools: a short answer their heuristics take over from. */
const sideAnswers = (req: RecordedRequest): ScriptedTurn | undefined => (req.body.tools?.length ? undefined : { content: 'coding' });
const main = (reqs: RecordedRequest[]) => reqs.filter((r) => r.body.tools?.length);
const text = (req: RecordedRequest) => (req.body.messages as Array<{ content: string }>).map((m) => m.content).join('\n');

describe('verified outcomes: the project\'s checks decide success', () => {
  it('a task that breaks a passing test ends verified failed and unsuccessful, after the failure went back to the model', async () => {
    const turns = [read('calc.js'), write('calc.js', 'exports.add = (a, b) => a - b;\n'), answer('Changed add.'), answer('It is done.')];
    await withProject(GREEN, { turns, respond: sideAnswers }, async (dir, server) => {
      const r = await runTask(server, dir, 'change add in calc.js to subtract', ['--json'], CHECKS);
      expect(r.code, r.stderr).toBe(1);
      const result = JSON.parse(r.stdout);
      expect(result.verified).toBe('failed');
      expect(result.verification.before).toBe('passed');
      expect(result.verification.summary).toMatch(/node test\.js` failed \(exit code 1\)/);
      expect(result.verification.summary).toMatch(/AssertionError/);
      expect(result.success).toBe(false);
      // The first answer was sent back with the failing output; the second ended the task.
      const reqs = main(server.chatRequests());
      expect(reqs).toHaveLength(4);
      expect(text(reqs[3]!)).toContain('Your answer is not accepted yet');
    });
  });

  it('a task that fixes a failing test ends verified passed, and the verdict is printed', async () => {
    const turns = [read('calc.js'), write('calc.js', 'exports.add = (a, b) => a + b;\n'), answer('Fixed add.')];
    await withProject(RED, { turns, respond: sideAnswers }, async (dir, server) => {
      const r = await runTask(server, dir, 'make the failing test pass', [], CHECKS);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('· verified: passed (node test.js)');
      expect(r.stdout).toContain('Fixed add.');
    });
  });

  it('a task that changes nothing runs no check', async () => {
    await withProject(GREEN, { turns: [read('calc.js'), answer('add adds.')], respond: sideAnswers }, async (dir, server) => {
      const r = await runTask(server, dir, 'what does add do?', ['--json'], CHECKS);
      const result = JSON.parse(r.stdout);
      expect(result.success).toBe(true);
      expect(result.verified).toBeUndefined();
      expect(r.stderr).not.toContain('node test.js');
    });
  });
});

describe('faked-green guard', () => {
  it('refuses an edit that deletes the assertion of a failing test, then accepts the real fix', async () => {
    const turns = [
      read('test.js'),
      write('test.js', "console.log('ok');\n"),
      read('calc.js'),
      write('calc.js', 'exports.add = (a, b) => a + b;\n'),
      answer('Fixed add.'),
    ];
    await withProject(RED, { turns, respond: sideAnswers }, async (dir, server) => {
      const r = await runTask(server, dir, 'make the failing tests pass', ['--json'], CHECKS);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'test.js'), 'utf8')).toBe(TEST_JS);
      expect(r.stderr).toContain('faked-green guard: refused an edit of test.js (it removes an assertion)');
      expect(text(main(server.chatRequests())[2]!)).toMatch(/Refused: this edit of test\.js would make the tests pass by weakening them/);
      expect(JSON.parse(r.stdout).verified).toBe('passed');
    });
  });

  it('lets a task that asks to change the test change it', async () => {
    const updated = TEST_JS.replace('add(2, 3), 5', 'add(2, 3), -1');
    const turns = [read('test.js'), write('test.js', updated), answer('Updated the test.')];
    await withProject(RED, { turns, respond: sideAnswers }, async (dir, server) => {
      const r = await runTask(server, dir, 'the failing test is wrong: update the test to expect -1', ['--json'], CHECKS);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'test.js'), 'utf8')).toBe(updated);
      expect(r.stderr).not.toContain('faked-green');
    });
  });
});

describe('smallcode fix', () => {
  it('on a green repository exits 0 without a single model request', async () => {
    await withProject(GREEN, { turns: [] }, async (dir, server) => {
      const r = await runCli(['fix', '--test', 'node test.js', '--json'], { cwd: dir, timeoutMs: 30_000, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model' } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ success: true, verified: 'passed', usage: { requests: 0 } });
      expect(server.chatRequests()).toHaveLength(0);
    });
  });

  it('on a red repository hands the failing output to the model and ends green', async () => {
    const turns = [read('calc.js'), write('calc.js', 'exports.add = (a, b) => a + b;\n'), answer('Fixed add.')];
    await withProject(RED, { turns, respond: sideAnswers }, async (dir, server) => {
      const r = await runCli(['fix', '--test', 'node test.js'], { cwd: dir, timeoutMs: 30_000, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model' } });
      expect(r.code, r.stderr).toBe(0);
      expect(text(main(server.chatRequests())[0]!)).toMatch(/The tests fail: `node test\.js` exits with code 1[\s\S]*AssertionError/);
      expect(readFileSync(join(dir, 'calc.js'), 'utf8')).toContain('a + b');
    });
  });

  it('exits 1 when the tests stay red', async () => {
    // The task is long enough to be planned: the plan step's check takes two claims, the final check one retry.
    const turns = [read('calc.js'), write('calc.js', 'exports.add = (a, b) => a * b;\n'), answer('Fixed.'), answer('Fixed, really.'), answer('Fixed, I promise.')];
    await withProject(RED, { turns, respond: sideAnswers }, async (dir, server) => {
      const r = await runCli(['fix', '--test', 'node test.js', '--json'], { cwd: dir, timeoutMs: 30_000, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', SMALLCODE_VERIFY_RETRIES: '1' } });
      expect(r.code, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout), r.stderr).toMatchObject({ success: false, verified: 'failed' });
    });
  });
});

describe('adaptive routing and escalation', () => {
  it('moves the main loop to the medium model while calls keep failing, and back after a run of successes', async () => {
    const files = { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'd.txt': 'd' };
    const turns = [read('missing1.txt'), read('missing2.txt'), read('missing3.txt'), read('a.txt'), read('b.txt'), read('c.txt'), read('d.txt'), answer('Read them.')];
    await withProject(files, { turns, respond: sideAnswers, models: [{ id: 'scripted-model' }, { id: 'medium-model' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'read the text files', ['--json'], { SMALLCODE_MODEL_MEDIUM: 'medium-model' });
      expect(r.code, r.stderr).toBe(0);
      const models = main(server.chatRequests()).map((q) => q.body.model);
      expect(models, r.stderr).toEqual(['scripted-model', 'scripted-model', 'scripted-model', 'medium-model', 'medium-model', 'medium-model', 'medium-model', 'scripted-model']);
      expect(r.stderr).toMatch(/routing: 100% of the last 3 tool calls failed; tier medium \(medium-model\) takes over from primary/);
      expect(r.stderr).toMatch(/routing: 4 tool calls in a row succeeded; back to tier primary/);
      expect(JSON.parse(r.stdout).routing.tier).toBe('primary');
    });
  });

  async function withTwoServers(localTurns: ScriptedTurn[], strongTurns: ScriptedTurn[], env: Record<string, string>, check: (r: Awaited<ReturnType<typeof runCli>>, dir: string, strong: RecordedRequest[]) => void) {
    const dir = await makeTempProject(RED);
    const local = await startScriptedServer({ turns: localTurns, respond: sideAnswers });
    const strong = await startScriptedServer({ turns: strongTurns, respond: sideAnswers, models: [{ id: 'strong-model' }] });
    try {
      const r = await runCli(['run', 'make the failing test pass', '--json'], {
        cwd: dir,
        timeoutMs: 30_000,
        env: { SMALLCODE_BASE_URL: local.url, SMALLCODE_MODEL: 'scripted-model', SMALLCODE_MODEL_STRONG: 'strong-model', SMALLCODE_BASE_URL_STRONG: strong.url, ...CHECKS, ...env },
      });
      check(r, dir, main(strong.chatRequests()));
    } finally {
      await local.close();
      await strong.close();
      await removeTempProject(dir);
    }
  }

  const WRONG_FIX = [read('calc.js'), write('calc.js', 'exports.add = (a, b) => a * b;\n'), answer('Fixed.'), answer('Fixed, really.')];

  it('hands the task to the strong model on a second server when the checks still fail after the retries', async () => {
    const strongTurns = [read('calc.js'), write('calc.js', 'exports.add = (a, b) => a + b;\n'), answer('add now adds.')];
    await withTwoServers(WRONG_FIX, strongTurns, {}, (r, dir, strong) => {
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ success: true, verified: 'passed', verification: { escalated: true } });
      expect(strong.map((q) => q.body.model)).toEqual(['strong-model', 'strong-model', 'strong-model']);
      expect(result.cloud).toMatchObject({ requests: 3, capped: false });
      expect(readFileSync(join(dir, 'calc.js'), 'utf8')).toContain('a + b');
    });
  });

  it('stops at the cloud cap, says so and goes on locally', async () => {
    const localTurns = [...WRONG_FIX, answer('Still fixed.'), answer('Done.')];
    await withTwoServers(localTurns, [read('calc.js')], { SMALLCODE_CLOUD_MAX_REQUESTS: '1' }, (r, _dir, strong) => {
      expect(r.code, r.stderr).toBe(1);
      expect(strong).toHaveLength(1);
      expect(r.stderr).toMatch(/cloud cap reached \(1\/1 requests/);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ success: false, verified: 'failed', cloud: { requests: 1, maxRequests: 1, capped: true } });
    });
  });
});
