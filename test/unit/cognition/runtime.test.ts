import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay, CognitionError, factsFromSnapshot, MemoryCache, TimeoutError, Tracer, type GuardDef, type RouterDef,
} from '../../../runtime/cognition/index.js';
import { config, promptDef, runtime, scriptedHost, tempDir } from './helpers.js';

describe('prompt cache', () => {
  it('answers a repeated call from the cache until the TTL passes', async () => {
    let now = 1_000;
    const def = promptDef({ cache: { key: (a) => [a.message], ttlMs: 10_000 } });
    const { host, requests } = scriptedHost(['coding', 'chat', 'coding']);
    const { rt } = runtime(config(), host, { cache: new MemoryCache(() => now) });
    expect(await rt.callPrompt(def, { message: 'fix the bug' })).toBe('coding');
    expect(await rt.callPrompt(def, { message: 'fix the bug' })).toBe('coding');
    expect(requests).toHaveLength(1);
    expect(await rt.callPrompt(def, { message: 'hello' })).toBe('chat'); // another key
    now += 10_000;
    expect(await rt.callPrompt(def, { message: 'fix the bug' })).toBe('coding');
    expect(requests).toHaveLength(3);
    expect(rt.counterSnapshot()['prompt pick']).toMatchObject({ calls: 4, cacheHits: 1 });
  });
});

describe('retry', () => {
  it('computes fixed, exponential and jittered delays', () => {
    expect([1, 2, 3].map((n) => backoffDelay({ maxAttempts: 4, backoff: 'fixed', intervalMs: 100, jitter: false }, n))).toEqual([100, 100, 100]);
    expect([1, 2, 3].map((n) => backoffDelay({ maxAttempts: 4, backoff: 'exponential', intervalMs: 100, jitter: false }, n))).toEqual([100, 200, 400]);
    const jittered = backoffDelay({ maxAttempts: 4, backoff: 'exponential', intervalMs: 100, jitter: true }, 3, () => 0.99);
    expect(jittered).toBeGreaterThan(400);
    expect(jittered).toBeLessThanOrEqual(600);
  });

  it('retries transport failures with backoff up to max_attempts', async () => {
    const def = promptDef({ retry: { maxAttempts: 3, backoff: 'exponential', intervalMs: 100, jitter: false } });
    const { host, requests } = scriptedHost([new Error('ECONNRESET'), new Error('ECONNRESET'), 'chat']);
    const { rt, sleeps } = runtime(config(), host);
    expect(await rt.callPrompt(def, { message: 'hi' })).toBe('chat');
    expect(requests).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    expect(rt.counterSnapshot()['prompt pick']).toMatchObject({ retries: 2, transportFailures: 2, invalidOutputs: 0 });
  });

  it('counts transport failures and invalid outputs separately', async () => {
    const def = promptDef({ retry: { maxAttempts: 2, backoff: 'fixed', intervalMs: 10, jitter: false }, onInvalid: [{ kind: 'retry' }] });
    const { host, requests } = scriptedHost([new Error('503'), 'banana', 'coding']);
    const { rt } = runtime(config(), host);
    expect(await rt.callPrompt(def, { message: 'x' })).toBe('coding');
    expect(requests).toHaveLength(3); // 1 transport failure + 1 invalid output, each under its own limit of 2
    expect(rt.counterSnapshot()['prompt pick']).toMatchObject({ transportFailures: 1, invalidOutputs: 1, retries: 2 });
  });

  it('gives up with a CognitionError naming the declaration when attempts run out', async () => {
    const def = promptDef({ retry: { maxAttempts: 2, backoff: 'fixed', intervalMs: 0, jitter: false } });
    const { host } = scriptedHost([new Error('down'), new Error('down')]);
    const { rt } = runtime(config(), host);
    const error = await rt.callPrompt(def, { message: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitionError);
    expect((error as CognitionError).message).toBe("prompt 'pick' (agents/test.marrow:1) failed: down");
  });
});

describe('timeout', () => {
  it('aborts the signal the host received and fails after the declared timeout', async () => {
    let seen: AbortSignal | undefined;
    const { host } = scriptedHost([(req) => new Promise<string>((_, reject) => {
      seen = req.signal;
      req.signal.addEventListener('abort', () => reject(req.signal.reason));
    })]);
    const { rt } = runtime(config(), host);
    const started = Date.now();
    const error = await rt.callPrompt(promptDef({ timeoutMs: 50 }), { message: 'x' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(TimeoutError);
    expect((error as CognitionError).reason).toBe('transport');
  });

  it('does not wait for a host that ignores the signal', async () => {
    const { host } = scriptedHost([() => new Promise<string>((resolve) => setTimeout(() => resolve('chat'), 5_000))]);
    const { rt } = runtime(config(), host);
    const started = Date.now();
    await expect(rt.callPrompt(promptDef({ timeoutMs: 30 }), { message: 'x' })).rejects.toThrow(/timed out after 30 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops at once when the caller cancels: no retry, no fallback', async () => {
    const controller = new AbortController();
    const { host, requests } = scriptedHost([(req) => new Promise<string>((_, reject) => req.signal.addEventListener('abort', () => reject(new Error('aborted'))))]);
    const { rt } = runtime(config(), host);
    const def = promptDef({ name: 'classify_task', retry: { maxAttempts: 3, backoff: 'fixed', intervalMs: 0, jitter: false }, onInvalid: [{ kind: 'fallback', heuristic: true }] });
    const call = rt.callPrompt(def, { message: 'x' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(call).rejects.toThrow();
    expect(requests).toHaveLength(1);
  });
});

describe('validation and repair', () => {
  it('aligns sloppy output to the declared type and records each fix in the trace', async () => {
    const { host } = scriptedHost(['<think>hmm</think>\n**Coding.**']);
    const { rt } = runtime(config(), host);
    expect(await rt.callPrompt(promptDef(), { message: 'x' })).toBe('coding');
    const span = rt.tracer.spans.find((s) => s.kind === 'prompt')!;
    expect(span.fixes).toEqual(['removed reasoning or code fences around the answer', `matched "**Coding.**" to 'coding' ignoring case`]);
  });

  it('makes one repair attempt that shows the model its validation error', async () => {
    const def = promptDef({ onInvalid: [{ kind: 'repair' }] });
    const { host, requests } = scriptedHost(['maybe', 'chat']);
    const { rt } = runtime(config({ templateDirs: [join(import.meta.dirname, '..', '..', '..', 'templates', 'prompts', 'cognition')] }), host);
    expect(await rt.callPrompt(def, { message: 'x' })).toBe('chat');
    const repair = requests[1]!.messages;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: 'maybe' });
    expect(repair.at(-1)!.content).toContain('expected one of coding, chat, found "maybe"');
    expect(rt.counterSnapshot()['prompt pick']).toMatchObject({ invalidOutputs: 1, repairs: 1 });
  });

  it('repairs at most once, then fails', async () => {
    const { host, requests } = scriptedHost(['maybe', 'perhaps', 'chat']);
    const { rt } = runtime(config(), host);
    await expect(rt.callPrompt(promptDef({ onInvalid: [{ kind: 'repair' }] }), { message: 'x' })).rejects.toThrow(/invalid output: expected one of coding, chat, found "perhaps"/);
    expect(requests).toHaveLength(2);
  });

  it('falls back to the heuristic when the classifier is broken or slow', async () => {
    const def = promptDef({ name: 'classify_task', returns: { kind: 'enum', values: ['coding', 'editing', 'search', 'question', 'chat'] }, onInvalid: [{ kind: 'fallback', heuristic: true }] });
    const broken = scriptedHost([new Error('connection refused')]);
    const a = runtime(config(), broken.host);
    expect(await a.rt.callPrompt(def, { message: 'where is the config loaded?' })).toBe('search');
    const slow = scriptedHost([() => new Promise<string>(() => {})]);
    const b = runtime(config(), slow.host);
    expect(await b.rt.callPrompt({ ...def, timeoutMs: 20 }, { message: 'hello' })).toBe('chat');
    expect(b.rt.counterSnapshot()['prompt classify_task']).toMatchObject({ fallbacks: 1 });
  });

  it('refuses a call over its token budget before reaching the model', async () => {
    const { host, requests } = scriptedHost(['chat']);
    const { rt } = runtime(config(), host);
    await expect(rt.callPrompt(promptDef({ budgetTokens: 5 }), { message: 'x'.repeat(400) })).rejects.toThrow(/call token budget exceeded/);
    expect(requests).toHaveLength(0);
  });
});

describe('token budgets', () => {
  it('stops cognition calls once the session budget is spent, using the fallback when declared', async () => {
    const def = promptDef({ name: 'classify_task', returns: { kind: 'enum', values: ['coding', 'editing', 'search', 'question', 'chat'] }, onInvalid: [{ kind: 'fallback', heuristic: true }] });
    const { host, requests } = scriptedHost(['chat', 'chat']);
    const { rt } = runtime(config({ budget: { perSessionTokens: 30 } }), host);
    expect(await rt.callPrompt(def, { message: 'hello there' })).toBe('chat'); // 12 tokens charged by the host's usage
    expect(await rt.callPrompt(def, { message: 'fix the failing test in parser.ts' })).toBe('coding'); // 12 + estimate > 30: heuristic
    expect(requests).toHaveLength(1);
    expect(rt.ledger.used.session).toBe(12);
  });
});

describe('routers', () => {
  const router: RouterDef = {
    name: 'by_failure', by: (f) => f.session.failure_rate, minCalls: 3, fallback: 'local', loc: 'agents/test.marrow:5',
    tiers: [{ name: 'primary', max: 0.3, model: 'local' }, { name: 'medium', max: 0.6, model: 'medium' }, { name: 'heavy', model: 'strong' }],
  };
  const calls = (ok: number, failed: number) => [...Array(ok).fill({ name: 'bash', ok: true }), ...Array(failed).fill({ name: 'bash', ok: false })];

  it('picks the tier from the failure rate once enough calls happened', async () => {
    const cases: Array<[ReturnType<typeof calls>, string]> = [
      [calls(9, 1), 'local'], [calls(5, 5), 'medium'], [calls(1, 9), 'strong'], [calls(0, 2), 'local'] /* below min_calls */,
    ];
    for (const [toolCalls, expected] of cases) {
      const { host, requests } = scriptedHost(['chat']);
      const { rt } = runtime(config({ routers: { by_failure: router } }), host);
      await rt.callPrompt(promptDef({ model: undefined, router: 'by_failure' }), { message: 'x' }, { facts: factsFromSnapshot({ toolCalls }) });
      expect(requests[0]!.model).toBe(expected);
    }
  });

  it('uses the fallback model when the chosen tier is not configured', async () => {
    const { host, requests } = scriptedHost(['chat']);
    const cfg = config({ routers: { by_failure: router } });
    cfg.models.strong!.available = false;
    const { rt } = runtime(cfg, host);
    await rt.callPrompt(promptDef({ model: undefined, router: 'by_failure' }), { message: 'x' }, { facts: factsFromSnapshot({ toolCalls: calls(0, 9) }) });
    expect(requests[0]!.model).toBe('local');
  });

  it('escalates an invalid answer to the next tier', async () => {
    const { host, requests } = scriptedHost(['nonsense', 'coding']);
    const { rt } = runtime(config({ routers: { by_failure: router } }), host);
    expect(await rt.callPrompt(promptDef({ model: undefined, router: 'by_failure', onInvalid: [{ kind: 'escalate' }] }), { message: 'x' })).toBe('coding');
    expect(requests.map((r) => r.model)).toEqual(['local', 'medium']);
    expect(rt.counterSnapshot()['prompt pick']).toMatchObject({ escalations: 1 });
  });

  it('names the strongest available model for the escalate action: the highest available tier, never the default', () => {
    const { host } = scriptedHost([]);
    const cfg = config({ routers: { by_failure: router } });
    expect(runtime(cfg, host).rt.strongestModel()?.decl).toBe('strong');
    cfg.models.strong!.available = false;
    expect(runtime(cfg, host).rt.strongestModel()?.decl).toBe('medium');
    cfg.models.medium!.available = false;
    expect(runtime(cfg, host).rt.strongestModel()).toBeUndefined(); // only the default model is left
  });

  it('without routers, ranks the models in declaration order', () => {
    const { host } = scriptedHost([]);
    expect(runtime(config(), host).rt.strongestModel()?.decl).toBe('strong');
    expect(runtime(config({ defaultModel: 'strong' }), host).rt.strongestModel()?.decl).toBe('medium');
  });
});

describe('guards', () => {
  const repetition: GuardDef = {
    name: 'repetition', on: 'tool_call', when: (f) => f.calls.identical({ window: 6 }) >= 3, then: { name: 'steer', args: ['repetition'] }, maxTrips: 2, loc: 'agents/core.marrow:82',
  };
  const broken: GuardDef = { name: 'broken', on: 'tool_call', when: () => { throw new Error('no facts'); }, then: { name: 'stop', args: ['x'] }, loc: 'x:1' };
  const call = { name: 'read_file', args: { path: 'a.ts' } };

  it('trips on the facts, returns the action, and stays quiet after max_trips', () => {
    const { host } = scriptedHost([]);
    const { rt } = runtime(config({ guards: [broken, repetition] }), host);
    const snapshot = { toolCalls: [call, call, call] };
    expect(rt.evaluateGuards('tool_call', { toolCalls: [call, call] })).toEqual([]);
    expect(rt.evaluateGuards('tool_call', snapshot)).toEqual([{ guard: 'repetition', action: { name: 'steer', args: ['repetition'] }, trip: 1, maxTrips: 2, loc: 'agents/core.marrow:82' }]);
    expect(rt.evaluateGuards('tool_call', snapshot)).toHaveLength(1);
    expect(rt.evaluateGuards('tool_call', snapshot)).toEqual([]);
    expect(rt.evaluateGuards('reply', snapshot)).toEqual([]); // other event
    expect(rt.counterSnapshot()['guard repetition']).toMatchObject({ guardTrips: 2 });
    expect(rt.guardState.errors[0]).toEqual({ guard: 'broken', error: 'no facts' });
  });

  it('derives patch-spiral and greeting facts from a snapshot', () => {
    const fail = (file: string) => ({ name: 'patch', ok: false, file });
    const f = factsFromSnapshot({ toolCalls: [fail('a.ts'), fail('b.ts'), fail('b.ts'), fail('b.ts')], reply: { text: 'Hello! How can I help?' }, turn: 3 });
    expect(f.tool.failures('patch')).toBe(4);
    expect(f.tool.failures('patch', { same_file: true })).toBe(3);
    expect(f.session.failure_rate).toBe(1);
    expect(f.reply.matches(/^\s*(hi|hello)\b/i)).toBe(true);
  });
});

describe('trace', () => {
  it('writes spans as JSONL under .smallcode/traces and mirrors them to stderr when asked', async () => {
    const projectRoot = tempDir();
    const lines: string[] = [];
    const { host } = scriptedHost(['chat'], projectRoot);
    const { rt } = runtime(config(), host, { tracer: new Tracer({ dir: join(projectRoot, '.smallcode', 'traces'), stderr: true, write: (l) => lines.push(l) }) });
    await rt.callPrompt(promptDef(), { message: 'x' });
    const [file] = readdirSync(join(projectRoot, '.smallcode', 'traces'));
    const spans = readFileSync(join(projectRoot, '.smallcode', 'traces', file!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const attempt = spans.find((s) => s.kind === 'attempt')!;
    const prompt = spans.find((s) => s.kind === 'prompt')!;
    expect(attempt).toMatchObject({ name: 'pick', model: 'local', prompt_tokens: 10, completion_tokens: 2, outcome: 'ok', parent_id: prompt.span_id, trace_id: prompt.trace_id });
    expect(prompt).toMatchObject({ loc: 'agents/test.marrow:1', outcome: 'ok' });
    expect(typeof prompt.ms).toBe('number');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[cognition\] \{/);
  });
});
