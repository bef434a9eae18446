/**
 * A long scripted coding session, run through the real engine (the library API, real HTTP and
 * SSE against the scripted server): 8 whole-file reads, a search, 6 patches, a shell call, 4
 * ranged reads, then the answer. The files are real code (the `yaml` package's compiled modules,
 * pinned by the lockfile), so reads are the sizes real reads are.
 *
 * The scripted model behaves as a model does in compact mode: when the tool it wants is not
 * among the offered schemas, it first asks for that tool's category with `use_tools`.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmallCode } from '../../runtime/api/index.js';
import { startScriptedServer, type ScriptedToolCall, type ScriptedTurn } from '../../test/support/scripted-server.js';
import type { WireRequest } from './prefill.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = [
  'compose/compose-collection.js', 'compose/resolve-block-map.js', 'compose/resolve-flow-scalar.js', 'doc/directives.js',
  'nodes/Collection.js', 'nodes/YAMLMap.js', 'parse/cst-visit.js', 'schema/yaml-1.1/timestamp.js',
].map((p) => join(REPO_ROOT, 'node_modules', 'yaml', 'dist', p));

const CATEGORY: Record<string, string> = { read_file: 'read', search: 'search', find_files: 'search', patch: 'write', write_file: 'write', bash: 'run' };

export interface PrefillSessionOptions {
  window: number;
  compact: boolean;
  /** Extra SMALLCODE_* settings. */
  env?: Record<string, string>;
}

export interface PrefillSession {
  /** Every chat request the engine sent, in order (side prompts included). */
  requests: WireRequest[];
  success: boolean;
  error?: string;
  turns: number;
}

/** The session's calls, made from the project's files so every patch applies. */
async function scriptCalls(project: string): Promise<ScriptedToolCall[]> {
  const files = SOURCES.map((p) => basename(p));
  const texts = await Promise.all(files.map((f) => readFile(join(project, f), 'utf8')));
  const calls: ScriptedToolCall[] = files.map((path) => ({ name: 'read_file', arguments: { path } }));
  calls.push({ name: 'search', arguments: { pattern: 'function ', glob: '*.js' } });
  for (let i = 0; i < 6; i++) {
    const lines = texts[i]!.split('\n');
    // A line that occurs once in its file: the edit a model makes to a function it just read.
    const target = lines.find((l, j) => j > 3 && l.trim().length > 20 && lines.indexOf(l) === lines.lastIndexOf(l))!;
    calls.push({ name: 'patch', arguments: { path: files[i]!, search: target, replace: `${target} // reviewed` } });
  }
  calls.push({ name: 'bash', arguments: { command: 'wc -l *.js' } });
  for (let i = 0; i < 4; i++) calls.push({ name: 'read_file', arguments: { path: files[7 - i]!, start_line: 10, end_line: 40 } });
  return calls;
}

export const PREFILL_TASK =
  'Review the eight yaml modules in this folder: read each, search for the function definitions, mark six lines you checked with "// reviewed", count the lines, and look again at the start of four of them.';

/**
 * Writes the session's project into `project` and returns the scripted model's answer to each
 * chat request: the next call of the session, a `use_tools` first when the call's tool is not
 * offered, and the final answer when the calls are done.
 */
export async function preparePrefillSession(project: string): Promise<(body: unknown) => ScriptedTurn> {
  await mkdir(project, { recursive: true });
  for (const source of SOURCES) await writeFile(join(project, basename(source)), await readFile(source, 'utf8'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'yaml-review', type: 'module' }, null, 2));
  const calls = await scriptCalls(project);
  let next = 0;
  return (body) => {
    const call = calls[next];
    if (!call) return { content: 'Reviewed the eight modules; six lines are marked "// reviewed" and the line counts are above.' };
    const tools = (body as { tools?: Array<{ function: { name: string } }> } | undefined)?.tools ?? [];
    const offered = new Set(tools.map((t) => t.function.name));
    if (offered.has('use_tools') && !offered.has(call.name)) return { toolCalls: [{ name: 'use_tools', arguments: { category: CATEGORY[call.name]! } }] };
    next++;
    return { toolCalls: [call] };
  };
}

/** The session through the library API (the engine the CLI runs), in a throwaway project. */
export async function runPrefillSession(opts: PrefillSessionOptions): Promise<PrefillSession> {
  const dir = await mkdtemp(join(tmpdir(), 'smallcode-prefill-'));
  const project = join(dir, 'project');
  const respond = await preparePrefillSession(project);
  const server = await startScriptedServer({ models: [{ id: 'scripted-model', contextLength: opts.window }], respond: (req) => respond(req.body) });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    SMALLCODE_CONFIG_DIR: join(dir, 'config', 'smallcode'),
    SMALLCODE_CONTEXT_WINDOW: String(opts.window),
    SMALLCODE_COMPACT: opts.compact ? 'true' : 'false',
    SMALLCODE_PLAN: 'false',
    ...opts.env,
  };
  const agent = new SmallCode({ cwd: project, env, baseUrl: server.url, model: 'scripted-model', policy: (p) => ({ ...p, loop: { maxTurns: 60 } }) });
  try {
    const result = await agent.run(PREFILL_TASK);
    return {
      requests: server.chatRequests().map((r) => r.body as WireRequest),
      success: result.success,
      error: result.error,
      turns: result.turns,
    };
  } finally {
    await agent.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
