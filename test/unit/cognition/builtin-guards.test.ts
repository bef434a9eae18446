import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource, transpileToCommonJs } from '../../../compiler/marrow/compile.js';
import { EnvReader, evaluateLayerModule, factsFromSnapshot, GuardState, evaluateGuards, type FactSnapshot, type GuardDef } from '../../../runtime/cognition/index.js';

/**
 * Every guard agents/core.marrow declares, against the facts it reads: the cases it exists for
 * (hits) and the ones next to them that it must leave alone (near misses). The guards are the
 * compiled built-in layer itself, not a copy of its conditions.
 */
const root = join(import.meta.dirname, '..', '..', '..');
let guards: Record<string, GuardDef>;
let patchTrust: unknown;

beforeAll(async () => {
  const compiled = await compileSource(readFileSync(join(root, 'agents', 'core.marrow'), 'utf8'), { file: 'agents/core.marrow' });
  const layer = evaluateLayerModule(await transpileToCommonJs(compiled.code!, 'core.ts'), 'core.cjs');
  guards = layer.guards as Record<string, GuardDef>;
  patchTrust = (layer.policy(new EnvReader({})) as { tools?: { patch?: { trust?: unknown } } }).tools?.patch?.trust;
});

const trips = (name: string, snapshot: FactSnapshot): boolean => guards[name]!.when(factsFromSnapshot(snapshot));
/** A reply in the middle of a task (second model turn, one tool call made). */
const reply = (text: string, extra: Partial<FactSnapshot> = {}): FactSnapshot => ({
  turn: 2, toolCalls: [{ name: 'write_file', args: { path: 'a.txt' }, ok: true }], reply: { text, hasToolCalls: false }, ...extra,
});

it('tests cover every built-in guard', () => {
  expect(Object.keys(guards).sort()).toEqual(['empty_turn', 'forgotten_task', 'greeting_regression', 'patch_spiral', 'repetition']);
});

describe('greeting_regression', () => {
  const greetingWords = ['hi', 'hello', 'hey', 'Hi', 'Hello', 'HEY', 'Greetings'];

  it.each([
    'Hello! How can I help you today?',
    'Hi there, what would you like me to work on?',
    'hey',
    'Hello.',
    '  Hi, I am ready to assist.',
    'How can I help?',
    'How may I assist you with your project?',
    'Hello!\n\nI can help with coding tasks.',
  ])('trips on a greeting mid-task: %j', (text) => {
    expect(trips('greeting_regression', reply(text))).toBe(true);
  });

  it.each([
    'hello.py was created and prints hello world.',
    'hello_world.py now takes a --name flag.',
    'Hello, World! is what main.c prints now.',
    'Hello world program written to hello.c',
    'Hi-res images are now served from /static.',
    'hello() is defined in app.py and returns a greeting.',
    'Highlights: the parser is fixed.',
    'Heyting algebra helpers are in logic.py.',
    'Hello.java compiles; run it with `java Hello`.',
    'HELLO.md lists the greetings.',
    'history.txt was updated.',
    'I said hello to nobody; the test passes.',
    'The greeting now says "Hello!" in greet.js.',
  ])('leaves a near miss alone: %j', (text) => {
    expect(trips('greeting_regression', reply(text))).toBe(false);
  });

  it('never trips on an answer that starts with a file or identifier named after a greeting (generated)', () => {
    const name = fc.tuple(
      fc.constantFrom(...greetingWords),
      fc.constantFrom('.', '_', '-', ''),
      fc.stringMatching(/^[a-z0-9]{1,8}$/),
      fc.constantFrom(' was created.', ' now prints the sum.', ' is fixed', ': done', '() returns 0'),
    ).map(([w, sep, rest, tail]) => `${w}${sep}${rest}${tail}`);
    fc.assert(fc.property(name, (text) => !trips('greeting_regression', reply(text))));
  });

  it('trips on every greeting word standing alone, whatever follows (generated)', () => {
    const greeting = fc.tuple(
      fc.constantFrom(...greetingWords),
      fc.constantFrom('', ' there'),
      fc.constantFrom('!', '.', ',', '', '!!'),
      fc.constantFrom(' How can I help?', '\nWhat shall we build?', '', ' I am your assistant.'),
    ).map(([w, there, punct, rest]) => `${w}${there}${punct}${rest}`);
    fc.assert(fc.property(greeting, (text) => trips('greeting_regression', reply(text))));
  });

  it('does not trip on the first turn (a greeting may answer a greeting)', () => {
    expect(trips('greeting_regression', reply('Hello! How can I help?', { turn: 1, toolCalls: [] }))).toBe(false);
  });
});

describe('forgotten_task', () => {
  it.each([
    'I have read the file. What would you like me to do with it?',
    'Done reading. What should I do next?',
    'How can I help you further?',
    'what do you want me to do',
  ])('trips when the model asks what to do after tools ran: %j', (text) => {
    expect(trips('forgotten_task', reply(text))).toBe(true);
  });

  it.each([
    ['a question before any tool ran', reply('What would you like me to do with the config?', { toolCalls: [] })],
    ['an answer that names a function', reply('what_should_i_do() now returns the next step.')],
    ['an answer with tool calls', reply('What would you like me to do? Calling read_file.', { reply: { text: 'What would you like me to do?', hasToolCalls: true } })],
    ['a report of what was done', reply('I did what you asked: count.txt holds 120.')],
  ])('leaves a near miss alone: %s', (_why, snapshot) => {
    expect(trips('forgotten_task', snapshot)).toBe(false);
  });
});

describe('empty_turn', () => {
  it('trips on an empty reply without tool calls', () => {
    expect(trips('empty_turn', reply(''))).toBe(true);
  });

  it.each([
    ['an empty reply that calls a tool', reply('', { reply: { text: '', hasToolCalls: true } })],
    ['a one-character answer', reply('4')],
  ])('leaves a near miss alone: %s', (_why, snapshot) => {
    expect(trips('empty_turn', snapshot)).toBe(false);
  });

  it('trips on no non-empty reply (generated)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (text) => !trips('empty_turn', reply(text))));
  });
});

describe('repetition', () => {
  const call = (command: string) => ({ name: 'bash', args: { command }, ok: true });
  const at = (calls: FactSnapshot['toolCalls']): FactSnapshot => ({ turn: 4, toolCalls: calls });

  it('trips on the third identical call within six', () => {
    expect(trips('repetition', at([call('ls'), call('ls'), call('ls')]))).toBe(true);
    expect(trips('repetition', at([call('ls'), call('pwd'), call('ls'), call('cat a'), call('ls')]))).toBe(true);
  });

  it('treats arguments in another key order as the same call', () => {
    const a = { name: 'read_file', args: { path: 'a', start_line: 1 }, ok: true };
    const b = { name: 'read_file', args: { start_line: 1, path: 'a' }, ok: true };
    expect(trips('repetition', at([a, b, a]))).toBe(true);
  });

  it.each([
    ['two identical calls', [call('ls'), call('ls')]],
    ['three calls that differ in one argument', [call('ls'), call('ls -a'), call('ls -l')]],
    ['three identical calls spread over more than six', [call('ls'), call('1'), call('2'), call('3'), call('4'), call('5'), call('ls'), call('ls')]],
    ['the same arguments to three different tools', [{ name: 'read_file', args: { path: 'a' } }, { name: 'search', args: { path: 'a' } }, { name: 'find_files', args: { path: 'a' } }]],
  ])('leaves a near miss alone: %s', (_why, calls) => {
    expect(trips('repetition', at(calls))).toBe(false);
  });

  it('trips exactly when some call occurs three times among the last six (generated)', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 12 }), (commands) => {
      const last = commands.slice(-6);
      const expected = last.some((c) => last.filter((x) => x === c).length >= 3);
      return trips('repetition', at(commands.map(call))) === expected;
    }));
  });
});

describe('patch_spiral', () => {
  const patch = (path: string, ok: boolean) => ({ name: 'patch', args: { path }, file: path, ok });
  const at = (calls: FactSnapshot['toolCalls']): FactSnapshot => ({ turn: 5, toolCalls: calls, currentTool: { name: 'patch', ok: false } });

  it('trips on three failed patches in a row on one file', () => {
    expect(trips('patch_spiral', at([patch('a.py', false), patch('a.py', false), patch('a.py', false)]))).toBe(true);
  });

  it('counts the file of the latest patch, across patches of other files between', () => {
    expect(trips('patch_spiral', at([patch('a.py', false), patch('b.py', false), patch('a.py', false), patch('a.py', false)]))).toBe(true);
  });

  it.each([
    ['two failures', [patch('a.py', false), patch('a.py', false)]],
    ['three failures on three files', [patch('a.py', false), patch('b.py', false), patch('c.py', false)]],
    ['a success between the failures', [patch('a.py', false), patch('a.py', false), patch('a.py', true), patch('a.py', false)]],
    ['three failed write_file calls', [1, 2, 3].map(() => ({ name: 'write_file', args: { path: 'a.py' }, file: 'a.py', ok: false }))],
  ])('leaves a near miss alone: %s', (_why, calls) => {
    expect(trips('patch_spiral', at(calls))).toBe(false);
  });
});

describe('guard trips are counted per task', () => {
  it('a task-scoped guard that used its trips in one task trips again in the next', () => {
    const state = new GuardState();
    const list = Object.values(guards);
    const same = { turn: 3, toolCalls: [1, 2, 3].map(() => ({ name: 'bash', args: { command: 'ls' }, ok: true })) };
    const fire = () => evaluateGuards(list, 'tool_call', factsFromSnapshot(same), state).filter((t) => t.guard === 'repetition').length;
    expect([fire(), fire(), fire()]).toEqual([1, 1, 0]); // max_trips: 2
    state.beginTask(list);
    expect(fire()).toBe(1);
  });

  it('a session-scoped guard keeps its count across tasks', () => {
    const state = new GuardState();
    const guard: GuardDef = { ...guards.repetition!, scope: 'session' };
    const same = { turn: 3, toolCalls: [1, 2, 3].map(() => ({ name: 'bash', args: { command: 'ls' }, ok: true })) };
    const fire = () => evaluateGuards([guard], 'tool_call', factsFromSnapshot(same), state).length;
    expect([fire(), fire()]).toEqual([1, 1]);
    state.beginTask([guard]);
    expect(fire()).toBe(0);
  });

  it('every built-in guard and the patch tool trust are declared per task', () => {
    for (const guard of Object.values(guards)) expect([guard.name, guard.scope]).toEqual([guard.name, 'task']);
    expect(patchTrust).toEqual({ demoteAfter: 3, dropAfter: 5, scope: 'task' });
  });
});
