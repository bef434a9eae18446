// Every benchmark task is solvable and its checker discriminates: the checker fails on the task's
// starting files and passes once the reference solution has gone through the real tools.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecker } from '../../../bench/harness/checker.js';
import { benchEnv } from '../../../bench/harness/run-task.js';
import { allTasks, type BenchTask } from '../../../bench/suites/index.js';
import { stepSucceeded } from '../../../bench/sim/model.js';
import { BUILTIN_POLICY } from '../../support/policy.js';
import { createToolRegistry } from '../../../runtime/tools/index.js';

async function project(task: BenchTask): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `bench-suite-${task.id}-`));
  for (const [path, content] of Object.entries(task.files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

describe('benchmark suites', () => {
  const env = benchEnv('on');
  it.each(allTasks().map((t) => [t.id, t] as const))('%s: checker fails before, reference solution passes it', async (_id, task) => {
    const dir = await project(task);
    const tools = createToolRegistry({ root: dir, policy: BUILTIN_POLICY, sessionId: 'bench-suite', env });
    try {
      const before = await runChecker(task.check, dir, env);
      expect(before.passed, `checker passes on the untouched project: ${before.output}`).toBe(false);
      for (const step of task.solution) {
        const outcome = await tools.run({ name: step.tool, arguments: step.args });
        expect(stepSucceeded(step, outcome.output), `${step.tool} ${JSON.stringify(step.args).slice(0, 80)} → ${outcome.output}`).toBe(true);
      }
      const after = await runChecker(task.check, dir, env);
      expect(after.passed, `checker fails after the reference solution: ${after.output}`).toBe(true);
    } finally {
      await tools.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
