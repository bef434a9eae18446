/**
 * The orchestrator: one reply in, calls + content + reasoning + errors out.
 *
 * 1. gpt-oss harmony messages are split into content, analysis (thinking) and calls;
 * 2. thinking blocks are removed from the visible text (see reasoning.ts);
 * 3. every dialect looks for calls in the visible text; overlapping claims are settled by
 *    position, then by the dialect order in dialects/index.ts; unclaimed text is the content;
 * 4. only if the visible text has no call, calls written inside the thinking count (some models
 *    emit their call before closing `<think>`); when a reply has calls outside its thinking,
 *    calls drafted inside it are ignored;
 * 5. each call is checked and repaired against the tool schemas (arguments.ts).
 * Nothing here throws: an unexpected failure returns the text as content with an error.
 */
import { repairCall } from './arguments.js';
import { DIALECTS, splitHarmony } from './dialects/index.js';
import { splitThinking } from './reasoning.js';
import type { DetectContext, Dialect, DialectMatch, ParsedToolCall, ParseResult, RawCall, ToolCallError, ToolDefinition } from './types.js';

interface Found {
  calls: Array<{ call: RawCall; dialect: string }>;
  remaining: string;
  /** [start, end) of every region a dialect claimed with readable calls. */
  regions: Array<[number, number]>;
}

function detect(text: string, ctx: DetectContext, dialects: readonly Dialect[]): Found {
  const matches: Array<DialectMatch & { order: number }> = [];
  dialects.forEach((d, order) => {
    for (const m of d.detect(text, ctx)) matches.push({ ...m, order });
  });
  matches.sort((a, b) => a.start - b.start || a.order - b.order || b.end - a.end);
  const calls: Found['calls'] = [];
  const regions: Found['regions'] = [];
  let remaining = '';
  let pos = 0;
  for (const m of matches) {
    if (m.start < pos || m.end <= m.start) continue;
    if (m.calls.every((c) => c.malformed === undefined)) regions.push([m.start, m.end]);
    remaining += text.slice(pos, m.start);
    for (const call of m.calls) calls.push({ call, dialect: m.dialect });
    pos = m.end;
  }
  remaining += text.slice(pos);
  return { calls, remaining, regions };
}

/** Tokens and orphan markers that carry no meaning once the calls are taken out. */
const STRAY_MARKERS = [
  '<|im_end|>', '<|im_start|>assistant', '<|eot_id|>', '<|eom_id|>', '<|end_of_text|>',
  '<｜end▁of▁sentence｜>', '<|end▁of▁sentence|>', '<|end_of_sentence|>',
  '<|END_OF_TURN_TOKEN|>', '<|CHATBOT_TOKEN|>', '<|START_RESPONSE|>', '<|END_RESPONSE|>', '<|START_TEXT|>', '<|END_TEXT|>',
  '<|content|>', '[END FINAL RESPONSE]', '<|begin|>assistant', '<|end|>', '<|message_sep|>',
  '<｜tool▁calls▁begin｜>', '<｜tool▁calls▁end｜>', '<|tool▁calls▁begin|>', '<|tool▁calls▁end|>', '<|tool_calls_section_begin|>', '<|tool_calls_section_end|>',
  '<|tool_calls|>', '<｜tool▁outputs▁begin｜>', '<｜tool▁outputs▁end｜>', '<｜tool▁output▁begin｜>', '<｜tool▁output▁end｜>',
  '<|channel>', '<channel|>',
  '<|tool_call_end|>', '[/TOOL_CALLS]',
  '<|open|>response<|sep|>', '<|close|>response<|sep|>', '<|close|>message<|sep|>', '<|end_of_msg|>', '<|open|>message role="assistant"<|sep|>',
];

/** Tag-like leftovers that could also be prose about markup: dropped only from a reply that made calls. */
const ORPHAN_TAGS = ['</tool_call>', '</tools>', '</tool_calls>', '</function_calls>', '<response>', '</response>', '</s>'];

/** A code fence left empty once the call inside it was taken out. */
const EMPTY_FENCE = /```[\w-]*[ \t]*(?:\r?\n[ \t]*)*```/g;

function cleanContent(text: string, hadCalls: boolean): string {
  let out = text;
  for (const marker of hadCalls ? [...STRAY_MARKERS, ...ORPHAN_TAGS] : STRAY_MARKERS) if (out.includes(marker)) out = out.split(marker).join('');
  if (out.includes('```')) out = out.replace(EMPTY_FENCE, '');
  out = out.replace(/\n{3,}/g, '\n\n').trim();
  return /^`{3}[\w-]*$/.test(out) ? '' : out;
}

const MAX_ERRORS = 10;

/** Identical errors once each, and not more than the model can usefully read. */
function summarizeErrors(errors: ToolCallError[]): ToolCallError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => !seen.has(e.message) && seen.add(e.message));
  if (unique.length <= MAX_ERRORS) return unique;
  const kept = unique.slice(0, MAX_ERRORS);
  kept.push({ kind: 'malformed', message: `…and ${unique.length - MAX_ERRORS} more unreadable tool calls. Make fewer calls per reply.` });
  return kept;
}

function sanitizeTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(
    (t): t is ToolDefinition => typeof t === 'object' && t !== null && typeof (t as ToolDefinition).function?.name === 'string' && (t as ToolDefinition).function.name !== '',
  );
}

const MARKED = DIALECTS.filter((d) => d.strength === 'marked');

function parse(text: string, tools: ToolDefinition[]): ParseResult {
  const ctx: DetectContext = { toolNames: new Set(tools.map((t) => t.function.name)), tools };
  const reasoning: string[] = [];
  const raw: Found['calls'] = [];

  let visible = text;
  const harmony = splitHarmony(text, ctx.toolNames);
  if (harmony) {
    visible = harmony.content;
    reasoning.push(...harmony.reasoning);
    raw.push(...harmony.calls.map((call) => ({ call, dialect: 'gpt-oss-harmony' })));
    for (const body of harmony.elsewhere) raw.push(...detect(body, ctx, MARKED).calls.filter((c) => c.call.malformed === undefined));
  }
  // Calls are located once before thinking is removed, so that a thinking marker inside a call's
  // arguments (a file that contains "</think>") is not mistaken for the end of thinking.
  const located = /think|THINK|channel>|inner_|FINAL RESPONSE|◁/.test(visible) ? detect(visible, ctx, DIALECTS).regions : [];
  const thinking = splitThinking(visible, located);
  const found = detect(thinking.content, ctx, DIALECTS);
  raw.push(...found.calls);

  for (const piece of thinking.reasoning) {
    if (raw.length > 0) {
      reasoning.push(piece);
      continue;
    }
    const inner = detect(piece, ctx, MARKED);
    const readable = inner.calls.filter((c) => c.call.malformed === undefined);
    if (readable.length > 0) {
      raw.push(...readable);
      const rest = cleanContent(inner.remaining, true);
      if (rest) reasoning.push(rest);
    } else reasoning.push(piece);
  }

  const calls: ParsedToolCall[] = [];
  const errors: ToolCallError[] = [];
  const dialects: string[] = [];
  const seen = new Set<string>();
  for (const { call, dialect } of raw) {
    if (call.name === '' && call.malformed !== undefined) {
      errors.push({ kind: 'malformed', message: `A tool call could not be read: ${call.malformed}. Write the call again as valid JSON: {"name": <tool>, "arguments": {…}}.` });
      continue;
    }
    const repaired = repairCall(call, tools);
    if (repaired.error) {
      errors.push(repaired.error);
      continue;
    }
    // The same call twice in one reply is an echo, not a request to do it twice.
    const key = JSON.stringify([repaired.call!.name, repaired.call!.arguments]);
    if (seen.has(key)) continue;
    seen.add(key);
    calls.push(repaired.call!);
    if (!dialects.includes(dialect)) dialects.push(dialect);
  }

  const result: ParseResult = { calls, content: cleanContent(found.remaining, raw.length > 0), errors: summarizeErrors(errors) };
  const reasoningText = reasoning.join('\n\n').trim();
  if (reasoningText) result.reasoning = reasoningText;
  if (dialects.length) result.dialect = dialects.join('+');
  return result;
}

/**
 * Finds the tool calls in a model's reply, in whatever dialect it wrote them. `tools` are the
 * tool definitions sent to the model; an empty list accepts any tool name. Never throws.
 */
export function parseToolCalls(text: string, tools: ToolDefinition[]): ParseResult {
  const input = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
  try {
    return parse(input, sanitizeTools(tools));
  } catch (err) {
    return {
      calls: [],
      content: input.trim(),
      errors: [{ kind: 'malformed', message: `The reply could not be read for tool calls (${(err as Error)?.message ?? String(err)}).` }],
    };
  }
}
