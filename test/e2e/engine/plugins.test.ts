import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installPlugin, setPluginEnabled } from '../../../runtime/plugins/index.js';
import { repoRoot } from '../../support/run-cli.js';
import { runCli, runTask, withProject } from './helpers.js';

type Body = { tools?: Array<{ function: { name: string; description?: string; parameters?: unknown } }>; messages: Array<{ role: string; content: string }> };
const toolMessages = (body: Body) => body.messages.filter((m) => m.role === 'tool').map((m) => m.content);
const example = resolve(repoRoot, 'examples', 'plugin-hello');

/** A plugin folder whose tools module throws on import. */
function brokenPlugin(dir: string): string {
  const at = join(dir, '.plugin-src', 'broken');
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'smallcode-plugin.json'), JSON.stringify({ name: 'broken', tools: 'tools.mjs' }));
  writeFileSync(join(at, 'tools.mjs'), "throw new Error('cannot start');\n");
  return at;
}

describe('plugins through the real CLI (scripted model)', () => {
  it('a plugin installed from a local folder: its tool is called and answers, its skill loads; a broken plugin is skipped with a notice', async () => {
    await withProject({ 'README.md': '# demo\n' }, {
      turns: [
        { toolCalls: [{ name: 'hello_greet', arguments: { name: 'Ada' } }] },
        { toolCalls: [{ name: 'use_skill', arguments: { name: 'release-greeting' } }] },
        { content: 'Greeted Ada.' },
      ],
    }, async (dir, server) => {
      const env = { SMALLCODE_DATA_DIR: join(dir, '.data'), XDG_CONFIG_HOME: join(dir, '.xdg'), SMALLCODE_CONTEXT_WINDOW: '32768' };
      // Without a terminal and without --yes, install leaves the plugin disabled.
      const asked = await runCli(['plugin', 'install', example], { cwd: dir, env, timeoutMs: 30_000 });
      expect(asked.code, asked.stderr).toBe(0);
      expect(asked.stdout).toContain('Installed plugin hello 0.1.0');
      expect(asked.stdout).toContain('skills: release-greeting');
      expect(asked.stdout).toContain('tools from tools.mjs (runs in-process)');
      expect(asked.stdout).toContain('installed but disabled');
      // The rest of the setup in-process (the same implementation): each CLI start costs seconds in CI.
      setPluginEnabled('hello', true, env);
      await installPlugin(brokenPlugin(dir), { cwd: dir, env });
      setPluginEnabled('broken', true, env);

      const r = await runTask(server, dir, 'greet Ada', ['--json'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/plugin 'broken' \(.*broken\): tools\.mjs threw on import: cannot start; skipped/);
      const [first, second, third] = server.chatRequests().map((q) => q.body as Body);
      const greet = first!.tools!.find((t) => t.function.name === 'hello_greet')!;
      expect(greet.function.parameters).toMatchObject({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
      expect(first!.messages[0]!.content).toContain('- release-greeting: Write a short, friendly note announcing a release to the team.');
      expect(JSON.stringify(first!.messages)).not.toContain('Pick the three changes');
      expect(toolMessages(second!)).toEqual([expect.stringMatching(/^Hello, Ada! The project root holds \d+ entries\.$/)]);
      expect(toolMessages(third!)[1]).toContain('Pick the three changes users will notice most.');

    });
  });
});
