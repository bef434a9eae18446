import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared corpora of real model outputs live outside the repository (never copied in):
 * $SMALLCODE_CORPORA, else ../shared/corpora next to the repository.
 */
export function corporaDir(): string {
  const fromEnv = process.env.SMALLCODE_CORPORA;
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = fromEnv ? resolve(fromEnv) : join(repoRoot, '..', 'shared', 'corpora');
  if (!existsSync(dir)) {
    throw new Error(`corpora not found at ${dir}; set SMALLCODE_CORPORA to the folder holding toolcalls.jsonl`);
  }
  return dir;
}

export function readJsonl<T = Record<string, unknown>>(name: string): T[] {
  const text = readFileSync(join(corporaDir(), name), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch (err) {
        throw new Error(`${name}:${i + 1}: not JSON (${(err as Error).message})`);
      }
    });
}

/** Prints rows as an aligned text table. */
export function printTable(headers: string[], rows: Array<Array<string | number>>): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}
