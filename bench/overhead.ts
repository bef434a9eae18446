/**
 * npm run bench:overhead — what the harness itself costs:
 *  1. the fixed prompt overhead of a first request in tokens (system prompt + tool schemas),
 *  2. the median harness time per turn against a scripted server that answers instantly,
 *  3. the cold start of `smallcode --version`.
 * Numbers, not assertions: run it on the machine you care about.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBuiltinPolicy } from '../runtime/cognition/loader.js';
import { systemPrompt } from '../runtime/agent/prompt.js';
import { createSession } from '../runtime/agent/session.js';
import { countTokens, loadTokenizer } from '../runtime/model/tokens.js';
import { createToolRegistry } from '../runtime/tools/index.js';
import { startScriptedServer } from '../test/support/scripted-server.js';
import { printTable } from './lib/corpora.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function promptOverhead() {
  await loadTokenizer();
  const dir = await mkdtemp(join(tmpdir(), 'smallcode-bench-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'demo', scripts: { test: 'vitest run', build: 'tsc' }, devDependencies: { vitest: '*', typescript: '*' } }));
  const tools = createToolRegistry({ root: dir, policy: await loadBuiltinPolicy(), sessionId: 'bench' });
  const schemas = countTokens(JSON.stringify(tools.definitions()));
  const { summarizeProject } = await import('../runtime/agent/project-summary.js');
  const summary = await summarizeProject(dir, {});
  const bare = countTokens(systemPrompt({ root: dir }));
  const withSummary = countTokens(systemPrompt({ root: dir, summary: summary.text, testCommand: summary.commands.test }));
  await tools.dispose();
  await rm(dir, { recursive: true, force: true });
  return { schemas, bare, withSummary, tools: tools.definitions().length };
}

async function harnessPerTurn(turns: number) {
  const dir = await mkdtemp(join(tmpdir(), 'smallcode-bench-'));
  await writeFile(join(dir, 'a.txt'), 'hello\n'.repeat(20));
  const script = Array.from({ length: turns }, (_, i) => ({
    toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt', start_line: (i % 10) + 1 } }],
    chunkSize: 4096,
  }));
  const server = await startScriptedServer({ turns: [...script, { content: 'done', chunkSize: 4096 }] });
  const toolMs: number[] = [];
  const session = await createSession({
    cwd: dir,
    env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', SMALLCODE_DEDUP: 'false' },
    policy: (p) => ({ ...p, loop: { maxTurns: turns + 5 } }),
    emit: (event, payload) => {
      if (event === 'tool_end') toolMs.push((payload as { ms: number }).ms);
    },
  });
  const started = performance.now();
  const result = await session.agent.run('read a.txt many times');
  const total = performance.now() - started;
  const arrivals = server.chatRequests().map((r) => r.receivedAt);
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
  await session.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
  if (!result.success) throw new Error(`bench run failed: ${result.error}`);
  return { turns: result.turns, total, gap: median(gaps), tool: median(toolMs), harness: median(gaps.map((g, i) => g - (toolMs[i] ?? 0))) };
}

function coldStart(runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'smallcode.js'), '--version'], { encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`smallcode --version failed: ${r.stderr}`);
  }
  return { median: median(times), min: Math.min(...times) };
}

const overhead = await promptOverhead();
console.log('Fixed prompt overhead of a first request (o200k tokens):');
printTable(
  ['part', 'tokens'],
  [
    [`tool schemas (${overhead.tools} tools)`, overhead.schemas],
    ['system prompt, empty project', overhead.bare],
    ['system prompt, Node project summary', overhead.withSummary],
    ['total (schemas + prompt with summary)', overhead.schemas + overhead.withSummary],
  ],
);
console.log('  aim: ≤ 1,500 tokens\n');

const turns = await harnessPerTurn(40);
console.log(`Harness time per turn (${turns.turns} turns against an instant scripted server, read_file each turn):`);
printTable(
  ['measure', 'ms'],
  [
    ['median gap between model requests', turns.gap.toFixed(2)],
    ['median tool execution', turns.tool.toFixed(2)],
    ['median harness time per turn (gap − tool)', turns.harness.toFixed(2)],
  ],
);
console.log('  aim: < 5 ms (includes local HTTP + SSE parsing through the openai SDK)\n');

const cold = coldStart(10);
console.log('Cold start of `smallcode --version` (10 runs):');
printTable(['measure', 'ms'], [['median', cold.median.toFixed(1)], ['min', cold.min.toFixed(1)]]);
console.log('  aim: < 200 ms');
