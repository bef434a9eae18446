import { cac } from 'cac';
import pkg from '../../package.json' with { type: 'json' };
import type { CommandContext, CommandHandler } from './command.js';

/**
 * The command line. Only cac and this file load before a command is chosen; each command's
 * module (and with it the SDK, ts-morph, SQLite …) is imported when that command runs.
 */
type Loader = () => Promise<{ default: CommandHandler }>;

export async function main(argv: string[]): Promise<void> {
  const cli = cac('smallcode');
  let pending: Promise<number> | undefined;

  /** `inProject`: the command works on the project (run, the terminal), not on files named relative to the shell's folder. */
  const dispatch = (load: Loader, args: string[], options: Record<string, unknown>, inProject = false) => {
    pending = (async () => {
      const given = options.cwd === undefined ? undefined : String(options.cwd);
      const { resolveProjectRoot } = await import('../config/project-root.js');
      const cwd = inProject ? resolveProjectRoot(given, process.cwd()) : resolveProjectRoot(given ?? '.', process.cwd());
      const ctx: CommandContext = { args, options, cwd, env: process.env, stdout: process.stdout, stderr: process.stderr };
      return (await load()).default(ctx);
    })();
  };

  cli
    .option('--cwd <dir>', 'Project root to work in (default: current directory)')
    .option('--model <id>', 'Model id (overrides SMALLCODE_MODEL)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint (overrides SMALLCODE_BASE_URL)')
    .option('--sandbox <mode>', 'Shell sandbox: auto (on for run), on, off (SMALLCODE_SANDBOX; see docs/security.md)')
    .option('--approval <policy>', 'When shell commands ask first: never, on-request, untrusted (SMALLCODE_APPROVAL)');

  cli
    .command('[...task]', 'Start an interactive session in this project; with a task, do it headless as `run` does')
    .option('--continue', 'Resume the most recent session of this project')
    .option('--resume [id]', 'Resume a saved session (its id or list number; without one, choose from a list)')
    .option('--classic', 'Plain line-by-line mode (dumb terminals, logs, screen readers)')
    .option('--yes', 'Run shell commands without asking for approval')
    .option('--json', 'With a task: print the whole RunResult as JSON')
    .option('--max-turns <n>', 'With a task: model round-trips before giving up')
    .example('smallcode "create hello.py that prints hello world"')
    .action((task: string[], options) => {
      if (!task.length) return dispatch(() => import('./commands/repl.js'), [], options, true);
      // The one-shot form users type: `smallcode "task"` is `smallcode run "task"`.
      dispatch(async () => {
        const typo = await mistypedCommand(task);
        if (!typo) return import('./commands/run.js');
        return { default: async (ctx: CommandContext) => (ctx.stderr.write(`smallcode: ${typo}. Run smallcode --help\n`), 2) };
      }, task, options, true);
    });

  cli
    .command('run <...task>', 'Do one task headless: progress to stderr, the answer to stdout')
    .option('--json', 'Print the whole RunResult as JSON')
    .option('--max-turns <n>', 'Model round-trips before giving up (default: from the policy, 25)')
    .option('--allow-config-writes', 'Let the model write .env, smallcode.toml, .mcp.json, .git/hooks/* and .git/config without asking')
    .example('smallcode run "create hello.py that prints hello world"')
    .action((task: string[], options) => dispatch(() => import('./commands/run.js'), task, options, true));

  cli
    .command('fix', 'Run the tests; if they fail, the failing output becomes the task; exit 0 only when they end green')
    .option('--test <cmd>', 'Test command (default: SMALLCODE_TEST_RUNNER, else the one the project has)')
    .option('--json', 'Print the whole RunResult as JSON')
    .option('--max-turns <n>', 'Model round-trips before giving up (default: from the policy, 25)')
    .example('smallcode fix --test "npm test"   # as a pre-commit hook or a CI step')
    .action((options) => dispatch(() => import('./commands/fix.js'), [], options, true));

  cli
    .command('marrow <action> [file]', 'MarrowScript: check <file> | compile <file> [-o dir] | eject (copy agents/*.marrow to .smallcode/agents/)')
    .option('-o, --out-dir <dir>', 'compile: where to write the TypeScript module')
    .option('--json', 'Diagnostics and results as JSON')
    .option('--force', 'eject: overwrite existing files')
    .example('smallcode marrow check .smallcode/agents/core.marrow')
    .action((action: string, file: string | undefined, options) =>
      dispatch(() => import('./commands/marrow.js'), file ? [action, file] : [action], options),
    );

  cli
    .command('cognition', 'Show the loaded behaviour layers, their settings and live counters')
    .option('--json', 'As JSON')
    .action((options) => dispatch(() => import('./commands/cognition.js'), [], options, true));

  cli
    .command('bone <action> <file>', 'BoneScript: compile <file> [-o dir] [--target express] | check <file>')
    .option('-o, --out-dir <dir>', 'compile: output folder (default: the file name without .bone)')
    .option('--target <target>', 'compile: backend target (express)', { default: 'express' })
    .option('--json', 'Diagnostics and results as JSON')
    .example('smallcode bone compile examples/shop.bone -o shop')
    .action((action: string, file: string, options) => dispatch(() => import('./commands/bone.js'), [action, file], options));

  cli
    .command('eval [suite]', 'Run an evaluation suite (evals/*.yaml): pass@1, pass@k with 95% intervals; without a suite, list them')
    .option('--compare <earlier>', "Compare with an earlier result (a file, a name under .smallcode/evals/results/, or 'last'); exit 1 on a regression beyond noise")
    .option('--trials <n>', 'Trials per case (overrides the suite)')
    .option('--json', 'The result as JSON')
    .example('smallcode eval prompts --compare last')
    .action((suite: string | undefined, options) => dispatch(() => import('./commands/eval.js'), suite ? [suite] : [], options, true));

  cli
    .command('trace <action> [id]', 'Recorded traces: list | test <id> (turn a task trace into a replay suite under evals/)')
    .example('smallcode trace test 1 && smallcode eval evals/trace-<session>.yaml')
    .action((action: string, id: string | undefined, options) => dispatch(() => import('./commands/trace.js'), id ? [action, id] : [action], options, true));

  cli
    .command('memory [action] [...words]', "What SmallCode remembers here: list | search <words> | forget <id>… | clear --yes")
    .option('--json', 'As JSON')
    .option('--limit <n>', 'list, search: how many entries (default 10)')
    .option('--yes', 'clear: delete without asking')
    .example('smallcode memory search "failing test in src/db.ts"')
    .action((action: string | undefined, words: string[], options) =>
      dispatch(() => import('./commands/memory.js'), action ? [action, ...words] : [], options, true),
    );

  cli
    .command('plugin [action] [...args]', 'Plugins: list | install <npm name | folder> [--yes] | enable <name> | disable <name> | remove <name>')
    .option('--yes', 'install: enable without asking (its code runs in-process)')
    .option('--json', 'As JSON')
    .example('smallcode plugin install ./examples/plugin-hello --yes')
    .action((action: string | undefined, args: string[], options) =>
      dispatch(() => import('./commands/plugin.js'), action ? [action, ...args] : [], options),
    );

  cli.help((sections) => {
    sections.push({
      title: 'Exit codes',
      body: '  0 success · 1 the task failed · 2 usage or configuration error',
    });
    sections.push({
      title: 'Configuration',
      body: '  SMALLCODE_MODEL, SMALLCODE_BASE_URL and more, from the environment, .env or smallcode.toml (see README)',
    });
  });
  cli.version(pkg.version);

  try {
    cli.parse(['node', 'smallcode', ...argv], { run: false });
    if (cli.options.help || cli.options.version) return;
    await cli.runMatchedCommand();
    process.exitCode = pending ? await pending : 0;
  } catch (err) {
    const e = err as Error;
    if (e.name === 'CACError') {
      process.stderr.write(`smallcode: ${e.message}. Run smallcode --help\n`);
      process.exitCode = 2;
      return;
    }
    if (e.name === 'ConfigError') {
      process.stderr.write(`smallcode: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`smallcode: internal error: ${e.stack ?? e}\n`);
    process.exitCode = 1;
  }
}

/** The names `smallcode <word>` dispatches on; any other words are a task. */
const COMMANDS = ['run', 'fix', 'marrow', 'cognition', 'bone', 'eval', 'trace', 'memory', 'plugin'];

/**
 * A task of one word that is a command misspelt (`smallcode marow`) is a usage error, not a job
 * for the model: the same "did you mean" rule as MarrowScript's diagnostics.
 */
async function mistypedCommand(task: string[]): Promise<string | undefined> {
  if (task.length !== 1 || !/^[a-z]+$/i.test(task[0]!)) return undefined;
  const { closestNames } = await import('../../compiler/common/suggest.js');
  const near = closestNames(task[0]!, COMMANDS, 1);
  return near.length ? `unknown command '${task[0]}' (did you mean '${near[0]}'?)` : undefined;
}
