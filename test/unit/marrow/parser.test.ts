import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../../compiler/marrow/index.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const parse = (source: string, file = 'agents/test.marrow') => checkSource(source, { file });
const codes = (source: string) => parse(source).diagnostics.map((d) => d.code);

describe('MarrowScript parser', () => {
  it('parses every declaration kind inside an agent', () => {
    const r = parse(`
      agent demo {
        default_model: local
        model local { name: env("M", "qwen") temperature: 0.2 timeout: 30s context_window: auto }
        model strong { name: "big" optional: true }
        router r { by: session.failure_rate  min_calls: 2  tier a { max: 0.5 -> local } tier b { -> strong } }
        prompt p(message: string, n: int?, tags: list<string>, rec: { a: bool, b: float }) -> enum("x", "y") {
          model: local
          timeout: 2s
          cache { key: hash(message), ttl: 5m }
          retry { max_attempts: 2, backoff: fixed, interval: 100ms, jitter: true }
          on_invalid: [retry, repair, fallback("x")]
          max_tokens: 10 tokens
          budget: 2000 tokens
        }
        context { tool_result_max: 4000 chars  evict_at: 80%  keep_recent_turns: 4  reply_reserve: 1024 tokens  default_window: 8192 tokens }
        guard g { on: reply  when: not (reply.length < 10) or reply.matches(/x\\/y/i)  then: stop("done")  max_trips: 1 }
        tool patch { trust: { demote_after: 3, drop_after: 5 }  retry_temperature: [-0.15, +0.15, 0] }
        tool read_file { dedup: window(8) }
        budget { thinking: env("B", 2000) tokens; per_turn: 8000 tokens; per_session: 200000 tokens; max_turns: 25 }
        plan { when: task.kind == "coding" and task.words > 40  max_steps: 8  validate: [lint, compile, test] }
      }`);
    expect(r.diagnostics).toEqual([]);
    const p = r.program;
    expect(p.agentName).toBe('demo');
    expect(p.models.map((m) => m.name)).toEqual(['local', 'strong']);
    expect(p.models[0]!.settings.name!.value).toEqual({ kind: 'env', name: 'M', fallback: 'qwen', valueType: 'string' });
    expect(p.models[0]!.settings.timeoutMs!.value).toEqual({ kind: 'const', value: 30_000 });
    expect(p.routers[0]!.tiers).toMatchObject([{ name: 'a', max: 0.5, model: { name: 'local' } }, { name: 'b', model: { name: 'strong' } }]);
    const prompt = p.prompts[0]!;
    expect(prompt.params.map((x) => x.type)).toEqual([
      { kind: 'string' },
      { kind: 'optional', inner: { kind: 'int' } },
      { kind: 'list', item: { kind: 'string' } },
      { kind: 'record', fields: [{ name: 'a', type: { kind: 'bool' } }, { name: 'b', type: { kind: 'float' } }] },
    ]);
    expect(prompt.returns).toEqual({ kind: 'enum', values: ['x', 'y'] });
    expect(prompt.cache).toMatchObject({ keyParams: ['message'], ttlMs: 300_000 });
    expect(prompt.retry).toMatchObject({ maxAttempts: 2, backoff: 'fixed', intervalMs: 100, jitter: true });
    expect(prompt.onInvalid.map((s) => s.kind)).toEqual(['retry', 'repair', 'fallback']);
    expect([prompt.maxTokens, prompt.budgetTokens, prompt.timeoutMs]).toEqual([10, 2000, 2000]);
    expect(p.context!.settings.evictAt!.value).toEqual({ kind: 'const', value: 0.8 });
    expect(p.context!.settings.toolResultMaxChars!.value).toEqual({ kind: 'const', value: 4000 });
    expect(p.guards[0]).toMatchObject({ name: 'g', on: { name: 'reply' }, then: { name: 'stop', args: ['done'] }, maxTrips: 1 });
    expect(p.tools.find((t) => t.name === 'patch')!.settings.retryTemperatures!.value).toEqual({ kind: 'const', value: [-0.15, 0.15, 0] });
    expect(p.tools.find((t) => t.name === 'read_file')!.settings.dedupWindow!.value).toEqual({ kind: 'const', value: 8 });
    expect(p.budget!.settings.thinkingBudgetTokens!.value).toEqual({ kind: 'env', name: 'B', fallback: 2000, valueType: 'size' });
    expect(p.plan).toMatchObject({ maxSteps: 8, validate: [{ name: 'lint' }, { name: 'compile' }, { name: 'test' }] });
  });

  it('names tool policies that are not identifiers', () => {
    const r = parse('tool * { timeout: 30s }\ntool "mcp.search" { dedup: off }');
    expect(r.program.tools.map((t) => t.name)).toEqual(['*', 'mcp.search']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MS023']); // mcp.search is not a built-in tool: a warning
  });

  it('accepts declarations at the top level, without an agent', () => {
    const r = parse('model local { name: "m" }\ncontext { evict_at: 0.75 }');
    expect(r.diagnostics).toEqual([]);
    expect(r.program.context!.settings.evictAt!.value).toEqual({ kind: 'const', value: 0.75 });
  });

  it('reads the upstream spellings and skips backend declarations with a warning naming BoneScript', () => {
    const source = readFileSync(join(fixtures, 'upstream.marrow'), 'utf8');
    const r = parse(source, 'upstream.marrow');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const warnings = r.diagnostics.filter((d) => d.code === 'MS011');
    expect(warnings.map((d) => [d.message.split(' ')[0], d.span.start.line])).toEqual([["'entity'", 3], ["'store'", 7], ["'event'", 8], ["'capability'", 9]]);
    expect(warnings[0]!.message).toContain('BoneScript');
    expect(r.program.agentName).toBe('Shop');
    expect(r.program.models.map((m) => m.name)).toEqual(['Fast', 'Smart']);
    expect(r.program.routers[0]).toMatchObject({ onLowConfidence: 'escalate', confidenceThreshold: 0.6, fallback: { name: 'Fast' } });
    const summarize = r.program.prompts[0]!;
    expect(summarize).toMatchObject({ name: 'summarize', returns: { kind: 'string' }, idempotent: true, constraints: ['no prose', 'at most three sentences'] });
    expect(summarize.onInvalid.map((s) => s.kind)).toEqual(['repair']);
  });

  it('reports three mistakes in one pass, each at its own position', () => {
    const source = [
      'agent a {',
      '  model local { name: "m" temperature 0.2 }', // missing ':'
      '  context { evict_at: 80% keep_recent_turns: }', // missing value
      '  guard g { on: reply when: reply.length > then: stop("x") }', // missing operand
      '}',
    ].join('\n');
    const syntax = parse(source).diagnostics.filter((d) => d.code === 'MS002');
    const all = parse(source).diagnostics;
    expect(all).toHaveLength(3);
    expect(syntax.map((d) => [d.span.start.line, d.span.start.column])).toEqual([[2, 39], [3, 46], [4, 48]]);
    expect(syntax[0]!.message).toBe("expected ':' after 'temperature'");
    expect(syntax[1]!.message).toBe("expected a value but found '}'");
  });

  it('reports unexpected characters and unterminated strings without stopping', () => {
    const r = parse('model local { name: "m" € }\nmodel b { name: "oops }\ncontext { evict_at: 90% }');
    expect(r.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual(expect.arrayContaining([['MS001', 1], ['MS003', 2]]));
    expect(r.program.models.map((m) => m.name)).toEqual(['local', 'b']);
  });

  it('never throws on arbitrary broken input', () => {
    for (const junk of ['', '{', '}}}', 'agent', 'prompt p(', 'guard g { when: ((( }', 'model m { name: env( }', '/* unterminated', 'tier x { -> }']) {
      expect(() => parse(junk)).not.toThrow();
    }
    expect(codes('agent { }')).toEqual([]);
  });

  it('survives random damage to a real file: never throws, every diagnostic inside the file', () => {
    const source = readFileSync(join(import.meta.dirname, '..', '..', '..', 'agents', 'core.marrow'), 'utf8');
    const lines = source.split('\n').length;
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 150; i++) {
      const at = Math.floor(random() * source.length);
      const damaged = source.slice(0, at) + ['', '{', '}', ':', '"', '(', 'xyz '][i % 7] + source.slice(at + Math.floor(random() * 12));
      const r = parse(damaged);
      for (const d of r.diagnostics) {
        expect(d.span.start.line).toBeGreaterThanOrEqual(1);
        expect(d.span.start.line).toBeLessThanOrEqual(lines + 1);
      }
    }
  });

  it('caps bracket nesting with a diagnostic at the bracket that goes too deep, for every bracket kind', () => {
    for (const open of ['[', '(', '{']) {
      for (const depth of [60, 3000]) {
        const r = parse(`agent a {\n  model: ${open.repeat(depth)}\n}\n`);
        const deep = r.diagnostics.filter((d) => d.code === 'MS005');
        expect(deep).toHaveLength(1);
        // 'agent a {' is level 1, so the 32nd bracket of the value is the 33rd level.
        expect(deep[0]!.span.start).toMatchObject({ line: 2, column: 10 + 31 });
        expect(r.ok).toBe(false);
      }
    }
    // Nesting just inside the cap still parses (and the closed list is read in full).
    const inside = parse(`agent a {\n  x: ${'['.repeat(31)}${']'.repeat(31)}\n}\n`);
    expect(inside.diagnostics.map((d) => d.code)).not.toContain('MS005');
  });

  it('recovers from hundreds of stray tokens after the agent with one diagnostic per line, not a cascade', () => {
    const r = parse(`agent a {\n  default_model: m\n  model m { name: "x" }\n}\n${'a: '.repeat(400)}`);
    const syntax = r.diagnostics.filter((d) => d.code === 'MS002');
    expect(syntax.length).toBeGreaterThanOrEqual(1);
    expect(syntax.every((d) => d.span.start.line === 5)).toBe(true);
  });

  it('keeps source spans on nodes', () => {
    const r = parse('agent a {\n  guard g {\n    on: reply\n    when: reply.length > 3\n    then: continue\n  }\n}');
    const when = r.program.guards[0]!.when!;
    expect(when.span.start).toMatchObject({ line: 4, column: 11 });
    expect(r.program.guards[0]!.span.start).toMatchObject({ line: 2, column: 9 });
  });
});

describe('MarrowScript grammar', () => {
  it('passes Chevrotain self-analysis (skipped at start-up for speed)', async () => {
    const { MarrowParser } = await import('../../../compiler/marrow/parser.js');
    expect(() => new MarrowParser({ validate: true })).not.toThrow();
  });
});
