import { describe, expect, it } from 'vitest';
import { parseToolCalls, repairJson, repairToolCall } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';

/** Pieces of every dialect, glued at random: the parser must stay total and quick on all of it. */
const PIECES = [
  '<tool_call>', '</tool_call>', '<tools>', '</tools>', '<think>', '</think>', '[THINK]', '[/THINK]', '<function=', '</function>',
  '<parameter=', '</parameter>', '<invoke name="', '">', '<parameter name="', '<arg_key>', '</arg_key>', '<arg_value>', '</arg_value>',
  '{', '}', '[', ']', '"', "'", ':', ',', '\\', '\n', ' ', '  \n  ', '```', '```json\n', '```yaml\n', 'name', 'arguments', '"name"', '"arguments"',
  'read_file', 'patch', 'path', '"src/a.ts"', '123', 'true', 'None', '(', ')', '=', '<|tool_call_begin|>', '<|tool_call_end|>',
  '<|tool_call_argument_begin|>', 'functions.read_file:0', '<｜tool▁call▁begin｜>', '<｜tool▁sep｜>', '[TOOL_CALLS]', '[ARGS]', '[CALL_ID]',
  '<|tool_call>', '<tool_call|>', 'call:', '<|"|>', '<start_function_call>', '<escape>', '>>>', '<|channel|>', '<|message|>', ' to=functions.x',
  '<|start|>', '<|end|>', 'analysis', 'Action: ', 'Action Input: ', '<|python_tag|>', '.call(', '<|tool_call_start|>', '<|tool_call_end|>',
  '<![CDATA[', ']]>', '/*', '*/', '//', 'é', '你好', '🙂',
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('fuzz', () => {
  it('parses 3000 random mixtures of dialect pieces without throwing or stalling', () => {
    const random = rng(20261121);
    const started = performance.now();
    for (let n = 0; n < 3000; n++) {
      const len = 1 + Math.floor(random() * 40);
      let text = '';
      for (let k = 0; k < len; k++) text += PIECES[Math.floor(random() * PIECES.length)];
      const tools = random() < 0.5 ? TOOLS : [];
      const result = parseToolCalls(text, tools);
      expect(typeof result.content).toBe('string');
      for (const call of result.calls) expect(typeof call.arguments).toBe('object');
      repairJson(text);
      repairToolCall('read_file', text, TOOLS);
    }
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
