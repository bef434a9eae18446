// `/mcp`, `/skill` and `/plugin` in the terminal (issue 14), in one tmux session to keep CI short:
// a real stdio MCP server, the built-in skills plus a plugin's, the example plugin installed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installPlugin, listInstalled, setPluginEnabled } from '../../../runtime/plugins/index.js';
import { repoRoot } from '../../support/run-cli.js';
import { stdioServerCommand } from '../../support/mcp-server.js';
import { PROMPT, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;
const example = resolve(repoRoot, 'examples', 'plugin-hello');

suite('/mcp, /skill, /plugin', { timeout: 120_000 }, () => {
  it('show the servers, skills and plugins of the session; a plugin command runs; /plugin install asks before enabling', async () => {
    const data = mkdtempSync(join(tmpdir(), 'smallcode-data-'));
    const env = { SMALLCODE_DATA_DIR: data };
    try {
      await installPlugin(example, { cwd: repoRoot, env });
      setPluginEnabled('hello', true, env);
      const files = { '.mcp.json': JSON.stringify({ mcpServers: { calc: stdioServerCommand() } }) };
      await withTerminal(files, { turns: [] }, async ({ term }) => {
        await term.submit('/skill list');
        await term.waitFor(/release-greeting · plugin hello/);
        await term.waitFor(/debugging · builtin/);
        await term.submit('/skill show release-greeting');
        await term.waitFor('Pick the three changes users will notice most.');

        await term.submit('/hello Ada');
        await term.waitFor(/Hello, Ada, from the hello plugin in /);

        await term.submit('/plugin list');
        await term.waitFor(/hello enabled · local /);
        await term.waitFor('Plugin commands: /hello');
        await term.submit('/plugin install ' + example);
        await term.waitFor('Replaced plugin hello 0.1.0');
        await term.waitFor('Enable hello?');
        await term.press('Down', 'Enter'); // keep it disabled
        await term.waitFor('hello is installed but disabled (/plugin enable hello).');
        expect(listInstalled(env)[0]!.enabled).toBe(false);
        await term.submit('/plugin enable hello');
        await term.waitFor('hello is enabled. It takes effect in the next session');
        expect(listInstalled(env)[0]!.enabled).toBe(true);
        await term.submit('/plugin remove nope');
        await term.waitFor("no plugin 'nope' is installed (installed: hello)");

        // The server connects in the background; ask until it is up.
        for (let i = 0; i < 30; i++) {
          await term.submit('/mcp');
          await term.waitFor(PROMPT);
          if (/calc ready/.test(await term.screen())) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        await term.waitFor(/calc ready · stdio/);
        await term.waitFor(/tools: add, echo/);
        await term.submit('/mcp restart nope');
        await term.waitFor("No MCP server 'nope'. Configured: calc");
      }, { env });
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
