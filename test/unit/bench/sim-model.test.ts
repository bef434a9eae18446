import { describe, expect, it } from 'vitest';
import { SimulatedModel, stepSucceeded, type SimOptions } from '../../../bench/sim/model.js';
import type { BenchTask } from '../../../bench/suites/types.js';

const TASK: BenchTask = {
  id: 'unit-task',
  suite: 'smoke',
  language: 'python',
  prompt: 'Fix greet.py so that it prints Hello.',
  files: { 'greet.py': 'def main():\n    print("Helo")\n' },
  check: 'true',
  solution: [
    { tool: 'read_file', args: { path: 'greet.py' } },
    { tool: 'patch', args: { path: 'greet.py', search: '    print("Helo")', replace: '    print("Hello")' } },
    { tool: 'bash', args: { command: 'python3 greet.py' } },
  ],
  answer: 'Fixed.',
};

/** The agent always offers tools; requests without them are the behaviour layer's side prompts. */
const TOOLS = [{ type: 'function', function: { name: 'read_file' } }];

type Message = { role: string; content: string | null; tool_calls?: Array<{ function: { name: string; arguments: string } }> };

/** Plays the harness side: keeps the conversation and answers each call with the given tool output. */
class Conversation {
  messages: Message[] = [
    { role: 'system', content: 'You are SmallCode.' },
    { role: 'user', content: TASK.prompt },
  ];
  constructor(readonly model: SimulatedModel) {}

  ask(extra: Record<string, unknown> = {}) {
    return this.model.reply({ messages: structuredClone(this.messages), tools: TOOLS, ...extra } as never);
  }

  /** Records the model's native call and the tool's answer. */
  answer(turn: ReturnType<SimulatedModel['reply']>, output: string): void {
    const calls = (turn.toolCalls ?? []).map((c) => ({ function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } }));
    this.messages.push({ role: 'assistant', content: turn.content ?? '', tool_calls: calls });
    this.messages.push({ role: 'tool', content: output });
  }
}

const clean = (extra: Partial<SimOptions> = {}) => new SimulatedModel(TASK, { faultRate: 0, seed: 7, ...extra });

describe('SimulatedModel without faults', () => {
  it('plays the reference solution step by step as native tool calls, then answers', () => {
    const chat = new Conversation(clean());
    const first = chat.ask();
    expect(first.toolCalls).toEqual([{ name: 'read_file', arguments: { path: 'greet.py' } }]);
    chat.answer(first, 'greet.py (2 lines)\n1\tdef main():\n2\t    print("Helo")');
    const second = chat.ask();
    expect(second.toolCalls?.[0]?.name).toBe('patch');
    chat.answer(second, 'Patched greet.py (1 block):\n@@ -2,1 +2,1 @@');
    const third = chat.ask();
    expect(third.toolCalls).toEqual([{ name: 'bash', arguments: { command: 'python3 greet.py' } }]);
    chat.answer(third, 'Hello\n[exit code 0]');
    const last = chat.ask();
    expect(last.toolCalls).toBeUndefined();
    expect(last.content).toBe('Fixed.');
  });

  it('repeats a step, correctly, when the harness answers an error', () => {
    const chat = new Conversation(clean());
    const first = chat.ask();
    chat.answer(first, "Unknown tool 'read_file'. Tools: bash.");
    const again = chat.ask();
    expect(again.toolCalls).toEqual(first.toolCalls);
    expect(chat.model.events.at(-1)).toMatchObject({ step: 0, retry: true });
  });

  it('says the same step again when its reply was dropped (the request repeats the same history)', () => {
    const chat = new Conversation(clean());
    const first = chat.ask();
    const again = chat.ask({ chat_template_kwargs: { enable_thinking: false } });
    expect(again.toolCalls).toEqual(first.toolCalls);
    expect(again.reasoning).toBeUndefined();
  });

  it('rewrites the files it changed when the verification fails, then verifies again', () => {
    const chat = new Conversation(clean());
    chat.answer(chat.ask(), 'greet.py (2 lines)');
    chat.answer(chat.ask(), 'Patched greet.py (1 block)');
    chat.answer(chat.ask(), 'Traceback …\n[exit code 1]');
    const rewrite = chat.ask();
    expect(rewrite.toolCalls).toEqual([{ name: 'write_file', arguments: { path: 'greet.py', content: 'def main():\n    print("Hello")\n' } }]);
    chat.answer(rewrite, 'Wrote greet.py (2 lines).');
    expect(chat.ask().toolCalls?.[0]?.name).toBe('bash');
  });

  it("answers the behaviour layer's side prompts (no tools offered) without losing its place", () => {
    const chat = new Conversation(clean());
    chat.answer(chat.ask(), 'greet.py (2 lines)');
    const side = chat.model.reply({ messages: [{ role: 'user', content: "Classify the user's message into exactly one category.\n\nMessage:\nfix it" }] });
    expect(side).toMatchObject({ content: 'coding' });
    const diagnosis = chat.model.reply({ messages: [{ role: 'user', content: 'A command failed. Diagnose it.\n\nCommand: python3 x.py' }] });
    expect(JSON.parse(diagnosis.content!)).toMatchObject({ category: 'test_failure' });
    expect(chat.ask().toolCalls?.[0]?.name).toBe('patch');
  });

  it('refuses a prompt longer than the context window with HTTP 400, like vLLM', () => {
    const model = clean({ contextWindow: 1024 });
    const turn = model.reply({ messages: [{ role: 'user', content: 'word '.repeat(3000) }], tools: TOOLS });
    expect(turn.fault).toMatchObject({ kind: 'http_error', status: 400 });
    expect(turn.fault && 'body' in turn.fault ? turn.fault.body : '').toMatch(/maximum context length is 1024 tokens/);
  });
});

describe('SimulatedModel with faults', () => {
  /** Runs the happy conversation to the end and returns what the model did. */
  function playThrough(opts: SimOptions): SimulatedModel {
    const chat = new Conversation(new SimulatedModel(TASK, opts));
    const ok: Record<string, string> = { read_file: 'greet.py (2 lines)', patch: 'Patched greet.py (1 block)', bash: '[exit code 0]' };
    for (let i = 0; i < 30; i++) {
      const turn = chat.ask();
      if (!turn.toolCalls?.length && !turn.content?.includes('<tool_call>')) {
        if (turn.content === TASK.answer) break;
        chat.messages.push({ role: 'assistant', content: turn.content ?? '' }, { role: 'user', content: 'Continue with the task.' });
        continue;
      }
      const name = turn.toolCalls?.[0]?.name ?? 'read_file';
      chat.answer(turn, ok[name] ?? 'error');
    }
    return chat.model;
  }

  it('is reproducible: the same seed gives the same replies, another seed other ones', () => {
    const a = playThrough({ faultRate: 0.5, seed: 42 });
    const b = playThrough({ faultRate: 0.5, seed: 42 });
    expect(b.events).toEqual(a.events);
    const others = [1, 2, 3, 4, 5].map((seed) => JSON.stringify(playThrough({ faultRate: 0.5, seed }).events));
    expect(new Set([JSON.stringify(a.events), ...others]).size).toBeGreaterThan(1);
  });

  it('draws only the fault kinds it is given, and only where they apply', () => {
    const model = playThrough({ faultRate: 1, seed: 3, faults: ['wrong_indentation'] });
    const faulted = model.events.filter((e) => e.fault);
    expect(faulted.length).toBeGreaterThan(0);
    expect(faulted.every((e) => e.fault === 'wrong_indentation' && e.tool === 'patch')).toBe(true);
  });

  it('retries correctly after an error, unless told to be stubborn', () => {
    const erring = (retryFaultRate: number) => {
      const chat = new Conversation(new SimulatedModel(TASK, { faultRate: 1, retryFaultRate, seed: 4, faults: ['broken_json'] }));
      chat.answer(chat.ask(), 'The arguments of your read_file call are not valid JSON.');
      chat.ask();
      return chat.model.events.at(-1)!;
    };
    expect(erring(0)).toMatchObject({ retry: true });
    expect(erring(0).fault).toBeUndefined();
    expect(erring(1)).toMatchObject({ retry: true, fault: 'broken_json' });
  });

  it('writes a text-dialect call instead of a native one', () => {
    const model = new SimulatedModel(TASK, { faultRate: 1, seed: 1, faults: ['text_dialect'], dialects: ['hermes'] });
    const turn = model.reply({ messages: [{ role: 'user', content: TASK.prompt }], tools: TOOLS });
    expect(turn.toolCalls).toBeUndefined();
    expect(turn.content).toBe('<tool_call>\n{"name":"read_file","arguments":{"path":"greet.py"}}\n</tool_call>');
  });

  it('floods thinking past the budget, but not when thinking is switched off', () => {
    const flooding = new SimulatedModel(TASK, { faultRate: 1, seed: 1, faults: ['thinking_flood'], thinkingTokens: 3000 });
    const turn = flooding.reply({ messages: [{ role: 'user', content: TASK.prompt }], tools: TOOLS });
    expect(turn.reasoning!.length).toBeGreaterThanOrEqual(12_000);
    expect(turn.toolCalls?.[0]?.name).toBe('read_file');
    const off = new SimulatedModel(TASK, { faultRate: 1, seed: 1, faults: ['thinking_flood'] });
    expect(off.reply({ messages: [{ role: 'user', content: TASK.prompt }], tools: TOOLS, chat_template_kwargs: { enable_thinking: false } }).reasoning).toBeUndefined();
  });

  it('forgets the task only after a long tool result that does not restate it', () => {
    const long = 'x'.repeat(2000);
    const make = () => new Conversation(new SimulatedModel(TASK, { faultRate: 1, seed: 1, faults: ['forget_task'] }));
    const chat = make();
    chat.answer(chat.ask(), 'greet.py (2 lines)');
    expect(chat.ask().toolCalls?.[0]?.name).toBe('patch'); // a short result: no lapse
    const lapsing = make();
    lapsing.answer(lapsing.ask(), `greet.py (2 lines)\n${long}`);
    expect(lapsing.ask().content).toMatch(/What would you like me to do/);
    const anchored = make();
    anchored.answer(anchored.ask(), `greet.py (2 lines)\n${long}\nReminder of the task: ${TASK.prompt}`);
    expect(anchored.ask().toolCalls?.[0]?.name).toBe('patch');
  });

  it('cuts a reply off mid-call with finish_reason length', () => {
    const model = new SimulatedModel(TASK, { faultRate: 1, seed: 5, faults: ['cut_off'] });
    const turn = model.reply({ messages: [{ role: 'user', content: TASK.prompt }], tools: TOOLS });
    expect(turn.finishReason).toBe('length');
    const written = turn.content ?? String(turn.toolCalls?.[0]?.arguments);
    expect(() => JSON.parse(written)).toThrow();
  });
});

describe('stepSucceeded', () => {
  it('needs positive evidence of success', () => {
    const bash = { tool: 'bash' as const, args: { command: 'x' } };
    expect(stepSucceeded(bash, 'ok\n[exit code 0]')).toBe(true);
    expect(stepSucceeded(bash, 'boom\n[exit code 2]')).toBe(false);
    expect(stepSucceeded({ ...bash, expect: 'any' }, 'boom\n[exit code 2]')).toBe(true);
    expect(stepSucceeded({ ...bash, expect: 'any' }, "Invalid arguments for bash: 'command': expected string")).toBe(false);
    const patch = { tool: 'patch' as const, args: {} };
    expect(stepSucceeded(patch, 'Patched a.py (1 block):\n@@')).toBe(true);
    expect(stepSucceeded(patch, 'No match for the search text in a.py')).toBe(false);
    expect(stepSucceeded({ tool: 'read_file', args: {} }, '[Same call as 1 call(s) ago …]\na.py (3 lines)\n1\tx')).toBe(true);
    expect(stepSucceeded({ tool: 'write_file', args: {} }, 'a.py already exists and you have not read it in this session.')).toBe(false);
  });
});
