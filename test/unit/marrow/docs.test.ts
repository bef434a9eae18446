import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../../compiler/marrow/bind.js';
import { MS } from '../../../compiler/marrow/diagnostics.js';
import { FACTS, GUARD_ACTIONS } from '../../../runtime/cognition/facts.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'marrowscript.md'), 'utf8');

describe('docs/marrowscript.md', () => {
  it('documents every diagnostic code, fact, guard action and field', () => {
    const missing = [
      ...Object.values(MS).map((d) => d.code).filter((code) => !doc.includes(`| ${code} |`)),
      ...FACTS.map((f) => f.name).filter((name) => !doc.includes(`\`${name}`)),
      ...GUARD_ACTIONS.map((a) => a.name).filter((name) => !doc.includes(`\`${name}`)),
      ...Object.entries(FIELDS).flatMap(([kind, specs]) => specs.filter((s) => !doc.includes(`| \`${s.key}\``)).map((s) => `${kind}.${s.key}`)),
    ];
    expect(missing).toEqual([]);
  });
});
