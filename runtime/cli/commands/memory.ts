import type { CommandContext } from '../command.js';

const USAGE = 'use smallcode memory list, memory search <words>, memory forget <id>…, memory clear --yes';

/**
 * `smallcode memory [list | search <words> | forget <id>… | clear --yes] [--json] [--limit n]`:
 * what SmallCode remembers of this project (task evidence, facts) and the user's global facts,
 * from the shell — the same as `/memory` in the terminal. Exit 2 on a usage error, 1 when an id
 * to forget is unknown.
 */
export default async function memoryCommand(ctx: CommandContext): Promise<number> {
  const [action = 'list', ...rest] = ctx.args;
  const limit = ctx.options.limit === undefined ? 10 : Number(ctx.options.limit);
  if (!Number.isInteger(limit) || limit < 1) return usage(ctx, `--limit ${String(ctx.options.limit)}: a whole number from 1`);
  if (!['list', 'search', 'forget', 'clear'].includes(action)) return usage(ctx, `unknown action '${action}'`);
  if (action === 'search' && !rest.join(' ').trim()) return usage(ctx, 'memory search needs words to look for');
  if (action === 'forget' && !rest.length) return usage(ctx, 'memory forget needs the id of an entry (memory list shows them)');
  if (action === 'clear' && ctx.options.yes !== true) return usage(ctx, 'memory clear deletes every evidence entry, fact and working memory of this project: add --yes to do it');

  const memory = await openMemory(ctx);
  try {
    const { renderHits, renderMemoryOverview, plural } = await import('../../memory/view.js');
    const json = ctx.options.json === true;
    const print = (value: unknown, text: string) => ctx.stdout.write(`${json ? JSON.stringify(value, null, 2) : text}\n`);
    if (action === 'list') {
      if (json) print({ stats: memory.stats(), entries: memory.recent(limit) }, '');
      else print(null, renderMemoryOverview(memory, { recent: limit }));
      return 0;
    }
    if (action === 'search') {
      const hits = memory.load(rest.join(' '), limit);
      print(hits, hits.length ? renderHits(hits, Date.now()) : `Nothing stored matches '${rest.join(' ')}'.`);
      return 0;
    }
    if (action === 'forget') {
      const unknown = rest.filter((id) => !memory.forget(id));
      const gone = rest.length - unknown.length;
      if (json) print({ forgotten: rest.filter((id) => !unknown.includes(id)), unknown }, '');
      else {
        if (gone) ctx.stdout.write(`Forgot ${plural(gone, 'entry', 'entries')}.\n`);
        if (unknown.length) ctx.stderr.write(`smallcode: no memory entry ${unknown.map((id) => `'${id}'`).join(', ')} (smallcode memory list shows the ids)\n`);
      }
      return unknown.length ? 1 : 0;
    }
    const n = memory.clearProject();
    print({ cleared: n }, `Cleared ${plural(n, 'entry', 'entries')} of this project's memory (global facts kept).`);
    return 0;
  } finally {
    memory.close();
  }
}

function usage(ctx: CommandContext, problem: string): number {
  ctx.stderr.write(`smallcode: ${problem}; ${USAGE}\n`);
  return 2;
}

/** The project's memory as a session would open it: same store choice (SMALLCODE_STORE), same layers' memory settings. */
async function openMemory(ctx: CommandContext) {
  const { loadConfig } = await import('../../config/load.js');
  const { loadAgentLayers } = await import('../../cognition/index.js');
  const { Memory } = await import('../../memory/index.js');
  const config = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  const env = { ...ctx.env, ...config.vars };
  const layers = await loadAgentLayers({ projectRoot: ctx.cwd, env });
  return new Memory({
    root: ctx.cwd,
    sessionId: 'cli',
    env,
    backend: config.store,
    evidence: !config.evidenceDisable,
    policy: layers.policy.memory,
    knowledgeMaxTokens: config.knowledgeMaxTokens,
    announce: (message) => ctx.stderr.write(`${message}\n`),
  });
}
