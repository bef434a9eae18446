/**
 * examples/shop.bone end to end: compile → install → start on SQLite → HTTP → its own `npm test`
 * (tsc --noEmit, then the generated tests); then the same HTTP checks on PostgreSQL when one is configured.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBoneFile } from '../../../compiler/bone/compile.js';
import { ensureDependencies, runProjectTests, startProject } from './generated-project.js';
import { createDatabase, dropDatabase, PG_SKIP_REASON, PG_URL } from './postgres.js';
import { exerciseShop, JWT_SECRET, token } from './shop-checks.js';
import { exerciseShopSecurity } from './shop-security.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bone-e2e-shop-'));
const out = path.join(root, 'shop');

const SHOP = path.resolve(import.meta.dirname, '../../../examples/shop.bone');

beforeAll(async () => {
  const result = await compileBoneFile(SHOP, { outDir: out });
  expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
  ensureDependencies(out);
}, 300_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** The generated typed client (sdk/client.ts) against the running server. */
async function exerciseSdk(baseUrl: string): Promise<void> {
  const sdk = (await import(path.join(out, 'sdk', 'client.ts'))) as {
    ShopClient: new (options: { baseUrl: string; token?: string }) => {
      buyer: { list(query?: Record<string, unknown>): Promise<{ items: Array<{ name: string }>; total: number }>; create(data: Record<string, unknown>): Promise<{ id: string; balance: number }> };
      placeOrder(input: Record<string, unknown>): Promise<unknown>;
    };
    ApiError: new (...args: never[]) => Error & { status: number; body: { error: { code: string } } };
  };
  const client = new sdk.ShopClient({ baseUrl, token: token('sdk-admin', ['admin']) });
  const carol = await client.buyer.create({ name: 'Carol', email: 'carol@example.com', balance: 5 });
  expect(carol.balance).toBe(5);
  const page = await client.buyer.list({ limit: 100 });
  expect(page.items.map((b) => b.name)).toContain('Carol');
  const failure = await client.placeOrder({ buyer_id: carol.id }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(sdk.ApiError);
  expect((failure as { status: number }).status).toBe(400);
}

describe('examples/shop.bone, generated', () => {
  it('serves its API on SQLite', async () => {
    const server = await startProject(out, { DATABASE_URL: path.join(root, 'shop.db'), JWT_SECRET });
    try {
      expect(server.output()).toContain('migrations applied: 0001_init');
      await exerciseShop(server.url);
      await exerciseSdk(server.url);
    } finally {
      await server.stop();
    }
    // policy audit: true — every write was recorded, with who made it and how it ended.
    const file = new Database(path.join(root, 'shop.db'), { readonly: true });
    try {
      const audit = file.prepare('SELECT "method", "status", "actor" FROM "_audit_log"').all() as Array<{ method: string; status: number; actor: string | null }>;
      expect(audit.length).toBeGreaterThan(20);
      expect([...new Set(audit.map((a) => a.status))]).toEqual(expect.arrayContaining([201, 400, 409, 422]));
      expect(audit.every((a) => a.method !== 'GET')).toBe(true);
      expect(audit.some((a) => a.actor === 'admin-1')).toBe(true);
    } finally {
      file.close();
    }

    // A restart reuses the same file: migrations are not applied twice, the data is still there.
    const again = await startProject(out, { DATABASE_URL: path.join(root, 'shop.db'), JWT_SECRET });
    try {
      expect(again.output()).not.toContain('migrations applied');
      const buyers = (await (await fetch(`${again.url}/buyers`, { headers: { authorization: `Bearer ${token('x', ['admin'])}` } })).json()) as { total: number };
      expect(buyers.total).toBe(3);
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('refuses what the .bone file does not allow, on SQLite (another caller\'s rows, managed fields and states, events, idempotency, bad input)', async () => {
    const server = await startProject(out, { DATABASE_URL: path.join(root, 'shop-security.db'), JWT_SECRET });
    try {
      await exerciseShopSecurity(server.url);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('does not start without JWT_SECRET; JWT_SECRET_DEV_RANDOM=1 starts it with a random secret and says so', async () => {
    const refused = await startProject(out, { DATABASE_URL: path.join(root, 'no-secret.db'), JWT_SECRET: '' }).then(
      (server) => server.stop().then(() => 'started'),
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/server exited[\s\S]*JWT_SECRET is not set/);
    const dev = await startProject(out, { DATABASE_URL: path.join(root, 'dev-secret.db'), JWT_SECRET: '', JWT_SECRET_DEV_RANDOM: '1' });
    try {
      expect(dev.output()).toMatch(/random secret/);
      expect((await fetch(`${dev.url}/buyers`, { headers: { authorization: `Bearer ${token('x', ['admin'])}` } })).status).toBe(401); // signed with another secret
    } finally {
      await dev.stop();
    }
  }, 120_000);

  it('type-checks and passes its own generated tests (npm test runs tsc --noEmit first)', () => {
    const result = runProjectTests(out);
    expect(result.ok, result.output.slice(-4000)).toBe(true);
    expect(result.output).toMatch(/# fail 0/);
  }, 180_000);

  describe.skipIf(!PG_URL)(`on PostgreSQL${PG_URL ? '' : ` — skipped: ${PG_SKIP_REASON}`}`, () => {
    const databases: string[] = [];
    const fresh = async () => {
      const { name, url } = await createDatabase('bone_e2e_shop');
      databases.push(name);
      return url;
    };
    afterAll(async () => {
      for (const name of databases) await dropDatabase(name);
    });

    it('serves the same API with the same behaviour', async () => {
      const server = await startProject(out, { DATABASE_URL: await fresh(), JWT_SECRET });
      try {
        expect(server.output()).toContain('database: postgres://');
        await exerciseShop(server.url);
      } finally {
        await server.stop();
      }
    }, 120_000);

    it('refuses the same things with the same answers', async () => {
      const server = await startProject(out, { DATABASE_URL: await fresh(), JWT_SECRET });
      try {
        await exerciseShopSecurity(server.url);
      } finally {
        await server.stop();
      }
    }, 120_000);
  });
});

// Runs after the tests above (vitest keeps file order): it reuses their output folder and shop.db.
describe('examples/shop.bone, changed and recompiled', () => {
  it('adds a migration that the server applies at start, keeping the data already there', async () => {
    const changed = path.join(root, 'shop-v2.bone');
    let source = fs.readFileSync(SHOP, 'utf8');
    source = source.replace(/entity Buyer \{\s*owns: \[/, (m) => `${m}\n      phone: optional<string>,`);
    source = source.replace(/\}\s*$/, '\n  entity Review {\n    owns: [stars: uint]\n    constraints: [stars in 1..5]\n    auth: none\n  }\n}\n');
    fs.writeFileSync(changed, source);
    const result = await compileBoneFile(changed, { outDir: out });
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    expect(result.migrationsAdded).toEqual([expect.stringMatching(/^0002_add_/)]);
    expect(result.filesAdded).toContain('src/entities/review.ts');

    const server = await startProject(out, { DATABASE_URL: path.join(root, 'shop.db'), JWT_SECRET });
    try {
      expect(server.output()).toContain(`migrations applied: ${result.migrationsAdded[0]}.sql`);
      const admin = { authorization: `Bearer ${token('admin-1', ['admin'])}` };
      const buyers = (await (await fetch(`${server.url}/buyers?limit=100`, { headers: admin })).json()) as { items: Array<{ name: string; phone: string | null }> };
      expect(buyers.items.map((b) => b.name)).toEqual(expect.arrayContaining(['Bob', 'Poor', 'Carol']));
      expect(buyers.items.every((b) => b.phone === null)).toBe(true);
      const review = await fetch(`${server.url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stars: 5 }) });
      expect(review.status).toBe(201);
      const bad = await fetch(`${server.url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stars: 9 }) });
      expect(bad.status).toBe(400);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
