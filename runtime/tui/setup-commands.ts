/**
 * `/init`, `/compact` and `/config`: the commands users of other agents type first — write an
 * AGENTS.md from the project summary (asking first), compress the conversation now, show the
 * effective settings and where each came from. Each loads its module only when typed.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandHost } from './commands.js';

/** AGENTS.md from what the project summary found: the facts, the commands, room for the team's own rules. */
export function agentsMdFromSummary(summary: { text: string; commands: Record<string, string | undefined> }): string {
  const commands = (['build', 'test', 'run', 'lint'] as const).filter((k) => summary.commands[k]).map((k) => `- ${k[0]!.toUpperCase()}${k.slice(1)}: \`${summary.commands[k]}\``);
  const facts = summary.text.split('\n').filter((l) => !l.startsWith('Commands:')).map((l) => `- ${l}`);
  return [
    '# AGENTS.md',
    '',
    'Instructions for coding agents working in this repository (SmallCode reads this file at the start of each session).',
    '',
    '## Project',
    '',
    ...facts,
    '',
    ...(commands.length ? ['## Commands', '', ...commands, ''] : []),
    '## Conventions',
    '',
    '- (Add the rules an agent should follow here: code style, where tests go, what not to touch.)',
    '',
  ].join('\n');
}

export async function initCommand(h: CommandHost): Promise<void> {
  const { summarizeProject } = await import('../agent/project-summary.js');
  const { c } = h.style;
  const root = h.session.root;
  const file = join(root, 'AGENTS.md');
  const summary = await summarizeProject(root, h.session.config.vars);
  const text = agentsMdFromSummary(summary);
  const exists = existsSync(file);
  h.out.print(`${c.bold(exists ? 'AGENTS.md exists; /init would replace it with:' : 'AGENTS.md from the project summary:')}\n${c.dim(text.trimEnd())}`);
  const answer = await h.choose(exists ? 'Replace AGENTS.md?' : 'Write AGENTS.md?', [
    { value: 'no', label: exists ? 'No, keep mine' : 'No' },
    { value: 'yes', label: exists ? 'Yes, replace it' : 'Yes, write it' },
  ]);
  if (answer !== 'yes') return h.out.print(c.dim('AGENTS.md left as it was.'));
  writeFileSync(file, text);
  h.out.print(`Wrote ${c.bold('AGENTS.md')} (${text.split('\n').length} lines). Edit it; SmallCode reads it from the next session on.`);
}

export async function compactCommand(h: CommandHost): Promise<void> {
  const { c } = h.style;
  const { agent } = h.session;
  const before = agent.history.tokens();
  h.out.status('compressing the conversation');
  let notDone: string | undefined;
  try {
    notDone = await agent.compactNow();
  } finally {
    h.out.status(undefined);
  }
  if (notDone) return h.out.print(c.dim(`Nothing compressed: ${notDone}.`));
  const after = agent.history.tokens();
  h.out.print(`Compressed the conversation: ${before.toLocaleString('en-US')} → ${after.toLocaleString('en-US')} tokens (the tasks and the last ${h.session.policy.context.keepRecentTurns} turns kept).`);
}

const SOURCE_LABEL: Record<string, string> = { flag: 'command-line flag', env: 'environment', '.env': '.env', 'smallcode.toml': 'smallcode.toml', default: 'default' };

/** `/config`: every setting that is set (value and origin) first, then the defaults; secrets never shown. */
export async function configCommand(h: CommandHost, args: string[]): Promise<void> {
  const { VARIABLES } = await import('../config/variables.js');
  const { c } = h.style;
  const { config, server, model, context } = h.session;
  const all = args[0] === 'all';
  if (args[0] && !all) return h.out.print(c.red(`/config ${args[0]}: use /config, or /config all to list the defaults too`));
  const shown = (raw: string | undefined, secret?: boolean) => (raw === undefined ? c.dim('(unset)') : secret ? '••••' : raw);
  const rows: string[] = [
    c.bold('In effect'),
    `  model           ${model}${config.sources.SMALLCODE_MODEL && config.sources.SMALLCODE_MODEL !== 'default' ? c.dim(` (SMALLCODE_MODEL, ${SOURCE_LABEL[config.sources.SMALLCODE_MODEL]})`) : c.dim(' (chosen from the server\'s list; remembered in .smallcode/state.json)')}`,
    `  server          ${server.baseUrl}${c.dim(` (${config.baseUrlFrom ? `${config.baseUrlFrom}, ${SOURCE_LABEL[config.sources[config.baseUrlFrom] ?? 'env'] ?? 'environment'}` : 'found by probing the usual local ports'})`)}`,
    `  context window  ${context.window.toLocaleString('en-US')} tokens${c.dim(` (${context.source})`)}`,
  ];
  const set = VARIABLES.filter((v) => config.sources[v.name] && config.sources[v.name] !== 'default');
  rows.push(c.bold('Set'));
  if (set.length === 0) rows.push(c.dim('  nothing: every setting has its default (.env, smallcode.toml or the environment set them; see README)'));
  for (const v of set) rows.push(`  ${v.name.padEnd(34)} ${shown(config.vars[v.name], v.secret)}  ${c.dim(SOURCE_LABEL[config.sources[v.name]!] ?? '')}`);
  const defaults = VARIABLES.filter((v) => !set.includes(v));
  if (all) {
    rows.push(c.bold('Defaults'));
    for (const v of defaults) rows.push(`  ${v.name.padEnd(34)} ${shown(v.default, v.secret)}`);
  } else rows.push(c.dim(`${defaults.length} more settings at their defaults: /config all lists them.`));
  h.out.print(rows.join('\n'));
}
