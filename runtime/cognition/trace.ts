import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** One finished span, as written to `.smallcode/traces/cognition-<date>.jsonl`. */
export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_id?: string;
  name: string;
  kind: 'prompt' | 'attempt' | 'guard' | 'route';
  loc?: string;
  model?: string;
  tier?: string;
  attempt?: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  ms: number;
  cache_hit?: boolean;
  outcome: 'ok' | 'cache_hit' | 'fallback' | 'invalid' | 'transport_error' | 'timeout' | 'error' | 'tripped' | 'up' | 'down';
  fixes?: string[];
  error?: string;
  start: string;
}

export interface SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  end(fields: Partial<SpanRecord> & { outcome: SpanRecord['outcome'] }): SpanRecord;
}

export interface TracerOptions {
  /** Folder for JSONL files; undefined = no files (tests, `--no-trace`). */
  dir?: string;
  /** SMALLCODE_COGNITION_LOG=stderr mirrors each span to stderr. */
  stderr?: boolean;
  write?: (line: string) => void;
  now?: () => number;
}

export class Tracer {
  readonly spans: SpanRecord[] = [];
  private readonly file?: string;
  private dirReady = false;

  constructor(private readonly options: TracerOptions = {}) {
    if (options.dir) this.file = join(options.dir, `cognition-${new Date().toISOString().slice(0, 10)}.jsonl`);
  }

  start(name: string, kind: SpanRecord['kind'], parent?: { traceId: string; spanId: string }, fields: Partial<SpanRecord> = {}): SpanHandle {
    const now = this.options.now ?? performance.now.bind(performance);
    const began = now();
    const startedAt = new Date().toISOString();
    const traceId = parent?.traceId ?? randomBytes(8).toString('hex');
    const spanId = randomBytes(4).toString('hex');
    return {
      traceId,
      spanId,
      end: (end) => {
        const record: SpanRecord = {
          trace_id: traceId, span_id: spanId, ...(parent ? { parent_id: parent.spanId } : {}), name, kind,
          ...fields, ...end, ms: Math.round((now() - began) * 10) / 10, start: startedAt,
        };
        this.record(record);
        return record;
      },
    };
  }

  private record(span: SpanRecord): void {
    this.spans.push(span);
    if (this.spans.length > 1000) this.spans.splice(0, this.spans.length - 1000);
    const line = JSON.stringify(span);
    if (this.file) {
      try {
        if (!this.dirReady) {
          mkdirSync(this.options.dir!, { recursive: true });
          this.dirReady = true;
        }
        appendFileSync(this.file, `${line}\n`);
      } catch {
        // Tracing must never break a prompt call (read-only project, full disk).
      }
    }
    if (this.options.stderr) (this.options.write ?? ((l) => process.stderr.write(l)))(`[cognition] ${line}\n`);
  }
}
