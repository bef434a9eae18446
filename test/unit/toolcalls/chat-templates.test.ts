import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseToolCalls, type ParseResult } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';
import { loadToolCallTemplates, renderAssistantTurn, ROUND_TRIP_CASES as CASES, RENDERER_LIMITS, type ChatTemplate, type TemplateCall } from '../../support/chat-templates.js';

const templates = await loadToolCallTemplates();



const renderable = templates.filter((t) => !t.models.some((m) => m in RENDERER_LIMITS));
const callsOf = (r: ParseResult) => r.calls.map((c) => ({ name: c.name, arguments: c.arguments }));

/** Llama 3.x and Nemotron raise "only supports single tool-calls" for several calls: their own rule. */
function tryRender(t: ChatTemplate, calls: TemplateCall[]): string | undefined {
  try {
    return renderAssistantTurn(t, calls, TOOLS);
  } catch (error) {
    if (calls.length > 1 && /single tool-call/.test(String(error))) return undefined;
    throw error;
  }
}

describe('chat templates: what each real template renders parses back to the same calls', () => {
  it('covers at least 25 real templates that render tool calls', () => {
    expect(renderable.length).toBeGreaterThanOrEqual(25);
    for (const t of templates.filter((x) => !renderable.includes(x))) {
      const limit = RENDERER_LIMITS[t.models.find((m) => m in RENDERER_LIMITS)!]!;
      expect(() => renderAssistantTurn(t, CASES['one call']!, TOOLS)).toThrow(limit);
    }
  });

  const rows = renderable.flatMap((t) => Object.entries(CASES).map(([label, calls]) => ({ model: t.models.join(' '), t, label, calls })));
  it.each(rows)('$model: $label', ({ t, calls }) => {
    const text = tryRender(t, calls);
    if (text === undefined) {
      expect(t.template.parsed).toBeDefined(); // the template's own single-call rule (see tryRender)
      return;
    }
    expect(text).toContain(calls[0]!.name);
    const r = parseToolCalls(text, TOOLS);
    expect(callsOf(r), text).toEqual(calls);
    expect(r.errors).toEqual([]);
    expect(r.content.trim(), text).toBe('');
  });
});

// Values a model writes: any unicode text (quotes, backslashes, markup, newlines), numbers, booleans.
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const scalar = fc.oneof(text, fc.integer({ min: -1e6, max: 1e6 }), fc.boolean());
const argValue = fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k.trim() === k && k !== '__proto__'), scalar, { maxKeys: 3 }));
const argKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const anyCall = fc.record({ name: fc.constantFrom('read_file', 'write_file', 'search', 'run_command', 'custom_tool'), arguments: fc.dictionary(argKey, argValue, { maxKeys: 4 }) });

describe('chat templates: generated calls, whitespace and prose around them (fast-check)', () => {
  it.each(renderable.map((t) => ({ model: t.models[0]!, t })))('$model', ({ t }) => {
    const several = tryRender(t, [CASES['one call']![0]!, CASES['one call']![0]!]) !== undefined;
    fc.assert(
      fc.property(
        fc.array(anyCall, { minLength: 1, maxLength: several ? 3 : 1 }),
        fc.constantFrom('', '\n', '  \n\n', '\t'),
        fc.constantFrom('', 'Let me look at that first.\n\n'),
        (calls, space, prose) => {
          // No schema (tools []): values stay as written; identical calls would be one echo.
          fc.pre(new Set(calls.map((c) => JSON.stringify(c))).size === calls.length);
          const turn = renderAssistantTurn(t, calls, []);
          // Prose before a forced-open thinking close (Qwen3-Next's turn starts with `</think>`) is reasoning.
          const r = parseToolCalls(turn.trimStart().startsWith('</think>') ? turn + space : prose + space + turn + space, []);
          if (turn.trimStart().startsWith('</think>')) prose = '';
          expect(callsOf(r)).toEqual(calls);
          expect(r.errors).toEqual([]);
          expect(r.content.trim()).toBe(prose.trim());
        },
      ),
      { numRuns: 25, seed: 11 },
    );
  });
});
