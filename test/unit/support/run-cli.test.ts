import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, makeTempProject, removeTempProject, runCli } from '../../support/run-cli.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTempProject));
});

async function project(files: Record<string, string>) {
  const dir = await makeTempProject(files);
  dirs.push(dir);
  return dir;
}

// Echoes what the child saw, so the test can check the environment and stdin it was given.
const echoScript = `
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), env: process.env, input }));
  process.stderr.write('to stderr');
  process.exitCode = 3;
});
`;

describe('makeTempProject', () => {
  it('creates nested files under the OS temp dir and removeTempProject deletes them', async () => {
    const dir = await makeTempProject({ 'src/a/b.ts': 'export {}', 'package.json': '{}' });
    expect(await readFile(path.join(dir, 'src/a/b.ts'), 'utf8')).toBe('export {}');
    await removeTempProject(dir);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('runCli', () => {
  it('targets bin/smallcode.js in the repository', () => {
    expect(existsSync(cliPath)).toBe(true);
  });

  it('runs a child with args, cwd, stdin, a clean env plus NO_COLOR and the given env', async () => {
    const dir = await project({ 'echo.mjs': echoScript });
    process.env.SMALLCODE_LEAK_CHECK = 'leaked';
    try {
      const res = await runCli(['run', '--yes'], { cwd: dir, entry: path.join(dir, 'echo.mjs'), input: 'hello', env: { OPENAI_BASE_URL: 'http://x/v1' } });
      expect(res.code).toBe(3);
      expect(res.stderr).toBe('to stderr');
      const seen = JSON.parse(res.stdout);
      expect(seen.args).toEqual(['run', '--yes']);
      expect(seen.input).toBe('hello');
      expect(seen.env.NO_COLOR).toBe('1');
      expect(seen.env.OPENAI_BASE_URL).toBe('http://x/v1');
      expect(seen.env.PATH).toBe(process.env.PATH);
      expect(seen.env.SMALLCODE_LEAK_CHECK).toBeUndefined();
      expect(res.timedOut).toBe(false);
    } finally {
      delete process.env.SMALLCODE_LEAK_CHECK;
    }
  });

  it('kills a child that runs past the timeout', async () => {
    const dir = await project({ 'forever.mjs': 'setInterval(() => {}, 1000);' });
    const t0 = Date.now();
    const res = await runCli([], { cwd: dir, entry: path.join(dir, 'forever.mjs'), timeoutMs: 300 });
    expect(res.timedOut).toBe(true);
    expect(res.code).toBeNull();
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
