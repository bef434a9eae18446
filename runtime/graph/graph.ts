/**
 * The code graph of one project: every supported file's definitions, imports and call sites,
 * kept in memory for queries and in the project store between sessions, keyed by content hash.
 *
 * `refresh()` walks the project (.gitignore respected), re-parses only files whose size/mtime and
 * then hash changed, and drops deleted ones; it runs in slices that yield to the event loop, so a
 * session indexing in the background never blocks the prompt. `touch(paths)` re-indexes the files
 * a tool wrote; every query first waits for pending work, so a tool call sees the graph as of the
 * last write.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace, looksBinary } from '../tools/workspace.js';
import { extractSymbols, loadGrammars, type CallSite, type Definition, type FileSymbols } from './extract.js';
import { languageOf, type LanguageId, type SymbolKind } from './languages.js';
import { graphPersistence, type FileRecord, type GraphPersistence } from './persist.js';
import type { Store } from '../store/index.js';

export interface CodeGraphOptions {
  root: string;
  /** The project store; without one the graph lives in memory only (benchmarks). */
  store?: Store;
  /** Files bigger than this are skipped (generated bundles, data). */
  maxFileBytes?: number;
  /** Files indexed at most. */
  maxFiles?: number;
}

export interface SymbolRef extends Definition {
  path: string;
}

export interface CallerRef {
  path: string;
  line: number;
  /** The calling definition; absent for a call at a file's top level. */
  caller?: SymbolRef;
}

export interface GraphStats {
  files: number;
  symbols: number;
  languages: LanguageId[];
  indexedAt?: number;
}

const DEFAULT_MAX_FILE_BYTES = 512 * 1024;
const DEFAULT_MAX_FILES = 20_000;
/** Generated or vendored files no one edits by hand. */
const GENERATED = /(^|\/)(dist|build|out|vendor|third_party|coverage|__pycache__|target)\/|\.min\.[cm]?js$|\.bundle\.js$|\.generated\.|_pb2\.py$|\.pb\.go$/;
const SLICE_MS = 12;

export class CodeGraph {
  private files = new Map<string, FileRecord>();
  private byName = new Map<string, SymbolRef[]>();
  /** Each name folded and split once, for search. */
  private names: Array<{ name: string; folded: string; parts: string[] }> = [];
  private callsByName = new Map<string, Array<{ path: string; call: CallSite }>>();
  private persistence?: GraphPersistence;
  private pending: Promise<void> = Promise.resolve();
  private indexedAt?: number;
  private readonly workspace: Workspace;
  /** Why the graph is off (a grammar did not load); set once. */
  disabled?: string;

  constructor(readonly opts: CodeGraphOptions) {
    this.workspace = new Workspace(opts.root);
    if (opts.store) {
      this.persistence = graphPersistence(opts.store);
      for (const record of this.persistence.load()) this.files.set(record.path, record);
      this.rebuildMaps();
    }
  }

  /** Waits for indexing in flight. */
  async ready(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== this.pending; ) {
      seen = this.pending;
      await seen;
    }
  }

  /** Re-indexes what changed since the last walk (the whole project the first time). */
  refresh(): Promise<void> {
    return this.enqueue(async () => {
      const paths = await this.workspace.listFiles(await this.workspace.resolve('.'));
      const wanted = paths.filter((p) => languageOf(p) && !GENERATED.test(p)).slice(0, this.opts.maxFiles ?? DEFAULT_MAX_FILES);
      const keep = new Set(wanted);
      const gone = [...this.files.keys()].filter((p) => !keep.has(p));
      await this.indexPaths(wanted, gone);
    });
  }

  /** Re-indexes these project-relative files (written, created or deleted by a tool). */
  touch(paths: string[]): Promise<void> {
    const relevant = paths.filter((p) => languageOf(p) && !GENERATED.test(p));
    if (!relevant.length) return this.pending;
    return this.enqueue(() => this.indexPaths(relevant, []));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.pending = this.pending.then(async () => {
      if (this.disabled) return;
      try {
        await work();
      } catch (err) {
        if ((err as Error).message.includes('grammar') || (err as Error).message.includes('query')) this.disabled = (err as Error).message;
        else throw err;
      }
    });
    this.pending.catch(() => undefined);
    return this.pending;
  }

  private async indexPaths(paths: string[], gone: string[]): Promise<void> {
    const maxBytes = this.opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const changed: FileRecord[] = [];
    const removed = [...gone];
    let loaded: Awaited<ReturnType<typeof loadGrammars>> | undefined;
    let sliceStart = performance.now();
    for (const path of paths) {
      const lang = languageOf(path)!;
      const abs = join(this.opts.root, path);
      let stat;
      try {
        stat = statSync(abs);
      } catch {
        if (this.files.has(path)) removed.push(path);
        continue;
      }
      if (!stat.isFile() || stat.size > maxBytes) {
        if (this.files.has(path)) removed.push(path);
        continue;
      }
      const known = this.files.get(path);
      if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) continue;
      const bytes = readFileSync(abs);
      const hash = createHash('sha1').update(bytes).digest('hex');
      if (known && known.hash === hash) {
        changed.push({ ...known, mtimeMs: stat.mtimeMs, size: stat.size });
        continue;
      }
      if (looksBinary(bytes)) continue;
      loaded ??= await loadGrammars();
      let symbols: FileSymbols;
      try {
        symbols = extractSymbols(loaded, lang, bytes.toString('utf8'));
      } catch {
        symbols = { defs: [], imports: [], calls: [], partial: true }; // never stop the indexer for one file
      }
      changed.push({ path, hash, mtimeMs: stat.mtimeMs, size: stat.size, lang: lang.id, symbols });
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
    for (const p of removed) this.files.delete(p);
    for (const r of changed) this.files.set(r.path, r);
    if (changed.length || removed.length) {
      this.persistence?.save(changed);
      if (removed.length) this.persistence?.remove(removed);
      this.rebuildMaps();
    }
    this.indexedAt = Date.now();
  }

  private rebuildMaps(): void {
    this.byName.clear();
    this.callsByName.clear();
    for (const file of this.files.values()) {
      for (const def of file.symbols.defs) push(this.byName, def.name, { ...def, path: file.path });
      for (const call of file.symbols.calls) push(this.callsByName, call.name, { path: file.path, call });
    }
    this.names = [...this.byName.keys()].map((name) => ({ name, folded: fold(name), parts: wordParts(name) }));
  }

  stats(): GraphStats {
    let symbols = 0;
    const languages = new Set<LanguageId>();
    for (const f of this.files.values()) {
      symbols += f.symbols.defs.length;
      languages.add(f.lang);
    }
    return { files: this.files.size, symbols, languages: [...languages].sort(), ...(this.indexedAt ? { indexedAt: this.indexedAt } : {}) };
  }

  /** Every definition named exactly `name`. */
  definitions(name: string): SymbolRef[] {
    return this.byName.get(name) ?? [];
  }

  /** Symbols ranked: exact, case-insensitive, prefix, word-part (camel/snake) and fuzzy matches. */
  search(query: string, opts: { kind?: SymbolKind; limit?: number } = {}): SymbolRef[] {
    const q = query.trim();
    const folded = fold(q);
    const scored: Array<{ ref: SymbolRef; score: number }> = [];
    const qParts = wordParts(q);
    for (const entry of this.names) {
      const score = matchScore(entry, q, folded, qParts);
      if (score <= 0) continue;
      for (const ref of this.byName.get(entry.name)!) if (!opts.kind || ref.kind === opts.kind) scored.push({ ref, score: score + kindBonus(ref.kind) });
    }
    scored.sort((a, b) => b.score - a.score || a.ref.name.length - b.ref.name.length || a.ref.path.localeCompare(b.ref.path) || a.ref.line - b.ref.line);
    return scored.slice(0, opts.limit ?? 10).map((s) => s.ref);
  }

  /**
   * The call sites of a definition. By name (a syntax tree knows no types); when several
   * definitions share the name, a call counts for this one if it is in the same file, or its file
   * imports the name from a module whose path ends like this definition's file.
   */
  callers(def: SymbolRef): CallerRef[] {
    const sites = this.callsByName.get(def.name) ?? [];
    const rivals = this.definitions(def.name).filter((d) => d.path !== def.path);
    const out: CallerRef[] = [];
    for (const { path, call } of sites) {
      const file = this.files.get(path)!;
      const ours = !rivals.length || path === def.path || importsFrom(file, def);
      if (!ours && rivals.some((r) => r.path === path || importsFrom(file, r))) continue;
      const callerDef = call.caller === undefined ? undefined : file.symbols.defs[call.caller];
      out.push({ path, line: call.line, ...(callerDef ? { caller: { ...callerDef, path } } : {}) });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
  }

  /** What a definition calls (names resolved to definitions where the graph has them). */
  callees(def: SymbolRef): Array<{ name: string; line: number; targets: SymbolRef[] }> {
    const file = this.files.get(def.path);
    if (!file) return [];
    const index = file.symbols.defs.findIndex((d) => d.line === def.line && d.name === def.name);
    const seen = new Set<string>();
    const out: Array<{ name: string; line: number; targets: SymbolRef[] }> = [];
    for (const call of file.symbols.calls) {
      if (call.caller !== index || seen.has(call.name)) continue;
      seen.add(call.name);
      out.push({ name: call.name, line: call.line, targets: this.definitions(call.name) });
    }
    return out;
  }

  /** Where a file gets a name from (its import of it). */
  importOf(path: string, name: string): { source: string; line: number } | undefined {
    return this.files.get(path)?.symbols.imports.find((i) => i.name === name);
  }

  /** The files that import this name. */
  importers(name: string): Array<{ path: string; source: string; line: number }> {
    const out: Array<{ path: string; source: string; line: number }> = [];
    for (const f of this.files.values()) for (const i of f.symbols.imports) if (i.name === name) out.push({ path: f.path, source: i.source, line: i.line });
    return out;
  }

  /** Definitions with the most call sites across files: a project's main entry points and hubs. */
  topSymbols(limit: number): Array<SymbolRef & { callers: number }> {
    const out: Array<SymbolRef & { callers: number }> = [];
    for (const [name, refs] of this.byName) {
      if (refs.length !== 1 || name.length < 3) continue;
      const ref = refs[0]!;
      if (ref.kind === 'constant' || ref.kind === 'variable' || ref.parent) continue;
      const files = new Set((this.callsByName.get(name) ?? []).map((c) => c.path).filter((p) => p !== ref.path));
      if (files.size >= 2) out.push({ ...ref, callers: files.size });
    }
    return out.sort((a, b) => b.callers - a.callers || a.name.localeCompare(b.name)).slice(0, limit);
  }

  /** Names close to `name`, for a miss. */
  closest(name: string, limit = 5): SymbolRef[] {
    return this.search(name, { limit });
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The file imports `def.name` from a module path that names `def.path` (extension and index dropped). */
function importsFrom(file: FileRecord, def: SymbolRef): boolean {
  const target = def.path.replace(/\.[^./]+$/, '').replace(/\/(index|__init__|mod)$/, '');
  const base = target.split('/').pop()!;
  return file.symbols.imports.some((i) => {
    if (i.name !== def.name) return false;
    const source = i.source.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/(index|__init__)$/, '').replace(/[.:]+/g, '/');
    return source.split('/').pop() === base || target.endsWith(source.replace(/^(\.\.?\/)+/, ''));
  });
}

/** Lower case without `_`/`-`: `parse_file`, `parseFile` and `ParseFile` fold the same. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[_\-$]/g, '');
}

function wordParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-$]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function matchScore(entry: { name: string; folded: string; parts: string[] }, query: string, folded: string, qParts: string[]): number {
  if (!folded) return 0;
  if (entry.name === query) return 100;
  const f = entry.folded;
  if (f === folded) return 90;
  if (f.startsWith(folded)) return 70 + Math.min(10, (folded.length / f.length) * 10);
  const parts = entry.parts;
  if (qParts.length && qParts.every((q) => parts.some((p) => p.startsWith(q)))) return 60;
  if (f.includes(folded)) return 50;
  if (folded.length >= 3 && isSubsequence(folded, f)) return 20 + (folded.length / f.length) * 10;
  if (folded.length >= 4 && Math.abs(f.length - folded.length) <= 2 && editDistance(f, folded) <= (folded.length >= 8 ? 2 : 1)) return 30;
  return 0;
}

function kindBonus(kind: SymbolKind): number {
  return kind === 'variable' || kind === 'constant' ? 0 : 1;
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (let j = 0; j < hay.length && i < needle.length; j++) if (hay[j] === needle[i]) i++;
  return i === needle.length;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
