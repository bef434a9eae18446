import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSnapshots, restoreTurn } from '../../../runtime/tools/index.js';
import { makeProject, makeRegistry } from './helpers.js';

const write = (p: string, content: string) => ({ name: 'write_file', arguments: { path: p, content } });
const read = (p: string) => ({ name: 'read_file', arguments: { path: p } });

describe('snapshots and restoreTurn', () => {
  it('keeps the original of every file a turn edits, with a manifest', async () => {
    const root = makeProject({ 'a.txt': 'original a\n' });
    const tools = makeRegistry(root, { sessionId: 's1' });
    tools.beginTurn(1);
    await tools.run(read('a.txt'));
    await tools.run(write('a.txt', 'first change\n'));
    await tools.run(write('a.txt', 'second change\n')); // the turn's original is kept, not this one
    await tools.run(write('new/b.txt', 'created\n'));
    const dir = path.join(root, '.smallcode/snapshots/s1/1');
    expect(readFileSync(path.join(dir, 'files/a.txt'), 'utf8')).toBe('original a\n');
    const [snapshot] = await listSnapshots(root, 's1');
    expect(snapshot).toMatchObject({
      sessionId: 's1',
      turn: 1,
      files: [
        { path: 'a.txt', existed: true },
        { path: 'new/b.txt', existed: false },
      ],
    });
    expect(Date.parse(snapshot!.createdAt)).not.toBeNaN();
  });

  it('restoreTurn puts edited files back, deletes created ones and keeps the mode', async () => {
    const root = makeProject({ 'run.sh': 'echo v0\n', 'other.txt': 'untouched\n' });
    chmodSync(path.join(root, 'run.sh'), 0o755);
    const tools = makeRegistry(root, { sessionId: 's2' });
    tools.beginTurn(1);
    await tools.run(read('run.sh'));
    await tools.run(write('run.sh', 'echo v1\n'));
    tools.beginTurn(2);
    await tools.run(write('run.sh', 'echo v2\n'));
    await tools.run(write('made-in-2.txt', 'x'));
    expect((await listSnapshots(root, 's2')).map((s) => s.turn)).toEqual([1, 2]);

    expect(await restoreTurn(root, 's2', 2)).toEqual({ restored: ['run.sh'], deleted: ['made-in-2.txt'] });
    expect(readFileSync(path.join(root, 'run.sh'), 'utf8')).toBe('echo v1\n');
    expect(existsSync(path.join(root, 'made-in-2.txt'))).toBe(false);
    expect((await listSnapshots(root, 's2')).map((s) => s.turn)).toEqual([1]);

    expect(await restoreTurn(root, 's2', 1)).toEqual({ restored: ['run.sh'], deleted: [] });
    expect(readFileSync(path.join(root, 'run.sh'), 'utf8')).toBe('echo v0\n');
    expect(statSync(path.join(root, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(root, 'other.txt'), 'utf8')).toBe('untouched\n');
  });

  it('restoring a turn without a snapshot changes nothing', async () => {
    const root = makeProject({ 'a.txt': 'a' });
    expect(await restoreTurn(root, 'none', 7)).toEqual({ restored: [], deleted: [] });
    expect(await listSnapshots(root, 'none')).toEqual([]);
    expect(readdirSync(root)).toEqual(['a.txt']);
  });

  it('keeps sessions apart and refuses session ids that are not a plain name', async () => {
    const root = makeProject({ 'a.txt': 'a' });
    const one = makeRegistry(root, { sessionId: 'one' });
    await one.run(write('b.txt', 'b'));
    expect(await listSnapshots(root, 'two')).toEqual([]);
    expect((await listSnapshots(root, 'one'))[0]!.turn).toBe(0); // before any beginTurn
    await expect(restoreTurn(root, '../escape', 1)).rejects.toThrow(/Invalid session id/);
    expect(() => makeRegistry(root, { sessionId: 'a/b' })).toThrow(/Invalid session id/);
  });

  it('a failed write leaves no snapshot behind', async () => {
    const root = makeProject({ 'dir/x': '' });
    const tools = makeRegistry(root, { sessionId: 's3' });
    tools.beginTurn(1);
    expect((await tools.run(write('dir', 'x'))).ok).toBe(false);
    expect(await listSnapshots(root, 's3')).toEqual([]);
  });

  it('a shell command\'s changes are snapshotted too: restoreTurn undoes edits, creations and deletions made by bash', async () => {
    const root = makeProject({ 'a.txt': 'original a\n', 'gone.txt': 'keep me\n', 'same.txt': 'untouched\n', '.gitignore': 'build/\n', 'build/out.txt': 'ignored\n' });
    const tools = makeRegistry(root, { sessionId: 'sh' });
    try {
      tools.beginTurn(1);
      const outcome = await tools.run({ name: 'bash', arguments: { command: "printf 'changed\\n' > a.txt && rm gone.txt && echo new > made.txt && echo x > build/out.txt" } });
      expect(outcome.ok, outcome.output).toBe(true);
      expect(outcome.filesEdited.sort()).toEqual(['a.txt', 'gone.txt']);
      expect(outcome.filesCreated).toEqual(['made.txt']);
      tools.beginTurn(2);
      await tools.run({ name: 'bash', arguments: { command: "printf 'again\\n' > a.txt" } });
      // Undo newest first: turn 2 puts back turn 1's result, turn 1 the original.
      expect((await restoreTurn(root, 'sh', 2)).restored).toEqual(['a.txt']);
      expect(readFileSync(path.join(root, 'a.txt'), 'utf8')).toBe('changed\n');
      const undone = await restoreTurn(root, 'sh', 1);
      expect(undone.restored.sort()).toEqual(['a.txt', 'gone.txt']);
      expect(undone.deleted).toEqual(['made.txt']);
      expect(readFileSync(path.join(root, 'a.txt'), 'utf8')).toBe('original a\n');
      expect(readFileSync(path.join(root, 'gone.txt'), 'utf8')).toBe('keep me\n');
      expect(existsSync(path.join(root, 'made.txt'))).toBe(false);
      expect(readFileSync(path.join(root, 'build/out.txt'), 'utf8')).toBe('x\n'); // .gitignore'd: not watched
    } finally {
      await tools.dispose();
    }
  });

  it('a command that changes nothing leaves no snapshot', async () => {
    const root = makeProject({ 'a.txt': 'a\n' });
    const tools = makeRegistry(root, { sessionId: 'quiet' });
    try {
      tools.beginTurn(1);
      await tools.run({ name: 'bash', arguments: { command: 'cat a.txt' } });
      expect(await listSnapshots(root, 'quiet')).toEqual([]);
    } finally {
      await tools.dispose();
    }
  });
});
