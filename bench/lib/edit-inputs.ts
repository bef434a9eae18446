/**
 * Generated 1 MB inputs for the edit engine's worst case: each shape aims at one strategy's
 * cost (many matches, long lines, repeated lines that defeat anchoring, a search as large as
 * the file). Seeded, so every run times the same inputs.
 */
import { performance } from 'node:perf_hooks';
import { applyEdit, EditError, mergeElidedRewrite, type Edit } from '../../runtime/edit/index.js';

const MB = 1 << 20;

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `bytes` of source-like lines: nested blocks, distinct identifiers, indented by `unit`. */
function sourceLike(bytes: number, seed: number, unit = '  '): string[] {
  const rand = random(seed);
  const lines: string[] = [];
  let size = 0;
  for (let f = 0; size < bytes; f++) {
    const body = [
      `function handler${f}(request, options) {`,
      `${unit}const value${f} = request.items.map((item) => item.weight * ${Math.floor(rand() * 1000)});`,
      `${unit}if (options.verbose && value${f}.length > ${Math.floor(rand() * 50)}) {`,
      `${unit}${unit}console.log('handler ${f}', value${f});`,
      `${unit}}`,
      `${unit}return value${f}.reduce((a, b) => a + b, 0);`,
      '}',
      '',
    ];
    for (const l of body) size += l.length + 1;
    lines.push(...body);
  }
  return lines;
}

interface Case {
  name: string;
  text: string;
  run(text: string): unknown;
}

function cases(): Case[] {
  const src = sourceLike(MB, 1);
  const text = src.join('\n');
  const n = src.length;
  const near = Math.floor(n * 0.9) - (Math.floor(n * 0.9) % 8);
  const block = src.slice(near, near + 6);
  const minified = text.replace(/\n\s*/g, ' ');
  const edit = (e: Edit) => (t: string) => applyEdit(t, e);
  const sameLines = Array.from({ length: Math.floor(MB / 8) }, () => '  x = 1;').join('\n');
  return [
    { name: 'exact, unique, near the end', text, run: edit({ search: block.join('\n'), replace: 'changed();' }) },
    { name: 'indentation lost (tolerant lines)', text, run: edit({ search: block.map((l) => l.trim()).join('\n'), replace: 'changed();' }) },
    { name: 'one character off (fuzzy)', text, run: edit({ search: block.join('\n').replace('reduce', 'reduse'), replace: 'changed();' }) },
    { name: 'no match (closest region)', text, run: edit({ search: 'function nowhere(a, b) {\n  return a.filter(Boolean).length * 37;\n}', replace: 'x' }) },
    { name: 'replaceAll, 150k matches', text, run: edit({ search: 'value', replace: 'amount', replaceAll: true }) },
    { name: 'ambiguous, 150k matches', text, run: edit({ search: 'value', replace: 'amount' }) },
    { name: 'one 1 MB line, no match', text: minified, run: edit({ search: 'function nowhere(a, b) { return a.filter(Boolean).length * 37; }', replace: 'x' }) },
    { name: 'one 1 MB line, replaceAll', text: minified, run: edit({ search: 'item', replace: 'entry', replaceAll: true }) },
    { name: '131k identical lines, fuzzy search', text: sameLines, run: edit({ search: Array.from({ length: 8 }, (_, i) => `  x = ${i + 2}; // a comment that is long enough`).join('\n'), replace: 'y' }) },
    { name: '131k identical lines, whitespace-only search', text: sameLines, run: edit({ search: '\n\n', replace: '\n' }) },
    { name: 'search as large as the file, one line changed', text, run: edit({ search: text.replace('handler7(', 'handler7 ('), replace: 'x' }) },
    { name: 'search with "..." elisions', text, run: edit({ search: `${src[near]}\n  // ...\n${src[near + 5]}`, replace: `${src[near]}\n  // ...\n  return 0;` }) },
    { name: 'lazy rewrite, placeholder then a changed tail', text, run: (t) => mergeElidedRewrite(t, `// ... existing code ...\n${src.slice(n - 8).join('\n').replace('return', 'return -')}`) },
  ];
}

export interface Timing {
  name: string;
  bytes: number;
  outcome: string;
  ms: number;
}

/** Each case run three times; the best run is reported (the machine is shared). */
export function timeWorstCases(): Timing[] {
  return cases().map((c) => {
    let best = Infinity;
    let outcome = '';
    for (let k = 0; k < 3; k++) {
      const start = performance.now();
      try {
        c.run(c.text);
        outcome = 'applied';
      } catch (err) {
        if (!(err instanceof EditError)) throw err;
        outcome = `refused:${err.kind}`;
      }
      best = Math.min(best, performance.now() - start);
    }
    return { name: c.name, bytes: c.text.length, outcome, ms: best };
  });
}
