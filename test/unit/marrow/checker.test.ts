import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/common/index.js';
import { checkSource } from '../../../compiler/marrow/index.js';

const templateDirs = [join(import.meta.dirname, '..', '..', '..', 'templates', 'prompts', 'cognition')];
const check = (body: string, file = 'agents/core.marrow') => {
  const source = `agent a {\n  model local { name: "m" }\n${body}\n}\n`;
  return { source, ...checkSource(source, { file, templateDirs }) };
};
const messages = (body: string) => check(body).diagnostics.map((d) => `${d.code} ${d.message}`);

describe('MarrowScript checker', () => {
  it('reports an unknown fact with a suggestion, position and code frame', () => {
    const r = check('  guard g {\n    on: reply\n    when: sesion.turn > 1\n    then: reinject_task\n  }');
    expect(r.diagnostics).toHaveLength(1);
    const text = formatDiagnostic(r.diagnostics[0]!, r.source);
    expect(text.split('\n')[0]).toBe("agents/core.marrow:5:11: error MS012: unknown fact 'sesion.turn' (did you mean 'session.turn'?)");
    expect(text).toContain('> 5 |     when: sesion.turn > 1');
    expect(text).toContain('^^^^^^^^^^^');
  });

  it('types guard expressions against the published facts', () => {
    expect(messages('  guard g { on: reply  when: reply.text > 3  then: continue }')).toEqual(["MS030 expected an int or a float for '>', found a string"]);
    expect(messages('  guard g { on: reply  when: session.turn  then: continue }')).toEqual(['MS030 expected a true/false condition in guard \'g\', found an int']);
    expect(messages('  guard g { on: tool_call  when: calls.identical(windw: 6) >= 3  then: continue }'))
      .toEqual(["MS031 fact 'calls.identical' has no parameter 'windw' (did you mean 'window'?)"]);
    expect(messages('  guard g { on: tool_call  when: calls.identical >= 3  then: continue }'))
      .toEqual(["MS031 fact 'calls.identical' takes arguments: calls.identical(window: …)"]);
    expect(messages('  guard g { on: tool_result  when: tool.failures(3) > 1  then: continue }'))
      .toEqual(['MS030 expected a string for \'name\', found an int']);
    expect(messages('  guard g { on: reply  when: reply.matches("hi")  then: continue }'))
      .toEqual(['MS030 expected a regex for \'pattern\', found a string']);
  });

  it('knows which facts exist on which event', () => {
    expect(messages('  guard g { on: tool_call  when: reply.length > 3  then: continue }'))
      .toEqual(["MS040 fact 'reply.length' is not available on 'tool_call' (it is published on: reply)"]);
  });

  it('checks guard events, actions and steering templates', () => {
    expect(messages('  guard g { on: replys  when: true  then: stp("x") }')).toEqual([
      "MS027 unknown guard event 'replys' (did you mean 'reply'?)",
      "MS026 unknown guard action 'stp' (did you mean 'stop'?)",
    ]);
    expect(messages('  guard g { on: reply  when: true  then: steer("nonexistent") }')[0]).toMatch(/^MS022 template 'steer\/nonexistent' not found/);
    expect(messages('  guard g { on: reply  when: true  then: steer() }')).toEqual(["MS031 action 'steer' takes 1 argument(s): steer(template)"]);
  });

  it('resolves models, routers, prompts and templates', () => {
    expect(messages('  prompt p(x: string) -> string { model: locl }')).toEqual(["MS020 unknown model 'locl' (did you mean 'local'?)"]);
    expect(messages('  prompt p(x: string) -> string { router: r }')).toEqual(["MS024 unknown router 'r'"]);
    expect(messages('  prompt p(x: string) -> string { model: local template: "clasify_task" }')[0]).toMatch(/^MS022 template 'clasify_task' not found/);
    expect(messages('  context { compress: sumarize }')).toEqual(["MS021 unknown prompt 'sumarize'"]);
    expect(messages('  prompt p(x: string) -> int { model: local }\n  context { compress: p }')[0]).toMatch(/^MS045 the compress prompt 'p' must take the history/);
  });

  it('warns when a template reads a variable the prompt does not provide', () => {
    expect(messages('  prompt classify_task(mesage: string) -> string { model: local  template: "classify_task" }'))
      .toEqual(["MS051 template 'classify_task' uses '{{message}}', which prompt 'classify_task' does not provide (did you mean 'mesage'?)"]);
    expect(messages('  prompt s(history: string, max_chars: int) -> string { model: local  template: "summarize_history" }')).toEqual([]);
  });

  it('requires router tiers to ascend and only the last to be open', () => {
    expect(messages('  router r { by: session.failure_rate  tier a { max: 0.6 -> local } tier b { max: 0.3 -> local } tier c { -> local } }'))
      .toEqual(["MS033 router tiers must ascend: tier 'b' (max 0.3) is not above tier 'a' (max 0.6)"]);
    expect(messages('  router r { by: session.failure_rate  tier a { -> local } tier b { max: 0.3 -> local } }'))
      .toEqual(["MS034 only the last tier may omit 'max' (tier 'a')"]);
    expect(messages('  router r { by: reply.text  tier a { -> local } }')[0]).toMatch(/^MS040 fact 'reply.text' is not available on 'a router'/);
  });

  it('requires cache keys to read parameters', () => {
    expect(messages('  prompt p(message: string) -> string { model: local  cache: { key: hash("x"), ttl: 1m } }'))
      .toEqual(["MS032 cache key of 'p' reads no parameter, so every call would share one entry"]);
    expect(messages('  prompt p(message: string) -> string { model: local  cache: { key: hash(mesage), ttl: 1m } }'))
      .toEqual(["MS029 unknown parameter 'mesage' (did you mean 'message'?)"]);
  });

  it('checks units and ranges of literals', () => {
    expect(messages('  context { tool_result_max: 4000 tokens }')).toEqual(["MS037 expected a size in chars (e.g. '4000 chars') for 'tool_result_max', found tokens"]);
    expect(messages('  context { evict_at: 180% }')).toEqual(["MS035 'evict_at' is out of range: 180% is not within 0..1"]);
    expect(messages('  context { evict_at: 5 }')).toEqual(["MS038 expected a percentage such as 80% for 'evict_at', found the number 5"]);
    expect(messages('  prompt p(x: string) -> string { model: local  timeout: 3 }')).toEqual(["MS036 expected a duration such as 300ms, 3s, 10m or 1h for 'timeout', found the number 3"]);
    expect(messages('  budget { max_turns: 0 }')).toEqual(["MS035 'max_turns' is out of range: 0 is not within 1..10000"]);
    expect(messages('  tool patch { trust: { demote_after: 5, drop_after: 3 } }')).toEqual(["MS035 'drop_after' is out of range: 3 is below demote_after (5)"]);
  });

  it('reports unknown fields and declarations with suggestions', () => {
    expect(messages('  context { evict_att: 80% }')).toEqual(["MS013 unknown field 'evict_att' in context (did you mean 'evict_at'?)"]);
    expect(messages('  gaurd g { on: reply when: true then: continue }')).toEqual(["MS010 unknown declaration 'gaurd' (did you mean 'guard'?)"]);
    expect(messages('  model local { name: "again" }')).toEqual(["MS014 duplicate model 'local' (first declared at line 2)"]);
    expect(messages('  prompt p(x: strin) -> string { model: local }')).toEqual(["MS039 unknown type 'strin' (did you mean 'string'?)"]);
  });

  it('checks on_invalid strategies', () => {
    expect(messages('  prompt p(x: string) -> string { model: local  on_invalid: fallback(heuristic) }'))
      .toEqual(["MS028 no heuristic is registered for prompt 'p' (registered: classify_task, diagnose_error, summarize_history, plan_task)"]);
    expect(messages('  prompt p(x: string) -> enum("a", "b") { model: local  on_invalid: fallback("c") }'))
      .toEqual(['MS030 expected a fallback value of type enum("a", "b"), found "c"']);
    expect(messages('  prompt p(x: string) -> string { model: local  on_invalid: [fail, retry] }'))
      .toEqual(["MS046 on_invalid strategy 'retry' can never run: 'fail' before it always ends the call"]);
    expect(messages('  prompt p(x: string) -> string { model: local  on_invalid: retyr }')).toEqual(["MS042 unknown on_invalid strategy 'retyr' (did you mean 'retry'?)"]);
  });

  it('restricts env() to settings resolved at load time', () => {
    expect(messages('  prompt p(x: string) -> string { model: local  timeout: env("T", 3s) }'))
      .toEqual(["MS041 'timeout' is fixed when the file compiles; env() is allowed in model, context, budget, memory and tool settings"]);
    expect(messages('  model m2 { timeout: env("T", 3) }')).toEqual(["MS036 expected a duration such as 300ms, 3s, 10m or 1h for 'timeout', found the number 3"]);
  });

  it('accepts names from lower layers when checking an override', () => {
    const r = checkSource('prompt classify_task(message: string) -> string { model: local }', {
      file: '.smallcode/agents/x.marrow',
      external: { models: ['local'] },
    });
    expect(r.diagnostics).toEqual([]);
  });
});

describe('MarrowScript memory block', () => {
  it('accepts entries, tokens and max_age, env() included', () => {
    expect(messages('  memory { entries: 3  tokens: 400 tokens  max_age: 90d }')).toEqual([]);
    expect(messages('  memory { entries: env("SMALLCODE_MEMORY_ENTRIES", 2)  tokens: env("T", 300) tokens }')).toEqual([]);
  });

  it('reports unknown fields, wrong types, out-of-range values, a name and a second block', () => {
    expect(messages('  memory { entrys: 3 }')[0]).toMatch(/^MS\d+ .*'entrys'.*did you mean 'entries'/);
    expect(messages('  memory { max_age: 3 }')[0]).toMatch(/duration/);
    expect(messages('  memory { tokens: 400 chars }')[0]).toMatch(/tokens/);
    expect(messages('  memory { entries: 500 }')[0]).toMatch(/50/);
    expect(messages('  memory recall { entries: 3 }')[0]).toMatch(/memory/);
    expect(messages('  memory { entries: 3 }\n  memory { entries: 4 }')[0]).toMatch(/memory/);
  });
});
