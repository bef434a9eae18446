/**
 * What the user sees of SmallCode's memory — the same text for `/memory` in the terminal and
 * `smallcode memory` in the shell: counts and size, the working memory, entries with id and age.
 */
import { describeAge } from './evidence.js';
import type { Memory, MemoryHit } from './memory.js';

/** Colours for the terminal; the shell command prints plain text. */
export interface MemoryPaint {
  bold(text: string): string;
  dim(text: string): string;
}

const PLAIN: MemoryPaint = { bold: (t) => t, dim: (t) => t };

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
}

/** One entry: `e-lz3k9f-a1b2c3  evidence · 5 minutes ago` and its text, indented. */
export function renderHit(hit: MemoryHit, now: number, paint: MemoryPaint = PLAIN): string {
  const where = hit.scope === 'global' ? ' · global' : '';
  return `${paint.bold(hit.id)}  ${paint.dim(`${hit.kind}${where} · ${describeAge(now - hit.createdAt)}`)}\n    ${hit.text.replace(/\n/g, '\n    ')}`;
}

export function renderHits(hits: MemoryHit[], now: number, paint: MemoryPaint = PLAIN): string {
  return hits.map((h) => renderHit(h, now, paint)).join('\n');
}

/** The overview: where and how much is stored, the working memory (when a session has one), the newest entries. */
export function renderMemoryOverview(memory: Memory, opts: { recent?: number; now?: number; scratchpad?: boolean; paint?: MemoryPaint } = {}): string {
  const paint = opts.paint ?? PLAIN;
  const now = opts.now ?? Date.now();
  const st = memory.stats();
  const lines = [
    `${paint.bold('Memory')} ${paint.dim(`(${st.backend}, ${kib(st.bytes)} at ${st.location})`)}`,
    `  ${plural(st.evidence, 'task evidence entry', 'task evidence entries')} · ${plural(st.facts, 'project fact')} · ${plural(st.globalFacts, 'global fact')}`,
  ];
  if (opts.scratchpad) {
    const pad = memory.scratchpad();
    lines.push(paint.bold('Working memory'), pad ? pad.split('\n').map((l) => `  ${l}`).join('\n') : paint.dim('  (empty: the model writes it with memory_remember scope "session")'));
  }
  const recent = memory.recent(opts.recent ?? 5);
  lines.push(paint.bold('Most recent'), recent.length ? renderHits(recent, now, paint) : paint.dim('  (nothing stored yet: evidence is recorded as each task ends)'));
  return lines.join('\n');
}
