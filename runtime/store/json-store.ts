/**
 * The JSON-lines fallback, for machines where better-sqlite3 cannot load: one append-only file,
 * one operation per line (put, delete, clear), each appended with O_APPEND and fsynced — several
 * processes may append at once, and a kill leaves at most one torn line, which the reader skips
 * (a record another process appended right after a torn line is still recovered). Search scores
 * by token overlap, each matched term weighted by how rare it is.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { toStoredDoc, type NewDoc, type QueryOptions, type SearchHit, type Store, type StoredDoc } from './store.js';
import { queryTerms, tokenize } from './tokens.js';

type Op =
  | { op: 'put'; doc: StoredDoc }
  | { op: 'del'; id: string }
  | { op: 'clear'; kinds: string[] };

const OP_START = '{"op":';

export class JsonStore implements Store {
  readonly backend = 'json' as const;
  readonly sqlite = undefined;
  private readonly docs = new Map<string, StoredDoc>();
  private readonly terms = new Map<string, Set<string>>();
  /** Bytes of the file already applied (always at a line end). */
  private offset = 0;

  constructor(readonly location: string) {
    mkdirSync(dirname(location), { recursive: true });
    closeSync(openSync(location, 'a'));
    this.refresh();
  }

  migrate(): boolean {
    return false;
  }

  put(doc: NewDoc): StoredDoc {
    return this.putMany([doc])[0]!;
  }

  putMany(docs: readonly NewDoc[]): StoredDoc[] {
    const stored = docs.map(toStoredDoc);
    this.append(stored.map((doc) => ({ op: 'put', doc })));
    return stored;
  }

  get(id: string): StoredDoc | undefined {
    this.refresh();
    return this.docs.get(id);
  }

  delete(id: string): boolean {
    this.refresh();
    if (!this.docs.has(id)) return false;
    this.append([{ op: 'del', id }]);
    return true;
  }

  clear(kinds: readonly string[]): number {
    this.refresh();
    const n = [...this.docs.values()].filter((d) => kinds.includes(d.kind)).length;
    if (n) this.append([{ op: 'clear', kinds: [...kinds] }]);
    return n;
  }

  list(opts: QueryOptions = {}): StoredDoc[] {
    this.refresh();
    return newestFirst(this.matching(opts)).slice(0, opts.limit ?? Infinity);
  }

  count(kinds?: readonly string[]): number {
    return this.matching({ kinds }).length;
  }

  search(query: string, opts: QueryOptions = {}): SearchHit[] {
    this.refresh();
    const terms = queryTerms(query);
    if (!terms.length) return [];
    const candidates = this.matching(opts);
    const df = new Map<string, number>(terms.map((t) => [t, 0]));
    const matched: Array<{ doc: StoredDoc; hits: string[] }> = [];
    for (const doc of candidates) {
      const words = this.termsOf(doc);
      const hits = terms.filter((t) => words.has(t));
      if (!hits.length) continue;
      for (const t of hits) df.set(t, df.get(t)! + 1);
      matched.push({ doc, hits });
    }
    const n = candidates.length;
    const idf = (t: string) => Math.log(1 + (n - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
    return matched
      .map(({ doc, hits }) => ({ doc, score: hits.reduce((s, t) => s + idf(t), 0) }))
      .sort((a, b) => b.score - a.score || b.doc.createdAt - a.doc.createdAt)
      .slice(0, opts.limit ?? 10);
  }

  sizeBytes(): number {
    return statSync(this.location, { throwIfNoEntry: false })?.size ?? 0;
  }

  close(): void {}

  private matching(opts: QueryOptions): StoredDoc[] {
    this.refresh();
    const out: StoredDoc[] = [];
    for (const doc of this.docs.values()) {
      if (opts.kinds && !opts.kinds.includes(doc.kind)) continue;
      if (opts.since !== undefined && doc.createdAt < opts.since) continue;
      out.push(doc);
    }
    return out;
  }

  private termsOf(doc: StoredDoc): Set<string> {
    let words = this.terms.get(doc.id);
    if (!words) this.terms.set(doc.id, (words = new Set(tokenize(`${doc.text} ${doc.tags.join(' ')}`))));
    return words;
  }

  /**
   * One line per operation, all in one write, fsynced: appends from several processes never
   * interleave within a line (a kill may still tear the last one, which the reader skips).
   */
  private append(ops: Op[]): void {
    if (!ops.length) return;
    const fd = openSync(this.location, 'a');
    try {
      const bytes = Buffer.from(ops.map((op) => `${JSON.stringify(op)}\n`).join(''), 'utf8');
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.refresh();
  }

  /** Applies what was appended since the last read (by this process or another). */
  private refresh(): void {
    const fd = openSync(this.location, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        // The file was replaced or truncated: read it again from the start.
        this.docs.clear();
        this.terms.clear();
        this.offset = 0;
      }
      if (size === this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      readSync(fd, buffer, 0, buffer.length, this.offset);
      const end = buffer.lastIndexOf(0x0a);
      if (end < 0) return; // a line still being written (or torn at the very end): wait for its newline
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) this.applyLine(line);
      this.offset += end + 1;
    } finally {
      closeSync(fd);
    }
  }

  private applyLine(line: string): void {
    if (!line.trim()) return;
    for (const op of parseOps(line)) {
      if (op.op === 'put') {
        this.docs.set(op.doc.id, op.doc);
        this.terms.delete(op.doc.id);
      } else if (op.op === 'del') {
        this.docs.delete(op.id);
      } else {
        for (const [id, doc] of this.docs) if (op.kinds.includes(doc.kind)) this.docs.delete(id);
      }
    }
  }
}

/**
 * The operations of one line. A whole line is one operation; a line that does not parse is a
 * torn write, possibly with a complete operation appended after it (by another process): those
 * are recovered from the last `{"op":` that starts a valid operation.
 */
export function parseOps(line: string): Op[] {
  const whole = parseOp(line);
  if (whole) return [whole];
  for (let at = line.lastIndexOf(OP_START); at > 0; at = line.lastIndexOf(OP_START, at - 1)) {
    const tail = parseOp(line.slice(at));
    if (tail) return [tail];
  }
  return [];
}

function parseOp(text: string): Op | undefined {
  try {
    const op = JSON.parse(text) as Op;
    if (op && typeof op === 'object' && (op.op === 'put' ? typeof op.doc?.id === 'string' : op.op === 'del' ? typeof op.id === 'string' : op.op === 'clear' && Array.isArray(op.kinds))) return op;
  } catch {
    // not JSON: torn
  }
  return undefined;
}

function newestFirst(docs: StoredDoc[]): StoredDoc[] {
  return docs.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}
