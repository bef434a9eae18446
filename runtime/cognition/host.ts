/**
 * The seam between compiled prompts and the engine: the runtime never talks to a model server
 * itself; it calls `host.complete`, which the engine implements with its model client.
 */
import type { ModelSettings } from './layer.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * A model declaration with env() resolved and unset fields inherited from the default model:
 * the declared settings (`ModelSettings`) less `optional`, plus what resolving them decided.
 */
export interface ResolvedModel extends Omit<ModelSettings, 'optional'> {
  /** The declaration name in .marrow (`local`, `strong`). */
  decl: string;
  /** False when the model is optional and its name resolved to nothing. */
  available: boolean;
}

export interface CompletionRequest {
  /** Model declaration name; `modelSpec` has the resolved settings. */
  model: string;
  modelSpec: ResolvedModel;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Aborted on timeout or when the caller cancels; pass it to the HTTP request. */
  signal: AbortSignal;
  /** The prompt declaration making the call, for the engine's own logs. */
  prompt: string;
}

export interface CompletionResult {
  text: string;
  usage?: { promptTokens: number; completionTokens: number };
}

export interface CognitionHost {
  complete(request: CompletionRequest): Promise<CompletionResult>;
  /** Traces go to <projectRoot>/.smallcode/traces/, the persistent cache to .smallcode/cache/. */
  projectRoot: string;
}
