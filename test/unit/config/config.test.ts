import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConfigToPolicy, ConfigError, loadConfig } from '../../../runtime/config/load.js';
import { VARIABLES } from '../../../runtime/config/variables.js';
import { BUILTIN_POLICY } from '../../support/policy.js';
import { repoRoot } from '../../support/run-cli.js';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smallcode-config-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('configuration', () => {
  it('has defaults for everything', async () => {
    const c = await loadConfig({ cwd: await project({}), env: {} });
    expect(c).toMatchObject({ modelTimeoutMs: 300_000, thinkingBudget: 2000, knowledgeMaxTokens: 1500, dedup: true, writeGuard: true, shellPersist: true, plan: 'auto', compact: 'auto' });
    expect(c.model).toBeUndefined();
  });

  it('reads .env and smallcode.toml; the environment wins over .env, .env over the toml', async () => {
    const dir = await project({
      '.env': 'SMALLCODE_MODEL=from-dotenv\nSMALLCODE_THINKING_BUDGET=500\n',
      'smallcode.toml': 'model = "from-toml"\nbase_url = "http://127.0.0.1:1234/v1"\nthinking_budget = 700\nmodel_timeout = 60\n',
    });
    const c = await loadConfig({ cwd: dir, env: { SMALLCODE_THINKING_BUDGET: '900' } });
    expect(c.model).toBe('from-dotenv');
    expect(c.baseUrl).toBe('http://127.0.0.1:1234/v1');
    expect(c.thinkingBudget).toBe(900);
    expect(c.modelTimeoutMs).toBe(60_000);
    expect(c.sources).toMatchObject({ SMALLCODE_MODEL: '.env', SMALLCODE_BASE_URL: 'smallcode.toml', SMALLCODE_THINKING_BUDGET: 'env' });
  });

  it.each([
    ['SMALLCODE_DEDUP', 'maybe', /SMALLCODE_DEDUP="maybe".*expected one of true, false, 1, 0, yes, no, on, off/],
    ['SMALLCODE_MODEL_TIMEOUT', 'soon', /SMALLCODE_MODEL_TIMEOUT="soon".*whole number from 1/],
    ['SMALLCODE_PLAN', 'sometimes', /SMALLCODE_PLAN="sometimes".*one of auto, true, false/],
    ['SMALLCODE_COMPACT', 'yes', /SMALLCODE_COMPACT="yes".*one of auto, true, false/],
    ['SMALLCODE_BASE_URL', 'localhost:1234', /SMALLCODE_BASE_URL="localhost:1234" .*not a valid http\(s\) URL/],
  ])('rejects %s=%s naming the variable and the accepted values', async (name, value, message) => {
    const err = await loadConfig({ cwd: await project({}), env: { [name]: value } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });

  it("honours the ecosystem's variables when SmallCode's own are unset, and says which was used", async () => {
    const dir = await project({});
    const openai = await loadConfig({ cwd: dir, env: { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1/', OPENAI_API_KEY: 'sk-x' } });
    expect(openai).toMatchObject({ baseUrl: 'http://127.0.0.1:8000/v1', baseUrlFrom: 'OPENAI_BASE_URL', apiKey: 'sk-x', apiKeyFrom: 'OPENAI_API_KEY' });
    const own = await loadConfig({ cwd: dir, env: { SMALLCODE_BASE_URL: 'http://127.0.0.1:1234/v1', OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', OLLAMA_HOST: '10.0.0.2', SMALLCODE_API_KEY: 'a', OPENAI_API_KEY: 'b' } });
    expect(own).toMatchObject({ baseUrl: 'http://127.0.0.1:1234/v1', baseUrlFrom: 'SMALLCODE_BASE_URL', apiKey: 'a', apiKeyFrom: 'SMALLCODE_API_KEY' });
    const flag = await loadConfig({ cwd: dir, env: {}, overrides: { SMALLCODE_MODEL: 'm' } });
    expect(flag.sources.SMALLCODE_MODEL).toBe('flag');
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1:11434/v1'],
    ['0.0.0.0', 'http://127.0.0.1:11434/v1'],
    ['0.0.0.0:11435', 'http://127.0.0.1:11435/v1'],
    ['gpu-box', 'http://gpu-box:11434/v1'],
    ['http://gpu-box', 'http://gpu-box/v1'],
    ['https://ollama.example.com', 'https://ollama.example.com/v1'],
    ['http://gpu-box:8080/ollama/', 'http://gpu-box:8080/ollama/v1'],
    ['[::1]:11434', 'http://[::1]:11434/v1'],
  ])('OLLAMA_HOST=%s is reached at %s', async (host, url) => {
    const c = await loadConfig({ cwd: await project({}), env: { OLLAMA_HOST: host } });
    expect([c.baseUrl, c.baseUrlFrom]).toEqual([url, 'OLLAMA_HOST']);
  });

  it('a malformed OLLAMA_HOST is an error naming it', async () => {
    await expect(loadConfig({ cwd: await project({}), env: { OLLAMA_HOST: 'ftp://x' } })).rejects.toThrow(/OLLAMA_HOST="ftp:\/\/x" \(from environment\) is not a host/);
  });

  it('names a mistyped smallcode.toml key with a suggestion', async () => {
    const dir = await project({ 'smallcode.toml': 'modle = "x"\n' });
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/unknown setting 'modle' \(did you mean 'model'\?\)/);
  });

  it('leaves the policy alone when no switch is set', async () => {
    const c = await loadConfig({ cwd: await project({}), env: {} });
    expect(applyConfigToPolicy(BUILTIN_POLICY, c)).toEqual(BUILTIN_POLICY);
  });

  it('applies switches to the policy', async () => {
    const c = await loadConfig({ cwd: await project({}), env: { SMALLCODE_DEDUP: 'off', SMALLCODE_WRITE_GUARD: 'false', SMALLCODE_SHELL_PERSIST: '0' } });
    const p = applyConfigToPolicy(BUILTIN_POLICY, c);
    expect(p.tools.read_file!.dedupWindow).toBe(0);
    expect(p.tools.write_file!.readBeforeWrite).toBe(false);
    expect(p.shell.persist).toBe(false);
    expect(BUILTIN_POLICY.tools.read_file!.dedupWindow).toBe(8); // the default is untouched
  });

  it('SMALLCODE_TRUST_DECAY=false and SMALLCODE_TEMP_ADAPT=false remove those policies', async () => {
    const c = await loadConfig({ cwd: await project({}), env: { SMALLCODE_TRUST_DECAY: 'false', SMALLCODE_TEMP_ADAPT: 'no' } });
    const p = applyConfigToPolicy(BUILTIN_POLICY, c);
    expect(p.tools.patch!.trust).toBeUndefined();
    expect(p.tools.patch!.retryTemperatures).toBeUndefined();
    expect(BUILTIN_POLICY.tools.patch!.trust).toEqual({ demoteAfter: 3, dropAfter: 5, scope: 'task' });
  });

  it('the README documents every variable', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const v of VARIABLES) expect(readme, v.name).toContain(`\`${v.name}\``);
  });
});
