// `/memory` in the terminal (issue 12): the working memory, the newest evidence and facts with
// their ids, counts and size; search, forget by id, clear after asking.
import { describe, expect, it } from 'vitest';
import { PROMPT, withTerminal } from './helpers.js';
import { tmuxAvailable } from './tmux.js';

const suite = tmuxAvailable() ? describe : describe.skip;

suite('/memory', { timeout: 90_000 }, () => {
  it('shows, searches, forgets and (after asking) clears what SmallCode remembers', async () => {
    await withTerminal({}, {
      turns: [
        { toolCalls: [
          { name: 'memory_remember', arguments: { text: 'Deploys go through make release', scope: 'project' } },
          { name: 'memory_remember', arguments: { text: 'user wants tests before each commit', scope: 'session' } },
        ] },
        { content: 'Noted both.' },
      ],
    }, async ({ term }) => {
      await term.submit('remember how we deploy');
      await term.waitFor('Noted both.');
      await term.waitFor(PROMPT);

      await term.submit('/memory');
      let screen = await term.waitFor('Most recent');
      screen = await term.waitFor(/earlier task 'remember how we deploy'/);
      expect(screen).toMatch(/Memory \((sqlite|json), [\d.]+ K?B at .*store\.(db|jsonl)\)/);
      expect(screen).toContain('1 task evidence entry · 1 project fact · 0 global facts');
      expect(screen).toMatch(/Working memory\n\s+user wants tests before each commit/);
      const id = /^(f-[0-9a-z]+-[0-9a-f]{6})\s+fact/m.exec(screen)?.[1];
      expect(id, screen).toBeDefined();

      await term.submit('/memory search release');
      await term.waitFor(/Deploys go through make release[\s\S]*›/);
      await term.submit(`/memory forget ${id}`);
      await term.waitFor('Forgot 1 entry.');
      await term.submit('/memory forget f-nope-000000');
      await term.waitFor("No memory entry 'f-nope-000000'.");

      await term.submit('/memory clear');
      await term.waitFor("Delete this project's 1 evidence entry, 0 facts and working memory?");
      await term.press('Down', 'Enter');
      await term.waitFor(/Cleared 2 entries of this project's memory/);
      await term.submit('/memory');
      screen = await term.waitFor(/0 task evidence entries · 0 project facts/);
      expect(screen).toContain('(nothing stored yet');
    });
  });
});
