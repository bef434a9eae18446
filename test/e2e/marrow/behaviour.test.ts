import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../support/scripted-server.js';
import { SmallCode } from '../../../runtime/api/index.js';
import { runTask, startScriptedServer, withProject } from '../engine/helpers.js';

/** A file of 120 numbered lines: far more than 200 characters when read. */
const BIG = Array.from({ length: 120 }, (_, i) => `line ${i + 1}: some text that takes room`).join('\n') + '\n';

function override(dir: string, name: string, text: string): void {
  mkdirSync(join(dir, '.smallcode', 'agents'), { recursive: true });
  writeFileSync(join(dir, '.smallcode', 'agents', name), text);
}

function toolResult(req: RecordedRequest): string {
  const last = req.body.messages.at(-1) as { role: string; content: string };
  expect(last.role).toBe('tool');
  return last.content;
}

const readBig = [{ toolCalls: [{ name: 'read_file', arguments: { path: 'big.txt' } }] }, { content: 'Read it.' }];

describe('agents/*.marrow overrides change what the agent does', () => {
  it('an override that sets the tool result cap to 200 characters changes what the model receives', async () => {
    await withProject({ 'big.txt': BIG }, { turns: readBig }, async (dir, server) => {
      override(dir, 'caps.marrow', 'agent smallcode {\n  context { tool_result_max: 200 chars }\n}\n');
      const r = await runTask(server, dir, 'read big.txt');
      expect(r.code, r.stderr).toBe(0);
      const seen = toolResult(server.chatRequests()[1]!);
      expect(seen.length).toBeLessThanOrEqual(320); // 200 of content + the hint on how to see more
      expect(seen).toContain('line 1:');
      expect(seen).not.toContain('line 60:');
    });
    // Without the override the same read arrives whole.
    await withProject({ 'big.txt': BIG }, { turns: readBig }, async (dir, server) => {
      const r = await runTask(server, dir, 'read big.txt');
      expect(r.code, r.stderr).toBe(0);
      expect(toolResult(server.chatRequests()[1]!)).toContain('line 60:');
    });
  });

  it('an override with a syntax error is reported as file:line:col and the run succeeds on the built-in layer', async () => {
    await withProject({ 'big.txt': BIG }, { turns: readBig }, async (dir, server) => {
      override(dir, 'broken.marrow', 'agent smallcode {\n  context { tool_result_max: 200 chars\n  guard g { on: reply when: sesion.turn > 1 then: continue }\n}\n');
      const r = await runTask(server, dir, 'read big.txt');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/\.smallcode\/agents\/broken\.marrow:\d+:\d+: error MS\d+/);
      expect(r.stderr).toMatch(/not applied; the layers below it stay in force/);
      expect(toolResult(server.chatRequests()[1]!)).toContain('line 60:'); // the 200-char cap was not applied
    });
  });

  it('serves classify_task from the cache the second time, visible in the trace', async () => {
    // Long enough (≥ 30 words) that the built-in plan rule depends on the task's kind.
    const task =
      'Build a small command line tool in Python that reads a CSV file of expenses, groups the rows by category, ' +
      'sums the amounts for each category and prints a table sorted by the total, with tests for the grouping logic.';
    const isClassify = (req: RecordedRequest) => JSON.stringify(req.body.messages).includes("Classify the user's message");
    await withProject({}, {
      respond: (req) => (isClassify(req) ? { content: 'coding' } : { content: 'I will start with the CSV reader.' }),
    }, async (dir, server) => {
      const first = await runTask(server, dir, task);
      expect(first.code, first.stderr).toBe(0);
      const second = await runTask(server, dir, task);
      expect(second.code, second.stderr).toBe(0);
      expect(server.chatRequests().filter(isClassify)).toHaveLength(1);
      const traces = readdirSync(join(dir, '.smallcode', 'traces')).filter((f) => f.startsWith('cognition-'));
      const spans = traces.flatMap((f) => readFileSync(join(dir, '.smallcode', 'traces', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
      const classify = spans.filter((s) => s.name === 'classify_task' && s.kind === 'prompt');
      expect(classify.map((s) => s.outcome)).toEqual(['ok', 'cache_hit']);
      expect(classify[1].cache_hit).toBe(true);
    });
  });
});

describe('loop guards declared in agents/core.marrow', () => {
  it('breaks a repetition loop: the third identical call is answered by the guard, not run', async () => {
    const same = { toolCalls: [{ name: 'bash', arguments: { command: 'echo ran >> log.txt' } }] };
    await withProject({}, { turns: [same, same, same, { content: 'Stopped repeating.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'append to the log');
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toBe('ran\nran\n');
      expect(toolResult(server.chatRequests()[3]!)).toMatch(/same tool call several times/);
      expect(r.stderr).toMatch(/guard repetition \(agents\/core\.marrow:\d+\) tripped/);
    });
  });

  it('recovers from a greeting mid-task by re-injecting the task', async () => {
    await withProject({}, {
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'a' } }] },
        { content: 'Hello! How can I help you today?' },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'b' } }] },
        { content: 'Wrote a.txt and b.txt.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'write a.txt and b.txt');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Wrote a.txt and b.txt.');
      const reinjected = server.chatRequests()[2]!.body.messages.at(-1);
      expect(reinjected.role).toBe('user');
      expect(reinjected.content).toContain('The task: write a.txt and b.txt');
      expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b');
    });
  });

  it('reminds a model that forgot its task after a long tool result', async () => {
    await withProject({ 'big.txt': BIG }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'big.txt' } }] },
        { content: 'I have read the file. What would you like me to do with it?' },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'count.txt', content: '120\n' } }] },
        { content: 'big.txt has 120 lines; wrote count.txt.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'count the lines of big.txt and write the number to count.txt');
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'count.txt'), 'utf8')).toBe('120\n');
      expect(r.stderr).toMatch(/guard forgotten_task \(agents\/core\.marrow:\d+\) tripped/);
      expect(server.chatRequests()[2]!.body.messages.at(-1).content).toContain('The task: count the lines of big.txt');
    });
  });

  it('lets a question through when no tool has run yet (it may be a real question)', async () => {
    await withProject({}, { turns: [{ content: 'What would you like me to do with the config file?' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'fix the config');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('What would you like me to do');
      expect(server.chatRequests()).toHaveLength(1);
    });
  });

  it('resolves a patch spiral: three failed patches on one file trip patch_spiral, the steer reaches the model, a rewrite fixes the file', async () => {
    const broken = 'def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n';
    const fixed = 'def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n';
    // Three different search texts (so the repetition guard stays out of it), none in the file.
    const badPatch = (search: string) => ({ toolCalls: [{ name: 'patch', arguments: { path: 'calc.py', search, replace: '    return a + b' } }] });
    await withProject({ 'calc.py': broken }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'calc.py' } }] },
        badPatch('    return x - y'),
        badPatch('def add(x, y):\n    return x - y'),
        badPatch('    result = a - b\n    return result'),
        { toolCalls: [{ name: 'write_file', arguments: { path: 'calc.py', content: fixed } }] },
        { content: 'Rewrote calc.py: add now adds.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'fix add in calc.py: it subtracts');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/guard patch_spiral \(agents\/core\.marrow:\d+\) tripped: steer\(patch_spiral\)/);
      const requests = server.chatRequests();
      expect(requests).toHaveLength(6);
      const steer = readFileSync(join(import.meta.dirname, '..', '..', '..', 'templates', 'prompts', 'cognition', 'steer', 'patch_spiral.hbs'), 'utf8').trim();
      // Not after the first two failures; with the result of the third, in the request that follows it.
      expect(requests.slice(0, 4).some((req) => JSON.stringify(req.body.messages).includes('keep failing'))).toBe(false);
      expect(toolResult(requests[4]!)).toContain(steer);
      expect(readFileSync(join(dir, 'calc.py'), 'utf8')).toBe(fixed);
      expect(r.stdout.trim()).toBe('Rewrote calc.py: add now adds.');
    });
  });

  it('a guard with `then: escalate` sends the rest of the task to the strong model on its own server', async () => {
    const strong = await startScriptedServer({
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'answer.txt', content: '42\n' } }] },
        { content: 'The strong model wrote answer.txt.' },
      ],
    });
    try {
      await withProject({}, {
        turns: [
          { toolCalls: [{ name: 'bash', arguments: { command: 'false' } }] },
          { toolCalls: [{ name: 'bash', arguments: { command: 'test -e answer.txt' } }] },
        ],
      }, async (dir, local) => {
        override(dir, 'escalate.marrow', 'agent smallcode {\n  guard stuck {\n    on: tool_result\n    when: calls.consecutive_failures >= 2\n    then: escalate\n    max_trips: 1\n  }\n}\n');
        const r = await runTask(local, dir, 'write the answer to answer.txt', [], { SMALLCODE_MODEL_STRONG: 'strong-model', SMALLCODE_BASE_URL_STRONG: strong.url });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/guard stuck \(\.smallcode\/agents\/escalate\.marrow:\d+\) tripped: escalate/);
        expect(r.stderr).toMatch(/escalated: the rest of this task goes to strong-model/);
        expect(local.chatRequests()).toHaveLength(2); // nothing more reached the local model
        const handedOver = strong.chatRequests();
        expect(handedOver).toHaveLength(2);
        expect(handedOver[0]!.body.model).toBe('strong-model');
        expect(handedOver[0]!.body.tools?.length).toBeGreaterThan(0); // a main-loop request, not a side prompt
        // The strong model sees the whole task so far, with the note on the last failed result.
        expect(handedOver[0]!.body.messages[1].content).toBe('write the answer to answer.txt');
        expect(toolResult(handedOver[0]!)).toContain('A stronger model (strong-model) takes over this task');
        expect(readFileSync(join(dir, 'answer.txt'), 'utf8')).toBe('42\n');
        expect(r.stdout.trim()).toBe('The strong model wrote answer.txt.');
      });
    } finally {
      await strong.close();
    }
  });

  it('`then: escalate` without a stronger model says so once and the task goes on with the local model', async () => {
    const fail = { toolCalls: [{ name: 'bash', arguments: { command: 'false' } }] };
    await withProject({}, { turns: [fail, { toolCalls: [{ name: 'bash', arguments: { command: 'test -e missing.txt' } }] }, { toolCalls: [{ name: 'bash', arguments: { command: 'ls missing-dir' } }] }, { content: 'Gave up on the commands.' }] }, async (dir, server) => {
      override(dir, 'escalate.marrow', 'agent smallcode {\n  guard stuck {\n    on: tool_result\n    when: calls.consecutive_failures >= 2\n    then: escalate\n  }\n}\n');
      const r = await runTask(server, dir, 'run the commands');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.match(/escalate: no stronger model is configured/g)).toHaveLength(1); // tripped twice, said once
      expect(r.stderr).toMatch(/tripped: escalate[\s\S]*tripped: escalate/);
      expect(server.chatRequests()).toHaveLength(4);
      expect(r.stdout.trim()).toBe('Gave up on the commands.');
    });
  });

  it('a guard with `then: compress` has summarize_history condense the older turns, and the next request carries the summary', async () => {
    const isSummary = (req: RecordedRequest) => req.body.messages[0]?.content?.startsWith('Summarise the conversation');
    const step = (n: number) => ({ toolCalls: [{ name: 'bash', arguments: { command: `echo step ${n}` } }] });
    const queue = [step(1), step(2), step(3), { content: 'All three steps ran.' }];
    await withProject({}, {
      respond: (req) => (isSummary(req) ? { content: 'Steps 1 and 2 ran: they printed "step 1" and "step 2".' } : queue.shift()),
    }, async (dir, server) => {
      override(dir, 'compress.marrow', 'agent smallcode {\n  context { keep_recent_turns: 1 }\n  guard condense {\n    on: turn\n    when: session.turn == 3\n    then: compress\n  }\n}\n');
      const r = await runTask(server, dir, 'run the three steps');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/guard condense \(\.smallcode\/agents\/compress\.marrow:\d+\) tripped: compress/);
      expect(r.stderr).toMatch(/compressed \d+ older messages into a summary as a guard asked/);
      const requests = server.chatRequests();
      const summaryAt = requests.findIndex(isSummary);
      expect(summaryAt).toBe(2); // after the second step, before the third main-loop request
      expect(JSON.stringify(requests[summaryAt]!.body.messages)).toContain('echo step 1');
      const next = requests[summaryAt + 1]!.body.messages as Array<{ role: string; content: string | null }>;
      expect(next[1]!.content).toBe('run the three steps'); // the task stays
      expect(next[2]!.content).toContain('Steps 1 and 2 ran');
      expect(JSON.stringify(next)).not.toContain('echo step 1'); // the old turn itself is gone
      expect(r.stdout.trim()).toBe('All three steps ran.');
    });
  });

  it('a guard with `then: rollback` undoes the file changes of the step it objected to', async () => {
    await withProject({ 'a.txt': 'original\n' }, {
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'clobbered\n' } }] },
        { content: 'OK, I will try another way.' },
      ],
    }, async (dir, server) => {
      override(dir, 'no-clobber.marrow', 'agent smallcode {\n  guard no_clobber {\n    on: tool_result\n    when: tool.name == "write_file"\n    then: rollback\n  }\n}\n');
      const r = await runTask(server, dir, 'change a.txt');
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('original\n');
      expect(server.chatRequests()[2]!.body.messages.at(-1).content).toMatch(/file changes of your last step were undone \(a\.txt\)/);
    });
  });

  it('asks again after an empty reply, and an empty final answer is a failure, not a success', async () => {
    await withProject({}, { turns: [{ content: '' }, { content: 'Here is the answer.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer me');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Here is the answer.');
      expect(server.chatRequests()[1]!.body.messages.at(-1).content).toMatch(/Your last reply was empty/);
    });
    await withProject({}, { onExhausted: { content: '' } }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer me');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('the model gave an empty answer');
      expect(server.chatRequests()).toHaveLength(3); // asked again twice (max_trips: 2), then gave up
    });
  });

  it('caps corrections at two steps in a row, so guards cannot spiral themselves', async () => {
    const step = (n: number) => ({ toolCalls: [{ name: 'bash', arguments: { command: `echo step ${n}` } }] });
    await withProject({}, { turns: [step(1), step(2), step(3), step(4), { content: 'done' }] }, async (dir, server) => {
      override(dir, 'nag.marrow', 'agent smallcode {\n  guard nag {\n    on: turn\n    when: session.turn >= 1\n    then: steer("repetition")\n  }\n}\n');
      const r = await runTask(server, dir, 'run the steps');
      expect(r.code, r.stderr).toBe(0);
      const steered = server.chatRequests().map((req) => JSON.stringify(req.body.messages.at(-1)).includes('same tool call several times'));
      // Corrected before requests 1 and 2, held back for 3, then allowed again for 4 after a clean step.
      expect(steered).toEqual([true, true, false, true, true]);
      expect(r.stderr).toMatch(/correction not sent: 2 steps in a row were already corrected/);
    });
  });

  it('a final answer that starts with a file named hello is the answer, not a greeting', async () => {
    await withProject({}, {
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'hello.py', content: 'print("hello world")\n' } }] },
        { content: 'hello.py was created; run it with `python3 hello.py`.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'create hello.py that prints hello world');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('hello.py was created; run it with `python3 hello.py`.');
      expect(r.stderr).not.toMatch(/greeting_regression/);
      expect(server.chatRequests()).toHaveLength(2);
    });
  });

  it('guard trips are counted per task: repetition, spent in one task, fires again in the next', async () => {
    const same = { toolCalls: [{ name: 'write_file', arguments: { path: 'same.txt', content: 'x' } }] };
    // Task 1: five identical calls; the guard answers the 3rd and 4th (max_trips: 2), the 5th runs.
    // Task 2: three identical calls again; the guard must answer the 3rd.
    await withProject({}, { turns: [same, same, same, same, same, { content: 'one' }, same, same, same, { content: 'two' }] }, async (dir, server) => {
      const agent = new SmallCode({ model: 'scripted-model', baseUrl: server.url, cwd: dir, env: {} });
      try {
        const notices: string[] = [];
        agent.on('notice', ({ message }) => notices.push(String(message)));
        expect((await agent.run('write same.txt')).response).toBe('one');
        expect(notices.filter((n) => n.includes('guard repetition'))).toHaveLength(2);
        notices.length = 0;
        expect((await agent.run('write same.txt again')).response).toBe('two');
        expect(notices.filter((n) => n.includes('guard repetition'))).toHaveLength(1);
        expect(toolResult(server.chatRequests()[9]!)).toMatch(/same tool call several times/);
      } finally {
        await agent.close();
      }
    });
  });
});
