/**
 * `npm run bench:memory [-- --json] [-- --max 10000]`
 *
 * The memory store (runtime/store, runtime/memory) at 1k, 10k and 100k evidence entries of
 * generated tasks: search latency (p50/p95 over 200 task-like queries; aim p95 ≤ 10 ms at 100k on
 * SQLite), write cost per task (one durable put, as a session records it), database size per 1k
 * tasks, and the tokens injected at a task's start at the built-in `memory { … }` budget. SQLite
 * always; the JSON-lines fallback up to 10k (it reads the whole file to search).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBuiltinPolicy } from '../runtime/cognition/index.js';
import { Memory } from '../runtime/memory/index.js';
import { EVIDENCE_KIND, evidenceSearchText, evidenceTags, type Evidence } from '../runtime/memory/evidence.js';
import { countTokens } from '../runtime/model/tokens.js';
import type { NewDoc, Store } from '../runtime/store/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const maxIndex = args.indexOf('--max');
const max = maxIndex >= 0 ? Number(args[maxIndex + 1]) : 100_000;
const SIZES = [1_000, 10_000, 100_000].filter((n) => n <= max);
const QUERIES = 200;

// A deterministic generator (mulberry32), so every run measures the same corpus.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const VERBS = ['fix', 'speed up', 'add', 'refactor', 'rename', 'test', 'document', 'remove', 'split', 'cache'];
const THINGS = ['the query', 'the parser', 'the login form', 'pagination', 'the retry loop', 'the config loader', 'error messages', 'the CSV export', 'the date helper', 'the websocket handler'];
const DIRS = ['src', 'lib', 'app', 'server', 'web', 'pkg'];
const FILES = ['db', 'auth', 'parse', 'util', 'http', 'cache', 'user', 'order', 'report', 'queue', 'index', 'config'];
const EXT = ['ts', 'py', 'go', 'rs'];
const KINDS = ['ambiguous', 'not_found', 'syntax', 'timeout'];

function evidence(r: () => number, i: number): Evidence {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const file = `${pick(DIRS)}/${pick(FILES)}${Math.floor(r() * 40)}.${pick(EXT)}`;
  const failed = r() < 0.4;
  return {
    task: `${pick(VERBS)} ${pick(THINGS)} in ${file}`,
    session: `bench-${Math.floor(i / 5)}`,
    files: [file],
    attempts: [
      ...(failed ? [{ tool: 'patch', file, ok: false, errorKind: pick(KINDS) }] : []),
      { tool: r() < 0.5 ? 'patch' : 'write_file', file, ok: true },
    ],
    checks: r() < 0.6 ? [{ command: 'npm test', ok: r() < 0.8 }] : [],
    diagnoses: [],
    guards: [],
    rolledBack: [],
    success: r() < 0.85,
  };
}

/** Adds entries `from`…`to`: one transaction (one write on the fallback) — the corpus, not what is measured. */
function fill(store: Store, from: number, to: number, r: () => number): void {
  const CHUNK = 5_000;
  for (let start = from; start < to; start += CHUNK) {
    const docs = Array.from({ length: Math.min(CHUNK, to - start) }, (_, k) => evidenceDoc(evidence(r, start + k)));
    store.putMany(docs);
  }
}

function evidenceDoc(e: Evidence): NewDoc {
  return { kind: EVIDENCE_KIND, text: evidenceSearchText(e), tags: evidenceTags(e), data: e as unknown as Record<string, unknown> };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

interface Row { backend: string; entries: number; searchP50Ms: number; searchP95Ms: number; writeMsPerTask: number; bytesPer1kTasks: number; injectedTokens: number }

async function measure(backend: 'auto' | 'json'): Promise<Row[]> {
  const policy = (await loadBuiltinPolicy()).memory;
  const dir = mkdtempSync(join(tmpdir(), 'smallcode-bench-memory-'));
  const rows: Row[] = [];
  try {
    const env = { SMALLCODE_DATA_DIR: join(dir, 'global'), HOME: dir };
    const memory = new Memory({ root: dir, sessionId: 'bench-now', env, backend, evidence: true, policy, knowledgeMaxTokens: 1500 });
    const store = memory.project();
    const r = rng(42);
    let filled = 0;
    for (const size of SIZES) {
      if (store.backend === 'json' && size > 10_000) break;
      fill(store, filled, size, r);
      filled = size;
      const q = rng(7);
      const queries = Array.from({ length: QUERIES }, (_, i) => evidence(q, i).task);
      const times = queries.map((text) => {
        const t0 = performance.now();
        store.search(text, { kinds: [EVIDENCE_KIND], limit: 12 });
        return performance.now() - t0;
      });
      const injected = queries.slice(0, 50).map((text) => countTokens(memory.recall(text) ?? ''));
      const writes = 100;
      const w0 = performance.now();
      for (let i = 0; i < writes; i++) {
        store.put(evidenceDoc(evidence(r, filled + i)));
      }
      const writeMs = (performance.now() - w0) / writes;
      filled += writes;
      rows.push({
        backend: store.backend,
        entries: size,
        searchP50Ms: percentile(times, 50),
        searchP95Ms: percentile(times, 95),
        writeMsPerTask: writeMs,
        bytesPer1kTasks: Math.round((store.sizeBytes() / filled) * 1000),
        injectedTokens: Math.round(injected.reduce((a, b) => a + b, 0) / injected.length),
      });
    }
    memory.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const rows = [...(await measure('auto')), ...(await measure('json'))];
if (json) {
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
} else {
  const header = ['backend', 'entries', 'search p50', 'search p95', 'write/task', 'size per 1k tasks', 'tokens injected/task'];
  const body = rows.map((x) => [x.backend, x.entries.toLocaleString('en-US'), `${x.searchP50Ms.toFixed(2)} ms`, `${x.searchP95Ms.toFixed(2)} ms`, `${x.writeMsPerTask.toFixed(2)} ms`, `${(x.bytesPer1kTasks / 1024).toFixed(0)} KB`, String(x.injectedTokens)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  for (const line of [header, ...body]) process.stdout.write(`${line.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
  process.stdout.write(`budget: memory { entries: ${(await loadBuiltinPolicy()).memory.maxEntries}, tokens: ${(await loadBuiltinPolicy()).memory.maxTokens} }; aim: SQLite search p95 ≤ 10 ms at 100k\n`);
}
