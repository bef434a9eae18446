import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replyReserve } from '../../../runtime/agent/policy.js';
import { createSession, type Session } from '../../../runtime/agent/session.js';
import { countMessagesTokens, countTokens } from '../../../runtime/model/tokens.js';
import type { ChatMessage } from '../../../runtime/model/types.js';

/** The wire messages back in our shape, so they are counted the way the engine counts. */
type WireMessage = { role: string; content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string };
const fromWire = (messages: WireMessage[]): ChatMessage[] =>
  messages.map((m) => ({ ...m, content: m.content ?? '', tool_calls: m.tool_calls?.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) }) as ChatMessage);
import { makeTempProject, removeTempProject, startScriptedServer } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the context budget', () => {
  it('never sends more than the window minus the reply reserve, over a 200-turn session', async () => {
    const WINDOW = 4096;
    const TURNS = 200;
    const dir = await makeTempProject({});
    // Reads of ~200 tokens each: fine-grained, so the history fills the window right up to the budget.
    writeFileSync(join(dir, 'big.txt'), Array.from({ length: 300 }, (_, i) => `line ${i}: ${'lorem ipsum '.repeat(2)}`).join('\n'));
    let n = 0;
    const isSummary = (req: { body: { messages: Array<{ content: string }> } }) => req.body.messages[0]!.content.startsWith('Summarise the conversation');
    const server = await startScriptedServer({
      respond: (req) => {
        if (isSummary(req)) return { content: 'The assistant has been reading big.txt, 16 lines at a time, as the task asks.', usage: false };
        return ++n < TURNS ? { toolCalls: [{ name: 'read_file', arguments: { path: 'big.txt', start_line: (n % 50) + 1, end_line: (n % 50) + 16 } }], usage: false } : { content: 'done', usage: false };
      },
    });
    cleanups.push(() => server.close(), () => removeTempProject(dir));
    const session: Session = await createSession({
      cwd: dir,
      env: { SMALLCODE_BASE_URL: server.url, SMALLCODE_MODEL: 'scripted-model', SMALLCODE_CONTEXT_WINDOW: String(WINDOW), SMALLCODE_DEDUP: 'false' },
      policy: (p) => ({ ...p, loop: { maxTurns: TURNS + 5 } }),
    });
    cleanups.push(() => session.close());
    const result = await session.agent.run('read big.txt again and again');
    expect(result.success, result.error).toBe(true);
    const requests = server.chatRequests().filter((r) => !isSummary(r));
    expect(requests).toHaveLength(TURNS);
    // Older turns were compressed by the summarize_history prompt, and the summary reached the model.
    expect(server.chatRequests().filter(isSummary).length).toBeGreaterThan(0);
    expect(requests.some((r) => JSON.stringify(r.body.messages).includes('reading big.txt, 16 lines at a time'))).toBe(true);
    const limit = WINDOW - replyReserve(session.policy.context, WINDOW);
    let largest = 0;
    for (const req of requests) {
      const sent = countMessagesTokens(fromWire(req.body.messages)) + countTokens(JSON.stringify(req.body.tools ?? []));
      largest = Math.max(largest, sent);
      expect(sent).toBeLessThanOrEqual(limit);
      expect(req.body.messages[0].role).toBe('system');
      expect(req.body.messages[1].content).toBe('read big.txt again and again'); // the task is never evicted
      expect(req.body.messages.filter((m: { content: string | null }) => m.content?.startsWith('Summary of the earlier work')).length).toBeLessThanOrEqual(1);
    }
    expect(largest).toBeGreaterThan(limit * 0.9); // the window was really under pressure
  }, 120_000);
});
