import { POLYGLOT_TASKS } from './polyglot.js';
import { SMOKE_TASKS } from './smoke.js';
import { TOOL_TASKS } from './tools.js';
import type { BenchTask, SuiteName } from './types.js';

export type { BenchTask, SolutionStep, SuiteName } from './types.js';
export { SUITE_NAMES } from './types.js';

const SUITES: Record<SuiteName, BenchTask[]> = { smoke: SMOKE_TASKS, polyglot: POLYGLOT_TASKS, tools: TOOL_TASKS };

export function suiteTasks(name: SuiteName): BenchTask[] {
  return SUITES[name];
}

export function allTasks(): BenchTask[] {
  return Object.values(SUITES).flat();
}
