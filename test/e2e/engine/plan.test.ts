import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest, ScriptedTurn } from '../../support/scripted-server.js';
import { runTask, withProject } from './helpers.js';

/** A small Node project whose tests run with `npm test` (node --test). */
const PROJECT = {
  'package.json': JSON.stringify({ name: 'calc', type: 'module', scripts: { test: 'node --test' } }, null, 2),
  'add.js': 'export function add(a, b) {\n  return a + b;\n}\n',
  'test/add.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../add.js';\n\ntest('add', () => assert.equal(add(2, 3), 5));\n",
};

const PLAN = JSON.stringify([
  { step: 'Create multiply.js exporting multiply(a, b)', check: 'test' },
  { step: 'Add test/multiply.test.js covering multiply', check: 'test' },
]);

const MULTIPLY_TEST = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { multiply } from '../multiply.js';\n\ntest('multiply', () => assert.equal(multiply(2, 3), 6));\n";

/** Side requests (no tools): the plan prompt and diagnose_error; the task's turns come from the queue. */
function sideAnswers(req: RecordedRequest): ScriptedTurn | undefined {
  if (req.body.tools?.length) return undefined;
  const text = JSON.stringify(req.body.messages);
  if (text.includes('Break this coding task')) return { content: PLAN };
  if (text.includes('A command failed')) {
    return { content: JSON.stringify({ category: 'test_failure', cause: 'multiply adds instead of multiplying', fix: 'return a * b in multiply.js', confidence: 0.9 }) };
  }
  return undefined;
}

const mainRequests = (reqs: RecordedRequest[]) => reqs.filter((r) => r.body.tools?.length);
const lastText = (req: RecordedRequest) => {
  const m = req.body.messages.at(-1) as { content: string };
  return m.content;
};
const allText = (req: RecordedRequest) => (req.body.messages as Array<{ content: string }>).map((m) => m.content).join('\n');

describe('planning: a TODO file whose steps are checked off only when their check passes', () => {
  it('marks the second step done only once its test passes, feeding the failure and its diagnosis back', async () => {
    const turns: ScriptedTurn[] = [
      // Step 1: a buggy multiply; no test covers it yet, so `npm test` passes.
      { toolCalls: [{ name: 'write_file', arguments: { path: 'multiply.js', content: 'export function multiply(a, b) {\n  return a + b;\n}\n' } }] },
      { toolCalls: [{ name: 'step_done', arguments: { summary: 'multiply.js created' } }] },
      // Step 2: the test exposes the bug; the step must stay open.
      { toolCalls: [{ name: 'write_file', arguments: { path: 'test/multiply.test.js', content: MULTIPLY_TEST } }] },
      { toolCalls: [{ name: 'step_done', arguments: {} }] },
      // The fix, and the step is claimed again.
      { toolCalls: [{ name: 'write_file', arguments: { path: 'multiply.js', content: 'export function multiply(a, b) {\n  return a * b;\n}\n' } }] },
      { toolCalls: [{ name: 'step_done', arguments: {} }] },
      { content: 'Added multiply with a test; npm test passes.' },
    ];
    await withProject(PROJECT, { turns, respond: sideAnswers }, async (dir, server) => {
      const r = await runTask(server, dir, 'Add a multiply function with a test', ['--json'], { SMALLCODE_PLAN: 'true' });
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.success).toBe(true);
      expect(result.plan.steps.map((s: { done: boolean }) => s.done)).toEqual([true, true]);

      const main = mainRequests(server.chatRequests());
      expect(main).toHaveLength(7);
      // The plan is re-injected as the last message of every request, with the current step marked.
      expect(lastText(main[0]!)).toMatch(/step 1 of 2/);
      expect(lastText(main[0]!)).toContain('[ ] 1. Create multiply.js exporting multiply(a, b)   ← now');
      expect(lastText(main[0]!)).toContain('`npm test`');
      // step_done is offered while the plan is in progress.
      expect(main[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('step_done');
      // Step 1 passed its check.
      expect(allText(main[2]!)).toMatch(/Step 1 \(Create multiply\.js[^)]*\)\) passed its check \(`npm test`\) and is checked off/);
      expect(lastText(main[2]!)).toMatch(/\[x\] 1\./);
      // Step 2's first claim: the test fails, the step stays open, the failure and diagnosis go back.
      const failed = allText(main[4]!);
      expect(failed).toMatch(/Step 2 \(Add test\/multiply\.test\.js covering multiply\) is not done: its check `npm test` failed \(exit code 1\)/);
      expect(failed).toMatch(/multiply/);
      expect(failed).toContain('Diagnosis (test_failure): multiply adds instead of multiplying. Suggested fix: return a * b in multiply.js');
      expect(lastText(main[4]!)).toContain('[ ] 2. Add test/multiply.test.js covering multiply   ← now');
      // After the fix the second claim passes and the model is asked for its final answer.
      expect(allText(main[6]!)).toMatch(/Step 2 .* passed its check .* All 2 steps are done/);
      expect(r.stdout).toContain('Added multiply with a test');

      const todo = readFileSync(join(dir, '.smallcode', 'TODO.md'), 'utf8');
      expect(todo).toContain('# TODO: Add a multiply function with a test');
      expect(todo).toContain('- [x] 1. Create multiply.js exporting multiply(a, b) (check: test)');
      expect(todo).toContain('- [x] 2. Add test/multiply.test.js covering multiply (check: test)');
      expect(r.stderr).toContain('planned 2 steps in .smallcode/TODO.md');
    });
  }, 60_000);

  it('does not accept a final answer while the current step fails its check', async () => {
    const turns: ScriptedTurn[] = [
      { toolCalls: [{ name: 'write_file', arguments: { path: 'multiply.js', content: 'export function multiply(a, b) {\n  return a + b;\n}\n' } }] },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'test/multiply.test.js', content: MULTIPLY_TEST } }] },
      // A small model often just says it is done: that claim is checked like step_done.
      { content: 'Done: multiply is implemented and tested.' },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'multiply.js', content: 'export function multiply(a, b) {\n  return a * b;\n}\n' } }] },
      { content: 'Fixed multiply; the tests pass now.' },
    ];
    const onePlan = (req: RecordedRequest) => {
      if (!req.body.tools?.length && JSON.stringify(req.body.messages).includes('Break this coding task')) {
        return { content: JSON.stringify([{ step: 'Add multiply(a, b) in multiply.js with a test', check: 'test' }]) };
      }
      return sideAnswers(req);
    };
    await withProject(PROJECT, { turns, respond: onePlan }, async (dir, server) => {
      const r = await runTask(server, dir, 'Add a multiply function with a test', ['--json'], { SMALLCODE_PLAN: 'true' });
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.response).toBe('Fixed multiply; the tests pass now.');
      const main = mainRequests(server.chatRequests());
      expect(main).toHaveLength(5);
      expect(allText(main[3]!)).toMatch(/Step 1 .* is not done: its check `npm test` failed/);
      expect(readFileSync(join(dir, '.smallcode', 'TODO.md'), 'utf8')).toContain('- [x] 1.');
    });
  }, 60_000);

  it('evaluates guards on the plan event after each step check', async () => {
    const turns: ScriptedTurn[] = [
      { toolCalls: [{ name: 'write_file', arguments: { path: 'test/multiply.test.js', content: MULTIPLY_TEST } }] },
      { toolCalls: [{ name: 'step_done', arguments: {} }] },
      { content: 'It is done.' },
      { content: 'unreachable: the guard stopped the task' },
    ];
    await withProject(PROJECT, { turns, respond: sideAnswers }, async (dir, server) => {
      mkdirSync(join(dir, '.smallcode', 'agents'), { recursive: true });
      writeFileSync(join(dir, '.smallcode', 'agents', 'stuck.marrow'),
        'agent smallcode {\n  guard stuck_step {\n    on: plan\n    when: tool.failures("step_done") >= 2\n    then: stop("the step keeps failing its check")\n  }\n}\n');
      const r = await runTask(server, dir, 'Add a multiply function with a test', [], { SMALLCODE_PLAN: 'true' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('stopped by guard stuck_step: the step keeps failing its check');
      expect(mainRequests(server.chatRequests())).toHaveLength(3);
    });
  });

  it('with SMALLCODE_PLAN=false nothing is planned and step_done is not offered', async () => {
    await withProject(PROJECT, { turns: [{ content: 'Nothing to do.' }], respond: sideAnswers }, async (dir, server) => {
      const r = await runTask(server, dir, 'Add a multiply function with a test', [], { SMALLCODE_PLAN: 'false' });
      expect(r.code, r.stderr).toBe(0);
      const reqs = server.chatRequests();
      expect(reqs).toHaveLength(1);
      expect(reqs[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).not.toContain('step_done');
      expect(allText(reqs[0]!)).not.toContain('Plan (');
    });
  });
});
