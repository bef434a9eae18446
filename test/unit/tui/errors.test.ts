import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERRORS_LOG, ErrorLog, errorSummary, isInternal } from '../../../runtime/tui/errors.js';

const ENGINE_MESSAGE = "internal error: TypeError: Cannot read properties of undefined (reading 'path')\n    at Agent.run (file:///dist/chunk.js:10:5)\n    at async runTask (file:///dist/app.js:3:1)";

describe('unexpected errors, as the terminal shows them', () => {
  it('one line without the stack: the name unless it is a plain Error, the engine message cut before its frames', () => {
    expect(errorSummary(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(errorSummary(new Error("ENOENT: no such file or directory, copyfile 'a' -> 'b'"))).toBe("ENOENT: no such file or directory, copyfile 'a' -> 'b'");
    expect(errorSummary(ENGINE_MESSAGE)).toBe("internal error: TypeError: Cannot read properties of undefined (reading 'path')");
    expect(errorSummary(new Error('first line\nsecond line'))).toBe('first line second line');
    expect(errorSummary('a thrown string')).toBe('a thrown string');
  });

  it('tells a bug (a stack, or the engine’s internal error) from an error the user can act on', () => {
    expect(isInternal(ENGINE_MESSAGE)).toBe(true);
    expect(isInternal('internal error: boom')).toBe(true);
    expect(isInternal("model request to http://127.0.0.1:1/v1 failed: model 'ghost' not found")).toBe(false);
  });
});

describe('the error log', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'errors-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('appends each error with its stack, the version, the session and where it happened', () => {
    const log = new ErrorLog(root, { version: '9.9.9', session: () => 's-1' });
    expect(log.record('in /trace export', new Error('first'))).toBe(ERRORS_LOG);
    expect(log.record('during the task "x"', ENGINE_MESSAGE)).toBe(ERRORS_LOG);
    const text = readFileSync(path.join(root, ERRORS_LOG), 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT.* · SmallCode 9\.9\.9 · Node .* · session s-1 · in \/trace export\nError: first\n\s+at /);
    expect(text).toContain(`during the task "x"\n${ENGINE_MESSAGE}\n`);
  });

  it('says nothing about a log it could not write', () => {
    writeFileSync(path.join(root, '.smallcode'), 'a file where the folder should be\n');
    const log = new ErrorLog(root, { version: '1', session: () => undefined });
    expect(log.record('somewhere', new Error('x'))).toBeUndefined();
  });
});

/** Runs a script that installs the terminal guard and then fails the way `body` says; its exit code and output. */
function guarded(body: string, hooks = "{ cleanup: () => process.stdout.write('cleaned up\\n'), describeCrash: (err, kind) => `smallcode: ${kind}: ${err.message}`, describeStop: (sig) => `smallcode: stopped (${sig})` }") {
  const terminal = fileURLToPath(new URL('../../../runtime/tui/terminal.ts', import.meta.url));
  const script = `import { installTerminalGuard } from ${JSON.stringify(terminal)};\ninstallTerminalGuard(process.stdin, process.stdout, process.stderr, ${hooks});\n${body}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the terminal guard', () => {
  it('an uncaught exception: cleanup, one line, exit code 1', () => {
    const r = guarded("setTimeout(() => { throw new TypeError('boom'); }, 0);");
    expect(r).toEqual({ code: 1, stdout: 'cleaned up\n', stderr: 'smallcode: uncaught exception: boom\n' });
  });

  it('an unhandled rejection: the same', () => {
    const r = guarded("Promise.reject(new Error('nobody waits for me'));");
    expect(r).toEqual({ code: 1, stdout: 'cleaned up\n', stderr: 'smallcode: unhandled rejection: nobody waits for me\n' });
  });

  it('a report that fails itself still ends in one line and exit code 1', () => {
    const r = guarded("setTimeout(() => { throw new Error('boom'); }, 0);", "{ describeCrash: () => { throw new Error('report broke'); } }");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('smallcode: internal error: boom\n');
  });

  it('SIGTERM: cleanup, the stop line, exit code 143', () => {
    const r = guarded("setTimeout(() => process.kill(process.pid, 'SIGTERM'), 0); setTimeout(() => {}, 10_000);");
    expect(r).toEqual({ code: 143, stdout: 'cleaned up\n', stderr: 'smallcode: stopped (SIGTERM)\n' });
  });
});
