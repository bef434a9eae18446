import { chmodSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace, WorkspaceError } from '../../../runtime/tools/index.js';
import { makeOutsideDir, makeProject, makeRegistry } from './helpers.js';

describe('workspace containment', () => {
  it('refuses paths that climb out of the project with ..', async () => {
    const root = makeProject({ 'a.txt': 'a' });
    const ws = new Workspace(root);
    await expect(ws.resolve('../x')).rejects.toThrow(/outside the project/);
    await expect(ws.resolve('sub/../../x')).rejects.toThrow(/outside the project/);
    await expect(ws.resolve('sub/../a.txt')).resolves.toMatchObject({ rel: 'a.txt' });
    await expect(ws.resolve('..hidden-but-inside')).resolves.toMatchObject({ rel: '..hidden-but-inside' });
  });

  it('refuses absolute paths outside the root and accepts absolute paths inside it', async () => {
    const root = makeProject({ 'src/a.ts': 'x' });
    const ws = new Workspace(root);
    await expect(ws.resolve('/etc/passwd')).rejects.toBeInstanceOf(WorkspaceError);
    await expect(ws.resolve(path.join(root, 'src/a.ts'))).resolves.toMatchObject({ rel: 'src/a.ts' });
  });

  it('refuses a symlink that leads outside, for reading and for writing', async () => {
    const outside = makeOutsideDir({ 'secret.txt': 'top secret' });
    const root = makeProject();
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    symlinkSync(outside, path.join(root, 'linkdir'));
    const ws = new Workspace(root);
    await expect(ws.readText('link.txt')).rejects.toThrow(/symbolic link that leads outside/);
    await expect(ws.writeText('linkdir/new.txt', 'x')).rejects.toThrow(/symbolic link that leads outside/);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('refuses a dangling symlink that points outside (a write would create the file there)', async () => {
    const outside = makeOutsideDir();
    const root = makeProject();
    symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling'));
    await expect(new Workspace(root).writeText('dangling', 'x')).rejects.toThrow(/leads outside/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('follows symlinks that stay inside the project', async () => {
    const root = makeProject({ 'real/a.txt': 'inside' });
    symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    const { text, target } = await new Workspace(root).readText('alias/a.txt');
    expect(text).toBe('inside');
    expect(target.rel).toBe('real/a.txt');
  });

  it('never offers .smallcode/ to the tools', async () => {
    const root = makeProject({ '.smallcode/state.json': '{}' });
    const ws = new Workspace(root);
    await expect(ws.readText('.smallcode/state.json')).rejects.toThrow(/SmallCode's own state/);
    await expect(ws.writeText('./.smallcode/x', 'x')).rejects.toThrow(/SmallCode's own state/);
    expect(await ws.listDir(await ws.resolve('.'))).not.toContain('.smallcode/');
  });

  it('the tools report containment refusals as failed results, not exceptions', async () => {
    const root = makeProject();
    const tools = makeRegistry(root);
    const read = await tools.run({ name: 'read_file', arguments: { path: '/etc/passwd' } });
    expect(read.ok).toBe(false);
    expect(read.output).toMatch(/outside the project/);
    const write = await tools.run({ name: 'write_file', arguments: { path: '../escape.txt', content: 'x' } });
    expect(write.ok).toBe(false);
    expect(readdirSync(path.dirname(root))).not.toContain('escape.txt');
    const find = await tools.run({ name: 'find_files', arguments: { pattern: '*', path: '..' } });
    expect(find.ok).toBe(false);
  });
});

describe('workspace atomic writes', () => {
  it('replaces the file through a rename, keeps its mode and leaves no temp file', async () => {
    const root = makeProject({ 'run.sh': 'echo old\n' });
    chmodSync(path.join(root, 'run.sh'), 0o754);
    const inodeBefore = statSync(path.join(root, 'run.sh')).ino;
    await new Workspace(root).writeText('run.sh', 'echo new\n');
    const after = statSync(path.join(root, 'run.sh'));
    expect(readFileSync(path.join(root, 'run.sh'), 'utf8')).toBe('echo new\n');
    expect(after.mode & 0o777).toBe(0o754);
    expect(after.ino).not.toBe(inodeBefore); // a new file was renamed over the old one
    expect(readdirSync(root)).toEqual(['run.sh']);
  });

  it('creates parent folders for a new file', async () => {
    const root = makeProject();
    const { created, target } = await new Workspace(root).writeText('deep/er/file.txt', 'x');
    expect(created).toBe(true);
    expect(target.rel).toBe('deep/er/file.txt');
    expect(readFileSync(path.join(root, 'deep/er/file.txt'), 'utf8')).toBe('x');
  });

  it('refuses to overwrite a directory', async () => {
    const root = makeProject({ 'dir/a': 'a' });
    await expect(new Workspace(root).writeText('dir', 'x')).rejects.toThrow(/is a directory/);
  });
});
