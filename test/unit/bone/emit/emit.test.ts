/**
 * The back end on its own fixture IR (shop-ir.ts): golden output, byte-identical recompiles,
 * extension regions that survive a recompile, and schema changes that add a new migration whose
 * DDL really runs on SQLite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBoneSystem } from '../../../../compiler/bone/compile.js';
import { emitProject } from '../../../../compiler/bone/emit/index.js';
import { mergeRegions, readRegions } from '../../../../compiler/bone/emit/regions.js';
import { openDb } from '../../../../templates/bone/express/src/lib/db.js';
import { migrate } from '../../../../templates/bone/express/src/lib/migrate.js';
import { shopIr } from './shop-ir.js';

const PG_URL = process.env.SMALLCODE_TEST_PG_URL ?? (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined);
const GOLDEN = path.join(import.meta.dirname, 'golden', 'shop');
// Golden files carry a `.golden` suffix so vitest and tsc never mistake them for sources.
const SUFFIX = '.golden';
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bone-emit-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(tmpRoot, `out-${++dirs}`);

function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(root, child), 'utf8'));
    }
  };
  walk('');
  return out;
}

describe('emitProject', () => {
  it('matches the golden output for the shop fixture (UPDATE_GOLDEN=1 rewrites it)', () => {
    const { files } = emitProject(shopIr());
    // The runtime library is copied verbatim from templates/; the golden covers what is generated.
    const generated = files.filter((f) => !f.path.startsWith('src/lib/'));
    if (process.env.UPDATE_GOLDEN) {
      fs.rmSync(GOLDEN, { recursive: true, force: true });
      for (const f of generated) {
        fs.mkdirSync(path.dirname(path.join(GOLDEN, f.path)), { recursive: true });
        fs.writeFileSync(path.join(GOLDEN, f.path + SUFFIX), f.content);
      }
    }
    const golden = new Map([...readTree(GOLDEN)].map(([p, text]) => [p.slice(0, -SUFFIX.length), text]));
    expect([...golden.keys()].sort()).toEqual(generated.map((f) => f.path));
    for (const f of generated) expect(f.content, f.path).toBe(golden.get(f.path));
  });

  it('gives byte-identical files in a stable order for the same IR', () => {
    const a = emitProject(shopIr());
    const b = emitProject(JSON.parse(JSON.stringify(shopIr())));
    expect(b.files.map((f) => f.path)).toEqual(a.files.map((f) => f.path));
    expect(b.files).toEqual(a.files);
    expect(a.files.map((f) => f.path)).toEqual([...a.files.map((f) => f.path)].sort());
  });

  it('generates one module per entity and capability, both migrations and the OpenAPI document', () => {
    const paths = emitProject(shopIr()).files.map((f) => f.path);
    for (const expected of [
      'package.json', 'tsconfig.json', 'README.md', '.env.example', 'Dockerfile', 'docker-compose.yaml', 'openapi.yaml',
      'sdk/client.ts', 'src/index.ts', 'src/lib/db.ts', 'src/entities/listing.ts', 'src/capabilities/place-order.ts',
      'src/flows.ts', 'src/channels.ts', 'src/extensions.ts', 'test/api.test.ts',
      'migrations/sqlite/0001_init.sql', 'migrations/postgres/0001_init.sql', '.bone/schema.json',
    ]) {
      expect(paths).toContain(expected);
    }
  });
});

describe('project files', () => {
  it('package.json has the scripts a newcomer runs; compose runs the API on PostgreSQL', () => {
    const files = new Map(emitProject(shopIr()).files.map((f) => [f.path, f.content]));
    const pkg = JSON.parse(files.get('package.json')!) as { name: string; type: string; scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg).toMatchObject({ name: 'shop', type: 'module' });
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['dev', 'build', 'start', 'migrate', 'test', 'typecheck']));
    // `npm test` type-checks before it runs the tests: a generated test that does not compile fails it.
    expect(pkg.scripts.test).toMatch(/^tsc --noEmit && tsx --test /);
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['better-sqlite3', 'pg', 'express', 'zod', 'ws', 'jsonwebtoken']));
    expect(JSON.parse(files.get('tsconfig.json')!).compilerOptions.strict).toBe(true);
    const compose = parseYaml(files.get('docker-compose.yaml')!) as { services: Record<string, { environment?: Record<string, string>; image?: string }> };
    expect(compose.services.db!.image).toMatch(/^postgres/);
    expect(compose.services.api!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/.*@db:5432\//);
    expect(files.get('.env.example')).toMatch(/^DATABASE_URL=$/m);
    expect(files.get('Dockerfile')).toContain('CMD ["node", "dist/src/index.js"]');
  });
});

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3 document covering every route', async () => {
    const file = emitProject(shopIr()).files.find((f) => f.path === 'openapi.yaml')!;
    const document = parseYaml(file.content) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    // Validates against the official OpenAPI 3.0 JSON schema and resolves every $ref.
    await SwaggerParser.validate(structuredClone(document) as never);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/listings', '/listings/{id}', '/listings/{id}/transition', '/capabilities/place-order', '/flows/checkout', '/extensions/calculate-fee', '/events']),
    );
  });
});

describe('compileBoneSystem into an existing output', () => {
  it('reports every file unchanged when nothing changed', () => {
    const out = freshDir();
    const first = compileBoneSystem(shopIr(), { outDir: out });
    expect(first.ok).toBe(true);
    expect(first.migrationsAdded).toEqual(['0001_init']);
    const second = compileBoneSystem(shopIr(), { outDir: out });
    expect(second.filesWritten).toEqual([]);
    expect(second.migrationsAdded).toEqual([]);
    // Migrations are written once, when added; everything else is regenerated and compared.
    expect(second.filesUnchanged).toEqual(first.filesWritten.filter((f) => !f.startsWith('migrations/')));
  });

  it('keeps code written inside extension regions across a recompile with a schema change', () => {
    const out = freshDir();
    compileBoneSystem(shopIr(), { outDir: out });
    const extensions = path.join(out, 'src/extensions.ts');
    const custom = '  return Math.round(listing.price * 0.05); // five per cent';
    const edited = fs.readFileSync(extensions, 'utf8').replace(/(\/\/ <bone:extension calculate_fee>\n)[\s\S]*?(\n\s*\/\/ <\/bone:extension calculate_fee>)/, `$1${custom}$2`);
    expect(edited).toContain(custom);
    fs.writeFileSync(extensions, edited);
    const capability = path.join(out, 'src/capabilities/place-order.ts');
    const hook = '  listing.title = listing.title.trim();';
    fs.writeFileSync(capability, fs.readFileSync(capability, 'utf8').replace(/(\/\/ <bone:extension place_order>\n)/, `$1${hook}\n`));

    const result = compileBoneSystem(shopIr({ withReviews: true }), { outDir: out });
    expect(result.ok).toBe(true);
    expect(fs.readFileSync(extensions, 'utf8')).toContain(custom);
    expect(fs.readFileSync(capability, 'utf8')).toContain(hook);
    expect(result.filesUnchanged).toContain('src/extensions.ts');
    expect(result.filesAdded).toContain('src/entities/review.ts');
  });

  it('adds a new numbered migration for a schema change and never rewrites the applied one', () => {
    const out = freshDir();
    compileBoneSystem(shopIr(), { outDir: out });
    const init = fs.readFileSync(path.join(out, 'migrations/sqlite/0001_init.sql'), 'utf8');
    const initPg = fs.readFileSync(path.join(out, 'migrations/postgres/0001_init.sql'), 'utf8');

    const result = compileBoneSystem(shopIr({ withReviews: true }), { outDir: out });
    expect(result.migrationsAdded).toHaveLength(1);
    const name = result.migrationsAdded[0]!;
    expect(name).toMatch(/^0002_add_/);
    expect(fs.readFileSync(path.join(out, 'migrations/sqlite/0001_init.sql'), 'utf8')).toBe(init);
    expect(fs.readFileSync(path.join(out, 'migrations/postgres/0001_init.sql'), 'utf8')).toBe(initPg);
    const sqlite = fs.readFileSync(path.join(out, `migrations/sqlite/${name}.sql`), 'utf8');
    const postgres = fs.readFileSync(path.join(out, `migrations/postgres/${name}.sql`), 'utf8');
    expect(sqlite).toContain('CREATE TABLE "reviews"');
    expect(sqlite).toContain('ALTER TABLE "sellers" ADD COLUMN "rating" INTEGER NOT NULL DEFAULT 0 CHECK ("rating" >= 0);');
    expect(postgres).toContain('ALTER TABLE "sellers" ADD COLUMN "rating" BIGINT NOT NULL DEFAULT 0 CHECK ("rating" >= 0);');
    expect(postgres).toContain('"listing_id" UUID NOT NULL REFERENCES "listings" ("id")');

    // The DDL is real: both migrations apply in order to a SQLite database that holds a row.
    const db = new Database(path.join(out, 'check.db'));
    try {
      db.exec(init);
      db.prepare('INSERT INTO "sellers" ("id", "name", "email", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?)').run('s1', 'Ann', 'a@x', 'now', 'now');
      db.exec(sqlite);
      expect(db.prepare('SELECT "rating" FROM "sellers"').get()).toEqual({ rating: 0 });
      // uint columns refuse negatives in the database too, not only in the API.
      expect(() => db.prepare('UPDATE "sellers" SET "rating" = -1').run()).toThrow(/CHECK constraint failed/);
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'reviews'`).get()).toBeTruthy();
    } finally {
      db.close();
    }

    // A third compile of the same schema adds nothing.
    expect(compileBoneSystem(shopIr({ withReviews: true }), { outDir: out }).migrationsAdded).toEqual([]);
  });

  it.skipIf(!PG_URL)(`applies the same two migrations to PostgreSQL${PG_URL ? '' : ' — skipped: no PostgreSQL (set SMALLCODE_TEST_PG_URL)'}`, async () => {
    const out = freshDir();
    compileBoneSystem(shopIr(), { outDir: out });
    const name = compileBoneSystem(shopIr({ withReviews: true }), { outDir: out }).migrationsAdded[0]!;
    const database = `bone_emit_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = new URL(PG_URL!);
    url.pathname = `/${database}`;
    const db = new pg.Client({ connectionString: url.toString() });
    try {
      await db.connect();
      await db.query(fs.readFileSync(path.join(out, 'migrations/postgres/0001_init.sql'), 'utf8'));
      await db.query(`INSERT INTO "sellers" ("id", "name", "email", "created_at", "updated_at") VALUES (gen_random_uuid(), 'Ann', 'a@x', now(), now())`);
      await db.query(fs.readFileSync(path.join(out, `migrations/postgres/${name}.sql`), 'utf8'));
      expect((await db.query('SELECT "rating" FROM "sellers"')).rows).toEqual([{ rating: '0' }]);
      expect((await db.query(`SELECT to_regclass('reviews') AS t`)).rows[0].t).toBe('reviews');
    } finally {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('renaming a field with @renamed_from', () => {
  it('renames the column, keeping its data', () => {
    const out = freshDir();
    compileBoneSystem(shopIr(), { outDir: out });
    const renamed = shopIr();
    const buyer = renamed.entities.find((e) => e.name === 'Buyer')!;
    buyer.fields = buyer.fields.map((f) => (f.name === 'name' ? { ...f, name: 'full_name', column: 'full_name', renamedFrom: 'name' } : f));
    const result = compileBoneSystem(renamed, { outDir: out });
    const sql = fs.readFileSync(path.join(out, `migrations/sqlite/${result.migrationsAdded[0]}.sql`), 'utf8');
    expect(sql).toContain('ALTER TABLE "buyers" RENAME COLUMN "name" TO "full_name";');
    expect(sql).not.toContain('ADD COLUMN');
    const db = new Database(':memory:');
    try {
      db.exec(fs.readFileSync(path.join(out, 'migrations/sqlite/0001_init.sql'), 'utf8'));
      db.prepare('INSERT INTO "buyers" ("id", "name", "balance", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?)').run('b1', 'Bob', 5, 'now', 'now');
      db.exec(sql);
      expect(db.prepare('SELECT "full_name" FROM "buyers"').get()).toEqual({ full_name: 'Bob' });
    } finally {
      db.close();
    }
  });
});

/** The shop with Seller.email (required, unique; listings reference sellers) removed, or made optional. */
function withoutSellerEmail(change: 'remove' | 'optional' | 'required-with-default' | 'retype') {
  const ir = shopIr();
  const seller = ir.entities.find((e) => e.name === 'Seller')!;
  const email = seller.fields.find((f) => f.name === 'email')!;
  if (change === 'remove') seller.fields = seller.fields.filter((f) => f !== email);
  if (change === 'optional') Object.assign(email, { type: { kind: 'optional', inner: email.type }, nullable: true });
  if (change === 'retype') email.type = { kind: 'scalar', scalar: 'uint' };
  return ir;
}

describe('a change that makes a column optional, or removes a required one', () => {
  /** Migrate `out` into a database holding a seller with a listing, apply the change, then insert a seller without email. */
  async function applyAndInsert(out: string, url: string): Promise<void> {
    const db = openDb(url);
    try {
      const dir = path.join(out, 'migrations');
      const first = fs.readdirSync(path.join(dir, db.dialect)).sort()[0]!;
      const only = path.join(out, `migrations-first-${db.dialect}`);
      fs.mkdirSync(path.join(only, db.dialect), { recursive: true });
      fs.copyFileSync(path.join(dir, db.dialect, first), path.join(only, db.dialect, first));
      await migrate(db, only);
      const now = new Date().toISOString();
      await db.run('INSERT INTO "sellers" ("id", "name", "email", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?)', ['00000000-0000-4000-8000-000000000001', 'Ann', 'a@x', now, now]);
      await db.run('INSERT INTO "listings" ("id", "seller_id", "title", "price", "stock", "category", "state", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', ['00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Book', 5, 1, 'books', 'draft', now, now]);
      expect(await migrate(db, dir)).toHaveLength(1);
      // What every create did before: insert without the removed column — it now works.
      await db.run('INSERT INTO "sellers" ("id", "name", "created_at", "updated_at") VALUES (?, ?, ?, ?)', ['00000000-0000-4000-8000-000000000003', 'Bo', now, now]);
      const rows = await db.all<{ name: string; email: string | null }>('SELECT "name", "email" FROM "sellers" ORDER BY "name"');
      expect(rows).toEqual([{ name: 'Ann', email: 'a@x' }, { name: 'Bo', email: null }]);
      // The listing still points at its seller, and the foreign key is still enforced.
      expect(await db.get<{ n: unknown }>('SELECT COUNT(*) AS n FROM "listings" WHERE "seller_id" = ?', ['00000000-0000-4000-8000-000000000001'])).toEqual({ n: expect.anything() });
      await expect(db.run('INSERT INTO "listings" ("id", "seller_id", "title", "price", "stock", "category", "state", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', ['00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-0000000000ff', 'X', 5, 1, 'books', 'draft', now, now])).rejects.toThrow(/foreign key/i);
    } finally {
      await db.close();
    }
  }

  for (const change of ['remove', 'optional'] as const) {
    it(`${change === 'remove' ? 'removing' : 'making optional'} a required field migrates both databases, data kept, inserts working (SQLite)`, async () => {
      const out = freshDir();
      compileBoneSystem(shopIr(), { outDir: out });
      const result = compileBoneSystem(withoutSellerEmail(change), { outDir: out });
      expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
      const name = result.migrationsAdded[0]!;
      const sqlite = fs.readFileSync(path.join(out, `migrations/sqlite/${name}.sql`), 'utf8');
      const postgres = fs.readFileSync(path.join(out, `migrations/postgres/${name}.sql`), 'utf8');
      expect(sqlite.startsWith('-- bone:rebuilds-tables\n')).toBe(true);
      expect(sqlite).toContain('ALTER TABLE "sellers__rebuild" RENAME TO "sellers";');
      expect(postgres).toContain('ALTER TABLE "sellers" ALTER COLUMN "email" DROP NOT NULL;');
      await applyAndInsert(out, path.join(out, 'check.db'));
    });
  }

  it('keeps a removed column through later rebuilds of its table', () => {
    const out = freshDir();
    compileBoneSystem(shopIr(), { outDir: out });
    compileBoneSystem(withoutSellerEmail('remove'), { outDir: out });
    const snapshot = JSON.parse(fs.readFileSync(path.join(out, '.bone/schema.json'), 'utf8')) as { tables: Array<{ name: string; columns: Array<{ name: string; removed?: boolean; notNull: boolean }> }> };
    expect(snapshot.tables.find((t) => t.name === 'sellers')!.columns.find((c) => c.name === 'email')).toMatchObject({ removed: true, notNull: false });
    // Now `name` becomes optional: the rebuild still copies email.
    const ir = withoutSellerEmail('remove');
    const seller = ir.entities.find((e) => e.name === 'Seller')!;
    Object.assign(seller.fields[0]!, { type: { kind: 'optional', inner: seller.fields[0]!.type }, nullable: true });
    const result = compileBoneSystem(ir, { outDir: out });
    const sqlite = fs.readFileSync(path.join(out, `migrations/sqlite/${result.migrationsAdded[0]}.sql`), 'utf8');
    expect(sqlite).toMatch(/INSERT INTO "sellers__rebuild" \([^)]*"email"/);
    expect(sqlite).not.toContain('is no longer in the .bone file');
  });

  it('refuses a change of type, or a field made required without a default, saying what to do (BSE006)', () => {
    const out = freshDir();
    compileBoneSystem(withoutSellerEmail('optional'), { outDir: out });
    const required = compileBoneSystem(shopIr(), { outDir: out });
    expect(required.ok).toBe(false);
    expect(required.diagnostics).toEqual([expect.objectContaining({ code: 'BSE006', severity: 'error', message: expect.stringContaining('sellers.email became required') })]);
    expect(required.filesWritten).toEqual([]);
    const retyped = compileBoneSystem(withoutSellerEmail('retype'), { outDir: out });
    expect(retyped.diagnostics).toEqual([expect.objectContaining({ code: 'BSE006', message: expect.stringContaining('changed type (TEXT → BIGINT)') })]);
  });

  it('a field made required with a default fills the rows that have none', async () => {
    const out = freshDir();
    compileBoneSystem(withoutSellerEmail('optional'), { outDir: out });
    const ir = shopIr();
    ir.entities.find((e) => e.name === 'Seller')!.fields.find((f) => f.name === 'email')!.default = { kind: 'literal', value: 'unknown@example.com', type: { kind: 'scalar', scalar: 'string' }, text: '"unknown@example.com"', loc: ir.entities[0]!.loc } as never;
    const result = compileBoneSystem(ir, { outDir: out });
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    const sqlite = fs.readFileSync(path.join(out, `migrations/sqlite/${result.migrationsAdded[0]}.sql`), 'utf8');
    expect(sqlite).toContain(`UPDATE "sellers" SET "email" = 'unknown@example.com' WHERE "email" IS NULL;`);
    const db = openDb(path.join(out, 'fill.db'));
    try {
      const dir = path.join(out, 'migrations');
      const only = path.join(out, 'first');
      fs.mkdirSync(path.join(only, 'sqlite'), { recursive: true });
      fs.copyFileSync(path.join(dir, 'sqlite', '0001_init.sql'), path.join(only, 'sqlite', '0001_init.sql'));
      await migrate(db, only);
      await db.run('INSERT INTO "sellers" ("id", "name", "created_at", "updated_at") VALUES (?, ?, ?, ?)', ['s1', 'Ann', 'now', 'now']);
      await migrate(db, dir);
      expect(await db.all('SELECT "email" FROM "sellers"')).toEqual([{ email: 'unknown@example.com' }]);
      await expect(db.run('INSERT INTO "sellers" ("id", "name", "email", "created_at", "updated_at") VALUES (?, ?, NULL, ?, ?)', ['s2', 'Bo', 'now', 'now'])).rejects.toThrow(/NOT NULL/);
    } finally {
      await db.close();
    }
  });

  it.skipIf(!PG_URL)(`removing a required field migrates PostgreSQL${PG_URL ? '' : ' — skipped: no PostgreSQL (set SMALLCODE_TEST_PG_URL)'}`, async () => {
    const out = freshDir();
    compileBoneSystem(shopIr(), { outDir: out });
    compileBoneSystem(withoutSellerEmail('remove'), { outDir: out });
    const database = `bone_drop_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = new URL(PG_URL!);
    url.pathname = `/${database}`;
    try {
      await applyAndInsert(out, url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('removing an entity', () => {
  it('deletes its generated module but keeps its table and data (the migration says so)', () => {
    const out = freshDir();
    compileBoneSystem(shopIr({ withReviews: true }), { outDir: out });
    const result = compileBoneSystem(shopIr(), { outDir: out });
    expect(result.filesRemoved).toEqual(['src/entities/review.ts']);
    expect(fs.existsSync(path.join(out, 'src/entities/review.ts'))).toBe(false);
    expect(result.migrationsAdded).toHaveLength(1);
    const note = fs.readFileSync(path.join(out, `migrations/sqlite/${result.migrationsAdded[0]}.sql`), 'utf8');
    expect(note).toContain('-- table reviews is no longer in the .bone file; it and its data are kept.');
    expect(note).not.toMatch(/DROP TABLE/);
  });

  it('moves a removed capability\'s module, with the code in its extension region, to .bone/orphaned/ and says so', () => {
    const out = freshDir();
    const first = compileBoneSystem(shopIr(), { outDir: out });
    const rel = first.filesWritten.find((f) => f.startsWith('src/capabilities/'))!;
    const file = path.join(out, rel);
    const text = fs.readFileSync(file, 'utf8');
    const name = [...readRegions(text).keys()][0]!;
    fs.writeFileSync(file, text.replace(`// <bone:extension ${name}>\n`, `// <bone:extension ${name}>\n    console.log('my code');\n`));
    const ir = shopIr();
    const removed = ir.capabilities.find((c) => rel.includes(c.name.replace(/_/g, '-')) || rel.includes(c.name))!;
    ir.capabilities = ir.capabilities.filter((c) => c !== removed);
    ir.flows = [];
    const result = compileBoneSystem(ir, { outDir: out });
    expect(result.filesRemoved).toContain(rel);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(path.join(out, '.bone/orphaned', rel), 'utf8')).toContain(`console.log('my code');`);
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'BSE007', severity: 'warning', message: expect.stringContaining(`moved to .bone/orphaned/${rel}`) }));
  });
});

describe('extension regions', () => {
  it('puts the previous bodies back and reports regions that disappeared', () => {
    const fresh = 'a\n// <bone:extension one>\ndefault one\n// </bone:extension one>\nb\n';
    const old = 'x\n// <bone:extension one>\nmine\nmore\n// </bone:extension one>\n// <bone:extension gone>\nold code\n// </bone:extension gone>\n';
    const merged = mergeRegions(fresh, old);
    expect(merged.content).toBe('a\n// <bone:extension one>\nmine\nmore\n// </bone:extension one>\nb\n');
    expect(merged.orphans.map((o) => o.name)).toEqual(['gone']);
    expect(readRegions(merged.content).get('one')?.body).toBe('mine\nmore');
  });
});
