import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { installPlugin, isLocalSpec, listInstalled, loadPlugins, packageNameOf, readManifest, removePlugin, setPluginEnabled } from '../../../runtime/plugins/index.js';

const base = mkdtempSync(join(tmpdir(), 'plugins-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const example = resolve(__dirname, '../../../examples/plugin-hello');
let n = 0;
function folder(files: Record<string, string>): string {
  const dir = join(base, `src-${n++}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const dataEnv = () => ({ SMALLCODE_DATA_DIR: join(base, `data-${n++}`), HOME: base });
const manifest = (extra: Record<string, unknown>) => JSON.stringify({ name: 'p', ...extra });
const tool = (body: string) => `export const tools = [${body}];`;
const good = `{ name: 'p_tool', description: 'd', parameters: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] }, execute: ({ a }) => 'got ' + a }`;

describe('the manifest', () => {
  it('accepts the example plugin and names a bad field with its file', () => {
    expect(readManifest(example)).toMatchObject({ name: 'hello', skills: 'skills', tools: 'tools.mjs' });
    const bad = folder({ 'smallcode-plugin.json': manifest({ tool: 'x.mjs' }) });
    expect(readManifest(bad)).toEqual({ error: expect.stringMatching(/smallcode-plugin\.json: .*tool/) });
    expect(readManifest(folder({ 'smallcode-plugin.json': '{ name: ' }))).toEqual({ error: expect.stringContaining('not valid JSON') });
    expect(readManifest(folder({}))).toEqual({ error: expect.stringContaining('no smallcode-plugin.json') });
  });

  it('refuses a path outside the folder or one that does not exist', () => {
    const outside = folder({ 'smallcode-plugin.json': manifest({ tools: '../elsewhere.mjs' }) });
    expect(readManifest(outside)).toEqual({ error: expect.stringContaining("'tools'") });
    const missing = folder({ 'smallcode-plugin.json': manifest({ skills: 'skills' }) });
    expect(readManifest(missing)).toEqual({ error: expect.stringContaining("'skills': does not exist") });
  });

  it('plugin names: lower-case words with hyphens, nothing else (generated near misses)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), (name) => {
      const dir = folder({ 'smallcode-plugin.json': JSON.stringify({ name }) });
      expect(readManifest(dir)).toEqual({ name });
    }), { numRuns: 20 });
    for (const name of ['Hello', '-hello', 'hello world', 'hello_x', '', 'a'.repeat(51)]) {
      expect(readManifest(folder({ 'smallcode-plugin.json': JSON.stringify({ name }) }))).toHaveProperty('error');
    }
  });
});

describe('install, enable, disable, remove', () => {
  it('copies a local folder disabled, lists what it contributes, and loads it once enabled', async () => {
    const env = dataEnv();
    const result = await installPlugin(example, { cwd: base, env });
    expect(result.plugin).toMatchObject({ name: 'hello', kind: 'local', enabled: false });
    expect(result.contributions).toEqual({ skills: ['release-greeting'], layers: [], mcpServers: [], tools: 'tools.mjs', commands: 'commands.mjs' });
    expect(existsSync(join(result.plugin.dir, 'tools.mjs'))).toBe(true);
    expect((await loadPlugins({ env })).plugins).toEqual([]);
    setPluginEnabled('hello', true, env);
    const set = await loadPlugins({ env });
    expect(set.problems).toEqual([]);
    expect(set.tools.map((t) => t.name)).toEqual(['hello_greet']);
    expect(set.commands.map((c) => c.name)).toEqual(['hello']);
    expect(set.skillFolders).toEqual([{ dir: join(result.plugin.dir, 'skills'), source: 'plugin hello' }]);
    // Reinstalling replaces it (still one entry); remove deletes the copy.
    expect((await installPlugin(example, { cwd: base, env })).replaced).toBe(true);
    expect(listInstalled(env)).toHaveLength(1);
    await removePlugin('hello', { env });
    expect(listInstalled(env)).toEqual([]);
    expect(existsSync(result.plugin.dir)).toBe(false);
  });

  it('an unknown name and a folder without a manifest are errors that say so', async () => {
    const env = dataEnv();
    expect(() => setPluginEnabled('nope', true, env)).toThrow(/no plugin 'nope' is installed/);
    await expect(installPlugin(folder({ 'README.md': 'x' }), { cwd: base, env })).rejects.toThrow(/no smallcode-plugin\.json/);
    expect(listInstalled(env)).toEqual([]);
  });

  it('tells local paths from npm specs', () => {
    for (const spec of ['./x', '../x', '/abs/x', '~/x', 'C:\\x']) expect(isLocalSpec(spec, base)).toBe(true);
    for (const spec of ['left-pad', '@scope/pkg', 'pkg@^2']) expect(isLocalSpec(spec, base)).toBe(false);
    expect(packageNameOf('@scope/pkg@1.2.0')).toBe('@scope/pkg');
    expect(packageNameOf('pkg@^2')).toBe('pkg');
    expect(packageNameOf('@scope/pkg')).toBe('@scope/pkg');
  });
});

describe('a broken plugin is skipped whole, with what and where', () => {
  async function loadOne(files: Record<string, string>, name = 'p') {
    const env = dataEnv();
    const src = folder({ 'smallcode-plugin.json': manifest({ name, tools: 'tools.mjs' }), ...files });
    await installPlugin(src, { cwd: base, env });
    setPluginEnabled(name, true, env);
    return loadPlugins({ env, reserved: ['bash'] });
  }

  it('a good tool: arguments checked against its schema, its answer and its errors come back', async () => {
    const set = await loadOne({ 'tools.mjs': tool(good) });
    expect(set.problems).toEqual([]);
    const t = set.tools[0]!;
    expect(t.args.safeParse({ a: 2 }).success).toBe(true);
    expect(t.args.safeParse({ a: 'two' }).success).toBe(false);
    const ctx = { workspace: { realRootPath: async () => base } } as never;
    expect(await t.execute({ a: 2 }, ctx)).toMatchObject({ ok: true, output: 'got 2' });
    const throwing = await loadOne({ 'tools.mjs': tool(`{ name: 't', description: 'd', parameters: { type: 'object' }, execute: () => { throw new Error('boom') } }`) });
    expect(await throwing.tools[0]!.execute({}, ctx)).toMatchObject({ ok: false, output: expect.stringContaining('boom') });
  });

  it.each([
    ['a module that throws on import', `throw new Error('kaput');`, /tools\.mjs threw on import: kaput/],
    ['no tools export', 'export const other = 1;', /must export 'tools' as an array/],
    ['a schema zod cannot read', tool(`{ name: 't', description: 'd', parameters: { type: 'object', properties: { a: { type: 'nonsense' } } }, execute() {} }`), /tool 't': 'parameters' is not a JSON schema/],
    ['parameters that are not an object schema', tool(`{ name: 't', description: 'd', parameters: { type: 'string' }, execute() {} }`), /tool 't': 'parameters\.type'/],
    ['no execute', tool(`{ name: 't', description: 'd', parameters: { type: 'object' } }`), /'execute': must be a function/],
    ['a bad tool name', tool(`{ name: 'has space', description: 'd', parameters: { type: 'object' }, execute() {} }`), /'name'/],
    ['a name that is taken', tool(`{ name: 'bash', description: 'd', parameters: { type: 'object' }, execute() {} }`), /'bash' has the name of a tool that already exists/],
  ])('%s', async (_label, source, problem) => {
    const set = await loadOne({ 'tools.mjs': source });
    expect(set.tools).toEqual([]);
    expect(set.plugins).toEqual([]);
    expect(set.skillFolders).toEqual([]);
    expect(set.problems).toHaveLength(1);
    expect(set.problems[0]).toMatch(/^plugin 'p' \(.+\): /);
    expect(set.problems[0]).toMatch(problem);
    expect(set.problems[0]).toMatch(/; skipped$/);
  });

  it('a damaged installed.json loads nothing and says which file', async () => {
    const env = dataEnv();
    mkdirSync(join(env.SMALLCODE_DATA_DIR, 'plugins'), { recursive: true });
    writeFileSync(join(env.SMALLCODE_DATA_DIR, 'plugins', 'installed.json'), '{ broken');
    const set = await loadPlugins({ env });
    expect(set.problems[0]).toContain('installed.json: not valid JSON');
    expect(readFileSync(join(env.SMALLCODE_DATA_DIR, 'plugins', 'installed.json'), 'utf8')).toBe('{ broken');
  });

  it('MCP servers: ${PLUGIN_DIR} is the plugin folder', async () => {
    const env = dataEnv();
    const src = folder({ 'smallcode-plugin.json': manifest({ mcpServers: { calc: { command: 'node', args: ['${PLUGIN_DIR}/server.mjs'] } } }) });
    const { plugin } = await installPlugin(src, { cwd: base, env });
    setPluginEnabled('p', true, env);
    const set = await loadPlugins({ env });
    expect(set.mcpSources).toEqual([{ file: expect.stringContaining('(plugin p)'), content: { mcpServers: { calc: { command: 'node', args: [`${plugin.dir}/server.mjs`] } } } }]);
  });
});
