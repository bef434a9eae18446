// Memory across sessions, through the real CLI and the scripted model server: evidence recorded in
// one process reaches the next one's first request; a fact remembered in one process is loaded in
// the next. Each runs on SQLite and with better-sqlite3 made unloadable (the JSON-lines fallback).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/run-cli.js';
import { runTask, withProject, type ScriptedServer } from './helpers.js';

const DB_TS = [
  'export function findUsers(db) {',
  '  const rows = db.all("SELECT * FROM users");',
  '  return rows;',
  '}',
  '',
  'export function findOrders(db) {',
  '  const rows = db.all("SELECT * FROM orders");',
  '  return rows;',
  '}',
  '',
].join('\n');

const FASTER = DB_TS.replace('db.all("SELECT * FROM users")', 'db.all("SELECT id, name FROM users")');

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smallcode-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const BACKENDS = [
  { name: 'SQLite', env: {} as Record<string, string>, fallback: false },
  { name: 'better-sqlite3 unloadable', env: { NODE_OPTIONS: `--require ${path.join(repoRoot, 'test/support/no-sqlite.cjs')}` }, fallback: true },
];

/** The text of every message of chat request `index`. */
function requestText(server: ScriptedServer, index: number): string {
  return (server.chatRequests()[index]!.body.messages as Array<{ content: string }>).map((m) => m.content).join('\n---\n');
}

describe.each(BACKENDS)('memory across sessions ($name)', ({ env: backendEnv, fallback }) => {
  const env = { ...backendEnv, SMALLCODE_DATA_DIR: dataDir };

  it('session 2 on a similar task starts with what session 1 learned (a failed approach, the one that worked)', async () => {
    // A small model retrying the same non-unique search text, a little differently each time.
    const ambiguous = (replace: string) => ({ name: 'patch', arguments: { path: 'src/db.ts', search: '  return rows;', replace } });
    await withProject({ 'src/db.ts': DB_TS }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'src/db.ts' } }] },
        { toolCalls: [ambiguous('  return rows.slice();')] },
        { toolCalls: [ambiguous('  return [...rows];')] },
        { toolCalls: [ambiguous('  return rows; // users')] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'src/db.ts', content: FASTER } }] },
        { content: 'The users query now selects only the columns it needs.' },
        // Session 2:
        { content: 'Noted; nothing to change.' },
      ],
    }, async (dir, server) => {
      const first = await runTask(server, dir, 'speed up the query in src/db.ts', [], env);
      expect(first.code, first.stderr).toBe(0);
      if (fallback) expect(first.stderr.match(/using the JSON-lines store/g)).toHaveLength(1);
      else expect(first.stderr).not.toMatch(/JSON-lines/);
      const before = server.chatRequests().length;
      // The first request of session 1 had nothing to recall.
      expect(requestText(server, 0)).not.toContain('earlier task');

      const second = await runTask(server, dir, 'make the users query in src/db.ts faster', [], env);
      expect(second.code, second.stderr).toBe(0);
      const body = requestText(server, before);
      expect(body).toContain("earlier task 'speed up the query in src/db.ts'");
      expect(body).toMatch(/patch src\/db\.ts failed 3× \(ambiguous\)/);
      expect(body).toMatch(/then write_file src\/db\.ts worked/);
      // Told once, in the message after the task, not in the system prompt (its prefix stays cacheable).
      const messages = server.chatRequests()[before]!.body.messages as Array<{ role: string; content: string }>;
      expect(messages[0]!.content).not.toContain('earlier task');
      expect(messages.filter((m) => m.content.includes('earlier task'))).toHaveLength(1);
    });
  });

  it('an unrelated task gets no evidence, and SMALLCODE_EVIDENCE_DISABLE=true records and injects none', async () => {
    await withProject({ 'notes.md': '# notes\n' }, {
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'src/cache.ts', content: 'export const cache = new Map();\n' } }] },
        { content: 'Added the cache module.' },
        { content: 'Fine.' },
        { content: 'Fine again.' },
      ],
    }, async (dir, server) => {
      expect((await runTask(server, dir, 'add a cache module in src/cache.ts', [], env)).code).toBe(0);
      expect((await runTask(server, dir, 'translate the greeting to French', [], env)).code).toBe(0);
      expect(requestText(server, 2)).not.toContain('earlier task');
      expect((await runTask(server, dir, 'extend the cache module in src/cache.ts', [], { ...env, SMALLCODE_EVIDENCE_DISABLE: 'true' })).code).toBe(0);
      expect(requestText(server, 3)).not.toContain('earlier task');
    });
  });

  it('memory_remember in one process, memory_load in the next returns the fact with its id and age', async () => {
    await withProject({}, {
      turns: [
        { toolCalls: [{ name: 'memory_remember', arguments: { text: 'Integration tests need the DATABASE_URL of the docker compose file', tags: ['testing'], scope: 'project' } }] },
        { content: 'Remembered.' },
        { toolCalls: [{ name: 'memory_load', arguments: { query: 'how do integration tests find the database' } }] },
        { content: 'They read DATABASE_URL.' },
      ],
    }, async (dir, server) => {
      const first = await runTask(server, dir, 'remember how the integration tests reach the database', [], env);
      expect(first.code, first.stderr).toBe(0);
      const second = await runTask(server, dir, 'how do the integration tests find the database?', [], env);
      expect(second.code, second.stderr).toBe(0);
      const loaded = server.chatRequests()[3]!.body.messages.at(-1) as { role: string; content: string };
      expect(loaded.role).toBe('tool');
      expect(loaded.content).toMatch(/^\[f-[0-9a-z]+-[0-9a-f]{6} · project fact · just now\] Integration tests need the DATABASE_URL/m);
    });
  });
});
