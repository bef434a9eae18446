import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decideApproval, isReadOnlyCommand, ProjectApprovals, type ApprovalChoice } from '../../../runtime/tui/approval.js';

describe('the read-only allowlist', () => {
  it.each([
    'ls', 'ls -la src', 'cat package.json', 'head -n 20 README.md', 'git status', 'git diff --stat', 'git log --oneline -5',
    'npm test', 'npm run test -- --watch=false', 'npx vitest run test/unit', 'pytest -q', 'python -m pytest tests', 'cargo test',
    'go test ./...', 'grep -rn TODO src', 'rg foo', 'wc -l src/*.ts', 'find . -name "*.py"', 'ls | wc -l', 'git status && git diff',
    'npm test 2>&1 | tail -20', 'tsc --noEmit', 'CI=1 npm test', 'cat a.txt > /dev/null',
  ])('runs without asking: %s', (command) => {
    expect(isReadOnlyCommand(command)).toBe(true);
  });

  it.each([
    'rm -rf build', 'touch a.txt', 'echo hi > a.txt', 'cat a >> b', 'git commit -m x', 'git push', 'git checkout -- .', 'npm install',
    'npm run build', 'ls && rm x', 'ls; rm x', 'cat $(which rm)', 'echo `rm x`', 'find . -delete', 'find . -exec rm {} \\;',
    'python script.py', 'node server.js', 'sort -o out.txt in.txt', 'env FOO=1 node x.js', 'tsc', 'eslint --fix .', 'sleep 100 &',
    'curl http://example.com', '(rm x)', '',
  ])('asks first: %s', (command) => {
    expect(isReadOnlyCommand(command)).toBe(false);
  });
});

describe('approval decisions', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ask = (answer: ApprovalChoice) => {
    const asked: string[] = [];
    return { asked, fn: async (c: string) => (asked.push(c), answer) };
  };

  it('asks for a writing command, remembers "always" in .smallcode/approvals.json for the next session', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'approvals-'));
    const first = ask('always');
    expect(await decideApproval('make build', { yes: false, approvals: new ProjectApprovals(dir), ask: first.fn })).toEqual({ run: true, why: 'approved' });
    expect(first.asked).toEqual(['make build']);
    expect(JSON.parse(readFileSync(path.join(dir, '.smallcode', 'approvals.json'), 'utf8'))).toEqual({ alwaysAllow: ['make build'] });

    const later = ask('deny');
    const approvals = new ProjectApprovals(dir); // a new session reads the file
    expect(await decideApproval('make   build', { yes: false, approvals, ask: later.fn })).toEqual({ run: true, why: 'always-allowed' });
    expect(await decideApproval('make clean', { yes: false, approvals, ask: later.fn })).toEqual({ run: false, why: 'denied' });
    expect(later.asked).toEqual(['make clean']);
  });

  it('"once" runs without remembering; read-only never asks; --yes never asks', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'approvals-'));
    const approvals = new ProjectApprovals(dir);
    const once = ask('once');
    expect((await decideApproval('rm old.txt', { yes: false, approvals, ask: once.fn })).run).toBe(true);
    expect(approvals.has('rm old.txt')).toBe(false);
    const never = ask('deny');
    expect(await decideApproval('git log', { yes: false, approvals, ask: never.fn })).toEqual({ run: true, why: 'read-only' });
    expect(await decideApproval('rm -rf /tmp/x', { yes: true, approvals, ask: never.fn })).toEqual({ run: true, why: 'yes-flag' });
    expect(never.asked).toEqual([]);
  });
});
