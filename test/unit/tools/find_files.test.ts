import { describe, expect, it } from 'vitest';
import { makeProject, makeRegistry } from './helpers.js';

const find = (args: Record<string, unknown>) => ({ name: 'find_files', arguments: args });

describe('find_files', () => {
  const project = () =>
    makeProject({
      '.gitignore': 'build/\n*.tmp\n',
      'src/a.ts': '',
      'src/deep/b.ts': '',
      'src/deep/.gitignore': 'generated.ts\n',
      'src/deep/generated.ts': '',
      'src/c.js': '',
      'build/out.ts': '',
      'scratch.tmp': '',
      'node_modules/x/index.ts': '',
      '.smallcode/snap.ts': '',
      'README.md': '',
    });

  it('matches a glob anywhere below the root, respecting .gitignore files at every level', async () => {
    const r = await makeRegistry(project()).run(find({ pattern: '*.ts' }));
    expect(r.ok).toBe(true);
    expect(r.output).toBe('src/a.ts\nsrc/deep/b.ts');
  });

  it('accepts paths in the pattern and a folder to look in', async () => {
    const tools = makeRegistry(project());
    expect((await tools.run(find({ pattern: 'src/**/*.ts' }))).output).toBe('src/a.ts\nsrc/deep/b.ts');
    expect((await tools.run(find({ pattern: '*', path: 'src/deep' }))).output).toBe('src/deep/.gitignore\nsrc/deep/b.ts');
    expect((await tools.run(find({ pattern: 'README.md' }))).output).toBe('README.md');
  });

  it('lists an ignored folder when asked for it by name', async () => {
    const tools = makeRegistry(project());
    expect((await tools.run(find({ pattern: '*', path: 'build' }))).output).toBe('build/out.ts');
    expect((await tools.run(find({ pattern: '*.ts', path: 'node_modules/x' }))).output).toBe('node_modules/x/index.ts');
  });

  it('lists a folder given as the pattern, the way small models often ask', async () => {
    const tools = makeRegistry(project());
    expect((await tools.run(find({ pattern: 'src/deep' }))).output).toBe('src/deep is a folder; its files:\nsrc/deep/.gitignore\nsrc/deep/b.ts');
    expect((await tools.run(find({ pattern: 'deep', path: 'src' }))).output).toMatch(/^src\/deep is a folder/);
  });

  it('says when nothing matches and when the folder is not there', async () => {
    const tools = makeRegistry(project());
    expect((await tools.run(find({ pattern: '*.py' }))).output).toBe("No files match '*.py'.");
    const missing = await tools.run(find({ pattern: '*', path: 'nope' }));
    expect(missing).toMatchObject({ ok: false, output: "'nope' is not a folder in the project." });
  });

  it('lists at most 200 paths and says how many more there are', async () => {
    const files = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`f/${String(i).padStart(3, '0')}.txt`, '']));
    const r = await makeRegistry(makeProject(files)).run(find({ pattern: '*.txt' }));
    expect(r.output.split('\n').filter((l) => l.endsWith('.txt'))).toHaveLength(200);
    expect(r.output).toMatch(/\[\.\.\. 50 more; use a narrower pattern\]$/);
  });
});
