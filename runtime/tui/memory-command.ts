/**
 * `/memory`: what SmallCode remembers of this project — the session's working memory, the newest
 * evidence and facts, counts and the database size — and `search`, `forget`, `clear` (asks
 * first). The text is runtime/memory/view.ts's, the same as `smallcode memory`.
 */
import type { CommandHost } from './commands.js';

export async function memoryCommand(h: CommandHost, args: string[]): Promise<void> {
  const { renderHits, renderMemoryOverview, plural } = await import('../memory/view.js');
  const { c } = h.style;
  const memory = h.session.memory;
  const paint = { bold: c.bold, dim: c.dim };
  const [action, ...rest] = args;
  if (!action) return h.out.print(renderMemoryOverview(memory, { scratchpad: true, paint }));
  if (action === 'search') {
    const words = rest.join(' ').trim();
    if (!words) return h.out.print(c.red('/memory search needs words to look for'));
    const hits = memory.load(words, 10);
    return h.out.print(hits.length ? renderHits(hits, Date.now(), paint) : c.dim(`Nothing stored matches '${words}'.`));
  }
  if (action === 'forget') {
    if (!rest.length) return h.out.print(c.red('/memory forget needs the id of an entry (/memory shows them)'));
    const unknown = rest.filter((id) => !memory.forget(id));
    const gone = rest.length - unknown.length;
    const lines = [];
    if (gone) lines.push(`Forgot ${plural(gone, 'entry', 'entries')}.`);
    if (unknown.length) lines.push(c.red(`No memory entry ${unknown.map((id) => `'${id}'`).join(', ')}.`));
    return h.out.print(lines.join('\n'));
  }
  if (action === 'clear') {
    const { evidence, facts } = memory.stats();
    const answer = await h.choose(`Delete this project's ${plural(evidence, 'evidence entry', 'evidence entries')}, ${plural(facts, 'fact')} and working memory? (global facts stay)`, [
      { value: 'no', label: 'No, keep them' },
      { value: 'yes', label: 'Yes, delete' },
    ]);
    if (answer !== 'yes') return h.out.print(c.dim('Memory kept.'));
    return h.out.print(`Cleared ${plural(memory.clearProject(), 'entry', 'entries')} of this project's memory.`);
  }
  h.out.print(c.red(`/memory ${action}: use /memory, /memory search <words>, /memory forget <id>, /memory clear`));
}
