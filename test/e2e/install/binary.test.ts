// The single-file executable (`npm run build:binary`) on a machine without Node.js: --version,
// `marrow compile`, and a whole task against the scripted server, using what the binary carries
// (the built-in layer and prompts, YAML parsing, the native SQLite module, ripgrep, TypeScript)
// from its unpacked cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };
import { binaryName } from '../../../runtime/binary/assets.js';
import { startScriptedServer } from '../../support/scripted-server.js';
import { makeTempProject, removeTempProject, repoRoot, runCli } from '../../support/run-cli.js';

const BINARY = join(repoRoot, 'dist', 'bin', binaryName());

/** Builds the binary when it is not there; a reason to skip when it cannot be built here. */
function ensureBinary(): string | undefined {
  if (existsSync(BINARY)) return undefined;
  const build = spawnSync('npm', ['run', 'build:binary'], { cwd: repoRoot, encoding: 'utf8', timeout: 15 * 60_000 });
  if (build.status === 0 && existsSync(BINARY)) return undefined;
  const why = `${build.stderr ?? ''}${build.stdout ?? ''}`.split('\n').filter((l) => l.startsWith('build:binary:')).at(-1);
  return `npm run build:binary failed here (${why ?? build.error?.message ?? `exit ${build.status}`})`;
}

/** A PATH with every program of this one except Node.js and its package managers. */
function pathWithoutNode(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const from of (process.env.PATH ?? '').split(delimiter)) {
    if (!from || !existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (/^(node|nodejs|npm|npx|corepack|pnpm|yarn)$/.test(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(from, name), join(dir, name));
    }
  }
  return dir;
}

const skipReason = ensureBinary();
const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await removeTempProject(dir);
});

describe.skipIf(skipReason !== undefined)(`the single-file executable (${binaryName()})`, () => {
  async function sandbox() {
    const home = await makeTempProject();
    temps.push(home);
    const env = { HOME: home, PATH: pathWithoutNode(join(home, 'bin')), SMALLCODE_CACHE_DIR: join(home, 'cache') };
    return { home, env };
  }

  it('prints its version with no node on PATH', async () => {
    const { home, env } = await sandbox();
    expect(spawnSync('sh', ['-c', 'command -v node'], { env }).status).not.toBe(0);
    const r = await runCli(['--version'], { cwd: home, env, executable: BINARY });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`smallcode/${pkg.version}`);
  });

  it('compiles a MarrowScript layer with the TypeScript it carries', async () => {
    const { env } = await sandbox();
    const dir = await makeTempProject({ 'small.marrow': 'agent smallcode {\n  context { tool_result_max: 2000 chars }\n}\n' });
    temps.push(dir);
    const r = await runCli(['marrow', 'compile', 'small.marrow', '-o', 'out'], { cwd: dir, env, executable: BINARY, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out', 'small.ts'), 'utf8')).toContain('2000');
    expect(readFileSync(join(dir, 'out', 'small.cjs'), 'utf8')).toContain('exports');
  });

  it('generates a backend from a .bone file with the templates it carries', async () => {
    const { env } = await sandbox();
    const dir = await makeTempProject({ 'todo.bone': readFileSync(join(repoRoot, 'examples', 'todo.bone'), 'utf8') });
    temps.push(dir);
    const r = await runCli(['bone', 'compile', 'todo.bone', '-o', 'todo'], { cwd: dir, env, executable: BINARY, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'todo', 'openapi.yaml'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'todo', 'package.json'), 'utf8'))).toHaveProperty('scripts');
  });

  it('does a task against the scripted server with no node on PATH', async () => {
    const { env } = await sandbox();
    const dir = await makeTempProject({ 'notes.txt': 'first line\nversion x7 here\n' });
    temps.push(dir);
    const server = await startScriptedServer({
      turns: [
        // The classifier (asked since the task is long enough to plan): its answer is cached in SQLite.
        { content: 'question' },
        // A YAML call in a fence: the yaml package is read from the unpacked files.
        { content: '```yaml\nname: write_file\narguments:\n  path: hello.py\n  content: "print(\\"hello world\\")\\n"\n```' },
        // A POSIX class only ripgrep's regex dialect knows: the JavaScript fallback would miss it.
        { toolCalls: [{ name: 'search', arguments: { pattern: 'x[[:digit:]]' } }] },
        { toolCalls: [{ name: 'bash', arguments: { command: 'command -v node || echo no-node-here' } }] },
        { content: 'Created hello.py.' },
      ],
    });
    try {
      const task = 'create hello.py that prints hello world, then look for the version marker in notes.txt and tell me whether node is installed on this machine, which I need to know before I set up the rest of the tools here';
      const r = await runCli(['run', '--max-turns', '8', task], {
        cwd: dir,
        timeoutMs: 60_000,
        env: { ...env, SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model' },
        executable: BINARY,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Created hello.py.');
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe('print("hello world")\n');
      const results = server.chatRequests().map((req) => JSON.stringify(req.body.messages.at(-1)));
      expect(results[3], 'the search result').toContain('notes.txt:2');
      expect(results[4], 'the bash result').toContain('no-node-here');
      expect(r.stderr).not.toContain('better-sqlite3 is unavailable');
      expect(existsSync(join(dir, '.smallcode', 'cache', 'cognition.sqlite')), 'the classifier cache, in SQLite').toBe(true);
      // Unpacked once into the content-hashed cache folder, native parts executable.
      const [unpacked, ...others] = readdirSync(join(env.SMALLCODE_CACHE_DIR, 'binary'));
      expect(others).toEqual([]);
      expect(unpacked).toMatch(new RegExp(`^${pkg.version.replace(/\./g, '\\.')}-[0-9a-f]{16}$`));
      const root = join(env.SMALLCODE_CACHE_DIR, 'binary', unpacked!);
      expect(existsSync(join(root, '.complete'))).toBe(true);
      expect(existsSync(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
      const rg = join(root, `node_modules/@vscode/ripgrep-${process.platform}-${process.arch}/bin/rg`);
      expect(statSync(rg).mode & 0o111).not.toBe(0);
    } finally {
      await server.close();
    }
  });
});

if (skipReason !== undefined) {
  describe('the single-file executable', () => {
    it.skip(`is not tested: ${skipReason}`, () => {});
  });
}
