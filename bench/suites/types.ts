/** One step of a task's reference solution: the tool call a competent model would make. */
export interface SolutionStep {
  tool: 'read_file' | 'write_file' | 'patch' | 'bash' | 'search' | 'find_files';
  args: Record<string, unknown>;
  /**
   * What the step's result must show for the model to move on: 'ok' (default) — the tool
   * succeeded (bash: exit code 0); 'any' — any answer that is not a tool-call error (e.g. running
   * a test that is expected to fail before the fix).
   */
  expect?: 'ok' | 'any';
}

/** A benchmark task: a project to start from, the request, and a command that decides pass/fail. */
export interface BenchTask {
  /** Unique across suites, kebab-case. */
  id: string;
  suite: SuiteName;
  /** Language or area, for the tables (python, javascript, typescript, bash, markdown, json, mixed). */
  language: string;
  /** What the user asks, verbatim. */
  prompt: string;
  /** Files of the project before the run (path → content). */
  files: Record<string, string>;
  /**
   * Shell command run with bash in the project after the run; exit code 0 = pass. Only node,
   * python3, bash and the repository's node_modules/.bin (tsx) are on its PATH.
   */
  check: string;
  /** The reference solution the simulated model plays back (a real model ignores it). */
  solution: SolutionStep[];
  /** The final answer after the last step. */
  answer: string;
}

export type SuiteName = 'smoke' | 'polyglot' | 'tools';
export const SUITE_NAMES: readonly SuiteName[] = ['smoke', 'polyglot', 'tools'];
