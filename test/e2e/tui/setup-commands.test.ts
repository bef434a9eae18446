// `/init`, `/compact` and `/config` in the terminal (issue 10): the commands users of other agents
// type first, driven in tmux against the scripted model server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMPT, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;

const PACKAGE = JSON.stringify({ name: 'shop', type: 'module', scripts: { test: 'vitest run', build: 'tsc -p .' }, devDependencies: { typescript: '5', vitest: '4' } });

suite('/init, /compact, /config', { timeout: 90_000 }, () => {
  it('/init shows an AGENTS.md from the project summary and writes it only when told; a second /init asks before replacing', async () => {
    await withTerminal({ 'package.json': PACKAGE, 'package-lock.json': '{}' }, { turns: [] }, async ({ dir, term }) => {
      await term.submit('/init');
      await term.waitFor('Write AGENTS.md?');
      await term.press('Down', 'Enter');
      await term.waitFor(/Wrote AGENTS\.md \(\d+ lines\)/);
      const written = readFileSync(join(dir, 'AGENTS.md'), 'utf8');
      expect(written).toMatch(/^# AGENTS\.md/);
      expect(written).toContain('- Test: `npm test`');
      expect(written).toContain('- Build: `npm run build`');
      expect(written).toMatch(/- Project: .*TypeScript/);

      await term.submit('/init');
      await term.waitFor('Replace AGENTS.md?');
      await term.press('Enter'); // the first choice: keep mine
      await term.waitFor('AGENTS.md left as it was.');
      expect(readFileSync(join(dir, 'AGENTS.md'), 'utf8')).toBe(written);
    });
  });

  it('/compact compresses the older turns into a summary the next request carries; with too little it says why', async () => {
    const read = (path: string) => ({ toolCalls: [{ name: 'read_file', arguments: { path } }] });
    await withTerminal({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n', 'c.txt': 'gamma\n' }, {
      turns: [
        read('a.txt'), read('b.txt'), read('c.txt'), read('a.txt'), read('b.txt'), read('c.txt'),
        { content: 'The files hold alpha, beta and gamma.' },
        { content: 'Read a.txt, b.txt and c.txt: they hold alpha, beta and gamma; nothing was changed.' }, // the summary
        { content: 'Still alpha, beta and gamma.' },
      ],
    }, async ({ server, term }) => {
      await term.submit('/compact');
      await term.waitFor(/Nothing compressed: nothing older than the last \d+ turns to compress\./);
      await term.submit('what do the three text files hold?');
      await term.waitFor('The files hold alpha, beta and gamma.');
      await term.waitFor(PROMPT);
      await term.submit('/compact');
      await term.waitFor(/Compressed the conversation: [\d,]+ → [\d,]+ tokens/);
      await term.submit('and now?');
      await term.waitFor('Still alpha, beta and gamma.');
      const last = JSON.stringify(server.chatRequests().at(-1)!.body.messages);
      expect(last).toContain('Summary of the earlier work on this task (older turns compressed)');
      expect(last).toContain('they hold alpha, beta and gamma; nothing was changed');
      expect(last).toContain('what do the three text files hold?'); // the task itself is kept
    });
  });

  it('/config names each setting that is set with where it came from, and never shows a key', async () => {
    await withTerminal({ '.env': 'SMALLCODE_PLAN=false\n', 'smallcode.toml': 'dedup = false\n' }, { turns: [] }, async ({ term }) => {
      await term.submit('/config');
      const screen = await term.waitFor(/more settings at their defaults/);
      expect(screen).toMatch(/SMALLCODE_PLAN\s+false\s+\.env/);
      expect(screen).toMatch(/SMALLCODE_DEDUP\s+false\s+smallcode\.toml/);
      expect(screen).toMatch(/SMALLCODE_BASE_URL\s+http:\/\/127\.0\.0\.1:\d+\S*\s+environment/);
      expect(screen).toMatch(/SMALLCODE_API_KEY\s+••••\s+environment/);
      expect(screen).not.toContain('sk-test-secret');
      expect(screen).toMatch(/context window\s+[\d,]+ tokens/);
      await term.submit('/config all');
      await term.waitFor(/Defaults[\s\S]*SMALLCODE_SURVIVAL_KIT\s+true/);
    }, { env: { SMALLCODE_API_KEY: 'sk-test-secret' } });
  });
});
