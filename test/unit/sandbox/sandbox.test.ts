/**
 * The shell's sandbox for real: bubblewrap around the tools' bash, a command writing outside the
 * project and one opening a socket to a server on 127.0.0.1 are refused, while the same commands
 * inside the project (or with network allowed) work. Runs wherever bubblewrap works; in CI it
 * must (a missing or broken bubblewrap fails the run with the probe's reason).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSandbox, shellConfinement, type SandboxProbe } from '../../../runtime/sandbox/index.js';
import { makeProject, makeRegistry, policyWith } from '../tools/helpers.js';

const probe = probeSandbox();
const bash = (command: string) => ({ name: 'bash', arguments: { command } });

describe('sandbox probe', () => {
  it('says which sandbox works here, or exactly why none does', () => {
    if (probe.kind === 'none') expect(probe.reason).toMatch(/bubblewrap|sandbox-exec|no sandbox/);
    else expect(existsSync(probe.program)).toBe(true);
    if (process.env.CI && process.platform === 'linux') expect(probe).toMatchObject({ kind: 'bubblewrap' });
  });

  it('required but unavailable: every command is refused with the reason; auto in the terminal only offers it', async () => {
    const none = (): SandboxProbe => ({ kind: 'none', reason: 'bubblewrap is not installed' });
    const root = makeProject();
    const required = shellConfinement({ mode: 'on', headless: false, root, network: false }, none);
    expect(required.refuse).toMatch(/required .* bubblewrap is not installed/);
    const r = await makeRegistry(root, { confinement: required }).run(bash('touch x'));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/not run: the shell sandbox is required/);
    expect(existsSync(path.join(root, 'x'))).toBe(false);
    const headlessWithout = shellConfinement({ mode: 'auto', headless: true, root, network: false }, none);
    expect(headlessWithout.wrap).toBeNull();
    expect(headlessWithout.refuse).toBeUndefined();
    expect(headlessWithout.notice).toMatch(/no shell sandbox available \(bubblewrap is not installed\)/);
    const offered = shellConfinement({ mode: 'auto', headless: false, root, network: false }, () => ({ kind: 'bubblewrap', program: '/usr/bin/bwrap' }));
    expect(offered.wrap).toBeNull();
    expect(offered.notice).toMatch(/SMALLCODE_SANDBOX=on/);
    expect(shellConfinement({ mode: 'off', headless: true, root, network: false }, none).wrap).toBeNull();
  });
});

describe.runIf(probe.kind === 'bubblewrap')('bubblewrap around the shell', () => {
  let server: Server;
  let port = 0;
  let outside = '';
  beforeAll(async () => {
    server = createServer((socket) => socket.end('hello from outside the sandbox\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    // Not under the temp folder, which the sandbox leaves writable on purpose.
    outside = mkdtempSync(path.join(existsSync('/var/tmp') ? '/var/tmp' : process.cwd(), 'smallcode-outside-'));
  });
  afterAll(() => {
    server.close();
    rmSync(outside, { recursive: true, force: true });
  });

  const sandboxed = (root: string, network = false) =>
    makeRegistry(root, { confinement: shellConfinement({ mode: 'on', headless: true, root, network }) });

  it('refuses a write outside the project; writes in the project and the temp folder work', async () => {
    const root = makeProject();
    const tools = sandboxed(root);
    const out = await tools.run(bash(`echo x > '${outside}/escaped.txt'`));
    expect(out.ok).toBe(false);
    expect(out.output).toMatch(/Read-only file system|Permission denied/);
    expect(existsSync(path.join(outside, 'escaped.txt'))).toBe(false);
    expect((await tools.run(bash('echo inside > made.txt && mkdir -p sub && echo y > sub/f'))).ok).toBe(true);
    expect(readFileSync(path.join(root, 'made.txt'), 'utf8')).toBe('inside\n');
    const tmp = `/tmp/smallcode-sandbox-${process.pid}-${Date.now()}`;
    expect((await tools.run(bash(`echo t > ${tmp} && cat ${tmp} && rm ${tmp}`))).output).toContain('t');
    // Unconfined, the same write goes through: the refusal above is the sandbox's.
    const free = makeRegistry(makeProject());
    expect((await free.run(bash(`echo x > '${outside}/free.txt'`))).ok).toBe(true);
    expect(existsSync(path.join(outside, 'free.txt'))).toBe(true);
  });

  it('refuses a network socket unless the network is allowed', async () => {
    const connect = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`;
    const denied = await sandboxed(makeProject()).run(bash(connect));
    expect(denied.ok).toBe(false);
    expect(denied.output).not.toContain('hello from outside');
    const allowed = await sandboxed(makeProject(), true).run(bash(connect));
    expect(allowed.output).toContain('hello from outside the sandbox');
  });

  it('keeps files that configure the next session read-only, and state survives between calls', async () => {
    const root = makeProject({ '.env': 'SMALLCODE_MODEL=a\n', '.git/hooks/pre-commit': '#!/bin/sh\n', 'src/a.ts': '' });
    const tools = sandboxed(root);
    const env = await tools.run(bash('echo SMALLCODE_BASE_URL=http://elsewhere >> .env'));
    expect(env.ok).toBe(false);
    expect(readFileSync(path.join(root, '.env'), 'utf8')).toBe('SMALLCODE_MODEL=a\n');
    expect((await tools.run(bash('echo evil >> .git/hooks/pre-commit'))).ok).toBe(false);
    expect((await tools.run(bash('cd src && export X=1'))).ok).toBe(true);
    expect((await tools.run(bash('echo "$X $(basename $PWD)"'))).output).toContain('1 src');
  });

  it('a timeout still kills the command and everything it started inside the sandbox', async () => {
    const root = makeProject();
    writeFileSync(path.join(root, 'marker'), '');
    const tools = makeRegistry(root, {
      confinement: shellConfinement({ mode: 'on', headless: true, root, network: false }),
      policy: policyWith((p) => (p.tools.bash = { ...p.tools.bash, timeoutMs: 1500 })),
    });
    const started = Date.now();
    const r = await tools.run(bash('(sleep 30 &) ; sleep 30'));
    expect(r.output).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await tools.run(bash('echo alive'))).output).toContain('alive');
  });
});
