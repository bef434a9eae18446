/**
 * The mistakes small models make in a search text (lost indentation, stray trailing spaces, the
 * other line ending, a blank line too many) must not change what an edit does: applied to real
 * source files, a perturbed edit gives exactly the result of the clean one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyEdit } from '../../../runtime/edit/index.js';

const sources = ['../../../runtime/edit/match.ts', '../../../runtime/edit/lazy.ts', '../../../runtime/edit/reindent.ts'].map((p) =>
  readFileSync(fileURLToPath(new URL(p, import.meta.url)), 'utf8'),
);

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sample {
  file: string;
  search: string[];
  replace: string[];
}

/** Runs of 2–6 indented, non-blank lines that occur once in the file, and a changed version. */
function samples(count: number, seed: number): Sample[] {
  const rand = random(seed);
  const out: Sample[] = [];
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const file = sources[Math.floor(rand() * sources.length)]!;
    const lines = file.split('\n');
    const length = 2 + Math.floor(rand() * 5);
    const start = Math.floor(rand() * (lines.length - length));
    const search = lines.slice(start, start + length);
    if (search.some((l) => l.trim() === '') || !search.every((l) => l.startsWith('  '))) continue;
    if (file.split(search.join('\n')).length !== 2) continue;
    // Unique at any indentation too, or a perturbed search may rightly match another place.
    const trimmed = `\n${lines.map((l) => l.trim()).join('\n')}\n`;
    if (trimmed.split(`\n${search.map((l) => l.trim()).join('\n')}\n`).length !== 2) continue;
    const replace = search.map((l, i) => (i === Math.floor(length / 2) ? `${l} // changed` : l));
    replace.splice(1, 0, `${search[0]!.match(/^\s*/)![0]}const inserted = ${out.length};`);
    out.push({ file, search, replace });
  }
  return out;
}

function commonIndent(lines: string[]): string {
  return lines.reduce((acc, l) => {
    let k = 0;
    while (k < acc.length && k < l.length && acc[k] === l[k]) k++;
    return acc.slice(0, k);
  }, lines[0]!.match(/^\s*/)![0]);
}

const perturbations: Array<[string, (lines: string[]) => string[]]> = [
  ['indentation removed', (ls) => ls.map((l) => l.slice(commonIndent(ls).length))],
  ['indented two more', (ls) => ls.map((l) => `  ${l}`)],
  ['trailing spaces', (ls) => ls.map((l, i) => (i % 2 ? `${l}   ` : l))],
  ['blank line before and after', (ls) => ['', ...ls, '']],
];

describe('perturbed searches land like clean ones on real source files', () => {
  const cases = samples(25, 20261121);
  it('found enough samples', () => {
    expect(cases.length).toBe(25);
  });

  for (const [name, perturb] of perturbations) {
    it(name, () => {
      for (const { file, search, replace } of cases) {
        const clean = applyEdit(file, { search: `${search.join('\n')}\n`, replace: `${replace.join('\n')}\n` });
        // The model writes its replacement the way it wrote its search (its trailing spaces are
        // its own business: they would be written).
        const perturbedReplace = name === 'trailing spaces' ? replace : perturb(replace);
        const got = applyEdit(file, { search: `${perturb(search).join('\n')}\n`, replace: `${perturbedReplace.join('\n')}\n` });
        expect(got).toBe(clean);
      }
    });
  }

  it('CRLF searches on LF files and LF searches on CRLF files', () => {
    for (const { file, search, replace } of cases) {
      const clean = applyEdit(file, { search: `${search.join('\n')}\n`, replace: `${replace.join('\n')}\n` });
      expect(applyEdit(file, { search: `${search.join('\r\n')}\r\n`, replace: `${replace.join('\r\n')}\r\n` })).toBe(clean);
      const crlf = file.replace(/\n/g, '\r\n');
      expect(applyEdit(crlf, { search: `${search.join('\n')}\n`, replace: `${replace.join('\n')}\n` })).toBe(clean.replace(/\n/g, '\r\n'));
    }
  });
});
