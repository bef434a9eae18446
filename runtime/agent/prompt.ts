import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { ToolDefinition } from '../model/types.js';
import { packageRoot } from '../package-root.js';

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders templates/prompts/<name>.hbs (compiled once per process). */
export function renderPrompt(name: string, data: unknown): string {
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(join(packageRoot(), 'templates', 'prompts', `${name}.hbs`), 'utf8');
    template = Handlebars.compile(source, { noEscape: true, strict: false });
    compiled.set(name, template);
  }
  return template(data).replace(/\n{3,}/g, '\n\n').trim();
}

export interface SystemPromptInput {
  root: string;
  summary?: string;
  testCommand?: string;
  instructions?: { file: string; text: string };
  /** The skills' names and one-line descriptions (runtime/skills), fixed for the session. */
  skills?: string;
  /** Set in text mode: the tools are described in the prompt instead of the `tools` field. */
  textTools?: ToolDefinition[];
}

export function systemPrompt(input: SystemPromptInput): string {
  return renderPrompt('system', {
    root: input.root,
    platform: process.platform,
    summary: input.summary,
    testCommand: input.testCommand,
    instructions: input.instructions,
    skills: input.skills,
    textTools: input.textTools?.map((t) => ({
      name: t.function.name,
      description: t.function.description ?? '',
      params: Object.keys((t.function.parameters as { properties?: object } | undefined)?.properties ?? {}).join(', '),
    })),
  });
}
