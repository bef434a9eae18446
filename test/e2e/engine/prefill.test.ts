// Prefix caching through the real CLI: over a long scripted session (the one bench:prefill
// measures) the requests only append, except at a few compaction points; none exceeds the
// window; the task and the newest turn's results are never evicted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { measurePrefill, prefixBreaks, type WireMessage, type WireRequest } from '../../../bench/lib/prefill.js';
import { PREFILL_TASK, preparePrefillSession } from '../../../bench/lib/prefill-session.js';
import { loadTokenizer } from '../../../runtime/model/tokens.js';
import { runTask, startScriptedServer } from './helpers.js';

const STUB = /^\[\w+ result removed to save context; call the tool again if you still need it\]$/;

async function session(window: number, compact: boolean): Promise<{ requests: WireRequest[]; result: { success: boolean; turns: number } }> {
  const dir = await mkdtemp(join(tmpdir(), 'smallcode-prefill-e2e-'));
  const project = join(dir, 'project');
  const respond = await preparePrefillSession(project);
  const server = await startScriptedServer({ respond: (req) => respond(req.body) });
  try {
    const r = await runTask(server, project, PREFILL_TASK, ['--json', '--max-turns', '60'], {
      SMALLCODE_CONTEXT_WINDOW: String(window),
      SMALLCODE_COMPACT: compact ? 'true' : 'false',
      SMALLCODE_PLAN: 'false',
    });
    expect(r.code, r.stderr).toBe(0);
    return { requests: server.chatRequests().map((q) => q.body as WireRequest), result: JSON.parse(r.stdout) };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** What changed at a break: every earlier message is unchanged, or became an eviction stub. */
function onlyEvictions(before: WireRequest, after: WireRequest): boolean {
  return before.messages.every((m: WireMessage, i) => {
    const now = after.messages[i];
    if (JSON.stringify(now) === JSON.stringify(m)) return true;
    // Dropped or summarized turns would shift the rest; this session is small enough for stubs alone.
    return now !== undefined && now.role === m.role && m.role === 'tool' && STUB.test(now.content ?? '');
  });
}

describe.each([
  [4096, false],
  [4096, true],
  [8192, false],
  [8192, true],
])('a long session at a %i-token window (compact %s)', (window, compact) => {
  let requests: WireRequest[];
  let result: { success: boolean; turns: number };
  beforeAll(async () => {
    await loadTokenizer();
    ({ requests, result } = await session(window, compact));
  }, 120_000);

  it('completes, and every request but a few compaction points carries the previous one unchanged', () => {
    expect(result.success).toBe(true);
    expect(requests.length).toBeGreaterThanOrEqual(21);
    const breaks = prefixBreaks(requests);
    // At 8k two compactions (evict_at 80% → evict_to 30%) serve the whole session; at 4k a
    // whole-file read nearly fills the budget, so nearly every read is followed by one.
    expect(breaks.length).toBeLessThanOrEqual(window === 8192 ? 2 : 10);
    expect(breaks.length).toBeGreaterThan(0); // the session does outgrow the window
    for (const i of breaks) {
      // The tool list never changes: a compaction point only turns old results into stubs.
      expect(requests[i]!.tools).toEqual(requests[i - 1]!.tools);
      expect(onlyEvictions(requests[i - 1]!, requests[i]!), `request ${i}`).toBe(true);
    }
    // Prefilling again costs little: the cheap stubs follow only what is new anyway.
    expect(measurePrefill(requests).ratio).toBeLessThan(1.3);
  });

  it('never sends a request larger than the window', () => {
    for (const r of measurePrefill(requests).requests) expect(r.sent).toBeLessThanOrEqual(window);
  });

  it('never evicts the task or the newest turn', () => {
    for (const req of requests) {
      const task = req.messages.find((m) => m.role === 'user');
      expect(task?.content).toBe(PREFILL_TASK);
      const newest = req.messages.at(-1)!;
      if (newest.role === 'tool') expect(newest.content).not.toMatch(STUB);
    }
  });
});
