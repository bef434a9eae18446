/**
 * bench:graph — the code graph against oracles, and its speed.
 *
 * 1. Accuracy on this repository's TypeScript: for each exported function, the TypeScript
 *    language service's references (ts-morph findReferences) that are call sites are the truth;
 *    the graph's callers are compared (precision, recall) and its definition location checked.
 * 2. Accuracy on one Python project (npm's bundled gyp): Python's own `ast` module is the oracle
 *    for definitions; for callers, ast call sites of names defined once in the project.
 * 3. Cold index of ~100k lines of real mixed-language code from node_modules (and half of it,
 *    for linearity), re-index after a one-file edit, query latency, peak memory.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeGraph } from '../runtime/graph/graph.js';
import { languageOf } from '../runtime/graph/languages.js';

const repo = path.resolve(import.meta.dirname, '..');
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');
const ms = (t: number) => `${t.toFixed(1)} ms`;

interface Tally {
  defsOk: number;
  defs: number;
  tp: number;
  fp: number;
  fn: number;
}

function report(label: string, t: Tally): void {
  console.log(`${label}: definitions ${pct(t.defsOk, t.defs)} (${t.defsOk}/${t.defs}); callers precision ${pct(t.tp, t.tp + t.fp)}, recall ${pct(t.tp, t.tp + t.fn)} (tp ${t.tp}, fp ${t.fp}, fn ${t.fn})`);
}

async function typescriptAccuracy(): Promise<void> {
  const { Project, Node, SyntaxKind } = await import('ts-morph');
  const project = new Project({ tsConfigFilePath: path.join(repo, 'tsconfig.json') });
  const graph = new CodeGraph({ root: repo });
  const started = performance.now();
  await graph.refresh();
  console.log(`repository index: ${graph.stats().files} files, ${graph.stats().symbols} symbols in ${ms(performance.now() - started)}`);
  const t: Tally = { defsOk: 0, defs: 0, tp: 0, fp: 0, fn: 0 };
  const files = project.getSourceFiles().filter((f) => /\/(runtime|compiler)\//.test(f.getFilePath()) && !f.getFilePath().includes('node_modules'));
  for (const file of files) {
    const rel = path.relative(repo, file.getFilePath());
    for (const fn of file.getFunctions()) {
      if (!fn.isExported() || !fn.getName() || !fn.hasBody()) continue;
      const name = fn.getName()!;
      const line = fn.getStartLineNumber(false);
      t.defs++;
      const def = graph.definitions(name).find((d) => d.path === rel && d.line === fn.getNameNode()!.getStartLineNumber());
      if (def) t.defsOk++;
      const truth = new Set<string>();
      for (const ref of fn.findReferencesAsNodes()) {
        const parent = ref.getParent();
        const callee = parent && Node.isPropertyAccessExpression(parent) && parent.getNameNode() === ref ? parent : ref;
        const call = callee.getParent();
        if (!call || !(call.isKind(SyntaxKind.CallExpression) || call.isKind(SyntaxKind.NewExpression)) || (call as any).getExpression() !== callee) continue;
        const refPath = path.relative(repo, ref.getSourceFile().getFilePath());
        if (refPath.includes('node_modules')) continue;
        truth.add(`${refPath}:${ref.getStartLineNumber()}`);
      }
      void line;
      const found = new Set(def ? graph.callers(def).map((c) => `${c.path}:${c.line}`) : []);
      for (const k of found) (truth.has(k) ? t.tp++ : t.fp++);
      for (const k of truth) if (!found.has(k)) t.fn++;
    }
  }
  report('TypeScript (this repository, exported functions vs ts-morph findReferences)', t);
}

const ORACLE_PY = String.raw`
import ast, json, os, sys
root = sys.argv[1]; defs = []; calls = []
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.py'): continue
        p = os.path.join(d, f); rel = os.path.relpath(p, root)
        try: tree = ast.parse(open(p, encoding='utf8').read())
        except Exception: continue
        for n in ast.walk(tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): defs.append([rel, n.name, n.lineno + len(n.decorator_list) * 0])
            if isinstance(n, ast.Call):
                fn = n.func
                name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
                if name: calls.append([rel, name, fn.end_lineno if isinstance(fn, ast.Attribute) else n.lineno])
print(json.dumps({'defs': defs, 'calls': calls}))
`;

async function pythonAccuracy(): Promise<void> {
  const gyp = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'gyp');
  if (!existsSync(gyp)) return console.log(`Python: skipped (npm's bundled gyp not found at ${gyp})`);
  const oracle = JSON.parse(execFileSync('python3', ['-c', ORACLE_PY, gyp], { encoding: 'utf8', maxBuffer: 64 << 20 })) as { defs: [string, string, number][]; calls: [string, string, number][] };
  const graph = new CodeGraph({ root: gyp });
  await graph.refresh();
  const t: Tally = { defsOk: 0, defs: 0, tp: 0, fp: 0, fn: 0 };
  const defCount = new Map<string, number>();
  for (const [, name] of oracle.defs) defCount.set(name, (defCount.get(name) ?? 0) + 1);
  for (const [rel, name, line] of oracle.defs) {
    t.defs++;
    const def = graph.definitions(name).find((d) => d.path === rel && (d.line === line || d.signature.includes(name) && Math.abs(d.line - line) <= 0));
    if (def) t.defsOk++;
    if (!def || defCount.get(name) !== 1) continue;
    const truth = new Set(oracle.calls.filter((c) => c[1] === name).map((c) => `${c[0]}:${c[2]}`));
    const found = new Set(graph.callers(def).map((c) => `${c.path}:${c.line}`));
    for (const k of found) (truth.has(k) ? t.tp++ : t.fp++);
    for (const k of truth) if (!found.has(k)) t.fn++;
  }
  report(`Python (npm's gyp, ${graph.stats().files} files, vs Python's ast; callers of names defined once)`, t);
}

/** Real code from node_modules, copied into a folder of its own, until `lines` lines. */
function corpus(lines: number, into: string): { files: number; lines: number; byLang: Record<string, number> } {
  const quotas: Array<[RegExp, number]> = [[/\.(c|cc|cpp|h|hpp)$/, 0.15], [/\.py$/, 0.15], [/\.ts$/, 0.3], [/\.(js|mjs|cjs)$/, 0.4]];
  const sources = [path.join(repo, 'node_modules'), path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp')];
  const byLang: Record<string, number> = {};
  let total = 0;
  let files = 0;
  for (const [pattern, share] of quotas) {
    let taken = 0;
    const walk = (dir: string): void => {
      if (taken >= lines * share) return;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      } catch {
        return;
      }
      for (const e of entries) {
        if (taken >= lines * share) return;
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!/^(\.|test|tests|dist|min)/.test(e.name)) walk(abs);
        } else if (pattern.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.includes('.min.') && languageOf(e.name)) {
          const size = statSync(abs).size;
          if (size > 200_000 || size < 200) continue;
          const n = readFileSync(abs, 'utf8').split('\n').length;
          const rel = `${files}-${e.name}`;
          copyFileSync(abs, path.join(into, rel));
          files++;
          taken += n;
          const lang = languageOf(e.name)!.id;
          byLang[lang] = (byLang[lang] ?? 0) + n;
        }
      }
    };
    for (const s of sources) walk(s);
    total += taken;
  }
  return { files, lines: total, byLang };
}

async function speed(): Promise<void> {
  for (const size of [50_000, 100_000]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-graph-'));
    try {
      const c = corpus(size, dir);
      const graph = new CodeGraph({ root: dir });
      const started = performance.now();
      await graph.refresh();
      const cold = performance.now() - started;
      console.log(`cold index: ${c.lines} lines in ${c.files} files (${Object.entries(c.byLang).map(([l, n]) => `${l} ${n}`).join(', ')}): ${(cold / 1000).toFixed(2)} s (${Math.round(c.lines / (cold / 1000))} lines/s); ${graph.stats().symbols} symbols`);
      if (size !== 100_000) continue;
      const one = readdirSync(dir).find((f) => f.endsWith('.js'))!;
      writeFileSync(path.join(dir, one), `${readFileSync(path.join(dir, one), 'utf8')}\nfunction benchAdded() { return benchAdded(); }\n`);
      let t = performance.now();
      await graph.touch([one]);
      console.log(`re-index after a one-file edit: ${ms(performance.now() - t)}`);
      t = performance.now();
      await graph.refresh();
      console.log(`refresh walk with nothing changed: ${ms(performance.now() - t)}`);
      const names = graph.search('e', { limit: 200 }).map((d) => d.name);
      const queries = ['parse', 'readFile', 'createServer', 'toString', 'emit', 'sqlite3_exec', 'get_config', 'resolve', 'Buffer', 'walk'];
      t = performance.now();
      for (let i = 0; i < 100; i++) graph.search(queries[i % queries.length]!, { limit: 10 });
      console.log(`graph_search: ${ms((performance.now() - t) / 100)} per query (mean of 100)`);
      t = performance.now();
      let n = 0;
      for (const name of names.slice(0, 100)) {
        const def = graph.definitions(name)[0];
        if (!def) continue;
        graph.callers(def);
        graph.callees(def);
        graph.importers(def.name);
        n++;
      }
      console.log(`explain_symbol (callers + callees + importers): ${ms((performance.now() - t) / Math.max(n, 1))} per symbol (mean of ${n})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await typescriptAccuracy();
await pythonAccuracy();
await speed();
clearInterval(sample);
console.log(`peak RSS: ${Math.round(peakRss / 1048576)} MiB (the whole benchmark, ts-morph's project included)`);
void mkdirSync;
