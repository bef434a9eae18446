// The code graph through the real CLI and the scripted model server: explain_symbol names both
// callers of a function with their lines; list_projects lists two projects opened one after the
// other. On SQLite and with better-sqlite3 made unloadable (the JSON-lines fallback).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/run-cli.js';
import { runTask, withProject, type ScriptedServer } from './helpers.js';

const FILES = {
  'src/price.ts': '/** Formats cents as a price. */\nexport function formatPrice(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n',
  'src/cart.ts': "import { formatPrice } from './price';\n\nexport function cartTotal(items: number[]): string {\n  const sum = items.reduce((a, b) => a + b, 0);\n  return formatPrice(sum);\n}\n",
  'src/invoice.ts': "import { formatPrice } from './price';\n\nexport class Invoice {\n  constructor(private cents: number) {}\n\n  render(): string {\n    return 'Total: ' + formatPrice(this.cents);\n  }\n}\n",
};

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smallcode-graph-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const BACKENDS = [
  { name: 'SQLite', env: {} as Record<string, string> },
  { name: 'better-sqlite3 unloadable', env: { NODE_OPTIONS: `--require ${path.join(repoRoot, 'test/support/no-sqlite.cjs')}` } },
];

/** The tool results the model was sent in chat request `index`. */
function toolResults(server: ScriptedServer, index: number): string {
  return (server.chatRequests()[index]!.body.messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'tool').map((m) => m.content).join('\n---\n');
}

describe.each(BACKENDS)('code graph ($name)', ({ name, env: backendEnv }) => {
  const env = { ...backendEnv, SMALLCODE_DATA_DIR: path.join(dataDir, name.replace(/\W+/g, '-')) };

  it('explain_symbol names the definition and both callers with their lines', async () => {
    await withProject(FILES, {
      turns: [{ toolCalls: [{ name: 'explain_symbol', arguments: { name: 'formatPrice' } }] }, { content: 'formatPrice is called by cartTotal and Invoice.render.' }],
    }, async (dir, server) => {
      const run = await runTask(server, dir, 'who calls formatPrice?', [], env);
      expect(run.code, run.stderr).toBe(0);
      const result = toolResults(server, 1);
      expect(result).toContain('function formatPrice — src/price.ts:2-4');
      expect(result).toContain('doc: Formats cents as a price.');
      expect(result).toContain('cartTotal — src/cart.ts:5');
      expect(result).toContain('Invoice.render — src/invoice.ts:7');
      expect(result).toMatch(/imported by: .*src\/cart\.ts:1/);
    });
  });

  it('list_projects lists both projects after two were opened', async () => {
    let first = '';
    await withProject({ 'a.py': 'def alpha():\n    return 1\n' }, { turns: [{ content: 'done' }] }, async (dir, server) => {
      first = dir;
      const run = await runTask(server, dir, 'say done', [], env);
      expect(run.code, run.stderr).toBe(0);
    });
    await withProject({ 'main.go': 'package main\n\nfunc main() {}\n' }, {
      turns: [{ toolCalls: [{ name: 'list_projects', arguments: {} }] }, { content: 'two projects' }],
    }, async (dir, server) => {
      const run = await runTask(server, dir, 'which projects are indexed?', [], env);
      expect(run.code, run.stderr).toBe(0);
      const result = toolResults(server, 1);
      expect(result).toMatch(new RegExp(`${escape(first)} · python · 1 files · 1 symbols`));
      expect(result).toMatch(new RegExp(`${escape(dir)} · go · 1 files · 1 symbols`));
    });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
