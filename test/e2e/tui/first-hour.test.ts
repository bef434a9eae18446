// First-hour defects seen in the terminal (issue 10), each driven as a user would: the real
// `smallcode` in tmux against the scripted model server.
import { readFileSync } from 'node:fs';
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
});
