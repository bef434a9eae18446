/**
 * `npm run bench:marrow`: how long MarrowScript compilation takes.
 *  1. Cold: a fresh process compiles agents/*.marrow (module loading, Chevrotain parser set-up and
 *     ts-morph/TypeScript loading included) — what a first start-up with a changed override pays.
 *     Measured as shipped (the compiler bundled like dist/, ts-morph external, plain node) and from
 *     source under tsx (what `npm run build:agents` pays).
 *  2. Growth: generated stress files of 500, 1000 and 2000 lines, check and emit timed separately
 *     in a warm process.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const templateDirs = [join(root, 'templates', 'prompts', 'cognition')];

async function compileBuiltins(): Promise<{ files: number; lines: number }> {
  const { compileSource, transpileToCommonJs } = await import('../compiler/marrow/compile.js');
  let lines = 0;
  const files = readdirSync(join(root, 'agents')).filter((f) => f.endsWith('.marrow'));
  for (const name of files) {
    const source = readFileSync(join(root, 'agents', name), 'utf8');
    lines += source.split('\n').length;
    const result = await compileSource(source, { file: `agents/${name}`, templateDirs });
    if (!result.ok) throw new Error(`agents/${name} has errors`);
    await transpileToCommonJs(result.code!, `${name}.ts`);
  }
  return { files: files.length, lines };
}

/** A file of `lines` lines that exercises every declaration kind. */
export function stressSource(lines: number): string {
  const out = ['agent stress {', '  model local { name: env("SMALLCODE_MODEL") temperature: 0.2 timeout: 30s }', '  model strong { name: "big" optional: true }',
    '  router r { by: session.failure_rate  min_calls: 3  tier a { max: 0.5 -> local } tier b { -> strong } }'];
  let i = 0;
  while (out.length < lines - 1) {
    switch (i % 3) {
      case 0: out.push(
        `  prompt p${i}(message: string, n: int) -> enum("a", "b", "c") {`, '    model: local', '    timeout: 3s',
        '    cache: { key: hash(message, n), ttl: 10m }', '    retry: { max_attempts: 2, backoff: exponential, interval: 100ms }',
        '    on_invalid: [repair, fallback("a")]', '  }');
        break;
      case 1: out.push(`  guard g${i} {`, '    on: tool_call', `    when: calls.identical(window: ${(i % 7) + 2}) >= 3 and session.failure_rate < 0.${(i % 9) + 1}`, '    then: steer("repetition")', '    max_trips: 2', '  }');
        break;
      default: out.push(`  tool t${i} { dedup: window(8)  timeout: 20s  trust: { demote_after: 3, drop_after: 5 } }`);
    }
    i++;
  }
  out.push('}');
  return out.join('\n');
}

if (process.argv.includes('--cold-child')) {
  const started = performance.now();
  const { files, lines } = await compileBuiltins();
  // performance.timeOrigin: process start, so module loading is in the first number.
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ sinceProcessStart: performance.now(), compile: performance.now() - started, cpu: (cpu.user + cpu.system) / 1000, files, lines }));
  process.exit(0);
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;
type Cold = { wall: number; sinceProcessStart: number; compile: number; cpu: number; files: number; lines: number };

function coldRuns(command: string, args: string[]): Cold[] {
  const runs: Cold[] = [];
  for (let run = 0; run < 3; run++) {
    const began = performance.now();
    const out = execFileSync(command, args, { cwd: root, encoding: 'utf8' });
    runs.push({ wall: performance.now() - began, ...(JSON.parse(out) as Omit<Cold, 'wall'>) });
  }
  return runs;
}

function report(title: string, runs: Cold[]): void {
  const best = runs.reduce((a, b) => (b.sinceProcessStart < a.sinceProcessStart ? b : a));
  console.log(`${title} — agents/*.marrow (${best.files} file, ${best.lines} lines), best of 3:`);
  console.log(`  since process start (node start, imports, parser set-up, ts-morph load, compile, transpile): ${fmt(best.sinceProcessStart)}`);
  console.log(`  of which compiler import → compiled + transpiled:                                          ${fmt(best.compile)}`);
  console.log(`  whole child process (wall):                                                                ${fmt(best.wall)}`);
  console.log(`  CPU time of the child (user + system; less sensitive to a busy machine):                   ${fmt(Math.min(...runs.map((r) => r.cpu)))}`);
  console.log(`  runs (since process start): ${runs.map((c) => fmt(c.sinceProcessStart)).join(', ')}\n`);
}

console.log('MarrowScript compile benchmark\n');
// As shipped: bundled like tsup does for dist/ (Chevrotain inlined, ts-morph external).
const { build } = await import('esbuild');
// Inside node_modules/.cache so the bundle resolves ts-morph like dist/ does.
const bundle = join(root, 'node_modules', '.cache', 'marrow-bench', 'cold.mjs');
await build({
  entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle,
  external: ['ts-morph', 'better-sqlite3', 'esbuild'], logLevel: 'silent',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  define: { 'import.meta.url': JSON.stringify(`file://${join(root, 'bench', 'marrow.ts')}`) },
});
report('cold, as shipped (bundled, plain node)', coldRuns(process.execPath, [bundle, '--cold-child']));
report('cold, from source (tsx)', coldRuns(join(root, 'node_modules', '.bin', 'tsx'), [fileURLToPath(import.meta.url), '--cold-child']));

const { checkSource, compileSource } = await import('../compiler/marrow/index.js');
const { emitModule } = await import('../compiler/marrow/emitter.js');
await compileSource(stressSource(50), { file: 'warmup.marrow' }); // load ts-morph once
console.log('stress files, warm process (check = lex+parse+bind+check, emit = ts-morph module + printing), median of 3:');
console.log('  lines   check     emit      total     per 1000 lines');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const lines of [500, 1000, 2000]) {
  const source = stressSource(lines);
  const checks: number[] = [];
  const emits: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const checked = checkSource(source, { file: 'stress.marrow', templateDirs });
    const t1 = performance.now();
    if (!checked.ok) throw new Error(`stress file has errors: ${checked.diagnostics[0]?.message}`);
    await emitModule({ ast: checked.ast, program: checked.program, sourceHash: checked.sourceHash });
    checks.push(t1 - t0);
    emits.push(performance.now() - t1);
  }
  const [check, emit] = [median(checks), median(emits)];
  console.log(`  ${String(lines).padStart(5)}   ${fmt(check).padEnd(9)} ${fmt(emit).padEnd(9)} ${fmt(check + emit).padEnd(9)} ${fmt(((check + emit) / lines) * 1000)}`);
}

// Bad input: error recovery must cost the same per error however many there are, and deep
// nesting must end in a diagnostic (MS005), not a stack overflow.
console.log('\nbad input, warm process (check only):');
for (const strays of [400, 1600, 6400]) {
  const source = `agent a {\n  model: "x"\n}\n${'a: '.repeat(strays)}`;
  const t = performance.now();
  const checked = checkSource(source, { file: 'stray.marrow' });
  const ms = performance.now() - t;
  console.log(`  ${String(strays).padStart(5)} stray 'a:' after the agent: ${fmt(ms).padEnd(8)} (${((ms / strays) * 1000).toFixed(0)} µs per stray token, ${checked.diagnostics.length} diagnostics)`);
}
for (const depth of [60, 3000]) {
  const t = performance.now();
  const checked = checkSource(`agent a {\n  x: ${'['.repeat(depth)}\n}\n`, { file: 'deep.marrow' });
  console.log(`  ${String(depth).padStart(5)} unclosed '[': ${fmt(performance.now() - t)} (${checked.diagnostics.map((d) => d.code).join(', ')})`);
}

// Start-up when nothing changed: the loader evaluates the cached compiled layer, no compiler work.
const { loadAgentLayers } = await import('../runtime/cognition/loader.js');
const project = join(root, 'node_modules', '.cache', 'marrow-bench', 'project');
await loadAgentLayers({ projectRoot: project, userConfigDir: false, env: {} });
const t0 = performance.now();
await loadAgentLayers({ projectRoot: project, userConfigDir: false, env: {} });
console.log(`\nloadAgentLayers with nothing changed (prebuilt or cached layer): ${fmt(performance.now() - t0)}`);
console.log(`(machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
