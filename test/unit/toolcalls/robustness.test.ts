import { describe, expect, it } from 'vitest';
import { parseToolCalls, repairJson } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';

/** Adversarial inputs of about 200 KB: each must finish quickly (no catastrophic backtracking). */
const HUGE: Record<string, string> = {
  'unclosed {"': '{"'.repeat(100_000),
  '<tool_call> repeated': '<tool_call>'.repeat(20_000),
  'unclosed hermes calls': '<tool_call>{"name": "read_file", "arguments": {'.repeat(4_000),
  'open brackets': '['.repeat(200_000),
  'pythonic prefixes': '[a('.repeat(70_000),
  '<think> repeated': '<think>'.repeat(30_000),
  '</think> repeated': '</think>'.repeat(25_000),
  'qwen XML openers': '<function=x><parameter=y>'.repeat(8_000),
  'invoke openers': '<invoke name="x"><parameter name="y">'.repeat(5_000),
  'kimi openers': '<|tool_call_begin|>functions.x:0<|tool_call_argument_begin|>{'.repeat(4_000),
  'deepseek openers': '<｜tool▁call▁begin｜>function<｜tool▁sep｜>x\n```json\n{'.repeat(4_000),
  'gemma openers': '<|tool_call>call:x{a:<|"|>'.repeat(10_000),
  'mistral openers': '[TOOL_CALLS]x[ARGS]{'.repeat(10_000),
  'functionary openers': '>>>x\n{'.repeat(30_000),
  'harmony headers': '<|channel|>analysis<|message|>'.repeat(8_000),
  quotes: '"'.repeat(200_000),
  backticks: '```'.repeat(60_000),
  'angle brackets': '<'.repeat(200_000),
  'Cline tags': '<read_file><path>'.repeat(10_000),
};

describe('robustness', () => {
  it.each(Object.entries(HUGE))('%s: returns promptly without throwing', (_label, text) => {
    const started = performance.now();
    const result = parseToolCalls(text, TOOLS);
    repairJson(text);
    const elapsed = performance.now() - started;
    expect(Array.isArray(result.calls)).toBe(true);
    expect(typeof result.content).toBe('string');
    // At most a handful of error messages, however many broken calls the input holds.
    expect(result.errors.length).toBeLessThanOrEqual(11);
    expect(elapsed).toBeLessThan(8_000);
  });

  it('stays linear: twice the input takes well under four times as long', () => {
    const time = (n: number) => {
      const text = '{"name": "x", "arguments": {'.repeat(n) + '<tool_call>'.repeat(n) + '[a('.repeat(n);
      const t = performance.now();
      parseToolCalls(text, TOOLS);
      return performance.now() - t;
    };
    time(2_000); // warm-up
    const small = Math.max(time(10_000), 5);
    const large = time(20_000);
    expect(large).toBeLessThan(small * 4);
  });

  it('finds a real call after megabytes of noise', () => {
    const text = `${'noise { '.repeat(20_000)}\n<tool_call>{"name": "read_file", "arguments": {"path": "a.ts"}}</tool_call>`;
    expect(parseToolCalls(text, TOOLS).calls).toEqual([{ name: 'read_file', arguments: { path: 'a.ts' } }]);
  });

  it.each([
    ['undefined text', undefined],
    ['null text', null],
    ['a number', 42],
    ['an object', { name: 'read_file' }],
  ])('never throws on %s', (_label, text) => {
    const r = parseToolCalls(text as unknown as string, TOOLS);
    expect(r.calls).toEqual([]);
    expect(typeof r.content).toBe('string');
  });

  it('tolerates a malformed tools list (entries without names are ignored)', () => {
    const tools = [null, {}, { type: 'function', function: {} }, ...TOOLS] as unknown as typeof TOOLS;
    expect(parseToolCalls('read_file a.ts', tools).calls).toEqual([{ name: 'read_file', arguments: { path: 'a.ts' } }]);
    expect(parseToolCalls('<tool_call>{"name": "x", "arguments": {}}</tool_call>', undefined as unknown as typeof TOOLS).calls).toEqual([{ name: 'x', arguments: {} }]);
  });

  it('deeply nested JSON is refused cleanly, not with a stack overflow', () => {
    const deep = `<tool_call>{"name": "x", "arguments": ${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}</tool_call>`;
    const r = parseToolCalls(deep, []);
    expect(r.calls.length + r.errors.length).toBeGreaterThan(0);
  });
});
