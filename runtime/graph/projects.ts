/**
 * The registry of indexed projects on this machine, for `list_projects`: one `graph_project`
 * document per project root in the user's store (the data directory), so two sessions in
 * different projects update it at once without losing each other's entry.
 */
import { openStore, userDataDir, type Store } from '../store/index.js';
import type { GraphStats } from './graph.js';

export interface ProjectEntry extends GraphStats {
  path: string;
  indexedAt: number;
}

const KIND = 'graph_project';

export function userStore(env: Record<string, string | undefined> = process.env, backend?: 'auto' | 'json'): Store {
  return openStore({ dir: userDataDir(env), backend });
}

export function recordProject(store: Store, root: string, stats: GraphStats): void {
  store.put({ kind: KIND, id: `project:${root}`, text: root, data: { ...stats, path: root, indexedAt: stats.indexedAt ?? Date.now() } });
}

/** Most recently indexed first. */
export function listProjects(store: Store): ProjectEntry[] {
  return store
    .list({ kinds: [KIND] })
    .map((d) => d.data as unknown as ProjectEntry)
    .sort((a, b) => b.indexedAt - a.indexedAt);
}
