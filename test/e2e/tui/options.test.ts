// Options and edge cases of the terminal: --yes, NO_COLOR, a narrow terminal, tool calls written
// as text, /clear, @path completion.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMPT, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;

suite('terminal options', { timeout: 90_000 }, () => {
  it('--yes runs shell commands without asking', async () => {
    await withTerminal({}, {
      turns: [{ toolCalls: [{ name: 'bash', arguments: { command: 'touch yes.txt' } }] }, { content: 'Made yes.txt.' }],
    }, async ({ dir, term }) => {
      await term.submit('make yes.txt');
      const screen = await term.waitFor('Made yes.txt.');
      expect(screen).toContain('shell commands run without asking (--yes)');
      expect(screen).not.toContain('Run this command?');
      expect(existsSync(join(dir, 'yes.txt'))).toBe(true);
    }, { args: ['--yes'] });
  });

  it('NO_COLOR: no colour escapes on screen, the same text', async () => {
    await withTerminal({}, {
      turns: [{ content: '# Title\n\nSome **bold** and `code`.\n```js\nconst a = 1;\n```\n' }],
    }, async ({ term }) => {
      await term.submit('show me');
      await term.waitFor('1 turn');
      const raw = await term.screen({ escapes: true });
      expect(raw).toContain('Some bold and `code`.');
      expect(raw).not.toMatch(/\x1b\[[0-9;]*m/); // no SGR (colour) sequence at all
    }, { env: { NO_COLOR: '1' } });
  });

  it('a 40-column terminal: status and tool lines are cut to fit, never wrapped', async () => {
    const long = `a-rather-long-file-name-${'x'.repeat(60)}.txt`;
    await withTerminal({}, {
      turns: [
        { toolCalls: [{ name: 'bash', arguments: { command: `ls ${'-l '.repeat(30)}` } }] },
        { content: 'Done.' },
      ],
    }, async ({ term }) => {
      await term.submit(`list ${long}`);
      const screen = await term.waitFor('Done.');
      const toolLine = screen.split('\n').find((l) => l.includes('✓ bash'))!;
      expect(toolLine.length).toBeLessThanOrEqual(40);
      expect(toolLine).toContain('…');
    }, { columns: 40 });
  });

  it('tool calls the model writes as text are not shown raw; the tool line is', async () => {
    const call = `I'll create the file.\n<tool_call>\n{"name": "write_file", "arguments": {"path": "t.txt", "content": "t\\n"}}\n</tool_call>`;
    await withTerminal({}, { turns: [{ content: call }, { content: 'Created t.txt.' }] }, async ({ dir, term }) => {
      await term.submit('make t.txt');
      const screen = await term.waitFor('Created t.txt.');
      expect(screen).toContain("I'll create the file.");
      expect(screen).toMatch(/✓ write_file t\.txt/);
      expect(screen).not.toContain('<tool_call>');
      expect(screen).not.toContain('"arguments"');
      expect(existsSync(join(dir, 't.txt'))).toBe(true);
    });
  });

  it('/clear forgets the conversation: the next request carries no earlier task', async () => {
    await withTerminal({}, { turns: [{ content: 'First answer.' }, { content: 'Fresh answer.' }] }, async ({ term, server }) => {
      await term.submit('remember the number 42');
      await term.waitFor('First answer.');
      await term.submit('/clear');
      await term.waitFor('Conversation cleared.');
      await term.submit('what number?');
      await term.waitFor('Fresh answer.');
      const messages = JSON.stringify(server.chatRequests()[1]!.body.messages);
      expect(messages).toContain('what number?');
      expect(messages).not.toContain('remember the number 42');
    });
  });

  it('Tab completes @paths of project files and /commands', async () => {
    await withTerminal({ 'src/server/routes.ts': '', 'src/server/db.ts': '', 'README.md': '' }, { turns: [{ content: 'Looked.' }] }, async ({ term, server }) => {
      await term.type('/he');
      await term.press('Tab');
      await term.waitFor(/^› \/help\s*$/m);
      await term.press('C-u');
      await term.type('look at @src/se');
      await term.press('Tab');
      await term.waitFor('› look at @src/server/');
      await term.type('ro');
      await term.press('Tab');
      await term.waitFor('› look at @src/server/routes.ts');
      await term.press('Enter');
      await term.waitFor('Looked.');
      expect(server.chatRequests()[0]!.body.messages.at(-1).content).toBe('look at @src/server/routes.ts');
      await term.waitFor(PROMPT);
    });
  });
});

suite('no model server', { timeout: 90_000 }, () => {
  it('says so in one line and exits with 2, without waiting for a task', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    await withTerminal({}, { turns: [] }, async ({ restart }) => {
      const term = await restart();
      expect(await term.waitForExit()).toBe(2);
      const screen = await term.screen();
      expect(screen).toContain(`smallcode: cannot reach the model server at http://127.0.0.1:${port}/v1`);
      expect(screen).not.toMatch(/^\s+at /m);
    }, { env: { SMALLCODE_BASE_URL: `http://127.0.0.1:${port}/v1` } });
  });
});

suite('choices and long output', { timeout: 90_000 }, () => {
  it('asks which model when the server lists several and none is configured, while the prompt is already up', async () => {
    await withTerminal({}, {
      models: [{ id: 'coder-small' }, { id: 'coder-large' }],
      turns: [{ content: 'Hello from the chosen model.' }],
    }, async ({ term, server }) => {
      await term.waitFor('Which model?');
      await term.press('Down', 'Enter');
      await term.waitFor(/coder-large · [\d,]+-token window/);
      await term.waitFor(PROMPT);
      await term.submit('hi');
      await term.waitFor('Hello from the chosen model.');
      expect(server.chatRequests()[0]!.body.model).toBe('coder-large');
    }, { env: { SMALLCODE_MODEL: '' } });
  });

  it('folds long tool output and /expand shows all of it', async () => {
    const command = 'seq 1 40';
    await withTerminal({}, {
      turns: [{ toolCalls: [{ name: 'bash', arguments: { command } }] }, { content: 'Counted.' }],
    }, async ({ term }) => {
      await term.submit('count to 40');
      let screen = await term.waitFor('Counted.');
      expect(screen).toMatch(/│ 6\n\s+… 34 more lines · \/expand shows all/);
      expect(screen).not.toMatch(/^\s*│ 7$/m);
      await term.submit('/expand');
      screen = await term.waitFor(/^40$/m);
      expect(screen).toMatch(/^bash seq 1 40$/m);
    }, { args: ['--yes'] });
  });

  it('Ctrl+C stops a running shell command and returns to the prompt', async () => {
    await withTerminal({}, {
      turns: [{ toolCalls: [{ name: 'bash', arguments: { command: 'sleep 30' } }] }, { content: 'Not reached.' }],
    }, async ({ term }) => {
      await term.submit('wait a while');
      await term.waitFor('bash sleep 30');
      const started = Date.now();
      await term.press('C-c');
      const screen = await term.waitFor('cancelled');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(screen).not.toContain('Not reached.');
      await term.waitFor(PROMPT);
    }, { args: ['--yes'] });
  });
});
