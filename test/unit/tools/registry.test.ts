import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encode } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { makeProject, makeRegistry, policyWith } from './helpers.js';

describe('tool registry', () => {
  it('offers the six default tools with short schemas (small models have 8k windows)', () => {
    const tools = makeRegistry(makeProject());
    const definitions = tools.definitions();
    expect(definitions.map((d) => d.function.name)).toEqual(['read_file', 'write_file', 'patch', 'bash', 'search', 'find_files']);
    // Budget: the whole toolset plus the system prompt must fit ~1,500 tokens.
    expect(encode(JSON.stringify(definitions)).length).toBeLessThanOrEqual(900);
    for (const d of definitions) expect(d.function.description!.length).toBeLessThanOrEqual(160);
    expect(tools.has('bash')).toBe(true);
    expect(tools.has('edit_file')).toBe(false);
  });

  it('offers extra tools after the defaults, under the same policies', async () => {
    const { z } = await import('zod');
    const { defineTool } = await import('../../../runtime/tools/index.js');
    const shout = defineTool<{ path: string }>({
      name: 'shout',
      category: 'read',
      description: () => 'Read a file in capitals.',
      args: z.object({ path: z.string() }),
      readOnly: true,
      capHint: '',
      async execute(a, ctx) {
        const { text, target } = await ctx.workspace.readText(a.path);
        return { ok: true, output: text.toUpperCase(), filesRead: [target.rel] };
      },
    });
    const policy = policyWith((p) => (p.tools.shout = { dedupWindow: 4 }));
    const tools = makeRegistry(makeProject({ 'a.txt': 'hey' }), { extraTools: [shout], policy });
    expect(tools.definitions().map((d) => d.function.name).at(-1)).toBe('shout');
    expect((await tools.run({ name: 'shout', arguments: { path: 'a.txt' } })).output).toBe('HEY');
    expect((await tools.run({ name: 'shout', arguments: { path: 'a.txt' } })).cached).toBe(true);
    expect((await tools.run({ name: 'shout', arguments: { path: '../x' } })).output).toMatch(/outside the project/);
  });

  it('runs a plain tool (JSON schema, execute(args, { root })) under the same policies', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { fromPlainTool } = await import('../../../runtime/tools/index.js');
    const parameters = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    const touch = fromPlainTool({
      name: 'touch',
      description: 'Create an empty file.',
      parameters,
      async execute(args, { root }) {
        await writeFile(path.join(root, String(args.name)), '');
        return { ok: true, output: `made ${args.name}`, filesCreated: [String(args.name)] };
      },
    });
    const root = makeProject({ 'a.txt': '' });
    const tools = makeRegistry(root, { extraTools: [touch] });
    expect(tools.definitions().at(-1)).toEqual({ type: 'function', function: { name: 'touch', description: 'Create an empty file.', parameters } });
    const find = { name: 'find_files', arguments: { pattern: '*.txt' } };
    expect((await tools.run(find)).output).toBe('a.txt');
    expect(await tools.run({ name: 'touch', arguments: { name: 'b.txt' } })).toMatchObject({ ok: true, filesCreated: ['b.txt'] });
    expect((await tools.run(find)).output).toBe('a.txt\nb.txt'); // its write cleared the cache
  });

  it('answers an unknown tool with the closest name and the list', async () => {
    const r = await makeRegistry(makeProject()).run({ name: 'read_fil', arguments: {} });
    expect(r).toMatchObject({ ok: false, name: 'read_fil', filesCreated: [], filesEdited: [] });
    expect(r.output).toBe("Unknown tool 'read_fil'. Did you mean 'read_file'? Tools: read_file, write_file, patch, bash, search, find_files.");
  });

  it('answers an identical read-only call from the previous result, with a note', async () => {
    const root = makeProject({ 'a.txt': 'v1\n' });
    const tools = makeRegistry(root);
    const first = await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    const again = await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    expect(again.cached).toBe(true);
    expect(again.output).toMatch(/^\[Same call as 1 call\(s\) ago and nothing has changed since/);
    expect(again.output.endsWith(first.output)).toBe(true);
    // A different range is a different call.
    const other = await tools.run({ name: 'read_file', arguments: { path: 'a.txt', start_line: 1 } });
    expect(other.cached).toBeUndefined();
    const search = { name: 'search', arguments: { pattern: 'v1' } };
    await tools.run(search);
    expect((await tools.run(search)).cached).toBe(true);
  });

  it('does not answer from the cache when the file changed outside the tools', async () => {
    const root = makeProject({ 'a.txt': 'v1\n' });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    writeFileSync(path.join(root, 'a.txt'), 'changed in an editor\n');
    const again = await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    expect(again.cached).toBeUndefined();
    expect(again.output).toContain('changed in an editor');
  });

  it('forgets cached results after a successful write or any bash call', async () => {
    const root = makeProject({ 'a.txt': 'v1\n' });
    const tools = makeRegistry(root);
    const searchV2 = { name: 'search', arguments: { pattern: 'v2' } };
    const findTxt = { name: 'find_files', arguments: { pattern: '*.txt' } };
    expect((await tools.run(searchV2)).output).toBe("No matches for 'v2'.");
    expect((await tools.run(findTxt)).output).toBe('a.txt');
    await tools.run({ name: 'write_file', arguments: { path: 'b.txt', content: 'v2\n' } });
    const afterWrite = await tools.run(searchV2);
    expect(afterWrite.cached).toBeUndefined();
    expect(afterWrite.output).toBe('b.txt:1:v2');
    await tools.run({ name: 'bash', arguments: { command: 'touch c.txt; false' } }); // failed, but it ran
    const afterBash = await tools.run(findTxt);
    expect(afterBash.cached).toBeUndefined();
    expect(afterBash.output).toBe('a.txt\nb.txt\nc.txt');
  });

  it('keeps cached results after a refused write, which changed nothing', async () => {
    const root = makeProject({ 'a.txt': 'v1\n' });
    const tools = makeRegistry(root);
    const findTxt = { name: 'find_files', arguments: { pattern: '*.txt' } };
    await tools.run(findTxt);
    expect((await tools.run({ name: 'write_file', arguments: { path: 'a.txt', content: 'x' } })).ok).toBe(false);
    expect((await tools.run(findTxt)).cached).toBe(true);
  });

  it('does not answer from the cache once the call fell out of the dedup window', async () => {
    const root = makeProject({ 'a.txt': 'a', 'b.txt': 'b' });
    const tools = makeRegistry(root, { policy: policyWith((p) => (p.tools.read_file = { dedupWindow: 2 })) });
    await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    await tools.run({ name: 'read_file', arguments: { path: 'b.txt' } });
    await tools.run({ name: 'find_files', arguments: { pattern: '*.txt' } });
    expect((await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } })).cached).toBeUndefined();
  });

  it('does not cache failures', async () => {
    const root = makeProject();
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'late.txt' } });
    writeFileSync(path.join(root, 'late.txt'), 'now here');
    const r = await tools.run({ name: 'read_file', arguments: { path: 'late.txt' } });
    expect(r.ok).toBe(true);
    expect(r.output).toContain('now here');
  });

  it('reports a cancelled call without running it', async () => {
    const root = makeProject();
    const tools = makeRegistry(root);
    const r = await tools.run({ name: 'write_file', arguments: { path: 'x', content: 'x' } }, { signal: AbortSignal.abort() });
    expect(r).toMatchObject({ ok: false, output: 'Cancelled before it ran.' });
    expect(typeof r.ms).toBe('number');
  });
});
