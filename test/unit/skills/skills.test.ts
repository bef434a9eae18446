import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { countTokens } from '../../../runtime/model/tokens.js';
import { discoverSkills, parseSkillFile, skillFolders, skillInstructions, skillResource, skillsListing, type Skill } from '../../../runtime/skills/index.js';
import { useSkillTool } from '../../../runtime/tools/use_skill.js';

const base = mkdtempSync(join(tmpdir(), 'skills-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
const skillMd = (name: string, description: string, body = `Body of ${name}.`) => `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`;

describe('skill discovery', () => {
  const root = join(base, 'project');
  const xdg = join(base, 'xdg');
  write(join(xdg, 'smallcode', 'skills', 'user-one', 'SKILL.md'), skillMd('user-one', 'from the user folder'));
  write(join(root, '.agents', 'skills', 'agents-one', 'SKILL.md'), skillMd('agents-one', 'from .agents'));
  write(join(root, '.claude', 'skills', 'claude-one', 'SKILL.md'), skillMd('claude-one', 'from .claude'));
  write(join(root, '.claude', 'skills', 'claude-one', 'reference.md'), 'the reference');
  write(join(root, '.smallcode', 'skills', 'debugging', 'SKILL.md'), skillMd('debugging', 'the project’s own debugging'));
  write(join(root, '.smallcode', 'skills', 'broken', 'SKILL.md'), 'no front matter here');
  write(join(root, '.smallcode', 'skills', 'not-a-skill', 'README.md'), 'ignored');

  it('finds the built-ins and a skill in each folder; a project skill replaces a built-in of the same name', async () => {
    const { skills, problems } = await discoverSkills(skillFolders(root, { XDG_CONFIG_HOME: xdg }));
    const byName = Object.fromEntries(skills.map((s) => [s.name, s.source]));
    expect(byName).toMatchObject({
      brainstorming: 'builtin', 'test-driven-development': 'builtin', refactoring: 'builtin', 'code-review': 'builtin', 'writing-a-plan': 'builtin',
      'user-one': 'user', 'agents-one': '.agents/skills', 'claude-one': '.claude/skills', debugging: '.smallcode/skills',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/broken[/\\]SKILL\.md: no front matter/);
  });

  it('the instructions carry the body and name the resource files; a resource is read by name only', async () => {
    const { skills } = await discoverSkills(skillFolders(root, { XDG_CONFIG_HOME: xdg }));
    const claude = skills.find((s) => s.name === 'claude-one')!;
    const text = await skillInstructions(claude);
    expect(text).toContain('Body of claude-one.');
    expect(text).toContain('reference.md');
    expect(skillResource(claude, 'reference.md')).toBe('the reference');
    expect(skillResource(claude, '../../../.mcp.json')).toMatchObject({ error: expect.stringContaining("no file '../../../.mcp.json'") });
    const tool = useSkillTool(() => skills);
    expect(await tool.execute({ name: 'claude-one', file: 'reference.md' }, {} as never)).toMatchObject({ ok: true, output: 'the reference' });
    expect(await tool.execute({ name: 'debuging' }, {} as never)).toMatchObject({ ok: false, output: expect.stringContaining("Did you mean 'debugging'?") });
  });

  it('every built-in skill is short and has a one-line description', async () => {
    const { skills } = await discoverSkills([skillFolders(root, {})[0]!]);
    expect(skills.map((s) => s.name).sort()).toEqual(['brainstorming', 'code-review', 'debugging', 'refactoring', 'test-driven-development', 'writing-a-plan']);
    for (const skill of skills) {
      expect(skill.description.length).toBeLessThan(120);
      expect(countTokens(await skillInstructions(skill))).toBeLessThan(500);
    }
  });
});

describe('SKILL.md parsing', () => {
  it('reads name, description, allowed-tools and the body', () => {
    expect(parseSkillFile('---\nname: a-b\ndescription: >\n  two\n  lines\nallowed-tools: Read, Bash(git:*)\n---\n# Body\n', parse)).toEqual({ name: 'a-b', description: 'two lines', allowedTools: ['Read', 'Bash(git:*)'], body: '# Body' });
    expect(parseSkillFile('\uFEFF---\r\nname: x\r\ndescription: y\r\nallowed-tools: [read_file, bash]\r\n---\r\nbody', parse)).toMatchObject({ name: 'x', allowedTools: ['read_file', 'bash'], body: 'body' });
  });

  it('near misses are refused with what is wrong', () => {
    expect(parseSkillFile('name: x\ndescription: y\n', parse)).toMatch(/no front matter/);
    expect(parseSkillFile('---\nname: x\n', parse)).toMatch(/no front matter/);
    expect(parseSkillFile('---\ndescription: y\n---\n', parse)).toBe("front matter needs 'name'");
    expect(parseSkillFile('---\nname: x\n---\n', parse)).toBe("front matter needs 'description'");
    expect(parseSkillFile('---\nname: Has Spaces\ndescription: y\n---\n', parse)).toMatch(/lower-case letters/);
    expect(parseSkillFile('---\nname: [x\ndescription: y\n---\n', parse)).toMatch(/not valid YAML/);
    expect(parseSkillFile('---\n- a\n- b\n---\n', parse)).toMatch(/must be a mapping/);
  });
});

describe('the skills list in the system prompt', () => {
  const skill = (name: string, description: string): Skill => ({ name, description, dir: '/x', source: 'test' });

  it('stays under its token cap, whatever the skills, and names how many were left out', () => {
    const arbSkill = fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/), description: fc.string({ minLength: 1, maxLength: 300 }) });
    fc.assert(fc.property(fc.array(arbSkill, { maxLength: 40 }), fc.integer({ min: 0, max: 600 }), (list, cap) => {
      const text = skillsListing(list.map((s) => skill(s.name, s.description)), cap);
      if (text === undefined) return true;
      expect(countTokens(text)).toBeLessThanOrEqual(cap + 2);
      const shown = text.split('\n').filter((l) => l.startsWith('- ') && !l.startsWith('- …')).length;
      const more = /- … (\d+) more/.exec(text);
      expect(shown + (more ? Number(more[1]) : 0)).toBe(list.length);
      return true;
    }));
  });

  it('carries names and descriptions, never bodies; none when the cap is 0 or there are no skills', () => {
    const text = skillsListing([skill('debugging', 'Find the root cause.')], 300)!;
    expect(text).toContain('- debugging: Find the root cause.');
    expect(text).toContain('use_skill');
    expect(skillsListing([skill('debugging', 'x')], 0)).toBeUndefined();
    expect(skillsListing([], 300)).toBeUndefined();
  });
});
