import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempProject, removeTempProject, repoRoot } from '../../support/run-cli.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0)) await fn();
});

describe('scripted server run by hand', () => {
  it('serves a script file and prints its URL', async () => {
    const dir = await makeTempProject();
    cleanups.push(() => removeTempProject(dir));
    const script = path.join(dir, 'turns.json');
    await writeFile(script, JSON.stringify({ turns: [{ content: 'from the file' }], flavor: 'ollama' }));
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [path.join(repoRoot, 'test/support/scripted-server.ts'), '--script', script, '--loaded-context', '2048'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => void child.kill('SIGTERM'));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const line = /^(http:\/\/127\.0\.0\.1:\d+\/v1)$/m.exec(out);
        if (line) resolve(line[1]!);
      });
      child.on('exit', (code) => reject(new Error(`server exited early (${code})`)));
    });
    const res = await fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) });
    expect(((await res.json()) as any).choices[0].message.content).toBe('from the file');
    const ps = (await (await fetch(url.replace(/\/v1$/, '/api/ps'))).json()) as any;
    expect(ps.models[0].context_length).toBe(2048);
  });
});
