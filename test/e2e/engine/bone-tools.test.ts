import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/run-cli.js';
import { runTask, withProject } from './helpers.js';

const TODO = readFileSync(join(repoRoot, 'examples', 'todo.bone'), 'utf8');
const toolNames = (body: { tools?: Array<{ function: { name: string } }> }) => (body.tools ?? []).map((t) => t.function.name);

describe('BoneScript as agent tools', () => {
  it('offers bone_check and bone_compile in a project with a .bone file, and one call generates the backend', async () => {
    await withProject({ 'app.bone': TODO }, {
      turns: [
        { toolCalls: [{ name: 'bone_check', arguments: { file: 'app.bone' } }] },
        { toolCalls: [{ name: 'bone_compile', arguments: { file: 'app.bone', out_dir: 'server' } }] },
        { content: 'Generated the backend in server/.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'generate the backend from app.bone', ['--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.toolCalls.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([['bone_check', true], ['bone_compile', true]]);
      // The default 8192-token window runs in compact mode: they come with the run category,
      // open from the first request (context.compact_open), and the meta tool names them too.
      const [first, second] = server.chatRequests().map((r) => r.body);
      expect(toolNames(first)).toEqual(['use_tools', 'read_file', 'use_skill', 'search', 'find_files', 'graph_search', 'explain_symbol', 'list_projects', 'write_file', 'patch', 'bash', 'bone_check', 'bone_compile']);
      expect(first.tools[0].function.description).toContain('run: bash, bone_check, bone_compile');
      expect(toolNames(second)).toEqual(toolNames(first));
      expect(existsSync(join(dir, 'server', 'package.json'))).toBe(true);
      expect(existsSync(join(dir, 'server', 'src', 'index.ts'))).toBe(true);
      expect(result.filesCreated).toContain(join('server', 'package.json'));
    });
  });

  it('offers them with every tool above the compact window', async () => {
    await withProject({ 'app.bone': TODO }, { turns: [{ content: 'ok' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'hi', [], { SMALLCODE_CONTEXT_WINDOW: '32768' });
      expect(r.code, r.stderr).toBe(0);
      expect(toolNames(server.chatRequests()[0]!.body)).toEqual(expect.arrayContaining(['read_file', 'bone_check', 'bone_compile']));
    });
  });

  it('does not offer them (nor pay their tokens) in a project without .bone files', async () => {
    await withProject({ 'main.py': 'print(1)\n' }, { turns: [{ content: 'ok' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'hi');
      expect(r.code, r.stderr).toBe(0);
      expect(toolNames(server.chatRequests()[0]!.body)).not.toContain('bone_compile');
      expect(JSON.stringify(server.chatRequests()[0]!.body.tools)).not.toContain('bone_');
    });
  });
});
