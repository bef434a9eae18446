/**
 * How each model family writes tool calls, written from the family's own chat template or spec.
 *
 * These families have no template that @huggingface/jinja renders offline (test/support/
 * chat-templates.ts covers the ones that do), so each renderer below reproduces, character for
 * character, what the cited template emits for an assistant turn with `tool_calls` — the text the
 * model learned to write. The templates themselves are not copied here; each entry names where it
 * is published. `render` returns the text after the server's generation prompt, plus where the
 * body of every call lies, so tests can cut the reply inside the last call.
 */

export interface FamilyCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface RenderedCall {
  /** Index just after the call's opening markers and name (where its arguments begin). */
  bodyStart: number;
  /** Index just after the last character of its last argument value: a cut before it leaves the call incomplete. */
  bodyEnd: number;
}

export interface Rendered {
  text: string;
  calls: RenderedCall[];
}

export interface FamilyFormat {
  family: string;
  /** Where the format comes from (template file, model card, spec). */
  source: string;
  /** The model's turn: optional reasoning, optional prose, the calls. */
  render(calls: FamilyCall[], turn: { reasoning?: string; prose?: string }): Rendered;
  /** The template writes several calls in one turn (harmony ends the turn at each `<|call|>`). */
  several: boolean;
  /**
   * Argument values are written raw between markers (no quoting): a string that reads as a number
   * or JSON needs the schema to stay a string, and a value holding one of these markers cannot be
   * carried. `unframed`: the template writes no newline around a value, so a value that starts or
   * ends with one loses it (the parser drops one framing newline as layout, as Qwen3-Coder writes).
   */
  raw?: { markers: string[]; unframed?: boolean };
  /** Strings are delimited by these tokens and cannot contain them. */
  forbidden?: string[];
  /** The inside of one call block, as llama.cpp / vLLM / LM Studio pass it on after stripping the wrapper. */
  stripped?(call: FamilyCall): string;
}

/** Builds a turn piece by piece, recording where each call's arguments begin and end. */
class Turn {
  text = '';
  calls: RenderedCall[] = [];
  private bodyStart = 0;
  add(s: string): this {
    this.text += s;
    return this;
  }
  startBody(): this {
    this.bodyStart = this.text.length;
    return this;
  }
  endBody(): this {
    this.calls.push({ bodyStart: this.bodyStart, bodyEnd: this.text.length });
    return this;
  }
  /** Markup calls: the arguments are complete once the last value is written (its closing tag is a formality). */
  private valueEnd = -1;
  endValue(): this {
    this.valueEnd = this.text.length;
    return this;
  }
  endCall(): this {
    this.calls.push({ bodyStart: this.bodyStart, bodyEnd: Math.max(this.valueEnd, this.bodyStart) });
    this.valueEnd = -1;
    return this;
  }
  done(): Rendered {
    return { text: this.text, calls: this.calls };
  }
}

/** Jinja's `tojson` / Python `json.dumps` spacing (`", "` and `": "`), which templates use. */
export function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/** A Python literal, as pythonic dialects (Gemma 3 tool_code, Llama 3.2) write values. */
function pyLiteral(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value as object).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

const rawValue = (v: unknown) => (typeof v === 'string' ? v : pyJson(v));

/** Gemma 4's `format_argument`: strings in `<|"|>`, maps with sorted keys (unescaped keys in calls). */
function gemmaArgument(value: unknown): string {
  if (typeof value === 'string') return `<|"|>${value}<|"|>`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(gemmaArgument).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${k}:${gemmaArgument((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return String(value);
}

/** A JSON object body whose last character ends the arguments. */
function jsonBody(t: Turn, args: Record<string, unknown>, json = pyJson(args)): Turn {
  // The arguments are complete only with their closing brace.
  return t.startBody().add(json).endBody();
}

export const FAMILY_FORMATS: FamilyFormat[] = [
  {
    family: 'GLM 4.5 / 4.6',
    source: 'ggml-org/llama.cpp models/templates/GLM-4.6.jinja and glm_4_5.jinja (zai-org/GLM-4.6 tokenizer_config.json), trim_blocks as transformers renders it',
    several: true,
    raw: { markers: ['</arg_value>', '<arg_key>', '</tool_call>'], unframed: true },
    render(calls, { reasoning, prose }) {
      const t = new Turn().add(`\n<think>${reasoning?.trim() ?? ''}</think>`);
      if (prose?.trim()) t.add(`\n${prose.trim()}`);
      for (const c of calls) {
        t.add(`\n<tool_call>${c.name}\n`).startBody();
        for (const [k, v] of Object.entries(c.arguments)) t.add(`<arg_key>${k}</arg_key>\n<arg_value>${rawValue(v)}`).endValue().add('</arg_value>\n');
        t.endCall();
        t.add('</tool_call>');
      }
      return t.done();
    },
    stripped: (c) => `${c.name}\n${Object.entries(c.arguments).map(([k, v]) => `<arg_key>${k}</arg_key>\n<arg_value>${rawValue(v)}</arg_value>\n`).join('')}`,
  },
  {
    family: 'Kimi K2 (Instruct / Thinking)',
    source: 'ggml-org/llama.cpp models/templates/moonshotai-Kimi-K2-Thinking.jinja (moonshotai/Kimi-K2-Thinking); call ids are functions.NAME:INDEX (Kimi K2 tool-call guide)',
    several: true,
    render(calls, { reasoning, prose }) {
      const t = new Turn().add(`<think>${reasoning ?? ''}</think>${prose ?? ''}<|tool_calls_section_begin|>`);
      calls.forEach((c, i) => {
        t.add(`<|tool_call_begin|>functions.${c.name}:${i}<|tool_call_argument_begin|>`);
        jsonBody(t, c.arguments).add('<|tool_call_end|>');
      });
      return t.add('<|tool_calls_section_end|>').done();
    },
  },
  {
    family: 'MiniMax M2',
    source: 'ggml-org/llama.cpp models/templates/unsloth-MiniMax-M2.jinja (MiniMaxAI/MiniMax-M2 chat_template.jinja); the generation prompt opens <think>',
    several: true,
    raw: { markers: ['</parameter>', '<parameter', '</invoke>', '</minimax:tool_call>'], unframed: true },
    render(calls, { reasoning, prose }) {
      // The server's prompt ends in `<think>\n`: the model's turn starts inside the reasoning.
      const t = new Turn().add(`${reasoning ?? ''}\n</think>\n\n`);
      if (prose) t.add(prose);
      t.add('\n<minimax:tool_call>\n');
      for (const c of calls) {
        t.add(`<invoke name="${c.name}">\n`).startBody();
        for (const [k, v] of Object.entries(c.arguments)) t.add(`<parameter name="${k}">${rawValue(v)}`).endValue().add('</parameter>\n');
        t.endCall();
        t.add('</invoke>\n');
      }
      return t.add('</minimax:tool_call>').done();
    },
  },
  {
    family: 'Gemma 4',
    source: 'ggml-org/llama.cpp models/templates/gemma4.jinja (google/gemma-4 chat_template): `format_argument`, keys sorted, thinking in <|channel>thought…<channel|>',
    several: true,
    forbidden: ['<|"|>'],
    render(calls, { reasoning, prose }) {
      const t = new Turn();
      if (reasoning !== undefined) t.add(`<|channel>thought\n${reasoning}<channel|>`);
      for (const c of calls) {
        t.add(`<|tool_call>call:${c.name}{`).startBody();
        t.add(Object.keys(c.arguments).sort().map((k) => `${k}:${gemmaArgument(c.arguments[k])}`).join(','));
        t.endBody().add('}<tool_call|>');
      }
      // The template writes the message text after its calls.
      if (prose) t.add(prose);
      return t.done();
    },
    stripped: (c) => `call:${c.name}{${Object.keys(c.arguments).sort().map((k) => `${k}:${gemmaArgument(c.arguments[k])}`).join(',')}}`,
  },
  {
    family: 'Gemma 3 (tool_code)',
    source: 'Google, "Function calling with Gemma" (ai.google.dev/gemma/docs/capabilities/function-calling): Gemma 3 has no tool tokens; the prompted format is a ```tool_code fence holding a Python call',
    several: true,
    render(calls, { prose }) {
      const t = new Turn();
      if (prose) t.add(`${prose}\n`);
      for (const c of calls) {
        t.add(`\`\`\`tool_code\n${c.name}(`).startBody();
        t.add(Object.entries(c.arguments).map(([k, v]) => `${k}=${pyLiteral(v)}`).join(', '));
        t.endBody().add(')\n```\n');
      }
      return t.done();
    },
  },
  {
    family: 'Mistral (v3–v7 tokenizers: Small 3.x, Nemo, Large)',
    source: 'ggml-org/llama.cpp models/templates/mistralai-Mistral-Small-3.1-24B-Instruct-2503.jinja: `[TOOL_CALLS] [` + function|tojson with a 9-character "id" + `]` + eos',
    several: true,
    render(calls, { reasoning, prose }) {
      const t = new Turn();
      if (reasoning !== undefined) t.add(`[THINK]${reasoning}[/THINK]`);
      if (prose) t.add(prose);
      t.add('[TOOL_CALLS] [');
      calls.forEach((c, i) => {
        t.add(`{"name": ${JSON.stringify(c.name)}, "arguments": `);
        jsonBody(t, c.arguments).add(`, "id": "${String(i).padStart(9, 'a')}"}`).add(i < calls.length - 1 ? ', ' : ']</s>');
      });
      return t.done();
    },
  },
  {
    family: 'Mistral (v11+ tokenizers: Magistral, Devstral, Mistral Small 3.2)',
    source: 'mistralai/mistral-common, tokenizer v11 and later (InstructTokenizerV11._encode_tool_calls_in_assistant_message): [TOOL_CALLS]NAME[ARGS]{json} per call; v13 reasoning in [THINK]…[/THINK]',
    several: true,
    render(calls, { reasoning, prose }) {
      const t = new Turn();
      if (reasoning !== undefined) t.add(`[THINK]${reasoning}[/THINK]`);
      if (prose) t.add(prose);
      for (const c of calls) jsonBody(t.add(`[TOOL_CALLS]${c.name}[ARGS]`), c.arguments, JSON.stringify(c.arguments));
      return t.add('</s>').done();
    },
    stripped: (c) => `${c.name}[ARGS]${JSON.stringify(c.arguments)}`,
  },
  {
    family: 'gpt-oss (harmony)',
    source: 'openai/openai-cookbook articles/openai-harmony.md ("Function calling"): commentary channel, recipient to=functions.NAME in the channel header or the role header, <|constrain|>json, <|call|> ends the turn',
    several: false,
    render(calls, { reasoning, prose }) {
      const c = calls[0]!;
      const t = new Turn();
      if (reasoning !== undefined) t.add(`<|channel|>analysis<|message|>${reasoning}<|end|><|start|>assistant`);
      if (prose) t.add(`<|channel|>commentary<|message|>${prose}<|end|><|start|>assistant`);
      // Both recipient placements appear in the spec's examples; the template renders the first.
      t.add(prose ? ` to=functions.${c.name}<|channel|>commentary <|constrain|>json<|message|>` : `<|channel|>commentary to=functions.${c.name} <|constrain|>json<|message|>`);
      return jsonBody(t, c.arguments, JSON.stringify(c.arguments)).add('<|call|>').done();
    },
  },
  {
    family: 'Qwen3-Coder (XML)',
    source: '@huggingface/ollama-utils src/chat-template-automap.ts, library/qwen3-coder:30b (Qwen/Qwen3-Coder-30B-A3B-Instruct chat_template), not renderable by @huggingface/jinja 0.5 (the `reject` and object `string` filters); non-string values written as JSON, as the models do',
    several: true,
    raw: { markers: ['</parameter>', '<parameter=', '</function>', '</tool_call>'] },
    render(calls, { reasoning, prose }) {
      const t = new Turn();
      if (reasoning !== undefined) t.add(`<think>\n${reasoning}\n</think>\n\n`);
      if (prose?.trim()) t.add(`${prose.trim()}\n`);
      for (const c of calls) {
        t.add(`\n<tool_call>\n<function=${c.name}>\n`).startBody();
        for (const [k, v] of Object.entries(c.arguments)) t.add(`<parameter=${k}>\n${typeof v === 'string' ? v : JSON.stringify(v)}`).endValue().add('\n</parameter>\n');
        t.endCall();
        t.add('</function>\n</tool_call>');
      }
      return t.done();
    },
    stripped: (c) => `<function=${c.name}>\n${Object.entries(c.arguments).map(([k, v]) => `<parameter=${k}>\n${typeof v === 'string' ? v : JSON.stringify(v)}\n</parameter>\n`).join('')}</function>`,
  },
  {
    family: 'Hermes 2 Pro / Hermes 3 (Ollama)',
    source: '@huggingface/ollama-utils, library/hermes3:70b Ollama template: one <tool_call> block holding one {"name","arguments"} object per line',
    several: true,
    render(calls, { reasoning, prose }) {
      const t = new Turn();
      if (reasoning !== undefined) t.add(`<think>${reasoning}</think>\n`);
      if (prose) t.add(`${prose}\n`);
      t.add('<tool_call>');
      for (const c of calls) jsonBody(t.add(`\n{"name": "${c.name}", "arguments": `), c.arguments, JSON.stringify(c.arguments)).add('}');
      return t.add('\n</tool_call>').done();
    },
  },
  {
    family: 'Llama 3.1 <|python_tag|>',
    source: 'meta-llama/llama-models, models/llama3_1/prompt_format.md: a custom tool call as JSON after <|python_tag|> ending in <|eom_id|>',
    several: false,
    render(calls, { prose }) {
      const c = calls[0]!;
      const t = new Turn().add(prose ? `${prose}\n` : '').add(`<|python_tag|>{"name": "${c.name}", "parameters": `);
      return jsonBody(t, c.arguments).add('}<|eom_id|>').done();
    },
  },
  {
    family: 'Llama 3.2 / 3.3 pythonic',
    source: 'meta-llama/llama-models, models/llama3_2/text_prompt_format.md: zero-shot tool calls as [func_name1(param=value, …), func_name2(…)]',
    several: true,
    render(calls) {
      const t = new Turn().add('[');
      calls.forEach((c, i) => {
        t.add(`${i ? ', ' : ''}${c.name}(`).startBody();
        t.add(Object.entries(c.arguments).map(([k, v]) => `${k}=${pyLiteral(v)}`).join(', '));
        t.endBody().add(')');
      });
      return t.add(']<|eot_id|>').done();
    },
  },
  {
    family: 'Command R / R+ (Action: ```json)',
    source: '@huggingface/ollama-utils, library/command-r:35b Ollama template (CohereForAI/c4ai-command-r-v01 tool_use template): Action: ```json [ {"tool_name", "parameters"} ] ```',
    several: true,
    render(calls, { prose }) {
      const t = new Turn().add(prose ? `${prose}\n` : '').add('Action: ```json\n[');
      calls.forEach((c, i) => {
        t.add(`${i ? ',' : ''}\n    {\n        "tool_name": "${c.name}",\n        "parameters": `);
        jsonBody(t, c.arguments, JSON.stringify(c.arguments)).add('\n    }');
      });
      return t.add('\n]```').done();
    },
  },
  {
    family: 'Granite 3.x',
    source: '@huggingface/ollama-utils, library/granite3.3:2b Ollama template: <|tool_call|> followed by the call objects written back to back',
    several: true,
    render(calls, { prose }) {
      const t = new Turn().add(prose ?? '').add('<|tool_call|>');
      for (const c of calls) jsonBody(t.add(`{"name": "${c.name}", "arguments": `), c.arguments, JSON.stringify(c.arguments)).add('}');
      return t.add('<|end_of_text|>').done();
    },
  },
  {
    family: 'Phi-4-mini',
    source: 'ggml-org/llama.cpp models/templates/llama-cpp-microsoft-Phi-4-mini-instruct.jinja: <|tool_call|>function|tojson<|/tool_call|> per call, then <|end|>',
    several: true,
    render(calls, { prose }) {
      const t = new Turn().add(prose ?? '');
      for (const c of calls) jsonBody(t.add(`<|tool_call|>{"name": "${c.name}", "arguments": `), c.arguments).add('}<|/tool_call|>');
      return t.add('<|end|>').done();
    },
  },
  {
    family: 'Phi-4-mini (Ollama)',
    source: '@huggingface/ollama-utils, library/phi4-mini:3.8b Ollama template: <|tool_call|>[…]<|/tool_call|> with the objects written back to back (no comma)',
    several: true,
    render(calls, { prose }) {
      const t = new Turn().add(prose ?? '').add('<|tool_call|>[');
      for (const c of calls) jsonBody(t.add(`{"name":"${c.name}","arguments":`), c.arguments, JSON.stringify(c.arguments)).add('}');
      return t.add(']<|/tool_call|>').done();
    },
  },
];
