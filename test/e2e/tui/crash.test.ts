// When something goes wrong in the interactive terminal: an internal error inside a task, a slash
// command that throws, a kill mid-task. The error is one line with where its details are, the
// terminal is left as it was found, and the session goes on (or `--continue` brings it back).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest, ScriptedTurn } from '../../support/scripted-server.js';
import { makeTempProject, PROMPT, removeTempProject, startScriptedServer, Terminal, ttyMode, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;

/** A stack frame line, as Node prints them. */
const STACK_FRAME = /^\s+at .+[(:]/m;
const ERRORS_LOG = join('.smallcode', 'errors.log');
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Answers the plan prompt (a side request without tools); the task's own turns come from the queue. */
function planAnswer(req: RecordedRequest): ScriptedTurn | undefined {
  if (req.body.tools?.length || !JSON.stringify(req.body.messages).includes('Break this coding task')) return undefined;
  return { content: JSON.stringify([{ step: 'Write notes.md', check: 'test' }, { step: 'Link it from README.md', check: 'test' }]) };
}

function sessionRecords(dir: string): Array<Record<string, any>> {
  const [file] = readdirSync(join(dir, '.smallcode', 'sessions'));
  return readFileSync(join(dir, '.smallcode', 'sessions', file!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

suite('when something goes wrong in the terminal', { timeout: 90_000 }, () => {
  it('an internal error inside a task is one line pointing at the log; the prompt comes back and the session goes on', async () => {
    // A folder where the plan file should be: the planner's write fails inside the engine's loop,
    // an error no tool catches (tool failures are outcomes the model sees, never exceptions).
    await withTerminal({ '.smallcode/TODO.md/README': 'not a plan\n' }, { turns: [{ content: 'Still here, unplanned.' }], respond: planAnswer }, async ({ dir, server, term }) => {
      await term.submit('write the notes');
      const screen = await term.waitFor('task failed');
      expect(screen).toMatch(/error: internal error: Error: EISDIR: illegal operation on a directory, rename .*TODO\.md/);
      expect(screen).toContain(`details in ${ERRORS_LOG}`);
      expect(screen).not.toMatch(STACK_FRAME);
      expect(screen.split('EISDIR').length - 1).toBe(1); // shown once, not again in the task's summary line
      await term.waitFor(PROMPT);
      expect(await term.cursorVisible()).toBe(true); // no status line left hiding it

      const log = readFileSync(join(dir, ERRORS_LOG), 'utf8');
      expect(log).toContain('EISDIR: illegal operation on a directory');
      expect(log).toMatch(STACK_FRAME);
      expect(log).toMatch(/during the task "write the notes"/);
      expect(sessionRecords(dir).some((r) => r.type === 'entry' && r.entry.kind === 'task' && r.entry.message.content === 'write the notes')).toBe(true);

      await term.submit('/plan off');
      await term.waitFor('tasks are never planned');
      await term.submit('then without a plan');
      await term.waitFor('Still here, unplanned.');
      const sent = JSON.stringify(server.chatRequests().at(-1)!.body.messages);
      expect(sent).toContain('write the notes'); // the same conversation, not a fresh one
    }, { env: { SMALLCODE_PLAN: 'true' } });
  });

  it('a slash command that throws says so in one line; the prompt comes back and tasks go on', async () => {
    await withTerminal({}, { turns: [{ content: 'Hello there.' }, { content: 'Still going.' }] }, async ({ dir, term }) => {
      await term.submit('hi');
      await term.waitFor('Hello there.');
      await term.submit('/trace export 1 no/such/folder/trace.jsonl');
      const screen = await term.waitFor('/trace failed');
      expect(screen).toMatch(/\/trace failed: ENOENT: no such file or directory, copyfile .* · details in \.smallcode\/errors\.log/);
      expect(screen).not.toMatch(STACK_FRAME);
      await term.waitFor(PROMPT);
      expect(await term.cursorVisible()).toBe(true);
      const log = readFileSync(join(dir, ERRORS_LOG), 'utf8');
      expect(log).toContain('in "/trace export 1 no/such/folder/trace.jsonl"');
      expect(log).toMatch(STACK_FRAME);

      await term.submit('and now?');
      await term.waitFor('Still going.');
    });
  });

  it('SIGTERM mid-task restores the terminal and leaves a session that --continue resumes', async () => {
    const dir = await makeTempProject({});
    const server = await startScriptedServer({
      turns: [{ content: 'The first answer.' }, { content: `slow ${'word '.repeat(300)}`, chunkSize: 4, fault: { kind: 'slow', delayMs: 50 } }, { content: 'Picked up again.' }],
    });
    const term = await Terminal.startShell({ cwd: dir, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', HOME: dir } });
    try {
      await term.waitFor(/^\$\s*$/m);
      await term.submit(Terminal.commandLine());
      await term.waitFor(PROMPT);
      await term.submit('the first task');
      await term.waitFor('The first answer.');
      await term.submit('say a lot');
      await term.waitFor('slow word');
      expect(await term.cursorVisible()).toBe(false); // the status line is up: raw mode, cursor hidden
      const [pid] = await term.childPids();
      process.kill(pid!, 'SIGTERM');
      await term.waitFor(/^\$\s*$/m);
      await term.submit('echo "smallcode exited with $?"');
      let screen = await term.waitFor('smallcode exited with 143');
      expect(screen).toMatch(/^smallcode: stopped \(SIGTERM\) · session saved · smallcode --continue resumes it \(id \S+\)$/m);
      expect(screen).not.toMatch(STACK_FRAME);
      expect(await term.cursorVisible()).toBe(true);
      expect(await ttyMode(term, 'MODE')).toBe('icanon echo ');
      expect(existsSync(join(dir, ERRORS_LOG))).toBe(false); // a kill is no error

      await term.submit(Terminal.commandLine(['--continue']));
      screen = await term.waitFor('end of the earlier conversation');
      expect(screen).toContain('› the first task');
      expect(screen).toContain('The first answer.');
      expect(screen).toContain('› say a lot');
      await term.waitFor(PROMPT);
      await term.submit('go on');
      await term.waitFor('Picked up again.');
      const sent = JSON.stringify(server.chatRequests().at(-1)!.body.messages);
      expect(sent).toContain('the first task');
      expect(sent).toContain('The first answer.');
    } finally {
      await term.close();
      await server.close();
      await removeTempProject(dir);
    }
  });

  it('a fatal error exits with 1 and one line, the terminal restored and the log holding the stack', async () => {
    // A session file damaged by hand: an entry without its message breaks the replay of the
    // earlier conversation (entries are not validated when a session is loaded; if they ever are,
    // this test needs another way to fail outside any task or command).
    const id = '20260101-000000-abcdef';
    const records = [
      { type: 'session', id, createdAt: '2026-01-01T00:00:00.000Z', model: 'scripted-model', root: '.' },
      { type: 'entry', at: '2026-01-01T00:00:01.000Z', entry: { kind: 'task', turn: 1, message: { role: 'user', content: 'an old task' } } },
      { type: 'entry', at: '2026-01-01T00:00:02.000Z', entry: { kind: 'assistant', turn: 1 } },
    ];
    const dir = await makeTempProject({ [`.smallcode/sessions/${id}.jsonl`]: `${records.map((r) => JSON.stringify(r)).join('\n')}\n` });
    const server = await startScriptedServer({ turns: [] });
    const term = await Terminal.startShell({ cwd: dir, env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', HOME: dir } });
    try {
      await term.waitFor(/^\$\s*$/m);
      await term.submit(Terminal.commandLine(['--continue']));
      await term.waitFor('smallcode: internal error');
      await term.waitFor(/^\$\s*$/m);
      await term.submit('echo "smallcode exited with $?"');
      const screen = await term.waitFor('smallcode exited with 1');
      expect(screen).toMatch(/^smallcode: internal error: TypeError: .* · details in \.smallcode\/errors\.log$/m);
      expect(screen).not.toMatch(STACK_FRAME);
      expect(await term.cursorVisible()).toBe(true);
      expect(await ttyMode(term, 'MODE')).toBe('icanon echo ');
      expect(readFileSync(join(dir, ERRORS_LOG), 'utf8')).toMatch(STACK_FRAME);
    } finally {
      await term.close();
      await server.close();
      await removeTempProject(dir);
    }
  });

  it('an unhandled rejection in raw mode, under the guard every session installs: terminal restored, one line, exit 1', async () => {
    // Nothing in SmallCode is known to leave a promise unhandled, so a small program stands in for
    // it: raw mode on, the cursor hidden under a status line, and a rejection on the first key.
    const dir = await makeTempProject({});
    const program = join(dir, 'crash.mjs');
    writeFileSync(program, [
      `import { HIDE_CURSOR, installTerminalGuard } from ${JSON.stringify(join(REPO, 'runtime/tui/terminal.ts'))};`,
      "installTerminalGuard(process.stdin, process.stdout, process.stderr, { describeCrash: (err, kind) => `smallcode: internal error (${kind}): ${err.message}` });",
      'process.stdin.setRawMode(true);',
      "process.stdout.write(`${HIDE_CURSOR}⠋ working on it`);",
      "process.stdin.once('data', () => Promise.reject(new Error('nobody waited for this')));",
    ].join('\n'));
    const term = await Terminal.startShell({ cwd: REPO }); // tsx resolves from the repository
    try {
      await term.waitFor(/^\$\s*$/m);
      await term.submit(`${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(program)}`);
      await term.waitFor('⠋ working on it');
      expect(await term.cursorVisible()).toBe(false);
      await term.type('x'); // no Enter: only raw mode delivers it
      await term.waitFor('nobody waited for this');
      await term.waitFor(/^\$\s*$/m);
      await term.submit('echo "exited with $?"');
      const screen = await term.waitFor(/^exited with \d+$/m);
      expect(screen).toContain('exited with 1');
      expect(screen).toMatch(/^smallcode: internal error \(unhandled rejection\): nobody waited for this$/m);
      expect(screen).not.toContain('working on it'); // the status line was wiped
      expect(screen).not.toMatch(STACK_FRAME);
      expect(await term.cursorVisible()).toBe(true);
      expect(await ttyMode(term, 'MODE')).toBe('icanon echo ');
    } finally {
      await term.close();
      await removeTempProject(dir);
    }
  });
});
