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

  const dispatch = (load: Loader, args: string[], options: Record<string, unknown>) => {
    const ctx: CommandContext = { args, options, cwd: String(options.cwd ?? process.cwd()), env: process.env, stdout: process.stdout, stderr: process.stderr };
    pending = load().then((m) => m.default(ctx));
  };

  cli
    .option('--cwd <dir>', 'Project root to work in (default: current directory)')
    .option('--model <id>', 'Model id (overrides SMALLCODE_MODEL)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint (overrides SMALLCODE_BASE_URL)')
    .option('--sandbox <mode>', 'Shell sandbox: auto (on for run), on, off (SMALLCODE_SANDBOX; see docs/security.md)')
    .option('--approval <policy>', 'When shell commands ask first: never, on-request, untrusted (SMALLCODE_APPROVAL)');

  cli
    .command('', 'Start an interactive session in this project')
    .option('--continue', 'Resume the most recent session of this project')
    .option('--resume [id]', 'Resume a saved session (its id or list number; without one, choose from a list)')
    .option('--classic', 'Plain line-by-line mode (dumb terminals, logs, screen readers)')
    .option('--yes', 'Run shell commands without asking for approval')
    .action((options) => dispatch(() => import('./commands/repl.js'), [], options));

  cli
    .command('run <...task>', 'Do one task headless: progress to stderr, the answer to stdout')
    .option('--json', 'Print the whole RunResult as JSON')
    .option('--max-turns <n>', 'Model round-trips before giving up (default: from the policy, 25)')
    .option('--allow-config-writes', 'Let the model write .env, smallcode.toml, .mcp.json, .git/hooks/* and .git/config without asking')
    .example('smallcode run "create hello.py that prints hello world"')
    .action((task: string[], options) => dispatch(() => import('./commands/run.js'), task, options));

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
    .action((options) => dispatch(() => import('./commands/cognition.js'), [], options));

  cli
    .command('bone <action> <file>', 'BoneScript: compile <file> [-o dir] [--target express] | check <file>')
    .option('-o, --out-dir <dir>', 'compile: output folder (default: the file name without .bone)')
    .option('--target <target>', 'compile: backend target (express)', { default: 'express' })
    .option('--json', 'Diagnostics and results as JSON')
    .example('smallcode bone compile examples/shop.bone -o shop')
    .action((action: string, file: string, options) => dispatch(() => import('./commands/bone.js'), [action, file], options));

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
    if (!cli.matchedCommand) {
      const name = cli.args[0];
      process.stderr.write(`smallcode: unknown command '${name}'. Run smallcode --help\n`);
      process.exitCode = 2;
      return;
    }
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
