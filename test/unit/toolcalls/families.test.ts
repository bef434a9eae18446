import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseToolCalls, type ParseResult, type ToolDefinition } from '../../../runtime/model/toolcalls/index.js';
import { FAMILY_FORMATS, type FamilyCall, type FamilyFormat } from './formats/families.js';

/**
 * Every family whose template is not renderable offline (see formats/families.ts for the sources):
 * generated calls written exactly as the family's template writes them — one or several, reasoning
 * before, prose around, unicode, quotes, markup and nested values — parse back to the same calls;
 * a reply cut inside its last call keeps the earlier calls and reports the cut one.
 */

// Values as models write them: code-ish text mixing quotes, backslashes, brackets, markers, unicode.
const FRAGMENTS = ['"', "'", '\\', '\\n', '\n', '\t', ' ', '<', '>', '{', '}', '[', ']', ',', ':', '=', '/', 'a.ts', 'src/', 'if (a < b) {', 'x', '42', 'true', 'null', '你好', 'ü', '🙂', '</tool_call>', '<|tool_call_end|>', '[ARGS]', '<|call|>', '</arg_value>', '</parameter>', '<|"|>'];
const text = fc.oneof(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join('')), fc.string({ unit: 'grapheme', maxLength: 20 }));
const scalar = fc.oneof(text, fc.integer({ min: -1e6, max: 1e6 }), fc.boolean());
const value = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.dictionary(fc.stringMatching(/^[a-z][a-z_]{0,6}$/), scalar, { maxKeys: 3 }) });
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).filter((k) => k !== '__proto__');
const callArb = fc.record({ name: fc.constantFrom('read_file', 'write_file', 'run_command', 'search_code', 'get_weather'), arguments: fc.dictionary(key, value, { maxKeys: 4 }) });
// Prose naming a tool or showing a config file name is still prose.
const sentence = fc.constantFrom('Let me look at the file first.', 'I will call read_file next, then search.', 'Checking the config (see package.json).', 'Überprüfe die Datei 🙂', '先读取文件。');
const thought = fc.constantFrom('The user wants the file; read_file takes a path.', 'Maybe {"path": "a.ts"} is enough.', 'Zwei Aufrufe, dann fertig.', '需要先搜索。');

/** A value the family can carry: raw markup families cannot hold their own markers, Gemma its string token. */
function carries(f: FamilyFormat, v: unknown): boolean {
  if (typeof v !== 'string') return Array.isArray(v) ? v.every((x) => carries(f, x)) : v !== null && typeof v === 'object' ? Object.values(v).every((x) => carries(f, x)) : true;
  if (f.forbidden?.some((m) => v.includes(m))) return false;
  return true;
}
function carriesTopLevel(f: FamilyFormat, v: unknown): boolean {
  if (!carries(f, v)) return false;
  if (!f.raw) return true;
  const written = typeof v === 'string' ? v : JSON.stringify(v);
  if (f.raw.markers.some((m) => written.includes(m))) return false;
  return !(typeof v === 'string' && f.raw.unframed && /^\n|\n$/.test(v));
}

/** The schema the agent sends for these calls: each argument typed as its value is. */
function toolsFor(calls: FamilyCall[]): ToolDefinition[] {
  const byName = new Map<string, Record<string, unknown>>();
  for (const c of calls) {
    const props = byName.get(c.name) ?? {};
    for (const [k, v] of Object.entries(c.arguments)) props[k] = { type: typeof v === 'string' ? 'string' : typeof v === 'number' ? 'integer' : typeof v === 'boolean' ? 'boolean' : Array.isArray(v) ? 'array' : 'object' };
    byName.set(c.name, props);
  }
  return [...byName].map(([name, properties]) => ({ type: 'function', function: { name, parameters: { type: 'object', properties } } }));
}

const callsOf = (r: ParseResult) => r.calls.map((c) => ({ name: c.name, arguments: c.arguments }));
const distinct = (calls: FamilyCall[]) => new Set(calls.map((c) => JSON.stringify(c))).size === calls.length;
/** Two calls of one tool need the same argument types (one schema per tool). */
const consistent = (calls: FamilyCall[]) => {
  const types = new Map<string, string>();
  for (const c of calls) for (const [k, v] of Object.entries(c.arguments)) {
    const t = `${Array.isArray(v) ? 'array' : typeof v}`;
    if ((types.get(`${c.name}.${k}`) ?? t) !== t) return false;
    types.set(`${c.name}.${k}`, t);
  }
  return true;
};

function turnCalls(f: FamilyFormat) {
  return fc.array(callArb, { minLength: 1, maxLength: f.several ? 3 : 1 }).filter((calls) => distinct(calls) && consistent(calls) && calls.every((c) => Object.values(c.arguments).every((v) => carriesTopLevel(f, v))));
}

/** Reasoning in the family's own markers, or `<think>` (R1-style distills) when its template has none. */
function withReasoning(f: FamilyFormat, calls: FamilyCall[], reasoning: string | undefined, prose: string | undefined) {
  const rendered = f.render(calls, { reasoning, prose });
  if (reasoning === undefined || rendered.text.includes(reasoning)) return rendered.text;
  return `<think>${reasoning}</think>\n${f.render(calls, { prose }).text}`;
}

describe.each(FAMILY_FORMATS.map((f) => ({ family: f.family, f })))('$family', ({ f }) => {
  it('generated calls, with reasoning before and prose around, parse back to the same calls', () => {
    fc.assert(
      fc.property(turnCalls(f), fc.option(thought, { nil: undefined }), fc.option(sentence, { nil: undefined }), fc.constantFrom('', '\n', '  \n\n'), (calls, reasoning, prose, space) => {
        const reply = space + withReasoning(f, calls, reasoning, prose) + space;
        // Some templates have no place for prose beside calls (Llama 3.2's reply is only the list).
        if (prose !== undefined && !reply.includes(prose)) prose = undefined;
        const r = parseToolCalls(reply, toolsFor(calls));
        expect(callsOf(r), reply).toEqual(calls);
        expect(r.errors, reply).toEqual([]);
        expect(r.content.trim(), reply).toBe(prose?.trim() ?? '');
        if (reasoning !== undefined) expect(r.reasoning?.trim(), reply).toBe(reasoning);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('a reply cut inside its last call keeps the earlier calls and reports the cut one', () => {
    fc.assert(
      fc.property(turnCalls(f), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (calls, where) => {
        const rendered = f.render(calls, {});
        const last = rendered.calls[rendered.calls.length - 1]!;
        fc.pre(last.bodyEnd - last.bodyStart > 1);
        const cut = last.bodyStart + 1 + Math.floor(where * (last.bodyEnd - last.bodyStart - 1));
        const reply = rendered.text.slice(0, cut);
        const r = parseToolCalls(reply, toolsFor(calls));
        expect(callsOf(r), reply).toEqual(calls.slice(0, -1));
        expect(r.errors.map((e) => e.kind), reply).toContain('malformed');
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});

// llama.cpp, vLLM and LM Studio often pass on only the inside of a call block.
const strippable = FAMILY_FORMATS.filter((f) => f.stripped).map((f) => ({ family: f.family, f, stripped: f.stripped! }));
describe.each(strippable)('$family, wrapper stripped by the server', ({ f, stripped }) => {
  it('the call body alone is read as the call', () => {
    fc.assert(
      fc.property(turnCalls(f), (calls) => {
        const reply = stripped(calls[0]!);
        const r = parseToolCalls(reply, toolsFor(calls));
        expect(callsOf(r), reply).toEqual([calls[0]]);
        expect(r.errors, reply).toEqual([]);
      }),
      { numRuns: 40, seed: 11 },
    );
  });
});
