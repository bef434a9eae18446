// The terminal is left as it was found: after Ctrl+Z (and back with fg), after a kill, after exit.
import { describe, expect, it } from 'vitest';
import { PROMPT, startScriptedServer, makeTempProject, removeTempProject, Terminal, ttyMode } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;

suite('the terminal after smallcode', { timeout: 90_000 }, () => {
  it('Ctrl+Z suspends with the terminal restored, fg comes back to a working prompt; a kill restores it too', async () => {
    const dir = await makeTempProject({});
    const server = await startScriptedServer({ turns: [{ content: 'Back and working.' }, { content: `slow ${'word '.repeat(300)}`, chunkSize: 4, fault: { kind: 'slow', delayMs: 50 } }] });
    const term = await Terminal.startShell({ cwd: dir, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', HOME: dir } });
    try {
      await term.waitFor(/^\$\s*$/m);
      await term.submit(Terminal.commandLine());
      await term.waitFor(PROMPT);
      await term.waitFor('-token window');

      await term.press('C-z');
      await term.waitFor('Stopped');
      expect(await ttyMode(term, 'MODE1')).toBe('icanon echo ');
      await term.submit('fg');
      await term.waitFor(PROMPT);
      await term.submit('still there?');
      await term.waitFor('Back and working.');

      // A kill in the middle of a streamed answer (raw mode on) leaves a usable terminal.
      await term.submit('say a lot');
      await term.waitFor('slow word');
      expect(await term.cursorVisible()).toBe(false); // the status line hides it while drawing
      const [pid] = await term.childPids();
      process.kill(pid!, 'SIGTERM');
      await term.waitFor(/^\$\s*$/m);
      await term.submit('echo "smallcode exited with $?"');
      await term.waitFor('smallcode exited with 143');
      expect(await term.cursorVisible()).toBe(true);
      expect(await ttyMode(term, 'MODE2')).toBe('icanon echo ');
    } finally {
      await term.close();
      await server.close();
      await removeTempProject(dir);
    }
  });
});
