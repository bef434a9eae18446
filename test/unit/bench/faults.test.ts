import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_POLICY } from '../../support/policy.js';
import { parseToolCalls, repairToolCall } from '../../../runtime/api/index.js';
import { createToolRegistry } from '../../../runtime/tools/index.js';
import { DIALECTS, DIALECT_NAMES, loadCorpusDialects } from '../../../bench/sim/dialects.js';
import { breakJson, canReindent, reindentSearch, renameArgs } from '../../../bench/sim/faults.js';
import { Random, hashSeed } from '../../../bench/sim/random.js';

const registry = createToolRegistry({ root: process.cwd(), policy: BUILTIN_POLICY, sessionId: 'bench-unit' });
const tools = registry.definitions();
afterAll(() => registry.dispose());

const CALLS = [
  { name: 'patch', args: { path: 'src/a.py', search: '    return x\n', replace: "    return 'y'  # \"quoted\"\n" } },
  { name: 'bash', args: { command: "python3 -c \"print('hi')\" | grep -q hi" } },
  { name: 'write_file', args: { path: 'x.sh', content: "#!/usr/bin/env bash\ntr -cs 'a-z' '\\n' < \"$1\"\n" } },
];

describe('text dialects', () => {
  it.each(DIALECT_NAMES)('%s is written so that the forgiving parser recovers the exact call', (dialect) => {
    for (const call of CALLS) {
      const text = DIALECTS[dialect](call);
      expect(text).not.toBe(JSON.stringify(call.args)); // really a different shape
      const parsed = parseToolCalls(text, tools);
      expect(parsed.calls.map((c) => ({ name: c.name, args: c.arguments }))).toEqual([call]);
    }
  });

  it('draws templates from the shared corpus (when present) with our call in place of the fixture call', () => {
    const file = `${process.env.SMALLCODE_CORPORA ?? `${process.cwd()}/../shared/corpora`}/toolcalls.jsonl`;
    const corpus = loadCorpusDialects(file);
    if (corpus.length === 0) return; // no corpus on this machine; the built-in dialects still run
    expect(new Set(corpus.map((d) => d.name.split(':')[1])).size).toBe(corpus.length);
    for (const dialect of corpus) {
      const text = dialect.render(CALLS[0]!);
      expect(text).not.toContain('special_function');
      expect(text).toContain(JSON.stringify(CALLS[0]!.args));
    }
  });

  it('is empty for a missing corpus file', () => {
    expect(loadCorpusDialects('/nonexistent/toolcalls.jsonl')).toEqual([]);
  });
});

describe('argument faults', () => {
  it('breaks JSON in ways a strict parser refuses and the repair recovers', () => {
    const rng = new Random(11);
    for (let i = 0; i < 20; i++) {
      for (const call of CALLS) {
        const broken = breakJson(call.args, rng);
        expect(() => JSON.parse(broken)).toThrow();
        expect(repairToolCall(call.name, broken, tools).call?.arguments).toEqual(call.args);
      }
    }
  });

  it('renames arguments to names other tools use, keeping the values', () => {
    const rng = new Random(5);
    const renamed = renameArgs({ path: 'a.py', search: 'x', replace: 'y' }, rng);
    expect(Object.keys(renamed)).not.toContain('path');
    expect(Object.keys(renamed)).not.toContain('search');
    expect(Object.values(renamed).sort()).toEqual(['a.py', 'x', 'y']);
    expect(Object.keys(renameArgs({ command: 'ls' }, rng))[0]).toMatch(/^(cmd|script)$/);
  });

  it('re-indents only the whitespace of a search text', () => {
    const search = '    if x:\n        return 1\n';
    expect(canReindent({ search })).toBe(true);
    expect(canReindent({ search: 'flat line' })).toBe(false);
    const rng = new Random(2);
    for (let i = 0; i < 8; i++) {
      const changed = reindentSearch(search, rng);
      expect(changed).not.toBe(search);
      expect(changed.replace(/[ \t]/g, '')).toBe(search.replace(/[ \t]/g, ''));
    }
  });
});

describe('Random', () => {
  it('gives the same sequence for the same seed and spreads over [0, 1)', () => {
    const a = new Random(hashSeed(1, 'task'));
    const b = new Random(hashSeed(1, 'task'));
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const share = xs.filter((x) => x < 0.3).length / xs.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
    expect(hashSeed(1, 'task')).not.toBe(hashSeed(2, 'task'));
  });
});
