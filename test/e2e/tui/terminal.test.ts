// The interactive terminal, driven like a user drives it: the real `smallcode` in a
// pseudo-terminal (tmux), keys typed, the screen read back, against the scripted model server.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMPT, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const HELLO = "print('hello world')\n";
const suite = tmuxAvailable() ? describe : describe.skip;

/** Everything the model received in chat request `i`, as text. */
function sent(server: { chatRequests(): Array<{ body: any }> }, i: number): string {
  return JSON.stringify(server.chatRequests()[i]?.body.messages ?? []);
}

suite('smallcode in a terminal', { timeout: 90_000 }, () => {
  it('streams the answer as markdown and creates the file, showing the diff', async () => {
    await withTerminal({}, {
      turns: [
        { content: 'Creating it.', toolCalls: [{ name: 'write_file', arguments: { path: 'hello.py', content: HELLO } }] },
        { reasoning: 'The file is written; now I explain how to run it.', content: '## Done\n\nCreated **hello.py**:\n\n```python\nprint("hello world")\n```\n\n- run it with `python3 hello.py`\n' },
      ],
    }, async ({ dir, term }) => {
      await term.submit('create hello.py that prints hello world');
      const screen = await term.waitFor(/\d+ turns? · 1 tool call/);
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe(HELLO);
      expect(screen).toContain('› create hello.py that prints hello world');
      expect(screen).toMatch(/✓ write_file hello\.py/);
      expect(screen).toContain("+print('hello world')"); // the edit as a diff
      expect(screen).toMatch(/✻ thought for .* \/thinking shows it/); // thinking collapsed to one line
      expect(screen).not.toContain('now I explain how to run it');
      expect(screen).toContain('┌─ python'); // the fence became a code block
      expect(screen).toContain('• run it with python3 hello.py'); // list item, inline code unwrapped
      expect(screen).not.toContain('**hello.py**');
      await term.waitFor(PROMPT);
      await term.submit('/thinking');
      await term.waitFor('now I explain how to run it');
    });
  });

  it('asks before a shell command: allowed once it runs, denied the model is told', async () => {
    await withTerminal({}, {
      turns: [
        { toolCalls: [{ name: 'bash', arguments: { command: 'touch allowed.txt' } }] },
        { content: 'Made allowed.txt.' },
        { toolCalls: [{ name: 'bash', arguments: { command: 'touch denied.txt' } }] },
        { content: 'You declined, so I did not.' },
      ],
    }, async ({ dir, server, term }) => {
      await term.submit('make allowed.txt');
      await term.waitFor('Run this command?');
      await term.waitFor('Allow once');
      await term.press('Enter'); // the first choice: allow once
      await term.waitFor('Made allowed.txt.');
      expect(existsSync(join(dir, 'allowed.txt'))).toBe(true);

      await term.submit('make denied.txt');
      await term.waitFor('Run this command?', { count: 2 });
      await term.waitFor('Deny (the model is told)');
      await term.press('Down', 'Down', 'Enter');
      const screen = await term.waitFor('You declined, so I did not.');
      expect(screen).toContain('denied: touch denied.txt');
      expect(existsSync(join(dir, 'denied.txt'))).toBe(false);
      expect(sent(server, 3)).toContain('Not run: the user declined this command.');
    });
  });

  it('Ctrl+C at the approval question denies the command and cancels the task', async () => {
    await withTerminal({}, {
      turns: [{ toolCalls: [{ name: 'bash', arguments: { command: 'touch never.txt' } }] }, { content: 'Should not be asked for.' }],
    }, async ({ dir, term, server }) => {
      await term.submit('make never.txt');
      await term.waitFor('Allow once');
      await term.press('C-c');
      const screen = await term.waitFor('cancelled');
      expect(screen).not.toContain('Should not be asked for.');
      expect(existsSync(join(dir, 'never.txt'))).toBe(false);
      expect(server.chatRequests()).toHaveLength(1);
      await term.waitFor(PROMPT);
    });
  });

  it('a model error is one readable line, and the prompt comes back', async () => {
    await withTerminal({}, {
      turns: [{ fault: { kind: 'http_error', status: 404, body: '{"error":{"message":"model \'ghost\' not found"}}' } }, { content: 'Recovered.' }],
    }, async ({ term }) => {
      await term.submit('hello?');
      const screen = await term.waitFor('task failed');
      expect(screen).toMatch(/error: model request to .* failed: .*not found/);
      expect(screen).not.toMatch(/^\s+at /m); // no stack trace
      await term.waitFor(PROMPT);
      await term.submit('again');
      await term.waitFor('Recovered.');
    });
  });

  it('runs read-only commands without asking, and remembers "always allow" for the project', async () => {
    await withTerminal({ 'notes.txt': 'x\n' }, {
      turns: [
        { toolCalls: [{ name: 'bash', arguments: { command: 'ls -la && git status 2>&1 | head -3' } }] },
        { content: 'Listed.' },
        { toolCalls: [{ name: 'bash', arguments: { command: 'touch a.txt' } }] },
        { content: 'First.' },
        { toolCalls: [{ name: 'bash', arguments: { command: 'touch  a.txt' } }] },
        { content: 'Second.' },
      ],
    }, async ({ dir, term }) => {
      await term.submit('list files');
      let screen = await term.waitFor('Listed.');
      expect(screen).not.toContain('Run this command?');
      expect(screen).toContain('notes.txt'); // the output preview of ls

      await term.submit('touch it');
      await term.waitFor('Always allow this command in this project');
      await term.press('Down', 'Enter');
      await term.waitFor('First.');
      expect(JSON.parse(readFileSync(join(dir, '.smallcode', 'approvals.json'), 'utf8')).alwaysAllow).toEqual(['touch a.txt']);

      await term.submit('touch it again');
      screen = await term.waitFor('Second.');
      expect(screen.split('Run this command?').length - 1).toBe(1); // asked the first time only
      expect(screen).toContain('always allowed in this project: touch  a.txt');
    });
  });

  it('Ctrl+C during a slow stream cancels the task and returns to the prompt', async () => {
    await withTerminal({}, {
      turns: [
        { content: `Thinking out loud about a very long answer ${'word '.repeat(200)}`, chunkSize: 4, fault: { kind: 'slow', delayMs: 60 } },
        { content: 'Still here after the cancel.' },
      ],
    }, async ({ term }) => {
      await term.submit('write a lot');
      await term.waitFor('Thinking out loud');
      await term.press('C-c');
      const screen = await term.waitFor('cancelled');
      expect(screen).not.toContain('Still here');
      await term.waitFor(PROMPT);
      await term.submit('are you there?');
      await term.waitFor('Still here after the cancel.');
    });
  });

  it('what is typed while a task runs waits in the next prompt, not in the output', async () => {
    await withTerminal({}, {
      turns: [{ content: `Streaming slowly ${'word '.repeat(30)}done.`, chunkSize: 4, fault: { kind: 'slow', delayMs: 40 } }],
    }, async ({ term }) => {
      await term.submit('write something');
      await term.waitFor('Streaming slowly');
      await term.type('my next question');
      const screen = await term.waitFor(/^› my next question\s*$/m);
      expect(screen).toContain('done.');
      expect(screen.split('my next question').length - 1).toBe(1); // not echoed into the answer
    });
  });

  it('a line entered while a task runs runs when it ends; pasted lines only wait in the prompt', async () => {
    await withTerminal({}, {
      turns: [
        { content: `Streaming slowly ${'word '.repeat(30)}done.`, chunkSize: 4, fault: { kind: 'slow', delayMs: 40 } },
        { content: `Again slowly ${'word '.repeat(30)}finished.`, chunkSize: 4, fault: { kind: 'slow', delayMs: 40 } },
      ],
    }, async ({ term, server }) => {
      await term.submit('write something');
      await term.waitFor('Streaming slowly');
      await term.submit('/stats');
      const screen = await term.waitFor(/^› \/stats\s*$/m);
      expect(screen.indexOf('done.')).toBeLessThan(screen.indexOf('› /stats')); // after the task, not inside it
      await term.waitFor(/Tasks\s+1/);
      // A paste (several lines in one burst) never runs as tasks, even though it holds line breaks.
      await term.submit('write more');
      await term.waitFor('Again slowly');
      await term.type('first line\nsecond line\n');
      await term.waitFor(/^› first line second line\s*$/m);
      expect(server.chatRequests()).toHaveLength(2);
    });
  });

  it('/tokens, /stats and /budget report the session', async () => {
    await withTerminal({}, {
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'a\n' } }], usage: { prompt_tokens: 1200, completion_tokens: 30 } },
        { content: 'Wrote a.txt.', usage: { prompt_tokens: 1300, completion_tokens: 7 } },
      ],
    }, async ({ term }) => {
      await term.submit('write a.txt');
      await term.waitFor('Wrote a.txt.');
      await term.submit('/tokens');
      let screen = await term.waitFor(/total\s+2,500\s+37/);
      expect(screen).toMatch(/^\s+1\s+1,200\s+30/m);
      expect(screen).toMatch(/^\s+2\s+1,300\s+7/m);

      await term.submit('/stats');
      screen = await term.waitFor('Files       1 changed (1 created, 0 edited)');
      expect(screen).toMatch(/Tool calls\s+1/);
      expect(screen).toMatch(/write_file\s+1 call/);
      expect(screen).toContain('+ a.txt');

      await term.submit('/budget');
      screen = await term.waitFor(/free\s+[\d,]+\s+\d+%/);
      expect(screen).toMatch(/Context window: [\d,]+ of 8,192 tokens used/);
      expect(screen).toMatch(/system \+ tools\s+[\d,]+/);
      expect(screen).toMatch(/tool results\s+[\d,]+/);
      expect(screen).toMatch(/█+▓+▒*░+·+/); // the bar, one glyph per part
    });
  });

  it('/undo puts back the file the last task changed', async () => {
    await withTerminal({ 'app.py': 'x = 1\n' }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'app.py' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'app.py', content: 'x = 2\n' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'new.py', content: 'y = 1\n' } }] },
        { content: 'Changed x and added new.py.' },
      ],
    }, async ({ dir, term, server }) => {
      await term.submit('set x to 2 and add new.py');
      await term.waitFor('Changed x and added new.py.');
      expect(readFileSync(join(dir, 'app.py'), 'utf8')).toBe('x = 2\n');
      await term.submit('/undo');
      const screen = await term.waitFor('app.py restored');
      expect(screen).toContain('new.py deleted');
      expect(readFileSync(join(dir, 'app.py'), 'utf8')).toBe('x = 1\n');
      expect(existsSync(join(dir, 'new.py'))).toBe(false);
      await term.submit('/undo');
      await term.waitFor('Nothing to undo');
      // The model hears about it with the next task.
      server.push({ content: 'Noted.' });
      await term.submit('ok?');
      await term.waitFor('Noted.');
      expect(sent(server, 4)).toContain('The user undid your last changes');
    });
  });

  it('/plan on plans the next task, shows its steps as they are checked off; /plan shows the TODO file', async () => {
    const plan = JSON.stringify([{ step: 'Create notes.txt', check: 'none' }, { step: 'Create todo.txt', check: 'none' }]);
    await withTerminal({}, {
      respond: (req) => (!req.body.tools?.length && JSON.stringify(req.body.messages).includes('Break this coding task') ? { content: plan } : undefined),
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'notes.txt', content: 'n\n' } }] },
        { toolCalls: [{ name: 'step_done', arguments: {} }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'todo.txt', content: 't\n' } }] },
        { content: 'Both files exist now.' },
      ],
    }, async ({ term }) => {
      await term.submit('/plan');
      await term.waitFor('No plan yet. Planning: bigger coding tasks are planned first');
      await term.submit('/plan on');
      await term.waitFor('Planning: every task is planned first.');
      await term.submit('create notes.txt and todo.txt');
      await term.waitFor('[ ] 2. Create todo.txt');
      await term.waitFor('[x] 1. Create notes.txt');
      await term.waitFor('Both files exist now.');
      await term.waitFor(PROMPT);
      await term.submit('/plan');
      const screen = await term.waitFor('Plan of the last planned task');
      expect(screen).toMatch(/\[x\] 2\. Create todo\.txt/);
      await term.submit('/plan sometimes');
      await term.waitFor('use /plan on, /plan off or /plan auto');
    });
  });

  it('/model shows and switches the model; /help lists the commands; /quit leaves', async () => {
    await withTerminal({}, {
      models: [{ id: 'small-a' }, { id: 'small-b' }],
      turns: [{ content: 'Answer from whichever model.' }],
    }, async ({ term, server }) => {
      await term.submit('/model');
      await term.waitFor('Model: small-a');
      await term.waitFor('Switch to');
      await term.press('Escape');
      await term.waitFor(PROMPT);
      await term.submit('/model small-b');
      await term.waitFor('Switched to small-b');
      await term.submit('hello');
      await term.waitFor('Answer from whichever model.');
      expect(server.chatRequests()[0]!.body.model).toBe('small-b');

      await term.submit('/help');
      const screen = await term.waitFor('/version');
      for (const name of ['/quit /q', '/clear', '/stats', '/tokens', '/budget', '/trace', '/model', '/profile', '/sessions', '/undo', '/cognition', '/plan']) expect(screen).toContain(name);

      await term.submit('/quit');
      expect(await term.waitForExit()).toBe(0);
    });
  });

  it('Ctrl+D exits, and so does Ctrl+C twice at an empty prompt', async () => {
    await withTerminal({}, { turns: [] }, async ({ term, restart }) => {
      await term.press('C-d');
      expect(await term.waitForExit()).toBe(0);
      const second = await restart();
      await second.waitFor(PROMPT);
      await second.type('half a thought');
      await second.press('C-c'); // clears the line, does not exit
      await second.press('C-c');
      await second.waitFor('Ctrl+C again to exit');
      expect(await second.alive()).toBe(true); // one Ctrl+C at an empty prompt only hints
      // Twice in a row (a loaded machine may take longer than the 2 s window to read the hint).
      await second.press('C-c');
      await second.press('C-c');
      // 0, or 130 when the second press lands while it is already shutting down (the default for SIGINT then).
      expect([0, 130]).toContain(await second.waitForExit());
    });
  });

  it('remembers what was typed across runs: ↑ brings back the last message', async () => {
    await withTerminal({}, { turns: [{ content: 'Noted.' }] }, async ({ term, restart }) => {
      await term.submit('remember this line');
      await term.waitFor('Noted.');
      await term.submit('/quit');
      await term.waitForExit();
      const next = await restart();
      await next.waitFor(PROMPT);
      await next.press('Up');
      await next.waitFor(/^› \/quit\s*$/m);
      await next.press('Up');
      await next.waitFor(/^› remember this line\s*$/m);
    });
  });

  it('keeps a pasted multi-line message together, and a trailing \\ continues the line', async () => {
    await withTerminal({}, { turns: [{ content: 'Got the paste.' }, { content: 'Got the continuation.' }] }, async ({ term, server }) => {
      await term.paste('first line of the paste\nsecond line of the paste');
      await term.press('Enter');
      await term.waitFor('Got the paste.');
      const task = server.chatRequests()[0]!.body.messages.at(-1).content;
      expect(task).toBe('first line of the paste\nsecond line of the paste');

      await term.submit('one \\');
      await term.submit('two');
      await term.waitFor('Got the continuation.');
      expect(server.chatRequests()[1]!.body.messages.at(-1).content).toBe('one \ntwo');
    });
  });
});
