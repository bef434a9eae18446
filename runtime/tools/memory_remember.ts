import { z } from 'zod';
import type { Memory } from '../memory/memory.js';
import { defineTool, type Tool } from './tool.js';

const args = z.object({
  text: z.string().trim().min(1).describe('the fact, one or two sentences'),
  tags: z.preprocess((v) => (typeof v === 'string' ? v.split(/[,\s]+/).filter(Boolean) : v), z.array(z.string()).optional()).describe('a few keywords'),
  scope: z.enum(['project', 'global', 'session']).default('project').describe('project: this project; global: every project; session: your working memory for this session'),
});

/** Saves a fact for later sessions, or a note in the session's working memory (shown at each task start). */
export function memoryRememberTool(memory: Pick<Memory, 'remember'>): Tool<z.infer<typeof args>> {
  return defineTool<z.infer<typeof args>>({
    name: 'memory_remember',
    description: () => 'Save a fact worth knowing in later sessions (scope project or global), or a note in your working memory for this session (scope session). Keep it short.',
    args,
    readOnly: false,
    category: 'memory',
    aliases: { fact: 'text', content: 'text', note: 'text', memory: 'text', keywords: 'tags' },
    capHint: '',
    async execute(a) {
      const doc = memory.remember(a.text, a.tags ?? [], a.scope);
      return { ok: true, output: a.scope === 'session' ? `Added to your working memory (${doc.id}).` : `Saved as ${doc.id} (${a.scope}).` };
    },
  });
}
