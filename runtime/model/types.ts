import type { ToolDefinition } from './toolcalls/index.js';

export type { ToolDefinition };

/** A native tool call as the API returned it: arguments are the raw (possibly broken) JSON text. */
export interface RawToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One message of the conversation, in the OpenAI chat shape every server understands. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls?: RawToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string; name: string };

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** True when the server sent no usage and the numbers are our estimate. */
  estimated: boolean;
  /**
   * Prompt tokens the server took from its prefix cache instead of prefilling them, when it says
   * (OpenAI-style `prompt_tokens_details.cached_tokens`, llama.cpp `timings.cache_n`).
   */
  cachedTokens?: number;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  /** Tool schemas for native tool calling; omit in text mode. */
  tools?: ToolDefinition[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Streaming progress: content and (capped) thinking deltas as they arrive. */
  onDelta?: (delta: { kind: 'content' | 'reasoning'; text: string }) => void;
}

export interface CompletionResult {
  content: string;
  /** Thinking text, at most the thinking budget; never sent back to the model. */
  reasoning: string;
  toolCalls: RawToolCall[];
  finishReason: string;
  usage: Usage;
  /** Requests made, including retries. */
  attempts: number;
  /** The thinking budget ran out and the reply was re-asked with thinking off. */
  thinkingCapped: boolean;
}
