// `smallcode memory list|search|forget|clear` through the real CLI: what a task stored (its
// evidence, a fact the model saved) is listed, found, forgotten by id; usage errors exit 2.
// On SQLite and with better-sqlite3 made unloadable (the JSON-lines fallback).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../support/run-cli.js';
import { runTask, withProject } from './helpers.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smallcode-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const BACKENDS = [
  { name: 'SQLite', env: {} as Record<string, string>, file: 'store.db' },
  { name: 'better-sqlite3 unloadable', env: { NODE_OPTIONS: `--require ${path.join(repoRoot, 'test/support/no-sqlite.cjs')}` }, file: 'store.jsonl' },
];

describe.each(BACKENDS)('smallcode memory ($name)', ({ env: backendEnv, file }) => {
  const env = { ...backendEnv, SMALLCODE_DATA_DIR: dataDir };
  const memory = (args: string[], cwd: string) => runCli(['memory', ...args], { cwd, env, timeoutMs: 20_000 });

  it('lists, searches and forgets what a task stored', async () => {
    await withProject({}, {
      turns: [
        { toolCalls: [{ name: 'memory_remember', arguments: { text: 'The staging database listens on port 5433', scope: 'project' } }] },
        { content: 'Remembered the staging port.' },
      ],
    }, async (dir, server) => {
      expect((await runTask(server, dir, 'remember the staging database port', [], env)).code).toBe(0);

      const list = await memory(['list'], dir);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain(file);
      expect(list.stdout).toMatch(/1 task evidence entry · 1 project fact · \d+ global facts?/);
      expect(list.stdout).toContain('The staging database listens on port 5433');
      expect(list.stdout).toContain("earlier task 'remember the staging database port'");

      const found = await memory(['search', 'staging', 'port', '--json'], dir);
      expect(found.code, found.stderr).toBe(0);
      const hits = JSON.parse(found.stdout) as Array<{ id: string; kind: string; text: string }>;
      const fact = hits.find((h) => h.kind === 'fact')!;
      expect(fact.text).toBe('The staging database listens on port 5433');

      const nothing = await memory(['search', 'kubernetes'], dir);
      expect(nothing.stdout).toMatch(/Nothing stored matches 'kubernetes'/);

      const forgot = await memory(['forget', fact.id, 'f-nope-000000'], dir);
      expect(forgot.code).toBe(1); // one id was unknown: said, and the known one still went
      expect(forgot.stdout).toContain('Forgot 1 entry.');
      expect(forgot.stderr).toContain("no memory entry 'f-nope-000000'");
      const after = await memory(['list', '--json'], dir);
      const listed = JSON.parse(after.stdout) as { stats: { facts: number; evidence: number }; entries: Array<{ id: string }> };
      expect(listed.stats).toMatchObject({ facts: 0, evidence: 1 });
      expect(listed.entries.map((e) => e.id)).not.toContain(fact.id);

      const refused = await memory(['clear'], dir);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('add --yes');
      const cleared = await memory(['clear', '--yes'], dir);
      expect(cleared.stdout).toContain('Cleared 1 entry');
      expect(JSON.parse((await memory(['list', '--json'], dir)).stdout).stats).toMatchObject({ facts: 0, evidence: 0 });
    });
  });

  it('a wrong action or a search without words is a usage error (exit 2)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smallcode-memcli-'));
    try {
      const wrong = await memory(['lsit'], dir);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/unknown action 'lsit'; use smallcode memory list/);
      expect((await memory(['search'], dir)).code).toBe(2);
      expect((await memory(['list', '--limit', 'many'], dir)).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
