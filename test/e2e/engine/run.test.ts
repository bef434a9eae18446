import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort, lastMessage, runCli, runTask, withProject } from './helpers.js';

const HELLO = 'print("hello world")\n';

describe('smallcode run (headless) against a scripted OpenAI-compatible server', () => {
  it('creates hello.py from a native tool call and prints the answer on stdout', async () => {
    await withProject({}, {
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'hello.py', content: HELLO } }] },
        { content: 'Created hello.py, which prints hello world.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py that prints hello world');
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe(HELLO);
      expect(r.stdout.trim()).toBe('Created hello.py, which prints hello world.');
      expect(r.stderr).toContain('write_file');
      // The tool result went back as a native tool message tied to the call.
      const second = server.chatRequests()[1]!.body;
      expect(second.messages.at(-2).tool_calls[0].function.name).toBe('write_file');
      expect(second.messages.at(-1).role).toBe('tool');
      expect(second.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('write_file');
    });
  });

  it('creates hello.py when the model writes a Hermes <tool_call> as text', async () => {
    const call = `I'll create the file.\n<tool_call>\n{"name": "write_file", "arguments": {"path": "hello.py", "content": ${JSON.stringify(HELLO)}}}\n</tool_call>`;
    await withProject({}, { turns: [{ content: call }, { content: 'Done: hello.py prints hello world.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py that prints hello world');
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'hello.py'), 'utf8')).toBe(HELLO);
      expect(r.stdout).toContain('Done: hello.py');
      const result = lastMessage(server, 1);
      expect(result.role).toBe('user');
      expect(result.content).toContain('<tool_result name="write_file"');
    });
  });

  it('applies a patch whose search text is mis-indented, keeping the file indentation', async () => {
    const original = 'def greet(name):\n    if name:\n        return "hi " + name\n    return "hi"\n';
    await withProject({ 'greet.py': original }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'greet.py' } }] },
        // Small models often drop the indentation of the lines they quote.
        { toolCalls: [{ name: 'patch', arguments: { path: 'greet.py', search: 'if name:\n    return "hi " + name', replace: 'if name:\n    return "hello " + name' } }] },
        { content: 'Changed the greeting.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'say hello instead of hi for names');
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'greet.py'), 'utf8')).toBe('def greet(name):\n    if name:\n        return "hello " + name\n    return "hi"\n');
      expect(server.chatRequests()).toHaveLength(3);
    });
  });

  it('keeps the shell between bash calls: a cd is seen by the next call', async () => {
    await withProject({ 'sub/marker.txt': 'x' }, {
      turns: [
        { toolCalls: [{ name: 'bash', arguments: { command: 'cd sub' } }] },
        { toolCalls: [{ name: 'bash', arguments: { command: 'pwd && ls' } }] },
        { content: 'You are in sub.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'where am i');
      expect(r.code, r.stderr).toBe(0);
      const pwdResult = lastMessage(server, 2);
      expect(pwdResult.role).toBe('tool');
      expect(pwdResult.content).toMatch(/\/sub\b/);
      expect(pwdResult.content).toContain('marker.txt');
    });
  });

  it('retries two HTTP 500s and then succeeds', async () => {
    await withProject({}, {
      turns: [
        { fault: { kind: 'http_error', status: 500, body: 'overloaded' } },
        { fault: { kind: 'http_error', status: 500, body: 'overloaded' } },
        { content: 'All good.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'say all good');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('All good.');
      expect(server.chatRequests()).toHaveLength(3);
      expect(r.stderr).toMatch(/retry 1\/3/);
    });
  });

  it('recovers from a stream cut mid-reply', async () => {
    await withProject({}, {
      turns: [{ content: 'This reply will be cut off somewhere', fault: { kind: 'cut', afterChars: 10 } }, { content: 'Complete answer.' }],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Complete answer.');
    });
  });

  it('gives up on a hanging server after the model timeout and retries', async () => {
    await withProject({}, { turns: [{ fault: { kind: 'hang' } }, { content: 'Answered after the hang.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer', [], { SMALLCODE_MODEL_TIMEOUT: '1' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Answered after the hang.');
      expect(r.stderr).toMatch(/no first token within 1 s/);
    });
  });

  it('does not take a reply that stalls mid-stream for an answer: times out and asks again', async () => {
    await withProject({}, { turns: [{ content: 'The answer is partial and never', fault: { kind: 'stall', afterChars: 12 } }, { content: 'The whole answer.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer', [], { SMALLCODE_MODEL_IDLE_TIMEOUT: '1' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('The whole answer.');
      expect(r.stderr).toMatch(/the reply stopped: nothing for 1 s after it began/);
      expect(server.chatRequests()).toHaveLength(2);
    });
  });

  it('exits 2 with one clear line when the server is down', async () => {
    const port = await closedPort();
    const r = await runCli(['run', 'anything'], { cwd: process.cwd(), env: { SMALLCODE_BASE_URL: `http://127.0.0.1:${port}/v1` } });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^smallcode: cannot reach the model server at http://127.0.0.1:${port}/v1: connection refused`));
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it('says what it tried when no local server answers and nothing is configured', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const r = await runCli(['run', 'anything'], {
      cwd: process.cwd(),
      env: { SMALLCODE_PROBE_URLS: `http://127.0.0.1:${a}/v1,http://127.0.0.1:${b}/v1` },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no model server found: tried');
    expect(r.stderr).toContain(`127.0.0.1:${a}`);
    expect(r.stderr).toContain('SMALLCODE_BASE_URL');
  });

  it('finds a local server by probing and uses the model it lists', async () => {
    await withProject({}, { models: [{ id: 'qwen2.5-coder:7b' }], turns: [{ content: 'hi' }] }, async (dir, server) => {
      const r = await runCli(['run', 'say hi'], { cwd: dir, env: { SMALLCODE_PROBE_URLS: `http://127.0.0.1:1/v1,${server.url}` } });
      expect(r.code, r.stderr).toBe(0);
      expect(server.chatRequests()[0]!.body.model).toBe('qwen2.5-coder:7b');
    });
  });

  it('refuses a path that escapes the project and tells the model', async () => {
    await withProject({}, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: '../../../../etc/passwd' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: '/tmp/smallcode-escape-test.txt', content: 'x' } }] },
        { content: 'I cannot leave the project.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'read /etc/passwd');
      expect(r.code, r.stderr).toBe(0);
      const readResult = lastMessage(server, 1);
      expect(readResult.content).toMatch(/outside the project/i);
      expect(readResult.content).not.toContain('root:');
      expect(lastMessage(server, 2).content).toMatch(/outside the project/i);
      expect(existsSync('/tmp/smallcode-escape-test.txt')).toBe(false);
    });
  });

  it('prints the RunResult with --json', async () => {
    await withProject({}, {
      turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'a\n' } }] }, { content: 'Wrote a.txt.' }],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'write a.txt', ['--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(Object.keys(result).sort()).toEqual(['durationMs', 'filesCreated', 'filesEdited', 'response', 'success', 'toolCalls', 'turns', 'usage']);
      expect(result).toMatchObject({ response: 'Wrote a.txt.', success: true, filesCreated: ['a.txt'], filesEdited: [], turns: 2 });
      expect(result.toolCalls).toEqual([{ name: 'write_file', args: { path: 'a.txt', content: 'a\n' }, ok: true, ms: expect.any(Number) }]);
      expect(result.usage).toMatchObject({ promptTokens: expect.any(Number), completionTokens: expect.any(Number), requests: 2 });
      expect(result.usage.totalTokens).toBe(result.usage.promptTokens + result.usage.completionTokens);
    });
  });

  it('exits 1 when the task fails (turn limit)', async () => {
    await withProject({ 'a.txt': 'a' }, {
      onExhausted: { toolCalls: [{ name: 'bash', arguments: { command: 'echo again' } }] },
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'loop forever', ['--max-turns', '3']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('stopped after 3 turns');
    });
  });

  it('exits 2 on an invalid configuration value, naming the variable and the accepted values', async () => {
    const r = await runCli(['run', 'x'], { cwd: process.cwd(), env: { SMALLCODE_DEDUP: 'maybe', SMALLCODE_BASE_URL: 'http://127.0.0.1:1/v1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SMALLCODE_DEDUP="maybe".*expected one of true, false/);
  });

  it('starts with a compact project summary, AGENTS.md and the detected test command in the system prompt', async () => {
    await withProject({
      'package.json': JSON.stringify({ name: 'shop', scripts: { test: 'vitest run', build: 'tsc' }, dependencies: { express: '^5' }, devDependencies: { vitest: '^4' } }),
      'package-lock.json': '{}',
      'AGENTS.md': '# Rules\nAlways use tabs in this project.\n',
    }, { turns: [{ content: 'ok' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'hi');
      expect(r.code, r.stderr).toBe(0);
      const system = server.chatRequests()[0]!.body.messages[0];
      expect(system.role).toBe('system');
      expect(system.content).toContain('Always use tabs in this project.');
      expect(system.content).toMatch(/Frameworks: Express, Vitest/);
      expect(system.content).not.toMatch(/Project: Project/);
      expect(system.content).toMatch(/Test command: npm test/);
    });
  });

  it('with SMALLCODE_SNAPSHOT_AUTO_ROLLBACK=true a failed task leaves the files as they were', async () => {
    await withProject({ 'a.txt': 'original\n' }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'broken\n' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'new.txt', content: 'new\n' } }] },
      ],
      onExhausted: { toolCalls: [{ name: 'bash', arguments: { command: 'false' } }] },
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'change a.txt', ['--max-turns', '4', '--json'], { SMALLCODE_SNAPSHOT_AUTO_ROLLBACK: 'true' });
      expect(r.code).toBe(1);
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('original\n');
      expect(existsSync(join(dir, 'new.txt'))).toBe(false);
      expect(JSON.parse(r.stdout).rolledBack.sort()).toEqual(['a.txt', 'new.txt']);
      expect(r.stderr).toMatch(/task failed: restored .*a\.txt/);
    });
  });

  it('without it, a failed task keeps its changes (and SMALLCODE_SNAPSHOT=false keeps no snapshots)', async () => {
    await withProject({ 'a.txt': 'original\n' }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'changed\n' } }] },
      ],
      onExhausted: { toolCalls: [{ name: 'bash', arguments: { command: 'false' } }] },
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'change a.txt', ['--max-turns', '3'], { SMALLCODE_SNAPSHOT: 'false' });
      expect(r.code).toBe(1);
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('changed\n');
      expect(existsSync(join(dir, '.smallcode', 'snapshots'))).toBe(false);
    });
  });
});
