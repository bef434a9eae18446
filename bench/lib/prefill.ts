/**
 * What a prefix-caching model server (llama.cpp `cache_prompt`, Ollama, LM Studio, vLLM prefix
 * caching, MLX) must prefill for a sequence of chat requests. The server keeps the previous
 * request's prompt in its cache (one slot: whatever came last, side prompts included) and
 * re-processes everything after the first token that differs. The minimum is what a perfectly
 * append-only conversation would process: each message the first time it appears.
 *
 * Requests are rendered the way chat templates lay them out: the system prompt, then the tool
 * schemas (Qwen, Hermes, Llama 3.1 … put them at the top), then the messages in order — so a
 * changed tool list costs the whole prompt, and a rewritten old message everything after it.
 */
import { countTokens } from '../../runtime/model/tokens.js';

export interface WireMessage {
  role: string;
  content?: string | null;
  tool_calls?: Array<{ id?: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  name?: string;
}

export interface WireRequest {
  messages: WireMessage[];
  tools?: unknown[];
}

export interface PrefillRequest {
  /** Prompt tokens of the request as rendered. */
  sent: number;
  /** Tokens after the prefix shared with the previous request: what the server prefills. */
  prefilled: number;
  /** Tokens of what is new in this request (messages and tools not seen before). */
  minimum: number;
}

export interface PrefillTotals {
  requests: PrefillRequest[];
  sent: number;
  prefilled: number;
  minimum: number;
  /** prefilled / minimum: 1.00 means every token was prefilled once. */
  ratio: number;
  /** The largest single request, in prompt tokens. */
  largest: number;
}

function renderMessage(m: WireMessage): string {
  const calls = (m.tool_calls ?? []).map((c) => `<tool_call>${c.function.name} ${c.function.arguments}</tool_call>`).join('');
  return `<im_start>${m.role}${m.name ? ` ${m.name}` : ''}\n${m.content ?? ''}${calls}<im_end>\n`;
}

/** The parts of a rendered prompt in order: the system message with the tools, then each message. */
export function renderParts(req: WireRequest): string[] {
  const [first, ...rest] = req.messages;
  const tools = req.tools?.length ? `# Tools\n${req.tools.map((t) => JSON.stringify(t)).join('\n')}\n` : '';
  const head = first?.role === 'system' ? `<im_start>system\n${first.content ?? ''}\n${tools}<im_end>\n` : `<im_start>system\n${tools}<im_end>\n`;
  const messages = first?.role === 'system' ? rest : req.messages;
  return [head, ...messages.map(renderMessage)];
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Prefill cost of `requests` in order against a one-slot prefix cache. */
export function measurePrefill(requests: readonly WireRequest[]): PrefillTotals {
  const seen = new Set<string>();
  let previous = '';
  const out: PrefillRequest[] = [];
  for (const req of requests) {
    const parts = renderParts(req);
    const text = parts.join('');
    const sent = countTokens(text);
    const shared = commonPrefixLength(previous, text);
    const prefilled = shared === 0 ? sent : Math.max(0, sent - countTokens(text.slice(0, shared)));
    let minimum = 0;
    for (const part of parts) {
      if (seen.has(part)) continue;
      seen.add(part);
      minimum += countTokens(part);
    }
    out.push({ sent, prefilled, minimum });
    previous = text;
  }
  const sum = (key: keyof PrefillRequest) => out.reduce((n, r) => n + r[key], 0);
  const minimum = sum('minimum');
  return { requests: out, sent: sum('sent'), prefilled: sum('prefilled'), minimum, ratio: minimum ? sum('prefilled') / minimum : 1, largest: Math.max(0, ...out.map((r) => r.sent)) };
}

/**
 * The requests (by index) whose earlier content is not carried unchanged into the next one:
 * the points where the server must prefill old tokens again. `anchor` tells a trailing message
 * that is re-sent fresh on every request by design (the plan), which does not count.
 */
export function prefixBreaks(requests: readonly WireRequest[], anchor: (m: WireMessage) => boolean = () => false): number[] {
  const breaks: number[] = [];
  for (let i = 1; i < requests.length; i++) {
    const before = requests[i - 1]!;
    const after = requests[i]!;
    const kept = before.messages.filter((m, j) => !(j === before.messages.length - 1 && anchor(m)));
    const sameTools = JSON.stringify(before.tools ?? []) === JSON.stringify(after.tools ?? []);
    const samePrefix = kept.every((m, j) => JSON.stringify(m) === JSON.stringify(after.messages[j]));
    if (!sameTools || !samePrefix) breaks.push(i);
  }
  return breaks;
}
