import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../../compiler/common/index.js';
import { compileSource, transpileToCommonJs } from '../../../compiler/marrow/index.js';
import { compileFileToDir } from '../../../compiler/marrow/files.js';
import type { AgentPolicy } from '../../../runtime/agent/policy.js';

/** The defaults the docs promise; agents/core.marrow is the only place the engine takes them from. */
const DOCUMENTED_DEFAULTS: AgentPolicy = {
  context: { toolResultMaxChars: 4000, evictAt: 0.8, evictTo: 0.3, readGuard: 0.5, keepRecentTurns: 4, replyReserveTokens: 1024, replyReserveMaxShare: 0.25, defaultContextWindow: 8192, compactMaxWindow: 16384, compactOpen: ['read', 'search', 'write', 'run'], skillsListMaxTokens: 300, mcpWaitMs: 5000, mcpCallTimeoutMs: 120_000 },
  loop: { maxTurns: 25 },
  memory: { maxEntries: 3, maxTokens: 400, maxAgeMs: 90 * 86_400_000 },
  model: {
    timeoutMs: 300_000,
    idleTimeoutMs: 60_000,
    retryBudgetMs: 900_000,
    waitNoticeMs: 15_000,
    maxOutputTokens: 16384,
    retry: { maxAttempts: 4, backoff: 'exponential', intervalMs: 500, jitter: true },
    thinkingBudgetTokens: 2000,
    temperature: 0.2,
  },
  shell: { persist: true, timeoutMs: 120_000 },
  tools: {
    read_file: { dedupWindow: 8 },
    search: { dedupWindow: 8 },
    find_files: { dedupWindow: 8 },
    write_file: { readBeforeWrite: true },
    patch: { trust: { demoteAfter: 3, dropAfter: 5, scope: 'task' }, retryTemperatures: [-0.15, 0.15, 0] },
    bash: { timeoutMs: 120_000 },
  },
};
import { EnvReader, evaluateLayerModule, factsFromSnapshot, loadAgentLayers, mergeDefined, describeLayers, Tracer } from '../../../runtime/cognition/index.js';
import { scriptedHost, tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..', '..');
// One compile cache for the whole file: the built-in layer is compiled once, not per test.
const cacheDir = tempDir('marrow-cache-');
const builtinDir = tempDir('builtin-');

function project(files: Record<string, string> = {}): string {
  const dir = tempDir('project-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
const load = (projectRoot: string, extra: Partial<Parameters<typeof loadAgentLayers>[0]> = {}) =>
  loadAgentLayers({ projectRoot, userConfigDir: false, env: {}, cacheDir, builtinDir, ...extra });

beforeAll(() => {
  // A copy of agents/ without a prebuilt .compiled folder, so the loader's own compile path runs.
  copyFileSync(join(root, 'agents', 'core.marrow'), join(builtinDir, 'core.marrow'));
});

describe('the built-in layer', () => {
  it('declares exactly the documented defaults when no environment variable is set', async () => {
    const compiled = await compileSource(readFileSync(join(root, 'agents', 'core.marrow'), 'utf8'), { file: 'agents/core.marrow' });
    const layer = evaluateLayerModule(await transpileToCommonJs(compiled.code!, 'core.ts'), 'core.cjs');
    // The layer's own patch, on an empty base: every number comes from core.marrow.
    expect(mergeDefined({}, layer.policy(new EnvReader({})))).toEqual(DOCUMENTED_DEFAULTS);
    const agent = await load(project());
    expect(agent.diagnostics).toEqual([]);
    expect(agent.policy).toEqual(DOCUMENTED_DEFAULTS);
    expect(Object.keys(agent.prompts)).toEqual(['classify_task', 'diagnose_error', 'plan_task', 'summarize_history']);
    expect(agent.guards.map((g) => g.name)).toEqual(['repetition', 'patch_spiral', 'empty_turn', 'forgotten_task', 'greeting_regression']);
    expect(agent.compressPrompt).toBe('summarize_history');
    expect(agent.plan).toMatchObject({ maxSteps: 8, validate: ['lint', 'compile', 'test'] });
    const rt = agent.createRuntime(scriptedHost([]).host);
    const words = (n: number) => Array(n).fill('word').join(' ');
    expect(rt.shouldPlan(factsFromSnapshot({ task: { kind: 'coding', message: words(40) } }))).toBe(true);
    expect(rt.shouldPlan(factsFromSnapshot({ task: { kind: 'coding', message: words(5) } }))).toBe(false);
    expect(rt.shouldPlan(factsFromSnapshot({ task: { kind: 'chat', message: words(40) } }))).toBe(false);
  }, 60_000);

  it('reads the SMALLCODE_* environment', async () => {
    const agent = await load(project(), {
      env: { SMALLCODE_MODEL: 'qwen2.5-coder', SMALLCODE_BASE_URL: 'http://127.0.0.1:9/v1', SMALLCODE_MODEL_TIMEOUT: '120', SMALLCODE_THINKING_BUDGET: '500', SMALLCODE_MODEL_STRONG: 'big' },
    });
    expect(agent.policy.model.timeoutMs).toBe(120_000);
    expect(agent.policy.model.thinkingBudgetTokens).toBe(500);
    expect(agent.models.local).toMatchObject({ name: 'qwen2.5-coder', endpoint: 'http://127.0.0.1:9/v1', available: true });
    expect(agent.models.strong).toMatchObject({ name: 'big', endpoint: 'http://127.0.0.1:9/v1', available: true });
    expect(agent.models.medium!.available).toBe(false);
  });

  it('reports an unparsable environment value and keeps the default', async () => {
    const agent = await load(project(), { env: { SMALLCODE_MODEL_TIMEOUT: 'soon' } });
    expect(agent.policy.model.timeoutMs).toBe(300_000);
    expect(agent.envProblems).toEqual(['SMALLCODE_MODEL_TIMEOUT=soon is not a duration such as 300s; using 300000']);
  });

  it('uses the prebuilt output of build:agents when it matches the source', async () => {
    const dir = tempDir('prebuilt-');
    copyFileSync(join(root, 'agents', 'core.marrow'), join(dir, 'core.marrow'));
    await compileFileToDir(join(dir, 'core.marrow'), join(dir, '.compiled'), { file: 'agents/core.marrow' });
    const agent = await load(project(), { builtinDir: dir });
    expect(agent.layers[0]).toMatchObject({ origin: 'builtin', file: 'agents/core.marrow', from: 'prebuilt', status: 'loaded' });
    expect(agent.policy).toEqual(DOCUMENTED_DEFAULTS);
  });
});

describe('override layers', () => {
  const override = `
    context { evict_at: 70% }
    tool patch { trust: { demote_after: 2, drop_after: 4 } }
    guard repetition { on: tool_call  when: calls.identical(window: 4) >= 2  then: steer("repetition")  max_trips: 5 }
    prompt classify_task(message: string) -> enum("coding", "editing", "search", "question", "chat") {
      model: local
      template: "classify_task"
      on_invalid: fallback("coding")
    }`;

  it('changes the policy field by field and replaces declarations by name', async () => {
    const agent = await load(project({ '.smallcode/agents/mine.marrow': override }));
    expect(agent.diagnostics).toEqual([]);
    expect(agent.layers.map((l) => [l.origin, l.file, l.status])).toEqual([['builtin', 'agents/core.marrow', 'loaded'], ['project', '.smallcode/agents/mine.marrow', 'loaded']]);
    expect(agent.policy.context).toEqual({ ...DOCUMENTED_DEFAULTS.context, evictAt: 0.7 });
    expect(agent.policy.tools.patch).toEqual({ trust: { demoteAfter: 2, dropAfter: 4, scope: 'task' }, retryTemperatures: [-0.15, 0.15, 0] });
    expect(agent.guards.map((g) => [g.name, g.maxTrips])).toEqual([['repetition', 5], ['patch_spiral', 2], ['empty_turn', 2], ['forgotten_task', 2], ['greeting_regression', undefined]]);
    expect(agent.prompts.classify_task!.loc).toBe('.smallcode/agents/mine.marrow:5');
    const { host } = scriptedHost(['nonsense']);
    const rt = agent.createRuntime(host, { tracer: new Tracer() });
    expect(await rt.classifyTask('anything')).toBe('coding');
    expect(describeLayers(agent)).toContain('guard repetition  (.smallcode/agents/mine.marrow:4, project)');
    expect(agent.describe(rt)).toContain('prompt classify_task  (.smallcode/agents/mine.marrow:5, project)  [calls 1, invalid 1, fallbacks 1, tokens');
  });

  it('applies the user config dir after the project', async () => {
    const userDir = tempDir('user-');
    mkdirSync(join(userDir, 'agents'));
    writeFileSync(join(userDir, 'agents', 'me.marrow'), 'context { evict_at: 60% }');
    const agent = await load(project({ '.smallcode/agents/mine.marrow': 'context { evict_at: 70%  keep_recent_turns: 6 }' }), { userConfigDir: userDir });
    expect(agent.policy.context).toMatchObject({ evictAt: 0.6, keepRecentTurns: 6 });
    expect(agent.layers.map((l) => l.origin)).toEqual(['builtin', 'project', 'user']);
  });

  it('reports a broken override with file:line:col and keeps the built-in policy', async () => {
    const dir = project({ '.smallcode/agents/broken.marrow': 'context {\n  evict_at: 70%\n  keep_recent_turns: 4 turns\n}\nguard g { on: reply when: sesion.turn > 1 then: continue }\n' });
    const agent = await load(dir);
    expect(agent.policy).toEqual(DOCUMENTED_DEFAULTS);
    expect(agent.layers[1]).toMatchObject({ status: 'failed', file: '.smallcode/agents/broken.marrow' });
    const text = formatDiagnostics(agent.diagnostics, agent.sources);
    expect(text).toContain(".smallcode/agents/broken.marrow:5:27: error MS012: unknown fact 'sesion.turn' (did you mean 'session.turn'?)");
    expect(agent.diagnostics.map((d) => d.code)).toEqual(['MS030', 'MS012']);
    expect(agent.layers[0]!.status).toBe('loaded');
  });

  it('recompiles only a file that changed', async () => {
    const dir = project({ '.smallcode/agents/a.marrow': 'budget { max_turns: 30 }' });
    expect((await load(dir)).layers[1]!.from).toBe('compiled');
    const again = await load(dir);
    expect(again.layers.map((l) => l.from)).toEqual(['cache', 'cache']);
    expect(again.policy.loop.maxTurns).toBe(30);
    writeFileSync(join(dir, '.smallcode/agents/a.marrow'), 'budget { max_turns: 40 }');
    const changed = await load(dir);
    expect(changed.layers.map((l) => l.from)).toEqual(['cache', 'compiled']);
    expect(changed.policy.loop.maxTurns).toBe(40);
  });

  it('keeps the signature of prompts the engine calls', async () => {
    const agent = await load(project({ '.smallcode/agents/x.marrow': 'prompt classify_task(text: string) -> string { model: local }' }));
    expect(agent.diagnostics.map((d) => [d.code, d.span.file, d.span.start.line])).toEqual([['MS045', '.smallcode/agents/x.marrow', 1]]);
    const line = readFileSync(join(root, 'agents', 'core.marrow'), 'utf8').split('\n').findIndex((l) => l.includes('prompt classify_task')) + 1;
    expect(agent.prompts.classify_task!.loc).toBe(`agents/core.marrow:${line}`);
  });
});
