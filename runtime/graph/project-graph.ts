/**
 * The session's graph: opened with the project store, indexed in the background from session
 * start, re-indexed when tools write files, and recorded in the user's project registry after
 * each full index. The tools ask `current()`, which waits for pending indexing.
 */
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.js';
import { STATE_DIR } from '../tools/workspace.js';
import { CodeGraph } from './graph.js';
import { listProjects, recordProject, userStore, type ProjectEntry } from './projects.js';

export interface ProjectGraphOptions {
  root: string;
  env?: Record<string, string | undefined>;
  backend?: 'auto' | 'json';
  /** Told once: the graph is off (a grammar did not load, the store cannot open). */
  notice?: (message: string) => void;
}

export class ProjectGraph {
  private graph?: CodeGraph;
  private store?: Store;
  private off?: string;
  private noticed = false;

  constructor(readonly opts: ProjectGraphOptions) {}

  /** Starts the first index; returns at once. */
  start(): this {
    try {
      this.store = openStore({ dir: join(this.opts.root, STATE_DIR), backend: this.opts.backend });
      this.graph = new CodeGraph({ root: this.opts.root, store: this.store });
      void this.graph.refresh().then(() => this.record(), (err: Error) => this.turnOff(err.message));
    } catch (err) {
      this.turnOff((err as Error).message);
    }
    return this;
  }

  /** Files a tool created, edited or deleted (project-relative). */
  touch(paths: string[]): void {
    if (this.graph && paths.length) void this.graph.touch(paths).catch((err: Error) => this.turnOff(err.message));
  }

  /** The graph once indexing in flight is done, or why it is off. */
  async current(): Promise<CodeGraph | string> {
    if (!this.graph) return this.offMessage();
    await this.graph.ready().catch(() => undefined);
    if (this.graph.disabled) this.turnOff(this.graph.disabled);
    return this.off ? this.offMessage() : this.graph;
  }

  /**
   * The most-called definitions as the stored index (an earlier session's) has them, without
   * waiting for indexing: `Main symbols: name (path:line, called from N files), …`; undefined
   * when nothing is stored yet.
   */
  hubsLine(limit = 5): string | undefined {
    const hubs = this.graph?.topSymbols(limit) ?? [];
    if (!hubs.length) return undefined;
    return `Main symbols (code graph; explain_symbol tells more): ${hubs.map((h) => `${h.name} (${h.path}:${h.line}, called from ${h.callers} files)`).join(', ')}`;
  }

  projects(): ProjectEntry[] {
    const store = userStore(this.opts.env, this.opts.backend);
    try {
      return listProjects(store);
    } finally {
      store.close();
    }
  }

  /** Lets an index in flight finish (at most `waitMs`), so a short session still records the project. */
  async close(waitMs = 5_000): Promise<void> {
    if (this.graph) await Promise.race([this.graph.ready().catch(() => undefined), new Promise((r) => setTimeout(r, waitMs).unref())]);
    this.store?.close();
    this.store = undefined;
  }

  private record(): void {
    if (!this.graph || this.graph.disabled) return;
    const store = userStore(this.opts.env, this.opts.backend);
    try {
      recordProject(store, this.opts.root, this.graph.stats());
    } finally {
      store.close();
    }
  }

  private turnOff(why: string): void {
    this.off ??= why;
    if (!this.noticed) {
      this.noticed = true;
      this.opts.notice?.(`code graph off: ${why}; graph_search, explain_symbol and list_projects answer with this notice`);
    }
  }

  private offMessage(): string {
    return `The code graph is off (${this.off ?? 'not started'}). Use find_files and search instead.`;
  }
}
