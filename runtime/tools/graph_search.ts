import { z } from 'zod';
import type { ProjectGraph } from '../graph/project-graph.js';
import { SYMBOL_KINDS } from '../graph/languages.js';
import { defineTool, type Tool } from './tool.js';

const args = z.object({
  query: z.string().trim().min(1).describe('a symbol name or part of one'),
  kind: z.enum(SYMBOL_KINDS).optional().describe('only this kind'),
  limit: z.coerce.number().int().min(1).max(50).optional().describe('how many (default 10)'),
});

/** Symbols by name (exact, prefix, camel/snake-insensitive, fuzzy), each `path:line kind name(signature)`. */
export function graphSearchTool(graph: ProjectGraph): Tool<z.infer<typeof args>> {
  return defineTool<z.infer<typeof args>>({
    name: 'graph_search',
    description: () => 'Find where functions, classes and types are defined, by name or part of a name. Each hit: path:line kind signature.',
    args,
    readOnly: true,
    category: 'search',
    aliases: { name: 'query', symbol: 'query', q: 'query', type: 'kind', n: 'limit' },
    capHint: 'Ask with a longer name, a kind, or a smaller limit.',
    async execute(a) {
      const g = await graph.current();
      if (typeof g === 'string') return { ok: false, output: g, errorKind: 'graph_off' };
      const hits = g.search(a.query, { kind: a.kind, limit: a.limit ?? 10 });
      if (!hits.length) return { ok: true, output: `No symbol matches '${a.query}'${a.kind ? ` of kind ${a.kind}` : ''} (${g.stats().symbols} symbols indexed).` };
      return { ok: true, output: hits.map((h) => `${h.path}:${h.line} ${h.kind} ${h.parent ? `${h.parent}.` : ''}${h.signature || h.name}`).join('\n') };
    },
  });
}
