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
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['dev', 'build', 'start', 'migrate', 'test']));
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
