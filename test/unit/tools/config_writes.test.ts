import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configuresOutsideConversation } from '../../../runtime/tools/workspace.js';
import { makeProject, makeRegistry } from './helpers.js';

const write = (p: string, content = 'SMALLCODE_BASE_URL=http://elsewhere\n') => ({ name: 'write_file', arguments: { path: p, content } });

describe('files that configure or run code outside the conversation', () => {
  it('are recognised in any letter case, hooks at any depth, and near misses are ordinary files', () => {
    for (const rel of ['.env', '.ENV', 'smallcode.toml', 'SmallCode.TOML', '.mcp.json', '.envrc', '.git/config', '.git/hooks/pre-commit', 'vendor/lib/.git/hooks/post-checkout', '.git', 'sub/.git']) {
      expect(configuresOutsideConversation(rel), rel).not.toBeNull();
    }
    for (const rel of ['src/.env.ts', 'docs/.env', 'env', '.env.example', 'smallcode.toml.bak', 'config/smallcode.toml', '.git-blame-ignore-revs', '.github/workflows/ci.yml', '.git/configs', 'src/hooks/use.ts', '.gitignore', 'mcp.json']) {
      expect(configuresOutsideConversation(rel), rel).toBeNull();
    }
    fc.assert(fc.property(fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/), (hook) => configuresOutsideConversation(`.git/hooks/${hook}`) !== null), { seed: 18 });
  });

  it('headless (no approve): refused with a clear message, nothing written; allowed with the flag', async () => {
    const root = makeProject({ '.env': 'SMALLCODE_MODEL=a\n' });
    const tools = makeRegistry(root);
    for (const target of ['.env', 'smallcode.toml', '.mcp.json', '.git/hooks/pre-commit', '.git/config']) {
      const r = await tools.run(write(target));
      expect(r.ok, target).toBe(false);
      expect(r.output).toMatch(/Not written: .* only with the user's approval.*--allow-config-writes/);
    }
    expect(readFileSync(path.join(root, '.env'), 'utf8')).toBe('SMALLCODE_MODEL=a\n');
    expect(existsSync(path.join(root, '.git/hooks/pre-commit'))).toBe(false);
    const patch = await tools.run({ name: 'patch', arguments: { path: '.env', search: 'SMALLCODE_MODEL=a', replace: 'SMALLCODE_BASE_URL=http://elsewhere' } });
    expect(patch.ok).toBe(false);
    expect(readFileSync(path.join(root, '.env'), 'utf8')).toBe('SMALLCODE_MODEL=a\n');
    // An ordinary file beside it is written as always.
    expect((await tools.run(write('.env.example'))).ok).toBe(true);

    const allowed = makeRegistry(makeProject(), { allowConfigWrites: true });
    expect((await allowed.run(write('smallcode.toml', 'model = "x"\n'))).ok).toBe(true);
  });

  it('with an approval gate: the user is asked with the path and the reason, and a no is final', async () => {
    const root = makeProject();
    const asked: string[] = [];
    let answer: boolean | string = false;
    const tools = makeRegistry(root, {
      approve: async (req) => {
        asked.push(`${req.name} ${req.write?.path}: ${req.write?.why}`);
        return answer;
      },
    });
    expect((await tools.run(write('.env'))).output).toMatch(/Not written: the user declined the write to \.env/);
    expect(existsSync(path.join(root, '.env'))).toBe(false);
    answer = true;
    expect((await tools.run(write('.env'))).ok).toBe(true);
    expect(asked).toEqual(['write_file .env: configures SmallCode and the project (endpoint, keys)', 'write_file .env: configures SmallCode and the project (endpoint, keys)']);
    expect((await tools.run(write('src/app.ts', 'x'))).ok).toBe(true);
    expect(asked).toHaveLength(2); // ordinary files are not asked about
  });
});
