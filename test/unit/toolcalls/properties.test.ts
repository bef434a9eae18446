import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseToolCalls } from '../../../runtime/model/toolcalls/index.js';
import { TOOLS } from './fixtures.js';

/**
 * Properties of the parser that hold for any text, checked over generated cases:
 * no call is ever made out of prose, a repaired call holds only what was written, and a call cut
 * off by the token limit is reported, never dropped silently or completed with guessed data.
 */

const TOOL_NAMES = TOOLS.map((t) => t.function.name);
const word = fc.constantFrom('file', 'the', 'path', 'we', 'should', 'read', 'search', 'results', 'name', 'arguments', 'value', 'call', 'tool', 'next', '你好', 'über', '🙂', ...TOOL_NAMES);
const opener = fc.constantFrom('The', 'I', 'We', 'Note that', 'Then', 'So', 'First,');
const nonCallJson = fc.oneof(
  fc.dictionary(fc.constantFrom('amount', 'version', 'scripts', 'dependencies', 'title', 'count'), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { minKeys: 1, maxKeys: 3 }).map((o) => JSON.stringify(o)),
  fc.array(fc.integer(), { maxLength: 4 }).map((a) => JSON.stringify(a)),
);
const sentence = fc.tuple(opener, fc.array(word, { minLength: 1, maxLength: 8 }), fc.constantFrom('.', '!', '?', ':', ' —')).map(([o, ws, end]) => `${o} ${ws.join(' ')}${end}`);
const prose = fc.array(
  fc.oneof({ weight: 4, arbitrary: sentence }, { weight: 1, arbitrary: nonCallJson.map((j) => `For example ${j} is the config.`) }, { weight: 1, arbitrary: nonCallJson.map((j) => `\`\`\`json\n${j}\n\`\`\``) }),
  { minLength: 1, maxLength: 6 },
).map((parts) => parts.join('\n'));

describe('no invention: prose never yields a call', () => {
  it('sentences naming tools, JSON that is not a call, fences: no call, no error, text kept', () => {
    fc.assert(
      fc.property(prose, fc.boolean(), (text, withTools) => {
        const r = parseToolCalls(text, withTools ? TOOLS : []);
        expect(r.calls, text).toEqual([]);
        expect(r.errors).toEqual([]);
        // The prose is kept as content (fences may be unwrapped, words never dropped).
        for (const w of text.match(/[A-Za-z_]{4,}/g) ?? []) expect(r.content).toContain(w);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

/** Every key and every scalar of a parsed call must be spelled somewhere in the text. */
function writtenIn(text: string, value: unknown): boolean {
  if (value === null) return /\bnull\b|\bNone\b/.test(text);
  if (typeof value === 'boolean') return new RegExp(`\\b${value}\\b`, 'i').test(text);
  if (typeof value === 'number') return text.includes(String(value));
  if (typeof value === 'string') return value === '' ? /""|''/.test(text) : text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1));
  if (Array.isArray(value)) return value.every((v) => writtenIn(text, v));
  if (typeof value === 'object') return Object.entries(value as object).every(([k, v]) => text.includes(k) && writtenIn(text, v));
  return false;
}

const plain = fc.stringMatching(/^[a-z0-9 ._/-]{1,12}$/);
const args = fc.dictionary(fc.stringMatching(/^[a-z][a-z_]{0,7}$/), fc.oneof(plain, fc.integer({ min: 0, max: 9999 }), fc.boolean(), fc.array(plain, { maxLength: 2 })), { minKeys: 1, maxKeys: 4 });
const call = fc.record({ name: fc.constantFrom('read_file', 'run_command', 'custom_tool'), arguments: args });

describe('no invention: a repaired call holds only what the text wrote', () => {
  // Damage as models do it: a span deleted, brackets dropped, a quote lost, single quotes.
  const damage = fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.constantFrom('delete', 'unquote', 'single', 'drop-brackets'));
  it('damaged JSON calls in any wrapper: keys and values of every call occur in the text', () => {
    fc.assert(
      fc.property(call, damage, fc.constantFrom('hermes', 'bare', 'fenced', 'mistral'), (c, [at, len, how], wrap) => {
        let json = JSON.stringify({ name: c.name, arguments: c.arguments });
        const i = at % json.length;
        if (how === 'delete') json = json.slice(0, i) + json.slice(i + len);
        if (how === 'unquote') json = json.replace(/"([a-z_]+)":/g, '$1:');
        if (how === 'single') json = json.replace(/"/g, "'");
        if (how === 'drop-brackets') json = json.replace(/[}\]]+$/, '');
        const text = wrap === 'hermes' ? `<tool_call>\n${json}\n</tool_call>` : wrap === 'fenced' ? `\`\`\`json\n${json}\n\`\`\`` : wrap === 'mistral' ? `[TOOL_CALLS]${c.name}[ARGS]${json}` : json;
        const r = parseToolCalls(text, []);
        for (const parsed of r.calls) {
          expect(text.includes(parsed.name), text).toBe(true);
          expect(writtenIn(text, parsed.arguments), `${text}\n→ ${JSON.stringify(parsed.arguments)}`).toBe(true);
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});

describe('a call cut by the token limit', () => {
  const render = (c: { name: string; arguments: unknown }) => `<tool_call>\n${JSON.stringify(c)}\n</tool_call>`;
  it('a cut at any point of the last call: earlier calls kept, the cut one reported, never guessed', () => {
    fc.assert(
      fc.property(call, call, fc.double({ min: 0, max: 1, noNaN: true }), (first, last, where) => {
        fc.pre(JSON.stringify(first) !== JSON.stringify(last));
        const full = `${render(first)}\n${render(last)}`;
        const lastStart = full.lastIndexOf('<tool_call>');
        const jsonStart = full.indexOf('{', lastStart);
        const jsonEnd = jsonStart + JSON.stringify(last).length;
        const cut = lastStart + Math.floor(where * (full.length - lastStart));
        const r = parseToolCalls(full.slice(0, cut), []);
        const calls = r.calls.map((c) => ({ name: c.name, arguments: c.arguments }));
        if (cut >= jsonEnd) {
          expect(calls).toEqual([first, last]);
          expect(r.errors).toEqual([]);
        } else {
          expect(calls).toEqual([first]);
          if (cut > jsonStart) expect(r.errors.map((e) => e.kind)).toEqual(['malformed']);
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});
