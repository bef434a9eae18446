/**
 * Hand-written fallbacks for prompts that must never block the user
 * (`on_invalid: fallback(heuristic)`). Names are listed in facts.ts HEURISTICS for the checker.
 */
export type Heuristic = (args: Record<string, unknown>) => unknown;

export function classifyTaskHeuristic(args: Record<string, unknown>): 'coding' | 'editing' | 'search' | 'question' | 'chat' {
  const text = String(args.message ?? '').trim().toLowerCase();
  if (text === '' || /^(hi|hello|hey|thanks|thank you|ok|okay|bye|good (morning|evening))\b[\s!.?]*$/.test(text)) return 'chat';
  if (/\b(where is|where are|find|search|grep|look for|locate|which files?)\b/.test(text)) return 'search';
  if (/\b(implement|add|create|write|build|fix|refactor|debug|make .* (work|pass)|test|compile|function|class|bug|error)\b/.test(text)) return 'coding';
  if (/\b(edit|change|rename|update|replace|reword|typo|readme|docs?|config)\b/.test(text)) return 'editing';
  if (/\?\s*$/.test(text) || /^(what|why|how|when|who|explain|describe|can you tell)\b/.test(text)) return 'question';
  return 'coding';
}

export function diagnoseErrorHeuristic(args: Record<string, unknown>): { category: string; cause: string; fix: string; confidence: number } {
  const output = String(args.output ?? '');
  const rules: Array<[RegExp, string, string, string]> = [
    [/(Cannot find module|ModuleNotFoundError|No module named|command not found|ERR_MODULE_NOT_FOUND)/i, 'missing_dependency', 'a module or command is not installed', 'install the missing package or fix the import path'],
    [/(SyntaxError|ParseError|Unexpected token|unexpected indent)/i, 'syntax_error', 'the code does not parse', 'fix the syntax at the reported line'],
    [/(TypeError|error TS\d+|is not assignable|has no attribute)/i, 'type_error', 'a value has the wrong type', 'fix the types at the reported line'],
    [/(FAIL|AssertionError|expected .* to|failed, \d+ passed|Tests?:\s+\d+ failed)/i, 'test_failure', 'a test failed', 'read the failing assertion and fix the code under test'],
    [/(ENOENT|No such file or directory|not found)/i, 'not_found', 'a file or path does not exist', 'check the path'],
    [/(EACCES|Permission denied|EPERM)/i, 'permission', 'permission denied', 'check file permissions'],
    [/(timed out|ETIMEDOUT|timeout)/i, 'timeout', 'the command took too long', 'run a narrower command or raise the timeout'],
  ];
  for (const [re, category, cause, fix] of rules) if (re.test(output)) return { category, cause, fix, confidence: 0.4 };
  return { category: 'other', cause: 'unknown failure', fix: 'read the output above', confidence: 0.1 };
}

/** Keeps the head and the tail of the history within max_chars. */
export function summarizeHistoryHeuristic(args: Record<string, unknown>): string {
  const history = String(args.history ?? '');
  const max = Number(args.max_chars ?? 2000) || 2000;
  if (history.length <= max) return history;
  const half = Math.floor((max - 20) / 2);
  return `${history.slice(0, half)}\n[… earlier turns omitted …]\n${history.slice(-half)}`;
}

/**
 * A plan without a model: the task's own list (numbered or bulleted lines) as steps, or the whole
 * task as one step. Either way each step is checked by the tests before it counts as done.
 */
export function planTaskHeuristic(args: Record<string, unknown>): Array<{ step: string; check: 'test' }> {
  const task = String(args.task ?? '').trim();
  const max = Math.max(1, Number(args.max_steps ?? 8) || 8);
  const items = task
    .split('\n')
    .map((line) => /^\s*(?:\d+[.)]|[-*•])\s+(.+)$/.exec(line)?.[1]?.trim())
    .filter((item): item is string => !!item);
  const steps = items.length >= 2 ? items : [task.replace(/\s+/g, ' ')];
  return steps.slice(0, max).map((step) => ({ step, check: 'test' as const }));
}

export const HEURISTIC_FUNCTIONS: Record<string, Heuristic> = {
  classify_task: classifyTaskHeuristic,
  diagnose_error: diagnoseErrorHeuristic,
  summarize_history: summarizeHistoryHeuristic,
  plan_task: planTaskHeuristic,
};
