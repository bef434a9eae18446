import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/run-cli.js';
import { binaryCacheBase, binaryName, contentId, unpack, type BinaryManifest } from '../../../runtime/binary/assets.js';

const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smallcode-unpack-'));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const files: Record<string, string> = {
  'package.json': '{"name":"smallcode","version":"1.2.3"}',
  'agents/core.marrow': 'agent smallcode {}',
  'node_modules/@vscode/ripgrep-linux-x64/bin/rg': '#!/bin/sh\n',
};
const manifest: BinaryManifest = {
  id: contentId('1.2.3', Object.entries(files).map(([path, text]) => ({ path, bytes: Buffer.from(text) }))),
  files: [
    { path: 'package.json', mode: 0o644 },
    { path: 'agents/core.marrow', mode: 0o644 },
    { path: 'node_modules/@vscode/ripgrep-linux-x64/bin/rg', mode: 0o755 },
  ],
};
const read = (path: string) => Buffer.from(files[path]!);

describe('unpack', () => {
  it('writes every file with its mode into <base>/binary/<id>, then a completion marker', () => {
    const base = temp();
    const dir = unpack(manifest, read, base);
    expect(dir).toBe(join(base, 'binary', manifest.id));
    for (const [path, text] of Object.entries(files)) expect(readFileSync(join(dir, path), 'utf8')).toBe(text);
    expect(statSync(join(dir, 'node_modules/@vscode/ripgrep-linux-x64/bin/rg')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(dir, '.complete'), 'utf8')).toBe(`${manifest.id}\n`);
    expect(readdirSync(join(base, 'binary'))).toEqual([manifest.id]); // no staging folder left
  });

  it('reuses a complete copy without reading an asset', () => {
    const base = temp();
    unpack(manifest, read, base);
    let reads = 0;
    unpack(manifest, (p) => (reads++, read(p)), base);
    expect(reads).toBe(0);
  });

  it('replaces a folder a crash left without its marker', () => {
    const base = temp();
    const dir = join(base, 'binary', manifest.id);
    mkdirSync(join(dir, 'agents'), { recursive: true });
    writeFileSync(join(dir, 'agents', 'core.marrow'), 'half written');
    unpack(manifest, read, base);
    expect(readFileSync(join(dir, 'agents', 'core.marrow'), 'utf8')).toBe(files['agents/core.marrow']);
    expect(existsSync(join(dir, '.complete'))).toBe(true);
  });

  it('takes the copy another process completed while this one was writing', () => {
    const base = temp();
    const other = unpack(manifest, read, temp());
    // This process's writes fail half way, and meanwhile the other one has finished.
    const racing = (path: string) => {
      if (path === 'agents/core.marrow') {
        mkdirSync(join(base, 'binary'), { recursive: true });
        rmSync(join(base, 'binary', manifest.id), { recursive: true, force: true });
        cpSync(other, join(base, 'binary', manifest.id), { recursive: true });
        throw new Error('disk full');
      }
      return read(path);
    };
    expect(unpack(manifest, racing, base)).toBe(join(base, 'binary', manifest.id));
    expect(readdirSync(join(base, 'binary'))).toEqual([manifest.id]);
  });

  it('says which folder it cannot write and how to choose another', () => {
    // A file where the cache folder should be: refused even to root, unlike a read-only folder.
    const base = join(temp(), 'not-a-folder');
    writeFileSync(base, '');
    expect(() => unpack(manifest, read, base)).toThrow(/cannot unpack SmallCode's files into .*; set SMALLCODE_CACHE_DIR to a writable folder/);
  });

  it('names the failure and leaves no staging folder when an asset cannot be written', () => {
    const base = temp();
    const failing = (path: string) => {
      if (path === 'agents/core.marrow') throw new Error('EIO: i/o error');
      return read(path);
    };
    expect(() => unpack(manifest, failing, base)).toThrow(`cannot unpack SmallCode's files into ${join(base, 'binary', manifest.id)} (EIO: i/o error)`);
    expect(existsSync(join(base, 'binary')) ? readdirSync(join(base, 'binary')) : []).toEqual([]);
  });
});

describe('contentId', () => {
  it('changes with any byte or path, never with nothing changed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.uint8Array()), { minLength: 1, maxLength: 5 }), fc.nat(), (entries, pick) => {
        const list = entries.map(([path, bytes]) => ({ path, bytes }));
        const id = contentId('1.0.0', list);
        expect(contentId('1.0.0', list.map((f) => ({ ...f })))).toBe(id);
        const i = pick % list.length;
        const changed = list.map((f, j) => (j === i ? { ...f, bytes: Uint8Array.from([...f.bytes, 1]) } : f));
        expect(contentId('1.0.0', changed)).not.toBe(id);
        const renamed = list.map((f, j) => (j === i ? { ...f, path: `${f.path}x` } : f));
        expect(contentId('1.0.0', renamed)).not.toBe(id);
        expect(contentId('1.0.1', list)).not.toBe(id);
      }),
    );
  });
});

describe('binaryCacheBase and binaryName', () => {
  it('follows each platform convention, SMALLCODE_CACHE_DIR first', () => {
    expect(binaryCacheBase({ HOME: '/h', SMALLCODE_CACHE_DIR: '/c' }, 'linux')).toBe('/c');
    expect(binaryCacheBase({ HOME: '/h' }, 'linux')).toBe('/h/.cache/smallcode');
    expect(binaryCacheBase({ HOME: '/h', XDG_CACHE_HOME: '/x' }, 'linux')).toBe('/x/smallcode');
    expect(binaryCacheBase({ HOME: '/h', XDG_CACHE_HOME: '/x' }, 'darwin')).toBe('/h/Library/Caches/smallcode');
    expect(binaryCacheBase({ USERPROFILE: 'C:/u', LOCALAPPDATA: 'C:/u/AppData/Local' }, 'win32')).toBe(join('C:/u/AppData/Local', 'smallcode', 'cache'));
  });

  it('names the release assets install.sh and install.ps1 download', () => {
    expect(binaryName('linux', 'x64')).toBe('smallcode-linux-x64');
    expect(binaryName('linux', 'arm64')).toBe('smallcode-linux-arm64');
    expect(binaryName('darwin', 'arm64')).toBe('smallcode-darwin-arm64');
    expect(binaryName('win32', 'x64')).toBe('smallcode-windows-x64.exe');
    const sh = readFileSync(join(repoRoot, 'install.sh'), 'utf8');
    expect(sh).toContain('ASSET="smallcode-$os-$arch"');
    expect(readFileSync(join(repoRoot, 'install.ps1'), 'utf8')).toContain('$Asset = "smallcode-windows-$Arch.exe"');
  });
});
