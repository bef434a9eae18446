import { z } from 'zod';
import { closestNames } from '../../compiler/common/suggest.js';
import { skillInstructions, skillResource, type Skill } from '../skills/index.js';
import { defineTool, type Tool } from './tool.js';

const args = z.object({
  name: z.string().describe('the skill, as listed under Skills'),
  file: z.string().optional().describe("one of the skill's files"),
});

/**
 * Loads a skill's instructions (the SKILL.md body) into the conversation, or one of its
 * resource files: the system prompt lists only names and one-line descriptions.
 */
export function useSkillTool(skills: () => Skill[]): Tool<z.infer<typeof args>> {
  return defineTool<z.infer<typeof args>>({
    name: 'use_skill',
    description: () => "Load a skill's step-by-step instructions by name (see Skills), or one of its files.",
    args,
    readOnly: true,
    category: 'read',
    aliases: { skill: 'name', path: 'file' },
    capHint: 'Ask for one of its files with use_skill {name, file}.',
    async execute({ name, file }) {
      const all = skills();
      const skill = all.find((s) => s.name === name.trim().toLowerCase());
      if (!skill) {
        const near = closestNames(name, all.map((s) => s.name));
        return { ok: false, output: `No skill '${name}'.${near.length ? ` Did you mean '${near[0]}'?` : ''} Skills: ${all.map((s) => s.name).join(', ')}.` };
      }
      if (file) {
        const text = skillResource(skill, file);
        return typeof text === 'string' ? { ok: true, output: text } : { ok: false, output: text.error };
      }
      return { ok: true, output: await skillInstructions(skill) };
    },
  });
}
