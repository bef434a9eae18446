import { createInterface } from 'node:readline/promises';
import type { CommandContext } from '../command.js';

const USAGE = 'use smallcode plugin list | install <npm name | folder> [--yes] | enable <name> | disable <name> | remove <name>';

/**
 * `smallcode plugin …`: the same implementation as `/plugin` (runtime/plugins). install asks
 * before enabling when the terminal can ask; `--yes` enables without asking; otherwise the plugin
 * stays installed and disabled. Exit 2 on a usage error, 1 when the action failed.
 */
export default async function pluginCommand(ctx: CommandContext): Promise<number> {
  const [action = 'list', ...rest] = ctx.args;
  const target = rest.join(' ').trim();
  if (!['list', 'install', 'enable', 'disable', 'remove'].includes(action)) return usage(ctx, `unknown action '${action}'`);
  if (action !== 'list' && !target) return usage(ctx, `plugin ${action} needs ${action === 'install' ? 'an npm name or a folder' : 'a plugin name'}`);
  const p = await import('../../plugins/index.js');
  const json = ctx.options.json === true;
  const say = (text: string) => ctx.stdout.write(`${text}\n`);
  try {
    if (action === 'list') {
      const installed = p.listInstalled(ctx.env);
      say(json ? JSON.stringify(installed, null, 2) : p.installedListing(installed));
      return 0;
    }
    if (action === 'install') {
      const result = await p.installPlugin(target, { cwd: ctx.cwd, env: ctx.env });
      if (!json) say(p.installSummary(result));
      const name = result.manifest.name;
      const enable = ctx.options.yes === true || (await ask(ctx, `Enable ${name}? Its code runs inside SmallCode with your permissions. [y/N] `));
      if (enable) p.setPluginEnabled(name, true, ctx.env);
      if (json) say(JSON.stringify({ ...result.plugin, enabled: enable, contributions: result.contributions }, null, 2));
      else say(enable ? `${name} is enabled.` : `${name} is installed but disabled (smallcode plugin enable ${name}, or install with --yes).`);
      return 0;
    }
    if (action === 'remove') {
      const removed = await p.removePlugin(target, { env: ctx.env });
      say(json ? JSON.stringify(removed) : `Removed plugin ${removed.name}.`);
      return 0;
    }
    const updated = p.setPluginEnabled(target, action === 'enable', ctx.env);
    say(json ? JSON.stringify(updated) : `${updated.name} is ${updated.enabled ? 'enabled' : 'disabled'}.`);
    return 0;
  } catch (err) {
    if ((err as Error).name !== 'PluginError') throw err;
    ctx.stderr.write(`smallcode: ${(err as Error).message}\n`);
    return 1;
  }
}

/** Asks on the terminal; with no terminal to ask (a pipe, CI) the answer is no. */
async function ask(ctx: CommandContext, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: ctx.stderr as NodeJS.WritableStream });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function usage(ctx: CommandContext, problem: string): number {
  ctx.stderr.write(`smallcode: ${problem}; ${USAGE}\n`);
  return 2;
}
