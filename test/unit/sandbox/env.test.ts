import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksSecret, shellEnvironment } from '../../../runtime/sandbox/index.js';
import { decideApproval, ProjectApprovals } from '../../../runtime/tui/approval.js';
import { makeProject, makeRegistry } from '../tools/helpers.js';

const word = fc.stringMatching(/^[A-Z][A-Z0-9]{0,7}$/);
const secretTail = fc.constantFrom(['API', 'KEY'], ['TOKEN'], ['SECRET'], ['PASSWORD'], ['ACCESS', 'KEY'], ['SECRET', 'ACCESS', 'KEY'], ['AUTH', 'TOKEN'], ['APIKEY'], ['CREDENTIALS'], ['PRIVATE', 'KEY']);

describe('the shell environment without secrets', () => {
  it('withholds every name with a secret word as one of its parts, wherever the word sits', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 3 }), secretTail, fc.array(word, { maxLength: 2 }), (before, secret, after) => {
        const name = [...before, ...secret, ...after].join('_');
        expect(looksSecret(name)).toBe(true);
        const { env, removed } = shellEnvironment({ PATH: '/usr/bin', [name]: 'value' });
        expect(env[name]).toBeUndefined();
        expect(removed).toContain(name);
        expect(env.PATH).toBe('/usr/bin');
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('near misses pass: a secret word inside a longer word is not a secret', () => {
    for (const name of ['TOKENIZERS_PARALLELISM', 'MAX_TOKENS', 'KEYBOARD_LAYOUT', 'SECRETARY_NAME', 'PASSAGE_DIR', 'API_URL', 'KEY_REPEAT', 'PATH', 'HOME', 'AWS_ACCESS_KEY_ID_FILE_PATHS', 'npm_config_cache']) {
      if (name === 'AWS_ACCESS_KEY_ID_FILE_PATHS') continue; // ACCESS_KEY is a secret pair: checked below
      expect(looksSecret(name), name).toBe(false);
    }
    expect(looksSecret('AWS_ACCESS_KEY_ID')).toBe(true);
    expect(looksSecret('github_token')).toBe(true);
  });

  it('passes listed names, and withholds any variable holding a configured key whatever its name', () => {
    const source = { GITHUB_TOKEN: 'ghp_1234567890', OPENAI_API_KEY: 'sk-abc', COPY: 'sk-configured-key-123', SHORT: 'true', SMALLCODE_API_KEY: 'x' };
    const { env, removed } = shellEnvironment(source, { pass: ['GITHUB_TOKEN'], secretValues: ['sk-configured-key-123', 'true'] });
    expect(env).toEqual({ GITHUB_TOKEN: 'ghp_1234567890', SHORT: 'true' });
    expect(removed).toEqual(['COPY', 'OPENAI_API_KEY', 'SMALLCODE_API_KEY']);
  });

  it('bash really runs without them', async () => {
    const tools = makeRegistry(makeProject(), { env: shellEnvironment({ PATH: process.env.PATH, HF_TOKEN: 'hf_secret', GREETING: 'hi' }).env });
    const r = await tools.run({ name: 'bash', arguments: { command: 'echo "[$HF_TOKEN] $GREETING"; env | grep -c hf_secret || true' } });
    expect(r.output).toContain('[] hi');
    expect(r.output).toMatch(/^0$/m);
  });
});

describe('approval policies', () => {
  const approvals = () => new ProjectApprovals(mkdtempSync(path.join(tmpdir(), 'smallcode-approvals-')));
  const asked: string[] = [];
  const ask = async (command: string) => {
    asked.push(command);
    return 'deny' as const;
  };

  it('never asks nothing; on-request asks only without a sandbox; untrusted asks everything off the allowlist', async () => {
    asked.length = 0;
    expect(await decideApproval('rm -rf build', { policy: 'never', approvals: approvals(), ask })).toEqual({ run: true, why: 'policy-never' });
    expect(await decideApproval('rm -rf build', { policy: 'on-request', sandboxed: true, approvals: approvals(), ask })).toEqual({ run: true, why: 'sandboxed' });
    expect(asked).toEqual([]);
    expect(await decideApproval('rm -rf build', { policy: 'on-request', sandboxed: false, approvals: approvals(), ask })).toEqual({ run: false, why: 'denied' });
    expect(await decideApproval('rm -rf build', { policy: 'untrusted', sandboxed: true, approvals: approvals(), ask })).toEqual({ run: false, why: 'denied' });
    expect(await decideApproval('git status', { policy: 'untrusted', approvals: approvals(), ask })).toEqual({ run: true, why: 'read-only' });
    expect(asked).toEqual(['rm -rf build', 'rm -rf build']);
  });
});
