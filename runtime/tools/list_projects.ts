import { z } from 'zod';
import type { ProjectGraph } from '../graph/project-graph.js';
import { defineTool, type Tool } from './tool.js';

const args = z.object({});

/** The projects indexed on this machine, with their languages, files, symbols and when. */
export function listProjectsTool(graph: ProjectGraph, now: () => number = Date.now): Tool<z.infer<typeof args>> {
  return defineTool<z.infer<typeof args>>({
    name: 'list_projects',
    description: () => 'List the projects indexed on this machine (path, languages, files, symbols, last indexed).',
    args,
    readOnly: true,
    category: 'search',
    capHint: 'The newest projects come first.',
    async execute() {
      await graph.current();
      const projects = graph.projects();
      if (!projects.length) return { ok: true, output: 'No project has been indexed yet.' };
      const lines = projects.map((p) => `${p.path} · ${p.languages.join(', ') || 'no code'} · ${p.files} files · ${p.symbols} symbols · indexed ${age(now() - p.indexedAt)}`);
      return { ok: true, output: lines.join('\n') };
    },
  });
}

function age(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} days ago`;
}
