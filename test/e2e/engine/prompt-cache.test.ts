// Servers are asked to keep the prompt cached where they need asking, and what they report of
// their cache comes back in the usage (and `/tokens`).
import { describe, expect, it } from 'vitest';
import { runTask, withProject } from './helpers.js';

const TWO_STEPS = [
  { toolCalls: [{ name: 'read_file', arguments: { path: 'notes.txt' } }] },
  { content: 'notes.txt says hello.' },
];

describe('prompt caching hints', () => {
  it('asks llama.cpp for cache_prompt, and reads its timings.cache_n into the usage', async () => {
    await withProject({ 'notes.txt': 'hello\n' }, { flavor: 'llamacpp', prefixCache: true, turns: TWO_STEPS }, async (dir, server) => {
      const r = await runTask(server, dir, 'what does notes.txt say?', ['--json']);
      expect(r.code, r.stderr).toBe(0);
      const bodies = server.chatRequests().map((q) => q.body);
      expect(bodies.map((b) => b.cache_prompt)).toEqual([true, true]);
      const usage = JSON.parse(r.stdout).usage;
      // The second request shares the first one's system prompt, tools and task with it.
      expect(usage.cachedTokens).toBeGreaterThan(100);
      expect(usage.cachedTokens).toBeLessThan(usage.promptTokens);
    });
  });

  it('reads OpenAI-style prompt_tokens_details.cached_tokens, and sends no llama.cpp field elsewhere', async () => {
    await withProject({ 'notes.txt': 'hello\n' }, { prefixCache: true, turns: TWO_STEPS }, async (dir, server) => {
      const r = await runTask(server, dir, 'what does notes.txt say?', ['--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(server.chatRequests().every((q) => !('cache_prompt' in q.body))).toBe(true);
      expect(JSON.parse(r.stdout).usage.cachedTokens).toBeGreaterThan(100);
    });
  });

  it('leaves cachedTokens out when the server says nothing of a cache', async () => {
    await withProject({ 'notes.txt': 'hello\n' }, { turns: TWO_STEPS }, async (dir, server) => {
      const r = await runTask(server, dir, 'what does notes.txt say?', ['--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).usage).not.toHaveProperty('cachedTokens');
    });
  });

  it("keeps an Ollama model (and its prompt cache) loaded for SMALLCODE_OLLAMA_KEEP_ALIVE; 'server' leaves it to Ollama", async () => {
    for (const [setting, expected] of [[undefined, '30m'], ['2h', '2h'], ['server', undefined]] as const) {
      await withProject({ 'notes.txt': 'hello\n' }, { flavor: 'ollama', turns: TWO_STEPS }, async (dir, server) => {
        const r = await runTask(server, dir, 'what does notes.txt say?', [], { SMALLCODE_BASE_URL: server.origin, SMALLCODE_OLLAMA_KEEP_ALIVE: setting });
        expect(r.code, r.stderr).toBe(0);
        const chats = server.requests.filter((q) => q.path === '/api/chat');
        expect(chats.length).toBe(2);
        for (const q of chats) expect(q.body.keep_alive).toBe(expected);
      });
    }
  });
});
