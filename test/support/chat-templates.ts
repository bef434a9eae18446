/**
 * Real chat templates, rendered with @huggingface/jinja, for the round-trip suite.
 *
 * The templates come from the dev dependency @huggingface/ollama-utils (MIT): its
 * `src/chat-template-automap.ts` holds the Jinja templates shipped in the GGUF files of the Ollama
 * library models, read in place from node_modules (never copied into this repository). Every
 * template that renders an assistant message's `tool_calls` is used; coverage follows the templates.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from '@huggingface/jinja';
import type { ToolDefinition } from '../../runtime/model/toolcalls/index.js';

export interface ChatTemplate {
  /** The Ollama library models whose GGUF ships this template, e.g. `library/qwen3:0.6b`. */
  models: string[];
  template: Template;
  /** The template inserts `arguments` as text (DeepSeek: `+ tool['function']['arguments'] +`). */
  argumentsAsText: boolean;
}

export interface TemplateCall {
  name: string;
  arguments: Record<string, unknown>;
}

interface AutomapEntry { model: string; gguf: string }

export async function loadToolCallTemplates(): Promise<ChatTemplate[]> {
  const main = createRequire(import.meta.url).resolve('@huggingface/ollama-utils');
  const automap = join(dirname(main), '..', 'src', 'chat-template-automap.ts');
  const { OLLAMA_CHAT_TEMPLATE_MAPPING } = (await import(pathToFileURL(automap).href)) as { OLLAMA_CHAT_TEMPLATE_MAPPING: AutomapEntry[] };
  const byText = new Map<string, string[]>();
  for (const entry of OLLAMA_CHAT_TEMPLATE_MAPPING) {
    if (!/\btool_calls\b/.test(entry.gguf)) continue;
    byText.set(entry.gguf, [...(byText.get(entry.gguf) ?? []), entry.model]);
  }
  return [...byText].map(([source, models]) => {
    const template = new Template(source);
    return { models, template, argumentsAsText: /\+\s*tool\['function'\]\['arguments'\]|arguments'\]\s*\+/.test(source) };
  });
}

const USER_TEXT = 'Please do it.';

/**
 * The text the model itself writes for an assistant turn holding `calls`: the whole conversation
 * rendered minus the conversation up to the generation prompt (what a server passes on).
 */
export function renderAssistantTurn(t: ChatTemplate, calls: TemplateCall[], tools: ToolDefinition[]): string {
  // The OpenAI API sends a call-only turn's content as null, "" or a list of parts; each template
  // accepts some of these (Llama 3.2 Vision iterates over parts). The first one it renders wins.
  let failure: unknown;
  for (const [user, content] of CONTENT_SHAPES) {
    try {
      return renderWithContent(t, calls, tools, user, content);
    } catch (error) {
      failure ??= error;
    }
  }
  throw failure;
}

const CONTENT_SHAPES: Array<[user: unknown, assistant: unknown]> = [
  [USER_TEXT, null],
  [USER_TEXT, ''],
  [[{ type: 'text', text: USER_TEXT }], []],
];

function renderWithContent(t: ChatTemplate, calls: TemplateCall[], tools: ToolDefinition[], userContent: unknown, content: unknown): string {
  const user = { role: 'user', content: userContent };
  // Variables some templates read: Firefunction's `functions`/`datetime`; Command R7B renders
  // tool calls only in its grounded branch, taken when `documents` are given.
  const context = {
    bos_token: '<s>',
    eos_token: '</s>',
    tools,
    datetime: '2026-01-01',
    functions: JSON.stringify(tools),
    documents: [{ title: 'notes', text: 'Project notes.' }],
  };
  const assistant = {
    role: 'assistant',
    content,
    tool_plan: 'I will use the tools.',
    tool_calls: calls.map((c, i) => ({
      id: `call_${i}`,
      type: 'function',
      function: { name: c.name, arguments: t.argumentsAsText ? JSON.stringify(c.arguments) : c.arguments },
    })),
  };
  const before = t.template.render({ ...context, messages: [user], add_generation_prompt: false });
  const prompt = t.template.render({ ...context, messages: [user], add_generation_prompt: true });
  const full = t.template.render({ ...context, messages: [user, assistant], add_generation_prompt: false });
  if (!full.startsWith(before)) throw new Error(`${t.models[0]}: the conversation is not a prefix of its continuation`);
  const turn = full.slice(before.length);
  const generationPrompt = prompt.slice(before.length);
  // The generation prompt (role header, maybe an opened <think>) is written by the server, not
  // the model; drop as much of it as the turn repeats, whole lines only (a shared "<t" of
  // "<think>" and "<tool_call>" is no header).
  if (turn.startsWith(generationPrompt)) return turn.slice(generationPrompt.length);
  let shared = 0;
  while (shared < generationPrompt.length && turn[shared] === generationPrompt[shared]) shared++;
  const lineEnd = generationPrompt.lastIndexOf('\n', shared - 1);
  const headerEnd = /[>|｜]/.test(generationPrompt[shared - 1] ?? '') && shared > 0 ? shared : lineEnd + 1;
  return turn.slice(headerEnd);
}

/**
 * Templates @huggingface/jinja cannot render, with its error: they are checked to still fail so
 * that a jinja release that renders them puts them back into the suite (the test below fails).
 */
export const RENDERER_LIMITS: Record<string, RegExp> = {
  'library/qwen3-coder:30b': /filter: reject/,
  'library/llama3.2-vision:90b': /filter: trim|for loop/,
  'library/llama3.2-vision:latest': /filter: trim|for loop/,
};

/** The calls every template renders in the round-trip suite and bench:parser's template row. */
export const ROUND_TRIP_CASES: Record<string, TemplateCall[]> = {
  'one call': [{ name: 'read_file', arguments: { path: 'src/app.ts', start_line: 3 } }],
  'several calls': [
    { name: 'read_file', arguments: { path: 'a.ts' } },
    { name: 'search', arguments: { query: 'TODO', limit: 5, regex: false } },
  ],
  'nested and array arguments': [{ name: 'write_file', arguments: { path: 'x.json', content: '{"a": [1, {"b": null}]}', meta: { tags: ['x', 'y'], depth: { n: 2 } } } }],
  unicode: [{ name: 'write_file', arguments: { path: 'docs/ünï.md', content: '你好 🙂 "quoted" \\ back\nslash\ttab' } }],
  'empty arguments': [{ name: 'list_dir', arguments: {} }],
  'code with markup inside': [{ name: 'patch', arguments: { path: 'a.ts', search: 'if (a < b) {', replace: 'if (a <= b) { // </tool_call> stays data' } }],
};
