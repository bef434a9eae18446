// First-hour defects seen in the terminal (issue 10), each driven as a user would: the real
// `smallcode` in tmux against the scripted model server.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMPT, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;

/** Everything the model received in chat request `i`, as text. */
function sent(server: { chatRequests(): Array<{ body: any }> }, i: number): string {
  return JSON.stringify(server.chatRequests()[i]?.body.messages ?? []);
}

const BROKEN = 'def add(a, b):\n    return a - b\n';

suite('the first hour in a terminal', { timeout: 120_000 }, () => {
  it('a tool trust decay disabled comes back for the next task, and its calls while disabled are shown and explained', async () => {
    const failedPatch = (n: number) => ({ toolCalls: [{ name: 'patch', arguments: { path: 'calc.py', search: `no such line ${n}`, replace: 'x' } }] });
    await withTerminal({ 'calc.py': BROKEN }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'calc.py' } }] },
        ...[1, 2, 3, 4, 5, 6].map(failedPatch),
        { content: 'I could not patch calc.py.' },
        { toolCalls: [{ name: 'patch', arguments: { path: 'calc.py', search: 'return a - b', replace: 'return a + b' } }] },
        { content: 'Fixed add in calc.py.' },
      ],
    }, async ({ dir, server, term }) => {
      await term.submit('fix add in calc.py');
      await term.waitFor('I could not patch calc.py.');
      // The sixth call, made while patch was disabled, is on the screen and the model was told why.
      const seventh = sent(server, 7);
      expect(seventh).toContain('patch is disabled for this task after 5 failures in a row, so this call did not run');
      expect(seventh).not.toContain('Your last reply was empty');
      expect((await term.screen()).match(/✗ patch/g)?.length ?? 0).toBeGreaterThanOrEqual(6);
      await term.waitFor(PROMPT);

      await term.submit('now really fix add in calc.py');
      await term.waitFor('Fixed add in calc.py.');
      expect(readFileSync(join(dir, 'calc.py'), 'utf8')).toBe('def add(a, b):\n    return a + b\n');
      // The new task offers patch again (at this 8192-token window, compact mode names it under use_tools).
      expect(JSON.stringify(server.chatRequests()[8]!.body.tools)).toMatch(/write: write_file, patch/);
      expect(JSON.stringify(server.chatRequests()[6]!.body.tools)).not.toMatch(/write: write_file, patch/);
    });
  });

  it('remembers the chosen model: no "Which model?" on the next start or with --continue, and /stats counts the earlier tasks', async () => {
    await withTerminal({}, {
      models: [{ id: 'coder-small' }, { id: 'coder-large' }],
      turns: [{ content: 'Hello from the chosen model.' }, { content: 'Still the same model.' }],
    }, async ({ term, server, restart }) => {
      await term.waitFor('Which model?');
      await term.press('Down', 'Enter');
      await term.waitFor(/coder-large · [\d,]+-token window/);
      await term.submit('hi');
      await term.waitFor('Hello from the chosen model.');
      await term.submit('/quit');
      expect(await term.waitForExit()).toBe(0);

      const second = await restart([]);
      let screen = await second.waitFor(/coder-large · [\d,]+-token window/);
      await second.waitFor(PROMPT);
      expect(screen).not.toContain('Which model?');
      await second.submit('/quit');
      expect(await second.waitForExit()).toBe(0);

      const resumed = await restart(['--continue']);
      await resumed.waitFor('end of the earlier conversation');
      await resumed.waitFor(PROMPT);
      await resumed.submit('again');
      await resumed.waitFor('Still the same model.');
      screen = await resumed.screen();
      expect(screen).not.toContain('Which model?');
      expect(server.chatRequests().map((r) => r.body.model)).toEqual(['coder-large', 'coder-large']);
      // The resumed session's first task counts too: 2 tasks, not "Tasks 0" beside the turns.
      await resumed.submit('/stats');
      screen = await resumed.waitFor(/^Tasks\s+\d+/m);
      expect(screen).toMatch(/^Tasks\s+2$/m);
      expect(screen).toMatch(/^Model turns 2,/m);
    }, { env: { SMALLCODE_MODEL: '' } });
  });

  it('/help at 120 columns keeps every key hint whole on one line', async () => {
    await withTerminal({}, { turns: [] }, async ({ term }) => {
      await term.submit('/help');
      const screen = await term.waitFor('Ctrl+D exits', { count: 2 }); // the banner names it too
      const keys = screen.slice(screen.lastIndexOf('Keys')).split('\n').slice(1).filter((l) => l.startsWith('  '));
      expect(keys.length, screen).toBeGreaterThan(0);
      for (const line of keys) expect(line.length).toBeLessThan(120);
      const hints = keys.flatMap((l) => l.trim().split(' · '));
      for (const hint of ['Enter sends', 'Tab completes /commands and @paths', 'Ctrl+C cancels the task (twice at an empty prompt: exit)', 'Ctrl+D exits']) expect(hints).toContain(hint);
    }, { columns: 120 });
  });

  it('/undo puts back a file a shell command changed and deletes one it created', async () => {
    await withTerminal({ 'app.txt': 'before\n' }, {
      turns: [
        { toolCalls: [{ name: 'bash', arguments: { command: 'echo after > app.txt && echo made > made.txt' } }] },
        { content: 'Rewrote app.txt from the shell.' },
      ],
    }, async ({ dir, term }) => {
      await term.submit('rewrite app.txt with the shell');
      await term.waitFor('Rewrote app.txt from the shell.');
      expect(readFileSync(join(dir, 'app.txt'), 'utf8')).toBe('after\n');
      await term.submit('/undo');
      const screen = await term.waitFor('app.txt restored');
      expect(screen).toContain('made.txt deleted');
      expect(readFileSync(join(dir, 'app.txt'), 'utf8')).toBe('before\n');
      expect(existsSync(join(dir, 'made.txt'))).toBe(false);
    }, { args: ['--yes'] });
  });
});
