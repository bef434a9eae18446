import { describe, expect, it } from 'vitest';
import { runTask, withProject } from './helpers.js';

type Body = { tools?: Array<{ function: { name: string } }>; messages: Array<{ role: string; content: string }> };
const BODY = 'Step 1: list the merged changes with git log. Step 2: group them by area.';
const files = {
  '.claude/skills/release-notes/SKILL.md': `---\nname: release-notes\ndescription: Write release notes from the git history.\n---\n${BODY}\n`,
  '.claude/skills/release-notes/template.md': '## Added\n## Fixed\n',
  '.agents/skills/triage/SKILL.md': '---\nname: triage\ndescription: Sort incoming issues.\n---\nTriage body.\n',
};

describe('skills in a headless run', () => {
  it('lists names and descriptions in the system prompt; the body arrives only when the model calls use_skill', async () => {
    await withProject(files, {
      turns: [
        { toolCalls: [{ name: 'use_skill', arguments: { name: 'release-notes' } }] },
        { toolCalls: [{ name: 'use_skill', arguments: { skill: 'release-notes', file: 'template.md' } }] },
        { content: 'Release notes written.' },
      ],
    }, async (dir, server) => {
      const r = await runTask(server, dir, 'write the release notes', ['--json'], { SMALLCODE_CONTEXT_WINDOW: '32768', XDG_CONFIG_HOME: `${dir}/.xdg` });
      expect(r.code, r.stderr).toBe(0);
      const [first, second, third] = server.chatRequests().map((q) => q.body as Body);
      const system = first!.messages[0]!.content;
      expect(system).toContain('- release-notes: Write release notes from the git history.');
      expect(system).toContain('- triage: Sort incoming issues.');
      expect(system).toContain('- debugging: ');
      expect(JSON.stringify(first!.messages)).not.toContain(BODY);
      expect(first!.tools!.map((t) => t.function.name)).toContain('use_skill');
      const loaded = second!.messages.filter((m) => m.role === 'tool').map((m) => m.content);
      expect(loaded[0]).toContain(BODY);
      expect(loaded[0]).toContain('template.md');
      expect(third!.messages.filter((m) => m.role === 'tool').map((m) => m.content)[1]).toBe('## Added\n## Fixed\n');
      // The system prompt is the same on every request (prefix caching).
      expect(third!.messages[0]!.content).toBe(system);
    });
  });
});
