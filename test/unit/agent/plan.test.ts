import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandFor, detectChecks, runCheck } from '../../../runtime/agent/checks.js';
import { parseTodo, planAnchor, planProgress, renderTodo, TODO_FILE, type Plan } from '../../../runtime/agent/plan.js';
import { Planner } from '../../../runtime/agent/planner.js';
import { planTaskHeuristic } from '../../../runtime/cognition/heuristics.js';
import { loadAgentLayers } from '../../../runtime/cognition/index.js';
import { BUILTIN_POLICY } from '../../support/policy.js';
import { scriptedHost } from '../cognition/helpers.js';

const dirs: string[] = [];
function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'smallcode-plan-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const plan = (): Plan => ({
  task: 'Add multiply\nwith a test',
  steps: [
    { text: 'Create multiply.js', check: 'test', done: true },
    { text: 'Document it in README.md', check: 'none', done: false },
  ],
});

describe('the TODO file', () => {
  it('round-trips through render and parse', () => {
    const text = renderTodo(plan());
    expect(text).toContain('- [x] 1. Create multiply.js (check: test)');
    expect(text).toContain('- [ ] 2. Document it in README.md (check: none)');
    expect(parseTodo(text)).toEqual(plan());
  });

  it('reads hand edits: new steps without number or check, checked boxes, other prose', () => {
    const edited = `${renderTodo(plan())}- [X] tidy up the imports\nsome notes the user wrote\n* [ ] 4) run the linter (check: lint)\n`;
    const parsed = parseTodo(edited, 'compile')!;
    expect(parsed.steps.slice(2)).toEqual([
      { text: 'tidy up the imports', check: 'compile', done: true },
      { text: 'run the linter', check: 'lint', done: false },
    ]);
  });

  it('is not a plan without its title or without steps', () => {
    expect(parseTodo('- [ ] 1. a step')).toBeUndefined();
    expect(parseTodo('# TODO: something\n\nno steps here')).toBeUndefined();
  });
});

describe('the plan anchor', () => {
  it('marks the current step and names the command that will check it', () => {
    const text = planAnchor(plan(), (s) => (s.check === 'none' ? undefined : 'npm test'));
    expect(text).toContain(`Plan (${TODO_FILE}), step 2 of 2:`);
    expect(text).toContain('[x] 1. Create multiply.js\n');
    expect(text).toContain('[ ] 2. Document it in README.md   ← now');
    expect(text).toContain('this step has no check to run');
  });

  it('asks for the final answer when every step is done', () => {
    const p = plan();
    p.steps[1]!.done = true;
    expect(planAnchor(p, () => 'npm test')).toMatch(/all 2 steps are done[\s\S]*final answer/);
  });
});

describe('plan progress lines for the front doors', () => {
  it('prints a new plan whole, then only the steps checked off since', () => {
    const a = plan().steps.map((s) => ({ ...s, done: false }));
    expect(planProgress(undefined, a)).toEqual([`plan (${TODO_FILE}):`, '  [ ] 1. Create multiply.js', '  [ ] 2. Document it in README.md']);
    const b = a.map((s, i) => ({ ...s, done: i === 0 }));
    expect(planProgress(a, b)).toEqual(['  [x] 1. Create multiply.js']);
    expect(planProgress(b, b)).toEqual([]);
  });
});

describe('step checks', () => {
  it('falls back to a weaker check the project has, within the ones the layer allows', () => {
    const all = ['lint', 'compile', 'test'];
    expect(commandFor('test', all, { test: 'npm test', compile: 'tsc' })).toEqual({ check: 'test', command: 'npm test' });
    expect(commandFor('test', all, { compile: 'tsc' })).toEqual({ check: 'compile', command: 'tsc' });
    expect(commandFor('test', ['lint'], { test: 'npm test', lint: 'eslint .' })).toEqual({ check: 'lint', command: 'eslint .' });
    expect(commandFor('lint', all, { test: 'npm test' })).toBeUndefined();
    expect(commandFor('none', all, { test: 'npm test' })).toBeUndefined();
  });

  it('detects the commands; SMALLCODE_TEST_RUNNER replaces the test command, SMALLCODE_TEST_DISABLE removes it', async () => {
    const dir = project({ 'package.json': JSON.stringify({ scripts: { test: 'vitest run', lint: 'eslint .', build: 'tsc' } }) });
    expect(await detectChecks(dir, { testDisable: false }, {})).toEqual({ lint: 'npm run lint', compile: 'npm run build', test: 'npm test' });
    expect((await detectChecks(dir, { testRunner: 'make check', testDisable: false }, {})).test).toBe('make check');
    expect((await detectChecks(dir, { testDisable: true }, { SMALLCODE_TEST_RUNNER: 'x' })).test).toBeUndefined();
  });

  it('runs a command in the project root and reports exit code and output', async () => {
    const dir = project({ 'x.txt': 'hello' });
    const ok = await runCheck(dir, 'test', 'cat x.txt', { timeoutMs: 10_000, maxChars: 1000 });
    expect(ok).toMatchObject({ ok: true, exitCode: 0, output: 'hello', timedOut: false });
    const bad = await runCheck(dir, 'test', 'echo broken >&2; exit 3', { timeoutMs: 10_000, maxChars: 1000 });
    expect(bad).toMatchObject({ ok: false, exitCode: 3, output: 'broken' });
  });

  it('kills a check that outlives its timeout', async () => {
    const r = await runCheck(project(), 'test', 'sleep 30', { timeoutMs: 300, maxChars: 1000 });
    expect(r.ok).toBe(false);
    expect(r.timedOut).toBe(true);
    expect(r.output).toContain('timed out');
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe('the planner', () => {
  async function makePlanner(dir: string, replies: string[], testRunner = 'test ! -e broken.txt') {
    const layers = await loadAgentLayers({ projectRoot: dir, env: {} });
    const host = scriptedHost(replies, dir);
    const cognition = layers.createRuntime(host.host);
    return { planner: new Planner({ root: dir, config: { plan: 'true', testRunner, testDisable: false }, policy: BUILTIN_POLICY, cognition }), host };
  }

  it('checks a step off only after its check passes, and says why not otherwise', async () => {
    const dir = project();
    const { planner } = await makePlanner(dir, [
      JSON.stringify([{ step: 'Fix the build', check: 'test' }, { step: 'Say so', check: 'none' }]),
      JSON.stringify({ category: 'other', cause: 'broken.txt exists', fix: 'remove broken.txt', confidence: 0.8 }),
    ]);
    const made = await planner.start('Fix the build and say so', undefined);
    expect(made?.steps.map((s) => s.text)).toEqual(['Fix the build', 'Say so']);
    expect(readFileSync(join(dir, TODO_FILE), 'utf8')).toContain('- [ ] 1. Fix the build (check: test)');

    writeFileSync(join(dir, 'broken.txt'), 'the model broke it');
    for (const claim of [1, 2]) {
      // The check passed before the task: however often the step is claimed, it stays open.
      const failed = await planner.finishStep();
      expect(failed.ok, `claim ${claim}`).toBe(false);
      expect(failed.message).toContain('Step 1 (Fix the build) is not done: its check `test ! -e broken.txt` failed (exit code 1).');
      expect(failed.message).not.toContain('already failed before');
    }
    expect(readFileSync(join(dir, TODO_FILE), 'utf8')).toContain('- [ ] 1.');

    rmSync(join(dir, 'broken.txt'));
    const passed = await planner.finishStep();
    expect(passed).toMatchObject({ ok: true, allDone: false });
    expect(passed.message).toContain('Next, step 2: Say so');
    expect(readFileSync(join(dir, TODO_FILE), 'utf8')).toContain('- [x] 1. Fix the build');

    const last = await planner.finishStep();
    expect(last).toMatchObject({ ok: true, allDone: true });
    expect(last.message).toContain('has no check to run (none planned)');
    expect(await planner.open()).toBe(false);
  });

  it('feeds back the diagnosis, and lets a check that already failed before the task pass on a second claim', async () => {
    const dir = project({ 'broken.txt': 'broken before the task' });
    const { planner } = await makePlanner(dir, [
      JSON.stringify([{ step: 'Add a feature', check: 'test' }]),
      JSON.stringify({ category: 'test_failure', cause: 'broken.txt exists', fix: 'remove broken.txt', confidence: 0.8 }),
    ]);
    await planner.start('Add a feature', undefined);
    const first = await planner.finishStep();
    expect(first.ok).toBe(false);
    expect(first.message).toContain('Diagnosis (test_failure): broken.txt exists. Suggested fix: remove broken.txt');
    expect(first.message).toContain('already failed before this task began (exit code 1)');
    const second = await planner.finishStep();
    expect(second).toMatchObject({ ok: true, allDone: true });
    expect(second.message).toContain('is checked off on your second claim: its check (`test ! -e broken.txt`) still fails, but it already failed before the task began');
  });

  it('asks the session gate before running a check, like bash; a declined check is not asked again and does not block', async () => {
    const dir = project({ 'broken.txt': 'x' });
    const layers = await loadAgentLayers({ projectRoot: dir, env: {} });
    const cognition = layers.createRuntime(scriptedHost([JSON.stringify([{ step: 'one', check: 'test' }, { step: 'two', check: 'test' }])], dir).host);
    const asked: string[] = [];
    let allow = false;
    const approve = async (req: { arguments: Record<string, unknown> }) => {
      asked.push(String(req.arguments.command));
      return allow;
    };
    const planner = new Planner({ root: dir, config: { plan: 'true', testRunner: 'test ! -e broken.txt', testDisable: false }, policy: BUILTIN_POLICY, cognition, approve });
    await planner.start('one then two', undefined);
    expect(asked).toEqual(['test ! -e broken.txt']); // the baseline asked, and was declined
    const first = await planner.finishStep();
    expect(first).toMatchObject({ ok: true, allDone: false });
    expect(first.message).toContain('is checked off without its check: running `test ! -e broken.txt` was declined');
    expect(asked).toHaveLength(1); // not asked again within the task

    allow = true;
    await planner.start('again', undefined);
    const gated = await planner.finishStep();
    expect(asked).toHaveLength(3); // a new task asks again: baseline, then the step's check
    expect(gated.ok).toBe(false); // allowed, run, and broken.txt makes it fail
  });

  it('looks the check commands up again before a check: a task may add the project\'s tests', async () => {
    const dir = project();
    const layers = await loadAgentLayers({ projectRoot: dir, env: {} });
    const cognition = layers.createRuntime(scriptedHost([JSON.stringify([{ step: 'Set up the tests', check: 'test' }])], dir).host);
    const planner = new Planner({ root: dir, config: { plan: 'true', testDisable: false }, policy: BUILTIN_POLICY, cognition });
    await planner.start('Set up the tests', undefined);
    expect(await planner.anchor()).toContain('this step has no check to run');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'node -e "process.exit(3)"' } }));
    const verdict = await planner.finishStep();
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('its check `npm test` failed');
  });

  it('follows edits to the TODO file made while the task runs', async () => {
    const dir = project();
    const { planner } = await makePlanner(dir, [JSON.stringify([{ step: 'one', check: 'test' }, { step: 'two', check: 'test' }])]);
    await planner.start('one then two', undefined);
    const file = join(dir, TODO_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('- [ ] 1. one', '- [x] 1. one'));
    expect(await planner.anchor()).toContain('[ ] 2. two   ← now');
  });

  it('falls back to the heuristic plan when the model answers with no usable plan', async () => {
    const dir = project();
    const { planner } = await makePlanner(dir, ['Sure! I will do it.', 'Still no JSON, sorry.']);
    const made = await planner.start('1. add a flag\n2. document the flag', undefined);
    expect(made?.steps.map((s) => s.text)).toEqual(['add a flag', 'document the flag']);
  });

  it('is inactive after the task ends', async () => {
    const dir = project();
    const { planner } = await makePlanner(dir, [JSON.stringify([{ step: 'one', check: 'none' }])]);
    await planner.start('one', undefined);
    planner.end();
    expect(await planner.anchor()).toBeUndefined();
    expect((await planner.finishStep()).message).toContain('There is no plan in progress');
  });
});

describe('the plan_task heuristic', () => {
  it('uses the listed items of a task, else the whole task as one step', () => {
    expect(planTaskHeuristic({ task: 'Do this:\n- parse args\n- print help\n', max_steps: 8 }).map((s) => s.step)).toEqual(['parse args', 'print help']);
    expect(planTaskHeuristic({ task: 'Add a --verbose flag  to the CLI', max_steps: 8 })).toEqual([{ step: 'Add a --verbose flag to the CLI', check: 'test' }]);
    expect(planTaskHeuristic({ task: '1. a\n2. b\n3. c', max_steps: 2 })).toHaveLength(2);
  });
});
