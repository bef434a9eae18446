import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyFor, modelClients } from '../../../runtime/agent/behaviour.js';
import { ModelClient } from '../../../runtime/model/client.js';
import type { ResolvedModel } from '../../../runtime/cognition/host.js';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-server.js';
import { BUILTIN_POLICY } from '../../support/policy.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('the API key a declared model gets', () => {
  const base = { sessionBaseUrl: 'http://127.0.0.1:1234/v1', sessionKey: 'local-key', providers: { openai: 'sk-openai', anthropic: 'sk-ant', deepseek: 'sk-ds' } };

  it('is the declared one when the layer gives it (api_key: env("…"))', () => {
    expect(apiKeyFor('https://openrouter.ai/api/v1', { ...base, declared: 'sk-or' })).toBe('sk-or');
  });

  it("is the provider's variable for a known cloud host", () => {
    expect(apiKeyFor('https://api.openai.com/v1', base)).toBe('sk-openai');
    expect(apiKeyFor('https://api.anthropic.com/v1/', base)).toBe('sk-ant');
    expect(apiKeyFor('https://api.deepseek.com/v1', base)).toBe('sk-ds');
    expect(apiKeyFor('https://api.openai.com/v1', { ...base, providers: {} })).toBeUndefined();
  });

  it("is the session's key on the session's own host, and never sent to another host", () => {
    expect(apiKeyFor('http://127.0.0.1:8080/v1', base)).toBe('local-key');
    expect(apiKeyFor('https://llm.example.com/v1', base)).toBeUndefined();
    expect(apiKeyFor('https://evil.openai.com.example.net/v1', base)).toBeUndefined();
  });
});

describe('modelClients', () => {
  it('sends each model the key it should get, over real HTTP', async () => {
    const local = await startScriptedServer({ turns: [] });
    const strong = await startScriptedServer({ turns: [{ content: 'one' }, { content: 'two' }] });
    servers.push(local, strong);
    const clientOptions = { baseUrl: local.url, apiKey: 'local-key', policy: BUILTIN_POLICY.model, transport: 'openai' as const, thinkingDisable: false };
    const main = new ModelClient({ ...clientOptions, model: 'small' });
    const clientFor = modelClients(() => main, clientOptions, local.url, { openai: 'sk-openai' });
    const spec = (extra: Partial<ResolvedModel>): ResolvedModel => ({ name: 'big', endpoint: strong.url, available: true, ...extra }) as ResolvedModel;

    await clientFor(spec({})).complete({ messages: [{ role: 'user', content: 'hi' }] });
    await clientFor(spec({ name: 'other', apiKey: 'declared-key' })).complete({ messages: [{ role: 'user', content: 'hi' }] });
    const auth = strong.chatRequests().map((r) => r.headers.authorization);
    expect(auth).toEqual(['Bearer local-key', 'Bearer declared-key']); // same host as the session: its key
    expect(clientFor(spec({ name: 'small' }))).toBe(main);
  });
});
