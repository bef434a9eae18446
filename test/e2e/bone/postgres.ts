/**
 * A throwaway PostgreSQL database per suite, on the server `SMALLCODE_TEST_PG_URL` (or a
 * `postgres://` DATABASE_URL) points at; `.ci/setup-postgres.sh` starts one.
 */
import pg from 'pg';

export const PG_URL = process.env.SMALLCODE_TEST_PG_URL ?? (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined);
export const PG_SKIP_REASON = 'no PostgreSQL: set SMALLCODE_TEST_PG_URL (source .ci/setup-postgres.sh starts one)';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and returns its URL. */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const parsed = new URL(PG_URL!);
  parsed.pathname = `/${name}`;
  return { name, url: parsed.toString() };
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
