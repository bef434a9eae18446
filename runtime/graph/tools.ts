/** The session's graph and its three tools (category `search`). */
import { explainSymbolTool } from '../tools/explain_symbol.js';
import { graphSearchTool } from '../tools/graph_search.js';
import { listProjectsTool } from '../tools/list_projects.js';
import type { Tool } from '../tools/tool.js';
import { ProjectGraph, type ProjectGraphOptions } from './project-graph.js';

export function startProjectGraph(opts: ProjectGraphOptions): ProjectGraph {
  return new ProjectGraph(opts).start();
}

export function graphTools(graph: ProjectGraph): Tool[] {
  return [graphSearchTool(graph), explainSymbolTool(graph), listProjectsTool(graph)];
}
