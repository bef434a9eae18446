/**
 * `npm run bench:bone [-- --json]`
 *
 * Compile times of the BoneScript compiler: the examples, and generated systems of 50/100/200
 * entities with twice as many capabilities (each entity: 5 fields, constraints, a state machine,
 * a relation to the previous entity, an index; each capability: requires, effects, an event).
 * Columns: front end (parse + check + lower), emit (view model + templates + migrations, in
 * memory), write (compare and write the files), and the whole `compileBoneSource` into a fresh
 * folder. Times are CPU time of this process (wall time on a shared machine measures the
 * neighbours; it is printed too). A cold run first pays module loading and template compilation;
 * the best of three warm runs after it is reported, as a long-lived agent process sees it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileBoneSource, compileBoneSystem } from '../compiler/bone/compile.js';
import { emitProject } from '../compiler/bone/emit/index.js';
import { checkBone } from '../compiler/bone/index.js';
import { printTable } from './lib/corpora.js';

/** A system of `entities` entities and `2 × entities` capabilities, in ordinary BoneScript. */
export function syntheticSystem(entities: number): string {
  const out: string[] = ['system Synthetic {', '  domain: benchmark', ''];
  for (let i = 0; i < entities; i++) {
    const parent = i > 0 ? `E${i - 1}` : undefined;
    out.push(
      `  entity E${i} {`,
      `    owns: [${parent ? `parent_id: uuid, ` : ''}name: string, amount: uint = 0, price: uint, kind: string = "a", note: optional<string>]`,
      `    constraints: [name.length in 1..100, price > 0, kind in ["a", "b", "c"]]`,
      `    states: draft -> active -> closed | archived`,
      `    auth: ${i % 2 === 0 ? 'jwt' : 'none'}`,
      ...(parent ? [`    relation parent: belongs_to ${parent}`] : []),
      `    index: [name, kind]`,
      `  }`,
      '',
      `  event Changed${i} { payload: { e${i}_id: uuid, amount: uint }  delivery: at_least_once }`,
      '',
      `  capability add_${i}(item: E${i}, amount: uint) {`,
      `    requires: [item.state == "active", amount > 0, amount <= 1000]`,
      `    effects: [item.amount += amount]`,
      `    emits: Changed${i}`,
      `    timeout: 5s`,
      `  }`,
      '',
      `  capability take_${i}(item: E${i}, amount: uint) {`,
      `    requires: [item.amount >= amount]`,
      `    effects: [item.amount -= amount]`,
      `    retry: { max_attempts: 3, backoff: exponential, interval: 100ms }`,
      `    idempotent: true`,
      `  }`,
      '',
    );
  }
  out.push('  policy limits { rate_limit: 100 per 1m  access: [user, admin]  audit: true }', '}', '');
  return out.join('\n');
}

/** CPU milliseconds (user + system) of this process: wall time on a shared 2-core machine mostly measures the neighbours. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function time<T>(run: () => T): { value: T; ms: number } {
  const started = cpuMs();
  const value = run();
  return { value, ms: cpuMs() - started };
}

async function measure(name: string, source: string, file: string, workDir: string) {
  const runOnce = async (tag: string) => {
    const front = time(() => checkBone(source, file));
    const ir = front.value.ir;
    if (!ir) throw new Error(`${name} does not check:\n${front.value.diagnostics.map((d) => `${d.span.start.line}: ${d.message}`).join('\n')}`);
    const emit = time(() => emitProject(ir));
    const writeDir = path.join(workDir, `${name}-${tag}-write`);
    const write = time(() => compileBoneSystem(ir, { outDir: writeDir }));
    const started = cpuMs();
    const wallStarted = performance.now();
    const whole = await compileBoneSource(source, file, { outDir: path.join(workDir, `${name}-${tag}-whole`) });
    const total = cpuMs() - started;
    const wall = performance.now() - wallStarted;
    if (!whole.ok) throw new Error(`${name} failed to compile`);
    return { front: front.ms, emit: emit.ms, write: Math.max(0, write.ms - emit.ms), total, wall, files: whole.filesWritten.length, lines: source.split('\n').length, ir };
  };
  await runOnce('cold');
  // The best of three warm runs: the least disturbed by whatever else the machine is doing.
  const runs = [await runOnce('warm1'), await runOnce('warm2'), await runOnce('warm3')];
  const best = runs.reduce((a, b) => (b.total < a.total ? b : a));
  return { name, entities: best.ir.entities.length, capabilities: best.ir.capabilities.length, lines: best.lines, files: best.files, front: best.front, emit: best.emit, write: best.write, total: best.total, wall: best.wall };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bone-'));
  const rows: Awaited<ReturnType<typeof measure>>[] = [];
  try {
    const examples = path.resolve(import.meta.dirname, '../examples');
    for (const name of fs.readdirSync(examples).filter((f) => f.endsWith('.bone')).sort()) {
      rows.push(await measure(name, fs.readFileSync(path.join(examples, name), 'utf8'), path.join(examples, name), workDir));
    }
    for (const size of [50, 100, 200]) {
      rows.push(await measure(`synthetic-${size}`, syntheticSystem(size), `synthetic-${size}.bone`, workDir));
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  printTable(
    ['system', 'entities', 'capabilities', '.bone lines', 'files', 'front end', 'emit', 'write', 'compile (CPU)', 'compile (wall)'],
    rows.map((r) => [r.name, r.entities, r.capabilities, r.lines, r.files, ms(r.front), ms(r.emit), ms(r.write), ms(r.total), ms(r.wall)]),
  );
  console.log(`\nCPU time of this process (best of 3 warm runs); load average now ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores.`);
  const biggest = rows.find((r) => r.name === 'synthetic-200');
  if (biggest) console.log(`\n200 entities / ${biggest.capabilities} capabilities: ${ms(biggest.total)} (target < 2000 ms) ${biggest.total < 2000 ? 'OK' : 'OVER'}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) await main();
