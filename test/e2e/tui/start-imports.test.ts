// What the interactive terminal loads before its prompt is drawn: the static import graph of the
// built CLI from its entry through the default command to the terminal app. The engine (model
// client, tools, cognition) is imported only after the prompt is up; a static import of it from
// anything on this path — one `import { X }` of a constant from a module that imports the tool
// registry was enough — puts zod and the rest on the start-up path (it once cost ~70 ms and 9 MiB).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../../dist/', import.meta.url));

/** Packages that belong to the engine or other commands, never to the first paint. */
const HEAVY = ['zod', 'openai', 'gpt-tokenizer', 'ts-morph', 'chevrotain', 'better-sqlite3', 'handlebars', 'jsonrepair', 'yaml', 'smol-toml', 'tinyglobby', '@clack/prompts'];

function staticImports(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(join(DIST, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|[;\n])\s*(?:import|export)\s*(?:[^'"();]*?\sfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]!);
  return {
    local: specs.filter((s) => s.startsWith('./')).map((s) => s.slice(2)),
    packages: specs.filter((s) => !s.startsWith('.') && !s.startsWith('node:')),
  };
}

/** Every package reachable through static imports from the given dist files. */
function staticClosure(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const { local, packages: pkgs } = staticImports(file);
    for (const p of pkgs) packages.add(p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]!);
    queue.push(...local);
  }
  return packages;
}

describe('the interactive start-up path', () => {
  it('loads none of the engine’s heavy packages before the prompt', () => {
    expect(existsSync(join(DIST, 'cli.js')), 'dist/cli.js (run `npm run build` first)').toBe(true);
    const chunk = (prefix: string) => {
      const found = readdirSync(DIST).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.js'));
      expect(found, `dist/${prefix}-*.js`).toHaveLength(1);
      return found[0]!;
    };
    const packages = staticClosure(['cli.js', chunk('repl'), chunk('app')]);
    expect(packages.has('cac')).toBe(true); // the walk does see packages
    expect([...packages].filter((p) => HEAVY.includes(p))).toEqual([]);
  });
});
