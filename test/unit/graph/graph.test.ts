// The graph over a small project on both store back ends: search ranking, callers across files,
// and incremental re-index after an edit, a rename and a delete (only changed files re-parsed);
// a second process (a new CodeGraph on the same store) starts from the stored index; records of an
// older format are re-parsed, not misread.
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CodeGraph } from '../../../runtime/graph/graph.js';
import { openStore, type Store } from '../../../runtime/store/index.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'graph-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function open(dir: string, backend: 'auto' | 'json'): Store {
  const store = openStore({ dir: path.join(dir, '.smallcode'), backend });
  stores.push(store);
  return store;
}

const FILES = {
  'src/parse.ts': 'export function parseConfig(text: string) {\n  return JSON.parse(text);\n}\nexport function parse_file() {}\n',
  'src/load.ts': "import { parseConfig } from './parse';\nexport function loadConfig() {\n  return parseConfig('{}');\n}\n",
  'src/other.ts': "export function parseConfig() {}\nexport function useOther() { return parseConfig(); }\n",
  'src/main.py': 'from util import helper\n\ndef main():\n    helper()\n',
  'dist/bundle.js': 'function parseConfig() {}\n',
  'ignored/x.ts': 'export function hidden() {}\n',
  '.gitignore': 'ignored/\n',
  'big.ts': `export const big = ${JSON.stringify('x'.repeat(2000))};\n`,
};

describe.each(['auto', 'json'] as const)('CodeGraph (store %s)', (backend) => {
  it('indexes supported files, skipping ignored, generated and oversized ones', async () => {
    const dir = project(FILES);
    const graph = new CodeGraph({ root: dir, store: open(dir, backend), maxFileBytes: 1000 });
    await graph.refresh();
    expect(graph.stats()).toMatchObject({ files: 4, languages: ['python', 'typescript'] });
    expect(graph.definitions('hidden')).toEqual([]);
    expect(graph.definitions('big')).toEqual([]);
    expect(graph.definitions('parseConfig').map((d) => d.path).sort()).toEqual(['src/other.ts', 'src/parse.ts']);
  });

  it('ranks exact, case/underscore-insensitive, prefix and fuzzy matches', async () => {
    const dir = project(FILES);
    const graph = new CodeGraph({ root: dir, store: open(dir, backend) });
    await graph.refresh();
    expect(graph.search('parseConfig')[0]!.name).toBe('parseConfig');
    expect(graph.search('parsefile')[0]!.name).toBe('parse_file');
    expect(graph.search('ParseFile')[0]!.name).toBe('parse_file');
    expect(graph.search('loadConf')[0]!.name).toBe('loadConfig');
    expect(graph.search('lodConfig')[0]!.name).toBe('loadConfig');
    expect(graph.search('zzz')).toEqual([]);
    expect(graph.search('parse', { kind: 'function' }).every((r) => r.kind === 'function')).toBe(true);
  });

  it('callers of an ambiguous name follow imports', async () => {
    const dir = project(FILES);
    const graph = new CodeGraph({ root: dir, store: open(dir, backend) });
    await graph.refresh();
    const [parse] = graph.definitions('parseConfig').filter((d) => d.path === 'src/parse.ts');
    expect(graph.callers(parse!).map((c) => `${c.caller?.name}@${c.path}:${c.line}`)).toEqual(['loadConfig@src/load.ts:3']);
    const [other] = graph.definitions('parseConfig').filter((d) => d.path === 'src/other.ts');
    expect(graph.callers(other!).map((c) => `${c.caller?.name}@${c.path}:${c.line}`)).toEqual(['useOther@src/other.ts:2']);
    expect(graph.callees(graph.definitions('loadConfig')[0]!).map((c) => c.name)).toEqual(['parseConfig']);
  });

  it('re-indexes after an edit, a rename and a delete, and a new process starts from the store', async () => {
    const dir = project(FILES);
    const graph = new CodeGraph({ root: dir, store: open(dir, backend) });
    await graph.refresh();
    writeFileSync(path.join(dir, 'src/load.ts'), "import { parseConfig } from './parse';\n\n\nexport function loadAll() {\n  return parseConfig('[]');\n}\n");
    await graph.touch(['src/load.ts']);
    expect(graph.definitions('loadConfig')).toEqual([]);
    expect(graph.definitions('loadAll')[0]).toMatchObject({ path: 'src/load.ts', line: 4 });
    renameSync(path.join(dir, 'src/main.py'), path.join(dir, 'src/entry.py'));
    await graph.touch(['src/main.py', 'src/entry.py']);
    expect(graph.definitions('main')[0]!.path).toBe('src/entry.py');
    unlinkSync(path.join(dir, 'src/other.ts'));
    await graph.refresh(); // a deletion found by the walk (a shell command's)
    expect(graph.definitions('useOther')).toEqual([]);
    stores.splice(0).forEach((s) => s.close());

    const again = new CodeGraph({ root: dir, store: open(dir, backend) });
    expect(again.definitions('loadAll')[0]).toMatchObject({ path: 'src/load.ts', line: 4 });
    expect(again.definitions('useOther')).toEqual([]);
    expect(again.stats().files).toBe(graph.stats().files);
  });
});

describe('older index formats', () => {
  it('a SQLite row of another format is ignored and its file parsed again', async () => {
    const dir = project({ 'a.ts': 'export function one() {}\n' });
    const store = open(dir, 'auto');
    if (!store.sqlite) return expect(store.backend).toBe('json');
    const graph = new CodeGraph({ root: dir, store });
    await graph.refresh();
    store.sqlite.prepare("UPDATE graph_files SET format = 0, symbols = '{\"garbage\":true}'").run();
    const again = new CodeGraph({ root: dir, store });
    expect(again.stats().files).toBe(0);
    await again.refresh();
    expect(again.definitions('one')).toHaveLength(1);
  });
});

describe('ProjectGraph', () => {
  it("names the stored index's most-called definitions at the next start, before indexing finishes", async () => {
    const dir = project({
      'src/log.ts': 'export function logLine(s: string) { console.log(s); }\n',
      'src/a.ts': "import { logLine } from './log';\nexport function a() { logLine('a'); }\n",
      'src/b.ts': "import { logLine } from './log';\nexport function b() { logLine('b'); }\n",
    });
    const env = { SMALLCODE_DATA_DIR: path.join(dir, 'data') };
    const { ProjectGraph } = await import('../../../runtime/graph/project-graph.js');
    const first = new ProjectGraph({ root: dir, env }).start();
    expect(first.hubsLine()).toBeUndefined(); // nothing stored yet: the first prompt is not delayed
    await first.current();
    await first.close();
    const second = new ProjectGraph({ root: dir, env }).start();
    expect(second.hubsLine()).toBe('Main symbols (code graph; explain_symbol tells more): logLine (src/log.ts:1, called from 2 files)');
    expect(second.projects().map((p) => [p.path, p.files, p.symbols])).toEqual([[dir, 3, 3]]);
    await second.close();
  });
});
