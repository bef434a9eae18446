/**
 * The runtime library every generated backend ships (templates/bone/express/src/lib), tested
 * where it lives: the database adapter's transactions on a real SQLite file (and PostgreSQL when
 * SMALLCODE_TEST_PG_URL is set), the migrator, and the capability runner's timeout, retry and
 * idempotency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCapability, type CapabilitySettings } from '../../../../templates/bone/express/src/lib/capability.js';
import { openDb, type Db } from '../../../../templates/bone/express/src/lib/db.js';
import { HttpError } from '../../../../templates/bone/express/src/lib/errors.js';
import { migrate } from '../../../../templates/bone/express/src/lib/migrate.js';

const PG_URL = process.env.SMALLCODE_TEST_PG_URL ?? (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bone-runtime-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MIGRATIONS = path.join(tmp, 'migrations');
for (const dialect of ['sqlite', 'postgres']) {
  fs.mkdirSync(path.join(MIGRATIONS, dialect), { recursive: true });
  fs.writeFileSync(
    path.join(MIGRATIONS, dialect, '0001_init.sql'),
    `CREATE TABLE "counters" ("id" TEXT PRIMARY KEY, "value" INTEGER NOT NULL);
CREATE TABLE "_outbox" ("id" TEXT PRIMARY KEY, "event" TEXT NOT NULL, "payload" TEXT NOT NULL, "capability" TEXT, "created_at" TEXT NOT NULL, "delivered_at" TEXT, "attempts" INTEGER NOT NULL DEFAULT 0);
CREATE TABLE "_idempotency" ("key" TEXT PRIMARY KEY, "capability" TEXT NOT NULL, "status" INTEGER NOT NULL, "response" TEXT NOT NULL, "created_at" TEXT NOT NULL);
INSERT INTO "counters" ("id", "value") VALUES ('c', 0);`,
  );
}

const settings = (over: Partial<CapabilitySettings> = {}): CapabilitySettings => ({ name: 'bump', timeoutMs: 5000, idempotent: false, ...over });
const read = async (db: Db) => Number((await db.get<{ value: unknown }>('SELECT "value" FROM "counters" WHERE "id" = ?', ['c']))!.value);

/** Read-modify-write with an await in the middle: the pattern every capability has. */
async function bump(db: Db, pause: number): Promise<void> {
  await db.transaction(async (tx) => {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await tx.get<{ value: unknown }>(`SELECT "value" FROM "counters" WHERE "id" = ?${lock}`, ['c']);
    await sleep(pause);
    await tx.run('UPDATE "counters" SET "value" = ? WHERE "id" = ?', [Number(row!.value) + 1, 'c']);
  });
}

function suite(name: string, open: () => Promise<Db>, skip: string | false) {
  describe.skipIf(skip !== false)(`${name}${skip ? ` — skipped: ${skip}` : ''}`, () => {
    let db: Db;
    afterEach(async () => db?.close());

    it('applies each migration once, even when asked twice', async () => {
      db = await open();
      expect(await migrate(db, MIGRATIONS)).toEqual(['0001_init.sql']);
      expect(await migrate(db, MIGRATIONS)).toEqual([]);
      expect(await read(db)).toBe(0);
    });

    it('keeps concurrent transactions with awaits inside from losing updates', async () => {
      db = await open();
      await migrate(db, MIGRATIONS);
      await Promise.all([bump(db, 30), bump(db, 10), bump(db, 0)]);
      expect(await read(db)).toBe(3);
    });

    it('rolls back everything a failed transaction wrote, across awaits', async () => {
      db = await open();
      await migrate(db, MIGRATIONS);
      await expect(
        db.transaction(async (tx) => {
          await tx.run('UPDATE "counters" SET "value" = 99 WHERE "id" = ?', ['c']);
          await sleep(5);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await read(db)).toBe(0);
    });

    it('answers a capability past its timeout with 504 and commits nothing', async () => {
      db = await open();
      await migrate(db, MIGRATIONS);
      const slow = runCapability(db, settings({ timeoutMs: 50 }), undefined, async (tx, deadline) => {
        await tx.run('UPDATE "counters" SET "value" = 7 WHERE "id" = ?', ['c']);
        await sleep(150);
        deadline.check();
        return {};
      });
      await expect(slow).rejects.toMatchObject({ status: 504, code: 'timeout' });
      await sleep(200); // let the abandoned transaction finish rolling back
      expect(await read(db)).toBe(0);
    });

    it('retries transient failures by its retry policy, never domain errors', async () => {
      db = await open();
      await migrate(db, MIGRATIONS);
      let calls = 0;
      const result = await runCapability(db, settings({ retry: { maxAttempts: 3, backoff: 'fixed', intervalMs: 1 } }), undefined, async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        return { ok: true };
      });
      expect(result.body).toEqual({ ok: true });
      expect(calls).toBe(3);
      let domainCalls = 0;
      await expect(
        runCapability(db, settings({ retry: { maxAttempts: 3, backoff: 'fixed', intervalMs: 1 } }), undefined, async () => {
          domainCalls++;
          throw new HttpError(422, 'requires_failed', 'no');
        }),
      ).rejects.toBeInstanceOf(HttpError);
      expect(domainCalls).toBe(1);
    });

    it('replays an idempotent capability by its key without running it again', async () => {
      db = await open();
      await migrate(db, MIGRATIONS);
      let runs = 0;
      const work = async (tx: Parameters<Parameters<typeof runCapability>[3]>[0]) => {
        runs++;
        await tx.run('UPDATE "counters" SET "value" = "value" + 1 WHERE "id" = ?', ['c']);
        return { value: runs };
      };
      const first = await runCapability(db, settings({ idempotent: true }), 'key-1', work);
      const again = await runCapability(db, settings({ idempotent: true }), 'key-1', work);
      const other = await runCapability(db, settings({ idempotent: true }), 'key-2', work);
      expect(first).toMatchObject({ status: 200, replayed: false, body: { value: 1 } });
      expect(again).toMatchObject({ status: 200, replayed: true, body: { value: 1 } });
      expect(other.body).toEqual({ value: 2 });
      expect(await read(db)).toBe(2);
    });
  });
}

let sqliteFiles = 0;
suite('SQLite adapter', async () => openDb(path.join(tmp, `db-${++sqliteFiles}.sqlite`)), false);

let pgDatabases = 0;
const created: string[] = [];
suite(
  'PostgreSQL adapter',
  async () => {
    const name = `bone_runtime_${process.pid}_${++pgDatabases}`;
    const admin = openDb(PG_URL!);
    await admin.exec(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.exec(`CREATE DATABASE "${name}"`);
    await admin.close();
    created.push(name);
    const url = new URL(PG_URL!);
    url.pathname = `/${name}`;
    return openDb(url.toString());
  },
  PG_URL ? false : 'no PostgreSQL: set SMALLCODE_TEST_PG_URL (source .ci/setup-postgres.sh starts one)',
);

afterAll(async () => {
  if (!PG_URL || created.length === 0) return;
  const admin = openDb(PG_URL);
  for (const name of created) await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.close();
});

describe('outbox relay and saga runner (SQLite)', () => {
  it('delivers each outbox event to its subscribers once and retries a failed delivery later', async () => {
    const { relayOnce, subscribe } = await import('../../../../templates/bone/express/src/lib/outbox.js');
    const { writeEvent } = await import('../../../../templates/bone/express/src/lib/capability.js');
    const db = openDb(path.join(tmp, 'outbox.sqlite'));
    try {
      await migrate(db, MIGRATIONS);
      await db.transaction((tx) => writeEvent(tx, 'Relayed', { n: 1 }, 'test'));
      const seen: unknown[] = [];
      let failOnce = true;
      const stop = subscribe('Relayed', (event) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('downstream is down');
        }
        seen.push(event.payload);
      });
      const quiet = console.error;
      console.error = () => undefined; // the relay logs the failed delivery
      try {
        expect(await relayOnce(db)).toBe(0);
      } finally {
        console.error = quiet;
      }
      expect(await relayOnce(db)).toBe(1);
      expect(await relayOnce(db)).toBe(0);
      expect(seen).toEqual([{ n: 1 }]);
      const row = await db.get<{ attempts: unknown; delivered_at: unknown }>('SELECT "attempts", "delivered_at" FROM "_outbox"');
      expect(Number(row!.attempts)).toBe(2);
      expect(row!.delivered_at).not.toBeNull();
      stop();
    } finally {
      await db.close();
    }
  });

  it('compensates the completed steps in reverse order when a step fails, and records the run', async () => {
    const { runSaga } = await import('../../../../templates/bone/express/src/lib/saga.js');
    const db = openDb(path.join(tmp, 'saga.sqlite'));
    try {
      await migrate(db, MIGRATIONS);
      await db.exec('CREATE TABLE IF NOT EXISTS "_saga_runs" ("id" TEXT PRIMARY KEY, "flow" TEXT, "status" TEXT, "steps" TEXT, "error" TEXT, "started_at" TEXT, "finished_at" TEXT)');
      const log: string[] = [];
      const step = (name: string, fails = false) => ({
        name,
        run: async () => {
          log.push(`run ${name}`);
          if (fails) throw new HttpError(422, 'requires_failed', `${name} failed`);
          return name;
        },
        compensate: async () => {
          log.push(`undo ${name}`);
        },
      });
      const result = await runSaga(db, 'three', [step('a'), step('b'), step('c', true), step('d')]);
      expect(log).toEqual(['run a', 'run b', 'run c', 'undo b', 'undo a']);
      expect(result).toMatchObject({ status: 'compensated', error: { step: 'c', code: 'requires_failed' }, results: { a: 'a', b: 'b' } });
      const stored = await db.get<{ status: string; steps: string }>('SELECT "status", "steps" FROM "_saga_runs" WHERE "id" = ?', [result.id]);
      expect(stored!.status).toBe('compensated');
      expect(JSON.parse(stored!.steps).map((s: { step: string; status: string }) => `${s.step}:${s.status}`)).toEqual(['a:done', 'b:done', 'c:failed', 'b:compensated', 'a:compensated']);
    } finally {
      await db.close();
    }
  });
});

describe('WebSocket channels', () => {
  it('broadcast to the participants the filter admits, and turn away joiners past max_size', async () => {
    process.env.JWT_SECRET = 'runtime-test-secret';
    const http = await import('node:http');
    const { WebSocket } = await import('ws');
    const { attachChannels } = await import('../../../../templates/bone/express/src/lib/channels.js');
    const { signToken } = await import('../../../../templates/bone/express/src/lib/auth.js');
    const server = http.createServer();
    const channels = attachChannels(server, [
      { name: 'staff', path: '/channels/staff', history: 5, authRequired: true, maxSize: 3, filter: (p: { role: string }) => p.role === 'admin' },
    ]);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    const url = (roles: string[]) => `ws://127.0.0.1:${port}/channels/staff?token=${signToken(`u-${roles.join('-')}`, roles)}`;
    const join = (u: string) =>
      new Promise<{ ws: InstanceType<typeof WebSocket>; inbox: unknown[]; closed: Promise<number> }>((resolve, reject) => {
        const ws = new WebSocket(u);
        const inbox: unknown[] = [];
        const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
        ws.on('message', (data) => inbox.push(JSON.parse(data.toString())));
        ws.once('open', () => resolve({ ws, inbox, closed }));
        ws.once('error', reject);
      });
    try {
      const admin = await join(url(['admin']));
      const guest = await join(url(['guest']));
      const sender = await join(url(['admin']));
      sender.ws.send(JSON.stringify({ text: 'hi' }));
      // Wait for the admitted participant's copy (however slow the machine), then a little more
      // for a copy the guest must never get.
      for (let waited = 0; admin.inbox.length === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(admin.inbox).toMatchObject([{ channel: 'staff', seq: 1, data: { text: 'hi' } }]);
      expect(guest.inbox).toEqual([]);
      const fourth = await join(url(['admin']));
      expect(await fourth.closed).toBe(1013);
      for (const c of [admin, guest, sender]) c.ws.close();
    } finally {
      channels.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
