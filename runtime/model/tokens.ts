import type { ChatMessage } from './types.js';

/**
 * Token counting. The exact tokenizer of a local model is unknown (and differs per family), so we
 * count with a real BPE: cl100k via gpt-tokenizer, the base that Llama 3 and Qwen extend, so closer to
 * the local families than o200k and a third of its load time (~0.25 s vs ~0.7 s, paid on every start).
 * Loaded lazily on first use; before it is loaded, and for very large texts, a chars/4 estimate stands in.
 */
type Encoder = (text: string) => number;
let encoder: Encoder | undefined;
let loading: Promise<void> | undefined;

export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/cl100k_base').then((m) => {
    encoder = (text) => m.countTokens(text);
  });
  return loading;
}

const cache = new Map<string, number>();
const CACHE_LIMIT = 2000;

export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  if (!encoder || text.length > 200_000) return Math.ceil(text.length / 4);
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const n = encoder(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, n);
  return n;
}

/** Per-message framing overhead of chat templates (role markers, separators). */
const MESSAGE_OVERHEAD = 4;

export function countMessageTokens(message: ChatMessage): number {
  let n = MESSAGE_OVERHEAD + countTokens(message.content);
  if (message.role === 'assistant' && message.tool_calls) {
    for (const call of message.tool_calls) n += countTokens(call.name) + countTokens(call.arguments) + 3;
  }
  return n;
}

export function countMessagesTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + countMessageTokens(m), 0);
}
