/**
 * A session's memory: the project store (evidence of earlier tasks, facts, each session's working
 * memory), the user's global store (facts saved with scope "global"), and knowledge/. It records
 * each task's evidence as the task ends and says, as the next task starts, what earlier tasks
 * showed — the agent calls it through the small `TaskMemory` interface.
 */
import { join } from 'node:path';
import type { AgentPolicy } from '../agent/policy.js';
import type { AgentEventName, AgentEvents, RunResult, TaskMemory } from '../agent/types.js';
import { defaultUserConfigDir } from '../cognition/loader.js';
import { countTokens } from '../model/tokens.js';
import { openStore, userDataDir, type SearchHit, type Store, type StoredDoc } from '../store/index.js';
import { describeAge, describeEvidence, EVIDENCE_KIND, EvidenceRecorder, evidenceSearchText, evidenceTags, type Evidence } from './evidence.js';
import { Knowledge, renderSection } from './knowledge.js';

export const FACT_KIND = 'fact';
export const SCRATCHPAD_KIND = 'scratchpad';
export const MEMORY_SCOPES = ['project', 'global', 'session'] as const;
export type MemoryScope = (typeof MEMORY_SCOPES)[number];

/** The working memory keeps its newest lines within this size. */
const SCRATCHPAD_MAX_CHARS = 2000;

export interface MemoryOptions {
  root: string;
  sessionId: string;
  env?: NodeJS.ProcessEnv;
  /** SMALLCODE_STORE: `json` forces the JSON-lines store. */
  backend?: 'auto' | 'json';
  /** False (SMALLCODE_EVIDENCE_DISABLE=true): no evidence is recorded or injected. */
  evidence: boolean;
  policy: AgentPolicy['memory'];
  /** SMALLCODE_KNOWLEDGE_MAX_TOKENS: the knowledge/ sections' share of a task's start. */
  knowledgeMaxTokens: number;
  announce?: (message: string) => void;
  now?: () => number;
}

export interface MemoryHit {
  id: string;
  scope: 'project' | 'global';
  kind: string;
  createdAt: number;
  /** What the model or the user is shown. */
  text: string;
  score: number;
}

export class Memory implements TaskMemory {
  private projectStore?: Store;
  private globalStore?: Store;
  private readonly recorder: EvidenceRecorder;
  readonly knowledge: Knowledge;
  private readonly now: () => number;

  constructor(readonly opts: MemoryOptions) {
    this.recorder = new EvidenceRecorder(opts.sessionId);
    this.now = opts.now ?? Date.now;
    const env = opts.env ?? process.env;
    this.knowledge = new Knowledge([
      { dir: join(opts.root, 'knowledge'), label: 'knowledge' },
      { dir: join(defaultUserConfigDir(env), 'knowledge'), label: '~/.config/smallcode/knowledge' },
    ]);
  }

  /** The project's store in `.smallcode/` (opened on first use). */
  project(): Store {
    return (this.projectStore ??= openStore({ dir: join(this.opts.root, '.smallcode'), backend: this.opts.backend, announce: this.opts.announce }));
  }

  /** The user's store in the data directory (opened on first use), for scope "global". */
  global(): Store {
    return (this.globalStore ??= openStore({ dir: userDataDir(this.opts.env ?? process.env), backend: this.opts.backend, announce: this.opts.announce }));
  }

  /** Saves a fact (project or global), or adds a line to this session's working memory. */
  remember(text: string, tags: string[], scope: MemoryScope): StoredDoc {
    const clean = text.trim();
    if (scope === 'session') {
      const lines = [...this.scratchpad().split('\n').filter(Boolean), clean];
      while (lines.length > 1 && lines.join('\n').length > SCRATCHPAD_MAX_CHARS) lines.shift();
      return this.project().put({ id: scratchpadId(this.opts.sessionId), kind: SCRATCHPAD_KIND, text: lines.join('\n'), tags, data: { session: this.opts.sessionId } });
    }
    return (scope === 'global' ? this.global() : this.project()).put({ kind: FACT_KIND, text: clean, tags });
  }

  /** This session's working memory ('' when empty); it survives `--continue` (same session id). */
  scratchpad(): string {
    return this.project().get(scratchpadId(this.opts.sessionId))?.text ?? '';
  }

  /** The saved facts and evidence most relevant to `query`, from both scopes, best first. */
  load(query: string, limit = 5): MemoryHit[] {
    const hits: MemoryHit[] = [];
    const add = (scope: MemoryHit['scope'], found: SearchHit[]) => hits.push(...found.map(({ doc, score }) => ({ id: doc.id, scope, kind: doc.kind, createdAt: doc.createdAt, text: this.describe(doc), score })));
    add('project', this.project().search(query, { kinds: [FACT_KIND, EVIDENCE_KIND, SCRATCHPAD_KIND], limit }));
    add('global', this.global().search(query, { kinds: [FACT_KIND], limit }));
    return hits.sort((a, b) => b.score - a.score || b.createdAt - a.createdAt).slice(0, limit);
  }

  /** A document as one readable entry (evidence as its one or two lines). */
  describe(doc: StoredDoc): string {
    if (doc.kind === EVIDENCE_KIND) return describeEvidence(doc.data as unknown as Evidence);
    return doc.text;
  }

  /** Deletes one entry by id from whichever store holds it. */
  forget(id: string): boolean {
    return this.project().delete(id) || this.global().delete(id);
  }

  observe = <K extends AgentEventName>(event: K, payload: AgentEvents[K]): void => {
    if (this.opts.evidence) this.recorder.observe(event, payload);
  };

  /**
   * At a task's start: the working memory, the earlier tasks most like this one (within
   * `memory { entries, tokens, max_age }`) and the matching knowledge/ sections, or nothing.
   */
  recall(task: string): string | undefined {
    if (this.opts.evidence) this.recorder.begin(task);
    const parts: string[] = [];
    const { maxEntries, maxTokens, maxAgeMs } = this.opts.policy;
    let room = maxTokens;
    const pad = this.scratchpad();
    if (pad && countTokens(pad) + 12 <= room) {
      parts.push(`Your working memory (saved with memory_remember scope "session"):\n${pad}`);
      room -= countTokens(parts[0]!);
    }
    if (this.opts.evidence && maxEntries > 0) {
      const lines: string[] = [];
      // This session's own tasks are in its conversation already, or were cleared from it on purpose.
      const found = this.project().search(task, { kinds: [EVIDENCE_KIND], since: this.now() - maxAgeMs, limit: maxEntries * 4 });
      const earlier = found.filter(({ doc }) => (doc.data as unknown as Evidence).session !== this.opts.sessionId).slice(0, maxEntries);
      for (const { doc } of earlier) {
        const line = `- ${describeEvidence(doc.data as unknown as Evidence, describeAge(this.now() - doc.createdAt))}`;
        const cost = countTokens(line) + 1;
        if (cost > room) break;
        lines.push(line);
        room -= cost;
      }
      if (lines.length) parts.push(`What earlier tasks in this project showed (learn from them; memory_load finds more):\n${lines.join('\n')}`);
    }
    const sections = this.knowledge.select(task, this.opts.knowledgeMaxTokens);
    if (sections.length) parts.push(`From the project's knowledge files:\n${sections.map(renderSection).join('\n\n')}`);
    return parts.length ? parts.join('\n\n') : undefined;
  }

  /** At a task's end: its evidence becomes one entry. */
  record(result: RunResult): void {
    const evidence = this.recorder.finish(result);
    if (!evidence || !this.opts.evidence) return;
    this.project().put({ kind: EVIDENCE_KIND, text: evidenceSearchText(evidence), tags: evidenceTags(evidence), data: evidence as unknown as Record<string, unknown> });
  }

  stats(): { backend: string; evidence: number; facts: number; globalFacts: number; bytes: number; location: string } {
    const p = this.project();
    return { backend: p.backend, evidence: p.count([EVIDENCE_KIND]), facts: p.count([FACT_KIND]), globalFacts: this.global().count([FACT_KIND]), bytes: p.sizeBytes(), location: p.location };
  }

  close(): void {
    this.projectStore?.close();
    this.globalStore?.close();
  }
}

function scratchpadId(session: string): string {
  return `s-${session}`;
}
