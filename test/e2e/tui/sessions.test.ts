// Sessions survive the process: every turn is on disk as it happens, so a kill mid-turn loses
// only that turn, and `--continue` / `--resume` / `/sessions` bring the conversation back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { PROMPT, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;

suite('sessions in the terminal', { timeout: 90_000 }, () => {
  it('a kill mid-turn loses only that turn: --continue shows the earlier turns and goes on', async () => {
    await withTerminal({}, {
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'notes.md', content: '# notes\n' } }], usage: { prompt_tokens: 500, completion_tokens: 20 } },
        { content: 'Created notes.md with a heading.', usage: { prompt_tokens: 600, completion_tokens: 9 } },
        { fault: { kind: 'hang' } },
      ],
    }, async ({ dir, server, term, restart }) => {
      await term.submit('start a notes file');
      await term.waitFor('Created notes.md with a heading.');
      await term.submit('now add a todo list');
      await term.waitFor('waiting for scripted-model');
      process.kill(await term.pid(), 'SIGKILL');
      await term.waitForExit();

      server.push({ content: 'Continuing where we left off.' });
      const again = await restart(['--continue']);
      let screen = await again.waitFor('end of the earlier conversation');
      expect(screen).toContain('resumed session');
      expect(screen).toContain('› start a notes file');
      expect(screen).toContain('● write_file notes.md');
      expect(screen).toContain('Created notes.md with a heading.');
      expect(screen).toContain('› now add a todo list');
      await again.waitFor(PROMPT);
      await again.submit('go on');
      await again.waitFor('Continuing where we left off.');
      const messages = JSON.stringify(server.chatRequests().at(-1)!.body.messages);
      expect(messages).toContain('start a notes file');
      expect(messages).toContain('Created notes.md with a heading.');

      // Token counts of the earlier run came back with the conversation.
      await again.submit('/tokens');
      screen = await again.waitFor(/total\s+[\d,]+/);
      expect(screen).toMatch(/^\s+1\s+500\s+20.*\(earlier\)/m);

      await again.submit('/sessions');
      screen = await again.waitFor('(this session)');
      expect(screen).toContain('1. start a notes file (this session)');
      expect(screen).toMatch(/3 tasks · \d+ KB/);
      expect(readdirSync(join(dir, '.smallcode', 'sessions'))).toHaveLength(1);
    });
  });

  it('--resume <id> picks a session; /sessions <n> switches to one', async () => {
    await withTerminal({}, {
      turns: [{ content: 'First session answer.' }, { content: 'Second session answer.' }, { content: 'Back in the first.' }],
    }, async ({ dir, term, restart, server }) => {
      await term.submit('the first conversation');
      await term.waitFor('First session answer.');
      await term.submit('/quit');
      await term.waitForExit();
      const firstId = readdirSync(join(dir, '.smallcode', 'sessions'))[0]!.replace(/\.jsonl$/, '');

      const second = await restart();
      await second.waitFor(PROMPT);
      await second.submit('the second conversation');
      await second.waitFor('Second session answer.');
      await second.submit('/sessions');
      let screen = await second.waitFor('2. the first conversation');
      expect(screen).toContain('1. the second conversation (this session)');
      await second.submit('/sessions 2');
      screen = await second.waitFor(`resumed session ${firstId}`);
      await second.submit('and now?');
      await second.waitFor('Back in the first.');
      const messages = JSON.stringify(server.chatRequests().at(-1)!.body.messages);
      expect(messages).toContain('the first conversation');
      expect(messages).not.toContain('the second conversation');
      await second.submit('/quit');
      await second.waitForExit();

      const third = await restart(['--resume', firstId]);
      screen = await third.waitFor('end of the earlier conversation');
      expect(screen).toContain('› and now?');
      expect(screen).toContain('Back in the first.');
    });
  });

  it('--resume without an id offers the saved sessions to choose from', async () => {
    await withTerminal({}, { turns: [{ content: 'Answer one.' }, { content: 'Answer two.' }] }, async ({ term, restart }) => {
      await term.submit('conversation one');
      await term.waitFor('Answer one.');
      await term.submit('/quit');
      await term.waitForExit();
      await new Promise((r) => setTimeout(r, 1100)); // session ids carry the second they started
      const second = await restart();
      await second.waitFor(PROMPT);
      await second.submit('conversation two');
      await second.waitFor('Answer two.');
      await second.submit('/quit');
      await second.waitForExit();

      const third = await restart(['--resume']);
      await third.waitFor('Resume which session?');
      await third.waitFor('conversation one');
      await third.press('Down', 'Enter');
      const screen = await third.waitFor('end of the earlier conversation');
      expect(screen).toContain('› conversation one');
      expect(screen).not.toContain('› conversation two');
    });
  });

  it('/trace lists, shows and exports the turn traces; /cognition shows the layers; /profile the window', async () => {
    await withTerminal({}, {
      turns: [
        { toolCalls: [{ name: 'find_files', arguments: { pattern: '*.md' } }], usage: { prompt_tokens: 321, completion_tokens: 12 } },
        { content: 'No markdown here.', usage: { prompt_tokens: 400, completion_tokens: 5 } },
      ],
    }, async ({ dir, term }) => {
      await term.submit('find markdown');
      await term.waitFor('No markdown here.');
      await term.submit('/trace');
      let screen = await term.waitFor(/1\. session-\S+\s+session, 6 records/);
      await term.submit('/trace show');
      screen = await term.waitFor(/turn\s+2\s+scripted-model\s+400→5 tokens/);
      expect(screen).toMatch(/turn\s+1\s+scripted-model\s+321→12 tokens .* ✓ find_files \*\.md/);
      await term.submit('/trace export 1 trace-copy.jsonl');
      await term.waitFor('Exported session-');
      const records = readFileSync(join(dir, 'trace-copy.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      // Turn records, between the task record, the full replies (for replay) and the result record.
      expect(records.map((r) => r.kind ?? 'turn')).toEqual(['task', 'reply', 'turn', 'reply', 'turn', 'result']);
      const turns = records.filter((r) => r.kind === undefined);
      expect(turns.map((r) => [r.turn, r.model, r.promptTokens, r.toolCalls.length])).toEqual([[1, 'scripted-model', 321, 1], [2, 'scripted-model', 400, 0]]);

      await term.submit('/profile');
      screen = await term.waitFor('tool calls');
      expect(screen).toMatch(/context window\s+8,192 tokens, from default/);
      expect(screen).toMatch(/transport\s+OpenAI-compatible/);

      await term.submit('/cognition');
      screen = await term.waitFor('Declarations:', { timeoutMs: 30_000 });
      expect(screen).toContain('agents/core.marrow');
    });
  });
});

describe('smallcode --classic', () => {
  it('reads tasks line by line from a pipe and writes plain text, no escape codes', async () => {
    const { startScriptedServer } = await import('../../support/scripted-server.js');
    const { makeTempProject, removeTempProject } = await import('../../support/run-cli.js');
    const dir = await makeTempProject({});
    const server = await startScriptedServer({
      turns: [
        { toolCalls: [{ name: 'bash', arguments: { command: 'touch made.txt' } }] },
        { content: '**Done**: made.txt exists.' },
      ],
    });
    try {
      const r = await runCli(['--classic'], {
        cwd: dir,
        input: 'make a file\ny\n/stats\n',
        env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', NO_COLOR: undefined, FORCE_COLOR: '1' },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('› make a file');
      expect(r.stdout).toContain('The model wants to run: touch made.txt');
      expect(r.stdout).toContain('● bash touch made.txt');
      expect(r.stdout).toContain('**Done**: made.txt exists.'); // as written, for screen readers and logs
      expect(r.stdout).toContain('Tool calls  1');
      expect(r.stdout).not.toMatch(/\x1b\[/);
      expect(readdirSync(dir)).toContain('made.txt');
    } finally {
      await server.close();
      await removeTempProject(dir);
    }
  });
});
