/**
 * npm run bench:overhead — what the harness itself costs:
 *  1. the fixed prompt overhead of a first request in tokens (system prompt + tool schemas),
 *     in full mode and in compact mode (windows ≤ context.compact_at), per request and over a
 *     whole scripted task (where compact mode's extra use_tools round trips are paid),
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
import { ROUTE_TOOL, ToolRouting } from '../runtime/agent/tool-routing.js';
import { countTokens, loadTokenizer } from '../runtime/model/tokens.js';
import { createToolRegistry } from '../runtime/tools/index.js';
import { startScriptedServer, type ScriptedTurn } from '../test/support/scripted-server.js';
import { printTable } from './lib/corpora.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function promptOverhead() {
  await loadTokenizer();
  const dir = await mkdtemp(join(tmpdir(), 'smallcode-bench-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'demo', scripts: { test: 'vitest run', build: 'tsc' }, devDependencies: { vitest: '*', typescript: '*' } }));
  const tools = createToolRegistry({ root: dir, policy: await loadBuiltinPolicy(), sessionId: 'bench' });
  const schemas = countTokens(JSON.stringify(tools.definitions()));
  // Compact mode: what each request carries — the built-in compact_open categories from the start;
  // with compact_open: [] (strict two-stage) the meta tool alone, then each category picked added.
  const policy = await loadBuiltinPolicy();
  const declared = new ToolRouting(tools, () => true, policy.context.compactOpen);
  const compact: Array<{ carries: string; tokens: number }> = [{ carries: `built-in (compact_open: ${declared.categories.join(', ')}): ${declared.offered().map((d) => d.function.name).join(', ')}`, tokens: countTokens(JSON.stringify(declared.offered())) }];
  const routing = new ToolRouting(tools, () => true);
  compact.push({ carries: `compact_open: [] — ${ROUTE_TOOL} only, at first`, tokens: countTokens(JSON.stringify(routing.offered())) });
  for (const category of ['read', 'write', 'search', 'run'] as const) {
    await routing.registry.run({ name: ROUTE_TOOL, arguments: { category } });
    compact.push({ carries: `compact_open: [] — then + ${category}`, tokens: countTokens(JSON.stringify(routing.offered())) });
  }
  const { summarizeProject } = await import('../runtime/agent/project-summary.js');
  const summary = await summarizeProject(dir, {});
  const bare = countTokens(systemPrompt({ root: dir }));
  const withSummary = countTokens(systemPrompt({ root: dir, summary: summary.text, testCommand: summary.commands.test }));
  await tools.dispose();
  await rm(dir, { recursive: true, force: true });
  return { schemas, compact, bare, withSummary, tools: tools.definitions().length };
}

interface WireMessage {
  content?: string | null;
  tool_calls?: Array<{ function: { name: string; arguments: string } }>;
}

/** Prompt tokens of one recorded request: messages (+4 each for the chat template) and tool schemas. */
function requestTokens(body: { messages: WireMessage[]; tools?: unknown[] }): number {
  const messages = body.messages.reduce(
    (n, m) => n + 4 + countTokens(m.content ?? '') + (m.tool_calls ?? []).reduce((k, c) => k + countTokens(c.function.name + c.function.arguments), 0),
    0,
  );
  return messages + countTokens(JSON.stringify(body.tools ?? []));
}

/**
 * One small task (read, patch, run a check, answer) through the engine three ways: full mode;
 * compact mode with a model that calls the tools directly; compact mode with a model that picks
 * each category with use_tools first (one extra request per category, each resending the history).
 */
async function compactTask() {
  const read = { name: 'read_file', arguments: { path: 'notes.txt' } };
  const patch = { name: 'patch', arguments: { path: 'notes.txt', search: 'status: draft', replace: 'status: final' } };
  const bash = { name: 'bash', arguments: { command: 'grep -c final notes.txt' } };
  const route = (category: string): ScriptedTurn => ({ toolCalls: [{ name: ROUTE_TOOL, arguments: { category } }] });
  const direct: ScriptedTurn[] = [{ toolCalls: [read] }, { toolCalls: [patch] }, { toolCalls: [bash] }, { content: 'notes.txt is final now.' }];
  const routed: ScriptedTurn[] = [route('read'), { toolCalls: [read] }, route('write'), { toolCalls: [patch] }, route('run'), { toolCalls: [bash] }, { content: 'notes.txt is final now.' }];
  const notes = Array.from({ length: 30 }, (_, i) => `line ${i + 1}: some project notes`).join('\n') + '\nstatus: draft\n';
  const runs: Array<{ mode: string; requests: number; tokens: number; largest: number }> = [];
  for (const [mode, compactSetting, turns] of [
    ['full (SMALLCODE_COMPACT=false)', 'false', direct],
    ['compact, direct tool calls', 'auto', direct],
    [`compact, ${ROUTE_TOOL} before each category`, 'auto', routed],
  ] as const) {
    const dir = await mkdtemp(join(tmpdir(), 'smallcode-bench-'));
    await writeFile(join(dir, 'notes.txt'), notes);
    const server = await startScriptedServer({ turns: [...turns] });
    const session = await createSession({
      cwd: dir,
      env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', SMALLCODE_CONTEXT_WINDOW: '8192', SMALLCODE_COMPACT: compactSetting },
    });
    const result = await session.agent.run('mark notes.txt as final');
    const requests = server.chatRequests().map((r) => r.body as { messages: WireMessage[]; tools?: unknown[] });
    await session.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
    if (!result.success) throw new Error(`bench run (${mode}) failed: ${result.error}`);
    const sizes = requests.map(requestTokens);
    runs.push({ mode, requests: requests.length, tokens: sizes.reduce((a, b) => a + b, 0), largest: Math.max(...sizes) });
  }
  return runs;
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

console.log(`Tool schemas per request, full vs compact mode (windows ≤ context.compact_at; o200k tokens):`);
printTable(
  ['request carries', 'tokens', 'with prompt'],
  [
    [`full mode: all ${overhead.tools} tools`, overhead.schemas, overhead.schemas + overhead.withSummary],
    ...overhead.compact.map((c) => [`compact: ${c.carries}`, c.tokens, c.tokens + overhead.withSummary]),
  ],
);
const task = await compactTask();
console.log('\nOne task at an 8192-token window (read, patch, check, answer), prompt tokens of its requests:');
printTable(['mode', 'requests', 'sum', 'largest request'], task.map((t) => [t.mode, t.requests, t.tokens, t.largest]));
console.log(`  compact mode saves the schemas on every request, but each ${ROUTE_TOOL} call is one more request that resends the history\n`);

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
