/**
 * `npm run fuzz [-- --seconds 20 --seed 1] [--inputs N]`: seeded random-mutation fuzzing of the parts that
 * read untrusted text — the MarrowScript and BoneScript compilers (`checkSource`, `checkBone`),
 * the tool-call parser (`parseToolCalls`, `repairJson`) and the patch engine (`applyEdits`,
 * `mergeElidedRewrite`, the edit-block parser). Seeds are files of this repository, mutated by
 * deleting, duplicating, inserting markers and brackets, and repeating slices (the shapes that
 * found quadratic paths and stack overflows before). Each target gets an equal share of the time.
 *
 * A crash is any exception other than the target's documented one (EditError,
 * EditBlockSyntaxError); a hang is one input that takes more than --hang-ms of CPU time (default
 * 2000; the calls are synchronous, so it is measured, not interrupted; CPU time, so that a machine
 * busy with other work does not make an input look slow). Prints inputs tried, crashes, hangs and the
 * slowest inputs per target, and exits 1 on any crash or hang. Same seed, same inputs.
 * `--inputs N` stops each target after N inputs instead of after its share of the time (the run
 * is then the same on every machine, however fast: CI runs it so, test/e2e/bench/fuzz.test.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBone } from '../compiler/bone/index.js';
import { checkSource } from '../compiler/marrow/index.js';
import { applyEdits, EditBlockSyntaxError, EditError, mergeElidedRewrite, parseEditBlocks } from '../runtime/edit/index.js';
import { parseToolCalls, repairJson } from '../runtime/model/toolcalls/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 20);
const seed = arg('seed', 1);
const hangMs = arg('hang-ms', 2000);
const inputsPerTarget = arg('inputs', 0);
for (const [name, value] of [['seconds', seconds], ['seed', seed], ['hang-ms', hangMs], ['inputs', inputsPerTarget]] as const) {
  if (!Number.isFinite(value) || value < 0) {
    console.error(`fuzz: --${name} must be a number of at least 0 (got '${process.argv[process.argv.indexOf(`--${name}`) + 1]}')`);
    process.exit(2);
  }
}

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const read = (path: string) => readFileSync(join(root, path), 'utf8');
const TOKENS = ['{', '}', '[', ']', '(', ')', ':', ',', '"', "'", '\\', '\n', '<', '>', '</', '/>', '```', '...', '// ... existing code ...', '<<<<<<< SEARCH\n', '=======\n', '>>>>>>> REPLACE\n',
  '<tool_call>', '</tool_call>', '{"name": "read_file", "arguments": {', '<|tool_call_begin|>', '[TOOL_CALLS]', 'a: ', '\u00a0', '\t', '\uFEFF', '\r\n', '𝔘', 'ｆ'];

/** One random change of the text: the mutations that found bugs before, and plain noise. */
function mutate(text: string): string {
  const at = int(text.length + 1);
  switch (int(7)) {
    case 0: return text.slice(0, at) + text.slice(at + 1 + int(40));
    case 1: return text.slice(0, at) + pick(TOKENS) + text.slice(at);
    case 2: return text.slice(0, at) + pick(TOKENS).repeat(1 + int(3000)) + text.slice(at); // deep nesting, long runs
    case 3: { const s = text.slice(at, at + 1 + int(80)); return text.slice(0, at) + s.repeat(1 + int(200)) + text.slice(at); }
    case 4: return text.slice(0, at); // cut anywhere
    case 5: return text.slice(0, at) + String.fromCharCode(int(0x3000)) + text.slice(at + 1);
    default: { const from = int(text.length); return text.slice(0, at) + text.slice(from, from + int(200)) + text.slice(at); }
  }
}
const mutated = (text: string) => {
  let out = text;
  for (let n = 1 + int(4); n > 0; n--) out = mutate(out);
  return out;
};

const tools = [
  { type: 'function' as const, function: { name: 'read_file', description: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } },
  { type: 'function' as const, function: { name: 'patch', description: 'edit', parameters: { type: 'object', properties: { path: { type: 'string' }, search: { type: 'string' }, replace: { type: 'string' } } } } },
];
const callSeeds = [
  '<tool_call>\n{"name": "read_file", "arguments": {"path": "src/a.ts"}}\n</tool_call>',
  'I will read it.\n```json\n{"name": "patch", "arguments": {"path": "a.ts", "search": "x = 1", "replace": "x = 2"}}\n```',
  '[TOOL_CALLS]read_file[ARGS]{"path": "a.ts"}',
  '<function=read_file><parameter=path>a.ts</parameter></function>',
  "{'name': 'read_file', 'arguments': {'path': 'a\\'s.ts'}}",
];
const code = read('runtime/edit/text.ts');
const codeLines = code.split('\n');

interface Target {
  name: string;
  seeds: string[];
  run(input: string): void;
  /** Exceptions the target documents for bad input. */
  expected?(err: unknown): boolean;
}
const isEditError = (err: unknown) => err instanceof EditError || err instanceof EditBlockSyntaxError;
const targets: Target[] = [
  { name: 'marrow checkSource', seeds: [read('agents/core.marrow')], run: (s) => void checkSource(s, { file: 'fuzz.marrow' }) },
  { name: 'bone checkBone', seeds: ['examples/todo.bone', 'examples/shop.bone'].map(read), run: (s) => void checkBone(s, 'fuzz.bone') },
  { name: 'parseToolCalls', seeds: callSeeds, run: (s) => void parseToolCalls(s, tools) },
  { name: 'repairJson', seeds: callSeeds.map((s) => s.slice(s.indexOf('{'))), run: (s) => void repairJson(s) },
  {
    name: 'applyEdits (search/replace)',
    seeds: [code],
    run: (s) => {
      const from = int(codeLines.length);
      const search = codeLines.slice(from, from + 1 + int(8)).join('\n');
      applyEdits(s, [{ search: random() < 0.5 ? mutated(search) : search, replace: mutated(search) }, { search: mutated(search), replace: '' }]);
    },
    expected: isEditError,
  },
  { name: 'parseEditBlocks', seeds: [`a.ts\n<<<<<<< SEARCH\n${codeLines.slice(3, 9).join('\n')}\n=======\nnew\n>>>>>>> REPLACE\n`], run: (s) => void parseEditBlocks(s), expected: isEditError },
  { name: 'mergeElidedRewrite', seeds: [code], run: (s) => void mergeElidedRewrite(code, s.includes('...') ? s : `// ... existing code ...\n${s}`), expected: isEditError },
];

interface Slow { ms: number; input: string }
let failed = false;
const budget = inputsPerTarget ? `${inputsPerTarget} inputs per target` : `${seconds} s over ${targets.length} targets`;
console.log(`fuzz: seed ${seed}, ${budget}, hang above ${hangMs} ms\n`);
for (const target of targets) {
  const until = performance.now() + (seconds * 1000) / targets.length;
  let tried = 0;
  const crashes: Array<{ input: string; error: string }> = [];
  const slowest: Slow[] = [];
  while (inputsPerTarget ? tried < inputsPerTarget : performance.now() < until) {
    const input = mutated(pick(target.seeds));
    const started = process.cpuUsage();
    try {
      target.run(input);
    } catch (err) {
      if (!target.expected?.(err)) crashes.push({ input, error: (err as Error)?.stack?.split('\n').slice(0, 4).join(' | ') ?? String(err) });
    }
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    tried++;
    slowest.push({ ms, input });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, 3);
  }
  const hangs = slowest.filter((s) => s.ms > hangMs);
  if (crashes.length || hangs.length) failed = true;
  const show = (s: string) => JSON.stringify(s.length > 160 ? `${s.slice(0, 80)}…(${s.length} chars)…${s.slice(-60)}` : s);
  console.log(`${target.name}: ${tried} inputs, ${crashes.length} crashes, ${hangs.length} hangs, slowest ${slowest.map((s) => `${s.ms.toFixed(0)} ms`).join(', ')} (CPU)`);
  for (const c of crashes.slice(0, 3)) console.log(`  crash: ${c.error}\n    input: ${show(c.input)}`);
  for (const s of slowest.slice(0, 1)) console.log(`  slowest input (${s.ms.toFixed(0)} ms, ${s.input.length} chars): ${show(s.input)}`);
}
process.exit(failed ? 1 : 0);
