import { describe, expect, it } from 'vitest';
import { renderTokens, SessionStats } from '../../../runtime/tui/stats.js';
import { createStyle } from '../../../runtime/tui/style.js';

const plain = createStyle(false);
const turn = (n: number, prompt: number, cached?: number) => ({
  turn: n, ms: 1000, toolCalls: 0, finishReason: 'stop',
  usage: { promptTokens: prompt, completionTokens: 10, estimated: false, ...(cached !== undefined ? { cachedTokens: cached } : {}) },
});

describe('/tokens', () => {
  it('shows cached against processed prompt tokens when the server reports its cache', () => {
    const stats = new SessionStats();
    stats.onTurnEnd(turn(1, 800, 0));
    stats.onTurnEnd(turn(2, 1000, 780));
    const text = renderTokens(stats, plain);
    expect(text.split('\n')[0]).toMatch(/turn\s+prompt\s+cached\s+completion\s+time/);
    expect(text).toMatch(/\n\s+2\s+1,000\s+780\s+10/);
    expect(text).toContain("prompt tokens: 780 from the server's cache, 1,020 processed");
  });

  it('has no cached column when no server said anything of a cache', () => {
    const stats = new SessionStats();
    stats.onTurnEnd(turn(1, 800));
    const text = renderTokens(stats, plain);
    expect(text).not.toContain('cached');
    expect(text).not.toContain("server's cache");
  });

  it('marks a turn without the figure when others have it', () => {
    const stats = new SessionStats();
    stats.onTurnEnd(turn(1, 800));
    stats.onTurnEnd(turn(2, 900, 700));
    expect(renderTokens(stats, plain)).toMatch(/\n\s+1\s+800\s+–\s+10/);
  });
});
