/**
 * Misbehaving model servers on 127.0.0.1, through the real CLI: none of them may leave
 * `smallcode run` silent or running for ever. Timeouts are set short through the variables.
 */
import { describe, expect, it } from 'vitest';
import { runTask, withProject } from './helpers.js';

const short = { SMALLCODE_MODEL_TIMEOUT: '3', SMALLCODE_MODEL_IDLE_TIMEOUT: '2', SMALLCODE_MODEL_WAIT_NOTICE: '1', SMALLCODE_MODEL_RETRY_BUDGET: '8' };

describe('no silent wait, no endless reply', () => {
  it('a server that accepts and sends nothing: says it is waiting, then gives up within the retry budget', async () => {
    await withProject({}, { onExhausted: { fault: { kind: 'hang' } } }, async (dir, server) => {
      const started = Date.now();
      const r = await runTask(server, dir, 'answer', [], short);
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/waiting for the first token from scripted-model at http:\/\/127\.0\.0\.1:\d+\/v1: [12] s so far/);
      expect(r.stderr).toMatch(/no first token within 3 s/);
      expect(r.stderr).toMatch(/gave up after \d attempts? in \d+(\.\d)? s \(retry budget 8 s/);
      expect(Date.now() - started).toBeLessThan(25_000);
      expect(server.chatRequests().length).toBeGreaterThanOrEqual(2);
    });
  }, 40_000);

  it('a server that goes silent after the headers is waited for as for a first token, then asked again', async () => {
    await withProject({}, { turns: [{ fault: { kind: 'silent_after_headers' } }, { content: 'Answered the second time.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer', [], short);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Answered the second time.');
      expect(r.stderr).toMatch(/waiting for the first token/);
      expect(r.stderr).toMatch(/no first token within 3 s \(SMALLCODE_MODEL_TIMEOUT\)\); retry 1\/3/);
    });
  }, 40_000);

  it('a reply that goes silent midway: the idle timeout (not the first-token one) ends it', async () => {
    await withProject({}, { turns: [{ content: 'The answer starts and then', fault: { kind: 'stall', afterChars: 10 } }, { content: 'Whole.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer', [], { ...short, SMALLCODE_MODEL_TIMEOUT: '600' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Whole.');
      expect(r.stderr).toMatch(/waiting for more of the reply .*silent for 1 s/);
      expect(r.stderr).toMatch(/the reply stopped: nothing for 2 s after it began/);
    });
  }, 40_000);

  it('a server that streams for ever: the reply limit ends it with a clear message, without asking again', async () => {
    await withProject({}, { onExhausted: { fault: { kind: 'endless', delayMs: 1 } } }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer', [], { ...short, SMALLCODE_MAX_REPLY_TOKENS: '300' });
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the reply passed 300 tokens without ending and was stopped \(SMALLCODE_MAX_REPLY_TOKENS/);
      expect(server.chatRequests()).toHaveLength(1);
    });
  }, 40_000);

  it('a 200 answer with an HTML page says the server sent HTML', async () => {
    await withProject({}, { onExhausted: { fault: { kind: 'html' } } }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer', [], short);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the server sent HTML \(HTTP 200, a web page\) instead of an API reply: is http:\/\/127\.0\.0\.1:\d+\/v1 the OpenAI-compatible endpoint/);
      expect(server.chatRequests()).toHaveLength(1); // a web page does not turn into an answer by asking again
    });
  }, 40_000);

  it("malformed SSE: one clear line, never the SDK's raw console output", async () => {
    await withProject({}, { turns: [{ fault: { kind: 'malformed_sse' } }, { content: 'Clean reply.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'answer', [], short);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Clean reply.');
      expect(r.stderr).not.toMatch(/Could not parse message into JSON|From chunk/);
      expect(r.stderr).toMatch(/the server sent a stream event that is not JSON: "\{\\"choices\\"/);
    });
  }, 40_000);
});
