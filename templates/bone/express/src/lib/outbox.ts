/**
 * The outbox relay: events written by capabilities (in the same transaction as their effects) are
 * handed to in-process subscribers, at least once, and marked delivered. Subscribe from
 * src/extensions.ts to forward them to a queue or a webhook.
 */
import type { RowScope } from './access.js';
import type { Db } from './db.js';

export interface OutboxEvent {
  id: string;
  event: string;
  payload: Record<string, unknown>;
  capability: string | null;
  created_at: string;
}

type Handler = (event: OutboxEvent) => void | Promise<void>;
const handlers = new Map<string, Handler[]>();

/** `subscribe('OrderPlaced', handler)`, or `'*'` for every event. */
export function subscribe(event: string, handler: Handler): () => void {
  const list = handlers.get(event) ?? [];
  list.push(handler);
  handlers.set(event, list);
  return () => handlers.set(event, (handlers.get(event) ?? []).filter((h) => h !== handler));
}

function toEvent(row: Record<string, unknown>): OutboxEvent {
  return {
    id: String(row.id),
    event: String(row.event),
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>,
    capability: row.capability === null ? null : String(row.capability),
    created_at: String(row.created_at),
  };
}

/** `scope`: which events the caller may see (see `eventScope` in access.ts); undefined shows all. */
export async function listEvents(db: Db, options: { event?: string; limit: number; offset: number; scope?: RowScope }): Promise<OutboxEvent[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (options.event) {
    conditions.push('"event" = ?');
    params.push(options.event);
  }
  if (options.scope) {
    conditions.push(`(${options.scope.sql})`);
    params.push(...options.scope.params);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const rows = await db.all(`SELECT "id", "event", "payload", "capability", "created_at" FROM "_outbox" AS "o"${where} ORDER BY "created_at", "id" LIMIT ? OFFSET ?`, [
    ...params,
    options.limit,
    options.offset,
  ]);
  return rows.map(toEvent);
}

/** Delivers pending events once; returns how many were delivered. */
export async function relayOnce(db: Db, batch = 100): Promise<number> {
  const rows = await db.all('SELECT "id", "event", "payload", "capability", "created_at" FROM "_outbox" WHERE "delivered_at" IS NULL ORDER BY "created_at", "id" LIMIT ?', [batch]);
  let delivered = 0;
  for (const row of rows) {
    const event = toEvent(row);
    try {
      for (const handler of [...(handlers.get(event.event) ?? []), ...(handlers.get('*') ?? [])]) await handler(event);
      await db.run('UPDATE "_outbox" SET "delivered_at" = ?, "attempts" = "attempts" + 1 WHERE "id" = ?', [new Date().toISOString(), event.id]);
      delivered++;
    } catch (error) {
      await db.run('UPDATE "_outbox" SET "attempts" = "attempts" + 1 WHERE "id" = ?', [event.id]);
      console.error(`outbox: delivering ${event.event} ${event.id} failed`, error);
    }
  }
  return delivered;
}

export function startRelay(db: Db, intervalMs = 1000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    relayOnce(db)
      .catch((error: unknown) => console.error('outbox relay failed', error))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
