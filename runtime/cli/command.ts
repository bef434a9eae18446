/**
 * The contract every CLI command module follows (runtime/cli/commands/*.ts). main.ts parses the
 * command line with cac and lazy-imports the module, so `smallcode --help` loads none of them.
 * A command writes its output to the given streams and returns the exit code:
 * 0 success, 1 the task/check failed, 2 usage or configuration error.
 */
export interface CommandContext {
  /** Positional arguments after the command words (e.g. the file of `marrow check <file>`). */
  args: string[];
  /** Parsed --options (cac camelCases them: `--out-dir` → outDir). */
  options: Record<string, unknown>;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export type CommandHandler = (ctx: CommandContext) => Promise<number>;
