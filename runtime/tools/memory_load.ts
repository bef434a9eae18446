import { z } from 'zod';
import { describeAge } from '../memory/evidence.js';
import type { Memory } from '../memory/memory.js';
import { defineTool, type Tool } from './tool.js';

const args = z.object({
  query: z.string().trim().min(1).describe('words to look for'),
  limit: z.coerce.number().int().min(1).max(20).optional().describe('how many (default 5)'),
});

/** The saved facts and earlier tasks' evidence most relevant to a query, each with its id and age. */
export function memoryLoadTool(memory: Pick<Memory, 'load'>, now: () => number = Date.now): Tool<z.infer<typeof args>> {
  return defineTool<z.infer<typeof args>>({
    name: 'memory_load',
    description: () => 'Find saved facts and what earlier tasks in this project tried (what failed, what worked), by keywords.',
    args,
    readOnly: true,
    category: 'memory',
    aliases: { q: 'query', text: 'query', keywords: 'query', n: 'limit' },
    capHint: 'Ask with fewer, more specific words, or a smaller limit.',
    async execute(a) {
      const hits = memory.load(a.query, a.limit ?? 5);
      if (!hits.length) return { ok: true, output: `Nothing saved matches '${a.query}'.` };
      const lines = hits.map((h) => `[${h.id} · ${h.scope} ${h.kind} · ${describeAge(now() - h.createdAt)}] ${h.text}`);
      return { ok: true, output: lines.join('\n') };
    },
  });
}
