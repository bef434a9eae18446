/**
 * Runs one capability call: inside one transaction, within its `timeout`, retried per its
 * `retry` policy on transient database errors, and de-duplicated by Idempotency-Key when the
 * capability is `idempotent`. Domain failures (HttpError) are never retried.
 */
import crypto from 'node:crypto';
import type { Db, Executor } from './db.js';
import { HttpError } from './errors.js';

export interface RetryPolicy {
  maxAttempts: number;
  backoff: 'fixed' | 'linear' | 'exponential';
  intervalMs: number;
}

export interface CapabilitySettings {
  name: string;
  timeoutMs: number;
  retry?: RetryPolicy;
  idempotent: boolean;
}

export interface CapabilityResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

/** Lock contention and serialisation failures: trying again can succeed. */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === 'SQLITE_BUSY' || e?.code === '40001' || e?.code === '40P01' || /database is locked/.test(String(e?.message ?? ''));
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  if (policy.backoff === 'fixed') return policy.intervalMs;
  if (policy.backoff === 'linear') return policy.intervalMs * attempt;
  return policy.intervalMs * 2 ** (attempt - 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A row an event is about: `GET /events` shows the event to callers who may read one of them. */
export interface EventSubject {
  entity: string;
  id: string;
}

/** Writes one event to the outbox, in the caller's transaction: it exists exactly when the change does. */
export async function writeEvent(
  tx: Executor,
  event: string,
  payload: Record<string, unknown>,
  capability: string,
  subjects: readonly EventSubject[] = [],
): Promise<{ id: string; event: string; payload: Record<string, unknown> }> {
  const id = crypto.randomUUID();
  await tx.run('INSERT INTO "_outbox" ("id", "event", "payload", "capability", "created_at", "attempts") VALUES (?, ?, ?, ?, ?, 0)', [
    id,
    event,
    JSON.stringify(payload),
    capability,
    new Date().toISOString(),
  ]);
  for (const subject of new Map(subjects.map((s) => [`${s.entity}:${s.id}`, s])).values()) {
    await tx.run('INSERT INTO "_outbox_subjects" ("event_id", "entity", "row_id") VALUES (?, ?, ?)', [id, subject.entity, subject.id]);
  }
  return { id, event, payload };
}

/**
 * The idempotency cache is keyed by capability, caller and key: a key another caller reused never
 * returns the first caller's answer. Concurrent requests with one key run once; the others wait
 * for it (the key's row is written in the same transaction) and get its answer as a replay — the
 * same on SQLite (transactions are serialised) and PostgreSQL (the second waits on the
 * first transaction's advisory lock on the key, then finds its row).
 */
function idempotencyCacheKey(settings: CapabilitySettings, callerId: string | undefined, idempotencyKey: string | undefined): string | undefined {
  if (!settings.idempotent || !idempotencyKey) return undefined;
  return JSON.stringify([settings.name, callerId ?? null, idempotencyKey]);
}

async function replayOf(db: Executor, key: string): Promise<CapabilityResponse | undefined> {
  const seen = await db.get<{ status: unknown; response: unknown }>('SELECT "status", "response" FROM "_idempotency" WHERE "key" = ?', [key]);
  if (!seen) return undefined;
  return { status: Number(seen.status), body: typeof seen.response === 'string' ? JSON.parse(seen.response) : seen.response, replayed: true };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23505' || /UNIQUE constraint failed: _idempotency/.test(String(e?.message ?? ''));
}

export async function runCapability<T>(
  db: Db,
  settings: CapabilitySettings,
  idempotencyKey: string | undefined,
  work: (tx: Executor, deadline: Deadline) => Promise<T>,
  callerId?: string,
): Promise<CapabilityResponse> {
  const key = idempotencyCacheKey(settings, callerId, idempotencyKey);
  if (key) {
    const replay = await replayOf(db, key);
    if (replay) return replay;
  }
  const attempts = Math.max(1, settings.retry?.maxAttempts ?? 1);
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await withTimeout(settings, (deadline) =>
        db.transaction(async (tx): Promise<CapabilityResponse> => {
          if (key) {
            // PostgreSQL: one transaction per key at a time; the next one then sees the first's answer.
            if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(hashtext(?)) AS "locked"', [key]);
            const replay = await replayOf(tx, key); // a concurrent call may have finished meanwhile
            if (replay) return replay;
          }
          const result = await work(tx, deadline);
          deadline.check();
          if (key) {
            await tx.run('INSERT INTO "_idempotency" ("key", "capability", "status", "response", "created_at") VALUES (?, ?, ?, ?, ?)', [
              key,
              settings.name,
              200,
              JSON.stringify(result),
              new Date().toISOString(),
            ]);
          }
          return { status: 200, body: result, replayed: false };
        }),
      );
      return outcome;
    } catch (error) {
      if (key && isUniqueViolation(error)) {
        const replay = await replayOf(db, key);
        if (replay) return replay;
      }
      if (error instanceof HttpError || attempt >= attempts || !isTransient(error)) throw error;
      await sleep(backoffDelay(settings.retry!, attempt));
    }
  }
}

/** Lets the work notice that its time is up, so the transaction rolls back instead of committing late. */
export class Deadline {
  private expired = false;

  constructor(readonly capability: string, readonly timeoutMs: number) {}

  expire(): void {
    this.expired = true;
  }

  check(): void {
    if (this.expired) throw timeoutError(this.capability, this.timeoutMs);
  }
}

function timeoutError(capability: string, timeoutMs: number): HttpError {
  return new HttpError(504, 'timeout', `${capability} did not finish within ${timeoutMs} ms; nothing was changed`, { capability, timeoutMs });
}

async function withTimeout<T>(settings: CapabilitySettings, run: (deadline: Deadline) => Promise<T>): Promise<T> {
  const deadline = new Deadline(settings.name, settings.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.expire();
      reject(timeoutError(settings.name, settings.timeoutMs));
    }, settings.timeoutMs);
  });
  const running = run(deadline);
  running.catch(() => undefined); // after a timeout its rollback error has nobody to go to
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** 403 for a caller check, 409 for a state check, 422 for anything else — naming the condition. */
export function requirementFailed(capability: string, condition: string, status: number, index: number): HttpError {
  const code = status === 403 ? 'forbidden' : 'requires_failed';
  return new HttpError(status, code, `${capability}: requirement failed: ${condition}`, { capability, condition, index });
}
