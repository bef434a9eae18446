import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { diagnosticToJson, formatDiagnostics, hasErrors } from '../../../compiler/common/index.js';
import type { CommandContext } from '../command.js';

/**
 * `smallcode marrow check <file> [--json]`, `smallcode marrow compile <file> [-o dir] [--json]`
 * and `smallcode marrow eject [--force]`. main.ts passes the sub-command and the file as `args`
 * (`['check', 'agents/core.marrow']`). Exit 0 success, 1 the file has errors, 2 usage.
 */
const USAGE = [
  'usage: smallcode marrow check <file.marrow> [--json]',
  '       smallcode marrow compile <file.marrow> [-o <dir>] [--json]',
  '       smallcode marrow eject [--force]     copy the built-in agents/*.marrow to .smallcode/agents/ to edit them',
  '',
].join('\n');

export default async function marrow(ctx: CommandContext): Promise<number> {
  const [action, file, ...rest] = ctx.args;
  if (action === 'eject') return eject(ctx, rest.length ? [file!, ...rest] : file ? [file] : []);
  if ((action !== 'check' && action !== 'compile') || !file || rest.length > 0) {
    const problem = !action ? 'missing sub-command' : action !== 'check' && action !== 'compile' ? `unknown sub-command '${action}'` : !file ? 'missing <file.marrow>' : `unexpected argument '${rest[0]}'`;
    ctx.stderr.write(`smallcode marrow: ${problem}\n${USAGE}`);
    return 2;
  }
  const json = Boolean(ctx.options.json);
  const filePath = path.resolve(ctx.cwd, file);
  const shown = path.relative(ctx.cwd, filePath) || file;
  let source: string;
  try {
    source = readFileSync(filePath, 'utf8');
  } catch {
    ctx.stderr.write(`smallcode marrow: cannot read ${shown}\n`);
    return 2;
  }
  const { packageRoot, defaultUserConfigDir } = await import('../../cognition/loader.js');
  const root = packageRoot();
  const builtinAgents = path.join(root, 'agents');
  const isBuiltin = path.dirname(filePath) === builtinAgents;
  const templateDirs = [
    ...(isBuiltin ? [] : [path.join(defaultUserConfigDir(ctx.env), 'templates', 'prompts', 'cognition'), path.join(ctx.cwd, '.smallcode', 'templates', 'prompts', 'cognition')]),
    path.join(root, 'templates', 'prompts', 'cognition'),
  ];
  const compiler = await import('../../../compiler/marrow/index.js');
  // An override may use what the built-in layer declares (models, routers, prompts).
  const external = isBuiltin ? undefined : builtinNames(compiler.checkSource, builtinAgents);
  const options = { file: shown, templateDirs, ...(external ? { external } : {}) };

  if (action === 'check') {
    const result = compiler.checkSource(source, options);
    if (json) ctx.stdout.write(`${JSON.stringify({ ok: result.ok, file: shown, hash: result.sourceHash, diagnostics: result.diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
    else {
      if (result.diagnostics.length) ctx.stderr.write(`${formatDiagnostics(result.diagnostics, { [shown]: source })}\n`);
      if (result.ok) ctx.stdout.write(`${shown}: ok (${summary(result.program)})\n`);
    }
    return result.ok ? 0 : 1;
  }

  const { compileFileToDir } = await import('../../../compiler/marrow/files.js');
  const outOption = ctx.options.o ?? ctx.options.out ?? ctx.options.outDir;
  const outDir = outOption ? path.resolve(ctx.cwd, String(outOption)) : path.join(path.dirname(filePath), '.compiled');
  const result = await compileFileToDir(filePath, outDir, options);
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ ok: result.ok, file: shown, outputs: result.outputs.map((o) => path.relative(ctx.cwd, o)), diagnostics: result.diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
  } else {
    if (result.diagnostics.length) ctx.stderr.write(`${formatDiagnostics(result.diagnostics, { [shown]: source })}\n`);
    if (result.ok) ctx.stdout.write(`compiled ${shown} → ${result.outputs.map((o) => path.relative(ctx.cwd, o)).join(', ')}\n`);
  }
  return hasErrors(result.diagnostics) || !result.ok ? 1 : 0;
}

function builtinNames(check: typeof import('../../../compiler/marrow/index.js').checkSource, dir: string) {
  const models: string[] = [];
  const routers: string[] = [];
  const prompts: Array<{ name: string; params: Array<{ name: string; type: import('../../cognition/types.js').TypeRef }>; returns: import('../../cognition/types.js').TypeRef }> = [];
  for (const name of safeList(dir)) {
    const { program } = check(readFileSync(path.join(dir, name), 'utf8'), { file: `agents/${name}` });
    models.push(...program.models.map((m) => m.name));
    routers.push(...program.routers.map((r) => r.name));
    prompts.push(...program.prompts.map((p) => ({ name: p.name, params: p.params.map((x) => ({ name: x.name, type: x.type })), returns: p.returns })));
  }
  return { models, routers, prompts };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.marrow')).sort();
  } catch {
    return [];
  }
}

function summary(program: import('../../../compiler/marrow/program.js').Program): string {
  const parts: Array<[number, string]> = [
    [program.models.length, 'model'], [program.routers.length, 'router'], [program.prompts.length, 'prompt'],
    [program.guards.length, 'guard'], [program.tools.length, 'tool policy'],
  ];
  const plural = (n: number, word: string) => (n === 1 ? word : word.endsWith('policy') ? word.replace(/policy$/, 'policies') : `${word}s`);
  return parts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${plural(n, w)}`).join(', ') || 'no declarations';
}

async function eject(ctx: CommandContext, extra: string[]): Promise<number> {
  if (extra.length) {
    ctx.stderr.write(`smallcode marrow: unexpected argument '${extra[0]}'\n${USAGE}`);
    return 2;
  }
  const { packageRoot } = await import('../../cognition/loader.js');
  const from = path.join(packageRoot(), 'agents');
  const to = path.join(ctx.cwd, '.smallcode', 'agents');
  const files = safeList(from);
  const existing = files.filter((f) => existsSync(path.join(to, f)));
  if (existing.length && !ctx.options.force) {
    ctx.stderr.write(`smallcode marrow: ${existing.map((f) => path.join('.smallcode', 'agents', f)).join(', ')} already exist; use --force to overwrite\n`);
    return 1;
  }
  mkdirSync(to, { recursive: true });
  for (const f of files) copyFileSync(path.join(from, f), path.join(to, f));
  ctx.stdout.write(`${files.map((f) => `ejected agents/${f} → .smallcode/agents/${f}`).join('\n')}\nEdit them; the agent loads them over the built-in layer at start-up (check with: smallcode marrow check .smallcode/agents/${files[0] ?? 'core.marrow'}).\n`);
  return 0;
}
