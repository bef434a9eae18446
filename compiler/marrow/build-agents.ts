/**
 * `npm run build:agents`: compiles the built-in agents/*.marrow into agents/.compiled/ (gitignored),
 * which the layer loader evaluates at start-up instead of compiling again. Exits 1 on any error.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../common/index.js';
import { compileFileToDir } from './files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const agentsDir = join(root, 'agents');
const outDir = join(agentsDir, '.compiled');
const templateDirs = [join(root, 'templates', 'prompts', 'cognition')];

let failed = false;
const started = performance.now();
for (const name of readdirSync(agentsDir).filter((f) => f.endsWith('.marrow')).sort()) {
  const file = `agents/${name}`;
  const result = await compileFileToDir(join(agentsDir, name), outDir, { file, templateDirs });
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d, result.source)}\n`);
  if (!result.ok) failed = true;
  else process.stdout.write(`compiled ${file} → agents/.compiled/${name.replace(/\.marrow$/, '')}.{ts,cjs}\n`);
}
process.stdout.write(`build:agents ${failed ? 'failed' : 'done'} in ${Math.round(performance.now() - started)} ms\n`);
process.exit(failed ? 1 : 0);
