import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CodeGraph, SymbolRef } from '../graph/graph.js';
import type { ProjectGraph } from '../graph/project-graph.js';
import { defineTool, type Tool } from './tool.js';

const args = z.object({
  name: z.string().trim().min(1).describe('the symbol (function, class, type …); Class.method works too'),
  path: z.string().trim().min(1).optional().describe('the file it is defined in, when the name is ambiguous'),
});

const BODY_LINES = 8;
const MAX_CALLERS = 20;
const MAX_CALLEES = 15;

/** A symbol's definition, doc comment, first lines, callers (with lines), callees and imports in one answer. */
export function explainSymbolTool(graph: ProjectGraph): Tool<z.infer<typeof args>> {
  return defineTool<z.infer<typeof args>>({
    name: 'explain_symbol',
    description: () => 'Explain a function, class or type: its definition and first lines, who calls it (function and path:line), what it calls, where it is imported.',
    args,
    readOnly: true,
    category: 'search',
    aliases: { symbol: 'name', query: 'name', function: 'name', file: 'path' },
    capHint: 'Pass path to pick one definition.',
    async execute(a) {
      const g = await graph.current();
      if (typeof g === 'string') return { ok: false, output: g, errorKind: 'graph_off' };
      let name = a.name.replace(/\(\)$/, '');
      let parent: string | undefined;
      const dot = name.search(/(\.|::)[^.:]+$/);
      if (dot > 0 && !g.definitions(name).length) {
        parent = name.slice(0, dot).split(/\.|::/).pop();
        name = name.slice(dot).replace(/^(\.|::)/, '');
      }
      let defs = g.definitions(name);
      if (parent) defs = defs.filter((d) => d.parent === parent).length ? defs.filter((d) => d.parent === parent) : defs;
      const wanted = a.path?.replace(/^\.\//, '');
      if (wanted) {
        const inFile = defs.filter((d) => d.path === wanted || d.path.endsWith(`/${wanted}`));
        if (inFile.length) defs = inFile;
      }
      if (!defs.length) {
        const near = g.closest(a.name);
        const hint = near.length ? ` Closest: ${near.map((d) => `${d.parent ? `${d.parent}.` : ''}${d.name} (${d.path}:${d.line})`).join(', ')}.` : '';
        return { ok: false, output: `No symbol named '${a.name}' is defined in this project.${hint}`, errorKind: 'no_match' };
      }
      if (defs.length > 1 && !definesOneThing(defs)) {
        const list = defs.slice(0, 15).map((d) => `${d.path}:${d.line} ${d.kind} ${d.parent ? `${d.parent}.` : ''}${d.signature || d.name}`);
        return { ok: false, output: `'${a.name}' is defined ${defs.length} times; call again with path:\n${list.join('\n')}`, errorKind: 'ambiguous' };
      }
      return { ok: true, output: explain(g, defs[0]!, a.path ? undefined : defs.length) };
    },
  });
}

/** An overload set or declaration + implementation in one file is one thing. */
function definesOneThing(defs: SymbolRef[]): boolean {
  return defs.every((d) => d.path === defs[0]!.path && d.kind === defs[0]!.kind);
}

function explain(g: CodeGraph, def: SymbolRef, count?: number): string {
  const out: string[] = [];
  out.push(`${def.kind} ${def.parent ? `${def.parent}.` : ''}${def.name} — ${def.path}:${def.line}${def.endLine > def.line ? `-${def.endLine}` : ''}${count && count > 1 ? ` (${count} overloads)` : ''}`);
  out.push(`  ${def.signature || def.name}`);
  if (def.doc) out.push(`  doc: ${def.doc}`);
  const body = bodyLines(g, def);
  if (body) out.push('```', body, '```');
  const callers = g.callers(def).filter((c) => !(c.path === def.path && c.line === def.line));
  if (callers.length) {
    out.push(`callers (${callers.length}):`);
    for (const c of callers.slice(0, MAX_CALLERS)) out.push(`  ${c.caller ? `${c.caller.parent ? `${c.caller.parent}.` : ''}${c.caller.name}` : '(top level)'} — ${c.path}:${c.line}`);
    if (callers.length > MAX_CALLERS) out.push(`  … ${callers.length - MAX_CALLERS} more`);
  } else out.push('callers: none found (dynamic calls and calls through other names are not seen)');
  const callees = g.callees(def);
  if (callees.length) {
    const shown = callees.slice(0, MAX_CALLEES).map((c) => {
      const target = c.targets.length === 1 ? ` (${c.targets[0]!.path}:${c.targets[0]!.line})` : c.targets.length ? ` (${c.targets.length} definitions)` : '';
      return `${c.name}${target}`;
    });
    out.push(`calls: ${shown.join(', ')}${callees.length > MAX_CALLEES ? `, … ${callees.length - MAX_CALLEES} more` : ''}`);
  }
  const importers = g.importers(def.name).filter((i) => i.path !== def.path);
  if (importers.length) out.push(`imported by: ${importers.slice(0, 10).map((i) => `${i.path}:${i.line} (from '${i.source}')`).join(', ')}${importers.length > 10 ? ` … ${importers.length - 10} more` : ''}`);
  return out.join('\n');
}

function bodyLines(g: CodeGraph, def: SymbolRef): string | undefined {
  try {
    const lines = readFileSync(join(g.opts.root, def.path), 'utf8').split('\n');
    const end = Math.min(def.endLine, def.line + BODY_LINES - 1);
    const shown = lines.slice(def.line - 1, end).map((l, i) => `${def.line + i}: ${l}`);
    if (def.endLine > end) shown.push(`… (${def.endLine - end} more lines)`);
    return shown.join('\n');
  } catch {
    return undefined;
  }
}
