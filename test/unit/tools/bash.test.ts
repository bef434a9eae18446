import { existsSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOutsideDir, makeProject, makeRegistry, policyWith } from './helpers.js';

const bash = (command: string) => ({ name: 'bash', arguments: { command } });

describe('bash: one persistent shell per session', () => {
  it('keeps the working directory between calls', async () => {
    const root = makeProject({ 'sub/file.txt': 'x' });
    const tools = makeRegistry(root);
    const cd = await tools.run(bash('cd sub'));
    expect(cd.ok).toBe(true);
    expect(cd.output).toContain('cwd: sub');
    const pwd = await tools.run(bash('pwd && ls'));
    expect(pwd.output).toContain(path.join(root, 'sub'));
    expect(pwd.output).toContain('file.txt');
  });

  it('reports the working directory relative to a project reached through a symlink', async () => {
    const real = makeProject({ 'sub/x': '' });
    const alias = path.join(makeOutsideDir(), 'alias');
    symlinkSync(real, alias);
    const tools = makeRegistry(alias);
    expect((await tools.run(bash('true'))).output).toBe('(no output)\n[exit code 0]');
    expect((await tools.run(bash('cd sub'))).output).toBe('(no output)\n[exit code 0 cwd: sub]');
  });

  it('keeps exported and plain shell variables between calls', async () => {
    const tools = makeRegistry(makeProject());
    await tools.run(bash('export A=1'));
    await tools.run(bash('B=2'));
    const echo = await tools.run(bash('echo "A=$A B=$B"; bash -c \'echo child sees A=$A B=$B\''));
    expect(echo.output).toContain('A=1 B=2');
    expect(echo.output).toContain('child sees A=1 B='); // only the exported one reaches a child process
    expect(echo.output).not.toContain('child sees A=1 B=2');
  });

  it('reports stdout and stderr in order, and the exit code', async () => {
    const tools = makeRegistry(makeProject());
    const r = await tools.run(bash('echo out; echo err >&2; echo out2; exit_code() { return 3; }; exit_code'));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/out\nerr\nout2\n\[exit code 3\]/);
    const ok = await tools.run(bash('true'));
    expect(ok.ok).toBe(true);
    expect(ok.output).toBe('(no output)\n[exit code 0]');
  });

  it('survives a syntax error and a command that reads stdin', async () => {
    const tools = makeRegistry(makeProject());
    const broken = await tools.run(bash('echo "unclosed'));
    expect(broken.ok).toBe(false);
    expect(broken.output).toMatch(/unexpected EOF|matching/);
    const cat = await tools.run(bash('cat; echo after-cat'));
    expect(cat.output).toContain('after-cat');
    expect((await tools.run(bash('echo still alive'))).output).toContain('still alive');
  });

  it('kills a timed-out command with its children, restarts the shell and says the state was lost', async () => {
    const root = makeProject();
    const elsewhere = makeOutsideDir();
    const tools = makeRegistry(root, { policy: policyWith((p) => (p.tools.bash = { timeoutMs: 700 })) });
    await tools.run(bash(`cd ${elsewhere} && export KEPT=yes`));
    const started = Date.now();
    const slow = await tools.run(bash('echo started; (sleep 1.2; touch late-marker) & sleep 30'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(slow.ok).toBe(false);
    expect(slow.output).toContain('started');
    expect(slow.output).toMatch(/timed out after 1 s and was killed\. The shell was restarted/);
    const next = await tools.run(bash('pwd; echo "KEPT=$KEPT"'));
    expect(next.ok).toBe(true);
    expect(next.output).toContain(root);
    expect(next.output).toContain('KEPT=\n');
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(path.join(root, 'late-marker'))).toBe(false); // the background child died too
    expect(existsSync(path.join(elsewhere, 'late-marker'))).toBe(false);
  }, 15_000);

  it('starts a fresh shell after the command ran exit', async () => {
    const tools = makeRegistry(makeProject());
    await tools.run(bash('export GONE=1'));
    const exit = await tools.run(bash('echo bye; exit 4'));
    expect(exit.ok).toBe(false);
    expect(exit.output).toMatch(/bye\n\[the shell exited with code 4\. The next call starts a fresh shell/);
    expect((await tools.run(bash('echo "GONE=$GONE"'))).output).toContain('GONE=\n');
  });

  it('with persist off, every call gets a fresh shell in the project root', async () => {
    const root = makeProject({ 'sub/x': '' });
    const tools = makeRegistry(root, { policy: policyWith((p) => (p.shell.persist = false)) });
    expect(tools.definitions().find((d) => d.function.name === 'bash')!.function.description).toMatch(/fresh shell/);
    await tools.run(bash('cd sub; export A=1'));
    const r = await tools.run(bash('pwd; echo "A=$A"'));
    expect(r.output).toContain(`${root}\nA=\n`);
  });

  it('runs with the given environment', async () => {
    const tools = makeRegistry(makeProject(), { env: { PATH: process.env.PATH, GREETING: 'hello from env' } });
    expect((await tools.run(bash('echo $GREETING'))).output).toContain('hello from env');
  });

  it('asks the approval gate and returns a denial reason to the model', async () => {
    const root = makeProject();
    const seen: string[] = [];
    const tools = makeRegistry(root, {
      approve: async (req) => {
        seen.push(String(req.arguments.command));
        return req.arguments.command === 'touch ok' ? true : 'only "touch ok" is allowed';
      },
    });
    const denied = await tools.run(bash('touch denied'));
    expect(denied.ok).toBe(false);
    expect(denied.output).toBe('Not run: only "touch ok" is allowed');
    expect(existsSync(path.join(root, 'denied'))).toBe(false);
    expect((await tools.run(bash('touch ok'))).ok).toBe(true);
    expect(existsSync(path.join(root, 'ok'))).toBe(true);
    expect(seen).toEqual(['touch denied', 'touch ok']);
  });

  it('an abort signal kills the running command', async () => {
    const tools = makeRegistry(makeProject());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const r = await tools.run(bash('sleep 20'), { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/cancelled and killed/);
    expect((await tools.run(bash('echo next'))).output).toContain('next');
  });

  it('caps long output keeping the head and the tail', async () => {
    const tools = makeRegistry(makeProject());
    const r = await tools.run(bash('seq 1 5000'));
    expect(r.output.length).toBeLessThanOrEqual(4000);
    expect(r.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(r.output).toMatch(/4999\n5000\n\[exit code 0\]$/);
    expect(r.output).toMatch(/omitted\. Pipe through head, tail or grep/);
  });

  it('dispose kills the shell and what it started', async () => {
    const root = makeProject();
    const tools = makeRegistry(root);
    await tools.run(bash('(sleep 1; touch after-dispose) &'));
    await tools.dispose();
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(path.join(root, 'after-dispose'))).toBe(false);
  });
});
