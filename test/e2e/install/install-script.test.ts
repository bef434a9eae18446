// install.sh for real: sh runs it against a release served on 127.0.0.1, with a HOME of its own
// and, where the platform matters, a `uname` that reports another machine.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, removeTempProject, repoRoot } from '../../support/run-cli.js';

const SCRIPT = join(repoRoot, 'install.sh');
/** What the "release" serves as the binary: a program that answers --version like ours. */
const FAKE_BINARY = '#!/bin/sh\necho "smallcode/9.9.9 fake-release"\n';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

interface Release {
  /** Asset name → body; a name not here is a 404. */
  files: Map<string, string | Buffer>;
  requested: string[];
}

let server: Server;
let baseUrl: string;
const release: Release = { files: new Map(), requested: [] };
const temps: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').replace(/^\/releases\//, ''));
    release.requested.push(name);
    const body = release.files.get(name);
    if (body === undefined) {
      res.writeHead(404).end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/releases`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const dir of temps) await removeTempProject(dir);
});

function publish(asset: string, body: string | Buffer, checksum = `${sha256(body)}  ${asset}\n`): void {
  release.files.clear();
  release.requested = [];
  release.files.set(asset, body);
  if (checksum !== undefined) release.files.set(`${asset}.sha256`, checksum);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  home: string;
}

/** Runs install.sh with a fresh HOME; `uname` answers { s, m } when given. */
async function install(opts: { uname?: { s: string; m: string }; shell?: string; home?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const home = opts.home ?? (await makeTempProject());
  if (!opts.home) temps.push(home);
  let path = '/usr/local/bin:/usr/bin:/bin';
  if (opts.uname) {
    const fakeBin = join(home, 'fake-bin');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(join(fakeBin, 'uname'), `#!/bin/sh\ncase "$1" in -s) echo '${opts.uname.s}' ;; -m) echo '${opts.uname.m}' ;; *) exit 1 ;; esac\n`);
    chmodSync(join(fakeBin, 'uname'), 0o755);
    path = `${fakeBin}:${path}`;
  }
  const env = { HOME: home, PATH: path, SHELL: opts.shell ?? '/bin/bash', TMPDIR: home, SMALLCODE_INSTALL_BASE_URL: baseUrl, ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [SCRIPT], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, home }));
  });
}

/** Everything install.sh may leave in HOME besides what the test put there. */
function leftovers(home: string): string[] {
  return readdirSync(home).filter((f) => f !== 'fake-bin');
}

const LINE = 'export PATH="$HOME/.smallcode/bin:$PATH"';

describe('install.sh', () => {
  it('installs a binary whose checksum matches into ~/.smallcode/bin and puts it on PATH, saying where', async () => {
    publish('smallcode-linux-x64', FAKE_BINARY);
    const r = await install({ uname: { s: 'Linux', m: 'x86_64' } });
    expect(r.code, r.stderr).toBe(0);
    const installed = join(r.home, '.smallcode', 'bin', 'smallcode');
    expect(readFileSync(installed, 'utf8')).toBe(FAKE_BINARY);
    expect(statSync(installed).mode & 0o111).not.toBe(0);
    expect(r.stdout).toContain('Installed smallcode/9.9.9 fake-release');
    expect(readFileSync(join(r.home, '.bashrc'), 'utf8').split('\n').filter((l) => l === LINE)).toHaveLength(1);
    expect(r.stdout).toContain(`appended to ${join(r.home, '.bashrc')} the line`);
    expect(r.stdout).toContain(LINE);
    // The line does what it says: a new shell finds the binary.
    const check = await new Promise<string>((resolve) => {
      const child = spawn('bash', ['-c', `. ${join(r.home, '.bashrc')} && command -v smallcode`], { env: { HOME: r.home, PATH: '/usr/bin:/bin' } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', () => resolve(out.trim()));
    });
    expect(check).toBe(installed);
  });

  it('run again, replaces the binary and does not add the PATH line twice', async () => {
    publish('smallcode-linux-x64', FAKE_BINARY);
    const first = await install({ uname: { s: 'Linux', m: 'x86_64' } });
    expect(first.code, first.stderr).toBe(0);
    const second = await install({ uname: { s: 'Linux', m: 'x86_64' }, home: first.home });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('puts');
    expect(readFileSync(join(first.home, '.bashrc'), 'utf8').split('\n').filter((l) => l === LINE)).toHaveLength(1);
  });

  it('refuses a binary whose checksum does not match and leaves nothing behind', async () => {
    publish('smallcode-linux-x64', FAKE_BINARY, `${sha256('something else')}  smallcode-linux-x64\n`);
    const r = await install({ uname: { s: 'Linux', m: 'x86_64' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^smallcode install: checksum mismatch for smallcode-linux-x64 \(expected [0-9a-f]{64}, got [0-9a-f]{64}\).*nothing was installed\n$/);
    expect(leftovers(r.home)).toEqual([]);
  });

  it('refuses every corrupted digest and accepts the true one (generated contents)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), fc.nat(63), fc.boolean(), async (bytes, at, corrupt) => {
        const body = Buffer.from(bytes);
        const digest = sha256(body);
        const wrong = digest.slice(0, at) + ((parseInt(digest[at]!, 16) + 1) % 16).toString(16) + digest.slice(at + 1);
        publish('smallcode-linux-arm64', body, `${corrupt ? wrong : digest}  smallcode-linux-arm64\n`);
        const r = await install({ uname: { s: 'Linux', m: 'aarch64' }, env: { SMALLCODE_NO_MODIFY_PATH: '1' } });
        if (corrupt) {
          expect(r.code).not.toBe(0);
          expect(leftovers(r.home)).toEqual([]);
        } else {
          expect(r.code, r.stderr).toBe(0);
          expect(readFileSync(join(r.home, '.smallcode', 'bin', 'smallcode')).equals(body)).toBe(true);
        }
      }),
      { numRuns: 8 },
    );
  });

  it('reads the checksum file as sha256sum writes it: upper case, binary-mode "*", CRLF, no file name', async () => {
    const digest = sha256(FAKE_BINARY);
    for (const checksum of [`${digest.toUpperCase()}  smallcode-linux-x64\n`, `${digest} *smallcode-linux-x64\n`, `${digest}  smallcode-linux-x64\r\n`, `${digest}\n`]) {
      publish('smallcode-linux-x64', FAKE_BINARY, checksum);
      const r = await install({ uname: { s: 'Linux', m: 'x86_64' } });
      expect(r.code, `${JSON.stringify(checksum)}: ${r.stderr}`).toBe(0);
    }
  });

  it('refuses a checksum file that holds no SHA-256 digest, and a missing one', async () => {
    const digest = sha256(FAKE_BINARY);
    for (const checksum of ['', '<html>Not here</html>\n', `${digest.slice(0, 63)}  smallcode-linux-x64\n`, `${digest}0  smallcode-linux-x64\n`, `sha256:${digest}\n`]) {
      publish('smallcode-linux-x64', FAKE_BINARY, checksum);
      const r = await install({ uname: { s: 'Linux', m: 'x86_64' } });
      expect(r.code, JSON.stringify(checksum)).not.toBe(0);
      expect(r.stderr).toContain('smallcode-linux-x64.sha256 holds no SHA-256 digest; nothing was installed');
      expect(leftovers(r.home)).toEqual([]);
    }
    release.files.delete('smallcode-linux-x64.sha256');
    const r = await install({ uname: { s: 'Linux', m: 'x86_64' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`could not download the checksum ${baseUrl}/smallcode-linux-x64.sha256`);
    expect(leftovers(r.home)).toEqual([]);
  });

  it('says which URL failed when the release has no binary for this machine', async () => {
    publish('smallcode-linux-x64', FAKE_BINARY);
    const r = await install({ uname: { s: 'Darwin', m: 'arm64' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`could not download ${baseUrl}/smallcode-darwin-arm64; nothing was installed`);
    expect(leftovers(r.home)).toEqual([]);
  });

  it.each([
    ['Linux', 'x86_64', 'smallcode-linux-x64'],
    ['Linux', 'amd64', 'smallcode-linux-x64'],
    ['Linux', 'aarch64', 'smallcode-linux-arm64'],
    ['Linux', 'arm64', 'smallcode-linux-arm64'],
    ['Darwin', 'arm64', 'smallcode-darwin-arm64'],
    ['Darwin', 'x86_64', 'smallcode-darwin-x64'],
  ])('on %s %s downloads %s', async (s, m, asset) => {
    publish(asset, FAKE_BINARY);
    const r = await install({ uname: { s, m }, env: { SMALLCODE_NO_MODIFY_PATH: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(release.requested).toEqual([asset, `${asset}.sha256`]);
  });

  it.each([
    ['FreeBSD', 'amd64', /no prebuilt binary for FreeBSD; install with npm instead .*npm install -g smallcode/],
    ['Linux', 'armv7l', /no prebuilt binary for armv7l processors; install with npm instead/],
    ['Linux', 'i686', /no prebuilt binary for i686 processors/],
    ['MINGW64_NT-10.0-19045', 'x86_64', /on Windows run install\.ps1 in PowerShell/],
  ])('on %s %s refuses before downloading anything', async (s, m, message) => {
    publish('smallcode-linux-x64', FAKE_BINARY);
    const r = await install({ uname: { s, m } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(release.requested).toEqual([]);
    expect(leftovers(r.home)).toEqual([]);
  });

  it.each([
    ['/bin/zsh', '.zshrc', LINE],
    ['/usr/bin/fish', '.config/fish/conf.d/smallcode.fish', 'fish_add_path "$HOME/.smallcode/bin"'],
    ['/bin/dash', '.profile', LINE],
  ])('with SHELL=%s writes the PATH line to ~/%s', async (shell, rc, line) => {
    publish('smallcode-linux-x64', FAKE_BINARY);
    const r = await install({ uname: { s: 'Linux', m: 'x86_64' }, shell });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(r.home, rc), 'utf8')).toContain(`\n${line}\n`);
    expect(existsSync(join(r.home, '.bashrc'))).toBe(false);
  });

  it('changes no start-up file when asked not to, and says what to add', async () => {
    publish('smallcode-linux-x64', FAKE_BINARY);
    const r = await install({ uname: { s: 'Linux', m: 'x86_64' }, env: { SMALLCODE_NO_MODIFY_PATH: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(leftovers(r.home)).toEqual(['.smallcode']);
    expect(r.stdout).toContain(`add this line to ${join(r.home, '.bashrc')}:\n  ${LINE}`);
  });
});
