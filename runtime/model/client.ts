import type { ServerFlavor } from './server.js';
import type { AgentPolicy } from '../agent/policy.js';
import { describeNetworkError, htmlAnswerMessage, isHtmlAnswer } from './http.js';
import { AttemptError, ReplyTooLong, StreamWatch, WatchTimeout } from './watch.js';
import { ThinkSplitter } from './thinking.js';
import { countMessagesTokens, countTokens } from './tokens.js';
import type { ChatMessage, CompletionRequest, CompletionResult, RawToolCall, Usage } from './types.js';

/** The request failed for good (after retries); `message` is one line a user can act on. */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The server refuses the `tools` parameter (e.g. llama.cpp without --jinja): use text tool calls. */
export class ToolsUnsupportedError extends ModelError {
  override name = 'ToolsUnsupportedError';
}

export interface ModelClientOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  transport: 'openai' | 'ollama-native';
  /** The server, when probing told it: llama.cpp is asked to keep the prompt cached. */
  flavor?: ServerFlavor;
  /** Ollama only: the context to load the model with. */
  numCtx?: number;
  /** Ollama only: how long the model (and with it the prompt cache) stays loaded after a request. */
  keepAlive?: string;
  policy: AgentPolicy['model'];
  thinkingDisable: boolean;
  /** Retry notices and similar one-liners (the CLI prints them dimmed on stderr). */
  log?: (line: string) => void;
}

class ThinkingOverBudget extends Error {}

interface Accumulated {
  splitter: ThinkSplitter;
  reasoning: string;
  toolCalls: Map<number, RawToolCall>;
  finishReason: string;
  usage?: { promptTokens: number; completionTokens: number; cachedTokens?: number };
}

/** Where a transport puts what it streams: the accumulators and the content / thinking routes. */
interface StreamSink {
  acc: Accumulated;
  onContent: (text: string) => void;
  onReasoning: (text: string) => void;
  /** Told of every chunk (first token, silence) and of the reply's growth (its length cap). */
  watch: StreamWatch;
}

const CHARS_PER_TOKEN = 4;

/**
 * One model endpoint. Streams every reply, caps thinking at the budget (re-asking with thinking
 * off when a reply blows it), retries connection failures, timeouts, 429 and 5xx with backoff,
 * and drops optional request fields a strict server rejects.
 */
export class ModelClient {
  readonly model: string;
  private openai: Promise<import('openai').OpenAI> | undefined;
  /** Optional hints (thinking control, usage in stream) — dropped once a server rejects them. */
  private hintsAccepted = true;
  /** The last stream event the SDK could not parse (for the error message, instead of its console lines). */
  private malformedEvent: string | undefined;

  constructor(private readonly opts: ModelClientOptions) {
    this.model = opts.model;
  }

  async complete(req: CompletionRequest): Promise<CompletionResult> {
    const { retry } = this.opts.policy;
    let thinkingOff = this.opts.thinkingDisable;
    let capped = false;
    let failures = 0;
    const started = Date.now();
    const budgetMs = this.opts.policy.retryBudgetMs;
    for (;;) {
      try {
        const remainingMs = Math.max(1, budgetMs - (Date.now() - started));
        const result = await this.attempt(req, { thinkingOff, enforceBudget: !capped, remainingMs });
        return { ...result, attempts: failures + 1, thinkingCapped: capped };
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason ?? err;
        if (err instanceof ThinkingOverBudget) {
          if (capped) throw new ModelError('the model kept thinking past the thinking budget');
          // Re-ask once with thinking off; if the model thinks on anyway, keep the budget only.
          capped = true;
          thinkingOff = true;
          this.opts.log?.(`thinking passed ${this.opts.policy.thinkingBudgetTokens} tokens; asking again with thinking off`);
          continue;
        }
        if (err instanceof ReplyTooLong) throw new ModelError(err.message);
        if (!(err instanceof AttemptError)) throw err;
        if (err.status === 400 && this.hintsAccepted) {
          this.hintsAccepted = false; // a strict server: retry plainly, without optional fields
          continue;
        }
        if (err.status === 400 && req.tools?.length && /tool|function|jinja/i.test(err.message)) {
          throw new ToolsUnsupportedError(`the server refuses native tool calls (${err.message}); switching to text tool calls`, 400);
        }
        failures++;
        if (!err.retryable || failures >= retry.maxAttempts) {
          throw new ModelError(`model request to ${this.opts.baseUrl} failed: ${err.message}`, err.status);
        }
        const wait = err.retryAfterMs ?? backoffMs(retry, failures);
        const spentMs = Date.now() - started;
        if (spentMs + wait >= budgetMs) {
          throw new ModelError(
            `model request to ${this.opts.baseUrl} failed: ${err.message}; gave up after ${failures} attempt${failures === 1 ? '' : 's'} in ${seconds(spentMs)} s (retry budget ${seconds(budgetMs)} s, SMALLCODE_MODEL_RETRY_BUDGET)`,
            err.status,
          );
        }
        this.opts.log?.(`model request failed (${err.message}); retry ${failures}/${retry.maxAttempts - 1} in ${Math.round(wait)} ms`);
        await sleep(wait, req.signal);
      }
    }
  }

  private async attempt(
    req: CompletionRequest,
    mode: { thinkingOff: boolean; enforceBudget: boolean; remainingMs: number },
  ): Promise<Omit<CompletionResult, 'attempts' | 'thinkingCapped'>> {
    const controller = new AbortController();
    const { policy } = this.opts;
    const watch = new StreamWatch({
      // Never wait for a first token past what is left of the retry budget.
      firstTokenMs: Math.min(policy.timeoutMs, mode.remainingMs),
      idleMs: policy.idleTimeoutMs,
      noticeMs: policy.waitNoticeMs,
      maxReplyChars: policy.maxOutputTokens * CHARS_PER_TOKEN,
      maxReplyTokens: policy.maxOutputTokens,
      source: `${this.model} at ${this.opts.baseUrl}`,
      abort: (reason) => controller.abort(reason),
      log: this.opts.log,
    });
    const onAbort = () => controller.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const acc: Accumulated = { splitter: new ThinkSplitter(), reasoning: '', toolCalls: new Map(), finishReason: 'stop' };
    const budgetChars = this.opts.policy.thinkingBudgetTokens * CHARS_PER_TOKEN;
    const onReasoning = (text: string) => {
      if (!text) return;
      watch.grew(text.length);
      const room = budgetChars - acc.reasoning.length;
      if (room <= 0) {
        if (mode.enforceBudget) throw new ThinkingOverBudget();
        return; // over budget on the re-ask: drop the rest, never keep it
      }
      const kept = text.slice(0, room);
      acc.reasoning += kept;
      req.onDelta?.({ kind: 'reasoning', text: kept });
      if (kept.length < text.length && mode.enforceBudget) throw new ThinkingOverBudget();
    };
    let fedReasoning = 0;
    const onContent = (text: string) => {
      watch.grew(text.length);
      const split = acc.splitter.push(text);
      fedReasoning += split.reasoning.length;
      if (split.reasoning) onReasoning(split.reasoning);
      if (split.content) req.onDelta?.({ kind: 'content', text: split.content });
    };
    try {
      const sink: StreamSink = { acc, onContent, onReasoning, watch };
      if (this.opts.transport === 'ollama-native') await this.streamOllama(req, mode, controller.signal, sink);
      else await this.streamOpenAI(req, mode, controller.signal, sink);
      // The SDK ends an aborted stream quietly: a reply cut by a timeout or a cancel is not an answer.
      if (controller.signal.aborted) throw controller.signal.reason ?? new Error('aborted');
    } catch (err) {
      if (err instanceof ThinkingOverBudget || err instanceof ReplyTooLong) {
        controller.abort();
        throw err;
      }
      if (req.signal?.aborted) throw err;
      const reason: unknown = controller.signal.reason;
      if (controller.signal.aborted && reason instanceof WatchTimeout) throw new AttemptError(reason.message, true);
      if (controller.signal.aborted && reason instanceof ReplyTooLong) throw reason;
      throw classify(err, this.malformedEvent);
    } finally {
      watch.stop();
      req.signal?.removeEventListener('abort', onAbort);
    }
    const tail = acc.splitter.end();
    if (tail.content) req.onDelta?.({ kind: 'content', text: tail.content });
    // Everything the splitter found (including a bare leading `…</think>`) goes through the budget.
    onReasoning(acc.splitter.reasoning.slice(fedReasoning));
    const content = acc.splitter.content;
    const toolCalls = [...acc.toolCalls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    const usage: Usage = acc.usage
      ? { ...acc.usage, estimated: false }
      : {
          promptTokens: countMessagesTokens(req.messages) + (req.tools ? countTokens(JSON.stringify(req.tools)) : 0),
          completionTokens: countTokens(content) + countTokens(acc.reasoning) + toolCalls.reduce((n, c) => n + countTokens(c.arguments), 0),
          estimated: true,
        };
    return { content, reasoning: acc.reasoning, toolCalls, finishReason: acc.finishReason, usage };
  }

  private client(): Promise<import('openai').OpenAI> {
    const baseUrl = this.opts.baseUrl;
    this.openai ??= import('openai').then(
      ({ OpenAI }) =>
        new OpenAI({
          baseURL: baseUrl,
          apiKey: this.opts.apiKey || 'not-needed',
          maxRetries: 0,
          timeout: this.opts.policy.timeoutMs,
          // A 200 with a web page (a proxy, a UI on the API's port) is not a reply: say so.
          fetch: async (url: string | URL | Request, init?: RequestInit) => {
            const res = await fetch(url, init);
            if (isHtmlAnswer(res)) {
              await res.body?.cancel().catch(() => undefined);
              throw new AttemptError(htmlAnswerMessage(baseUrl, res.status), false, res.status);
            }
            return res;
          },
          // The SDK prints a stream event it cannot parse to the console; we say it in one line instead.
          logLevel: 'error',
          logger: {
            error: (message: string, data?: unknown) => {
              if (/Could not parse message into JSON/.test(message)) this.malformedEvent = String(data ?? '');
            },
            warn: () => undefined,
            info: () => undefined,
            debug: () => undefined,
          },
        }),
    );
    return this.openai;
  }

  private async streamOpenAI(req: CompletionRequest, mode: { thinkingOff: boolean }, signal: AbortSignal, sink: StreamSink): Promise<void> {
    const { acc, onContent, onReasoning } = sink;
    const openai = await this.client();
    const body: Record<string, unknown> = {
      model: this.model,
      messages: toOpenAIMessages(req.messages, mode.thinkingOff),
      stream: true,
    };
    if (req.tools?.length) body.tools = req.tools;
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
    // llama.cpp reuses the previous request's prefix only when asked (older builds default to off).
    if (this.opts.flavor === 'llamacpp') body.cache_prompt = true;
    if (this.hintsAccepted) {
      body.stream_options = { include_usage: true };
      // Ways servers understand "think less": reasoning_effort (OpenAI, vLLM, LM Studio, gpt-oss);
      // chat_template_kwargs.enable_thinking (vLLM, SGLang, llama.cpp --jinja for Qwen3 & co).
      body.reasoning_effort = 'low';
      if (mode.thinkingOff) body.chat_template_kwargs = { enable_thinking: false };
    }
    this.malformedEvent = undefined;
    const stream = (await openai.chat.completions.create(body as never, { signal })) as unknown as AsyncIterable<StreamChunk>;
    for await (const chunk of stream) {
      sink.watch.heard();
      if (chunk.usage) acc.usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 };
      const cached = chunk.usage?.prompt_tokens_details?.cached_tokens ?? chunk.timings?.cache_n;
      if (acc.usage && typeof cached === 'number') acc.usage.cachedTokens = cached;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string') onReasoning(reasoning);
      if (typeof delta.content === 'string') onContent(delta.content);
      for (const tc of delta.tool_calls ?? []) {
        const index = tc.index ?? acc.toolCalls.size;
        const call = acc.toolCalls.get(index) ?? { id: tc.id ?? `call_${index}`, name: '', arguments: '' };
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name += tc.function.name;
        if (tc.function?.arguments) {
          call.arguments += tc.function.arguments;
          sink.watch.grew(tc.function.arguments.length);
        }
        acc.toolCalls.set(index, call);
      }
      if (choice.finish_reason) acc.finishReason = choice.finish_reason;
    }
  }

  private async streamOllama(req: CompletionRequest, mode: { thinkingOff: boolean }, signal: AbortSignal, sink: StreamSink): Promise<void> {
    const origin = new URL(this.opts.baseUrl).origin;
    const options: Record<string, unknown> = {};
    if (this.opts.numCtx) options.num_ctx = this.opts.numCtx;
    if (req.temperature !== undefined) options.temperature = req.temperature;
    if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
    const body: Record<string, unknown> = { model: this.model, messages: toOllamaMessages(req.messages), stream: true, options };
    if (req.tools?.length) body.tools = req.tools;
    if (this.opts.keepAlive) body.keep_alive = this.opts.keepAlive;
    if (mode.thinkingOff && this.hintsAccepted) body.think = false;
    const res = await fetch(`${origin}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    if (isHtmlAnswer(res)) {
      await res.body?.cancel().catch(() => undefined);
      throw new AttemptError(htmlAnswerMessage(origin, res.status), false, res.status);
    }
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      throw new AttemptError(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, isRetryableStatus(res.status), res.status);
    }
    const decoder = new TextDecoder();
    let pending = '';
    let done = false;
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
      sink.watch.heard();
      pending += decoder.decode(bytes, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) done = this.ollamaLine(line, sink) || done;
      }
    }
    if (pending.trim()) done = this.ollamaLine(pending.trim(), sink) || done;
    if (!done) throw new AttemptError('the stream ended before the reply was complete', true);
  }

  private ollamaLine(line: string, sink: StreamSink): boolean {
    const { acc, onContent, onReasoning } = sink;
    let msg: OllamaChunk;
    try {
      msg = JSON.parse(line) as OllamaChunk;
    } catch {
      throw new AttemptError(`Ollama sent a line that is not JSON: ${line.slice(0, 80)}`, true);
    }
    if (msg.error) throw new AttemptError(`Ollama: ${msg.error}`, false, 400);
    if (msg.message?.thinking) onReasoning(msg.message.thinking);
    if (msg.message?.content) onContent(msg.message.content);
    if (msg.message?.tool_calls?.length) sink.watch.grew(JSON.stringify(msg.message.tool_calls).length);
    for (const tc of msg.message?.tool_calls ?? []) {
      const index = acc.toolCalls.size;
      const args = tc.function?.arguments;
      acc.toolCalls.set(index, {
        id: `call_${index}`,
        name: tc.function?.name ?? '',
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
      });
    }
    if (msg.done) {
      acc.finishReason = msg.done_reason === 'length' ? 'length' : acc.toolCalls.size ? 'tool_calls' : 'stop';
      if (msg.prompt_eval_count !== undefined || msg.eval_count !== undefined) {
        acc.usage = { promptTokens: msg.prompt_eval_count ?? 0, completionTokens: msg.eval_count ?? 0 };
      }
      return true;
    }
    return false;
  }
}

interface StreamChunk {
  choices?: Array<{
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
  /** llama.cpp: cache_n prompt tokens came from the cache, prompt_n were processed. */
  timings?: { cache_n?: number; prompt_n?: number };
}

interface OllamaChunk {
  message?: { content?: string; thinking?: string; tool_calls?: Array<{ function?: { name?: string; arguments?: unknown } }> };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

/** Qwen3's soft switch: when thinking must be off, the last user message says so too. */
function toOpenAIMessages(messages: ChatMessage[], thinkingOff: boolean): unknown[] {
  const out: unknown[] = messages.map((m) => {
    if (m.role === 'assistant' && m.tool_calls?.length) {
      return {
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      };
    }
    if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.tool_call_id };
    return { role: m.role, content: m.content };
  });
  if (thinkingOff) {
    for (let i = out.length - 1; i >= 0; i--) {
      const m = out[i] as { role: string; content: string };
      if (m.role === 'user') {
        out[i] = { ...m, content: `${m.content}\n/no_think` };
        break;
      }
    }
  }
  return out;
}

function toOllamaMessages(messages: ChatMessage[]): unknown[] {
  return messages.map((m) => {
    if (m.role === 'assistant' && m.tool_calls?.length) {
      return {
        role: 'assistant',
        content: m.content,
        tool_calls: m.tool_calls.map((c) => ({ function: { name: c.name, arguments: safeParse(c.arguments) } })),
      };
    }
    if (m.role === 'tool') return { role: 'tool', content: m.content, tool_name: m.name };
    return { role: m.role, content: m.content };
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Sorts an SDK or network error into retryable or not, with a one-line reason. */
function classify(err: unknown, malformedEvent?: string): AttemptError {
  if (err instanceof AttemptError) return err;
  const wrapped = (err as { cause?: unknown })?.cause;
  if (wrapped instanceof AttemptError) return wrapped; // thrown by our fetch, wrapped by the SDK
  if (err instanceof SyntaxError && malformedEvent !== undefined) {
    const shown = malformedEvent.length > 80 ? `${malformedEvent.slice(0, 80)}…` : malformedEvent;
    return new AttemptError(`the server sent a stream event that is not JSON: ${JSON.stringify(shown)}`, true);
  }
  const e = err as { status?: number; message?: string; headers?: { get?: (k: string) => string | null } | Record<string, string>; error?: { message?: string } };
  if (typeof e?.status === 'number') {
    const status = e.status;
    const detail = (e.error?.message ?? e.message ?? '').replace(/^\d{3}\s*/, '').slice(0, 200);
    let retryAfterMs: number | undefined;
    const header = typeof e.headers?.get === 'function' ? e.headers.get('retry-after') : (e.headers as Record<string, string> | undefined)?.['retry-after'];
    if (header && /^\d+(\.\d+)?$/.test(header)) retryAfterMs = Math.min(Number(header) * 1000, 60_000);
    return new AttemptError(`HTTP ${status}${detail ? `: ${detail}` : ''}`, isRetryableStatus(status), status, retryAfterMs);
  }
  // Anything else is transport: refused, reset, a stream cut mid-reply.
  const cause = (err as { cause?: unknown })?.cause;
  return new AttemptError(describeNetworkError(cause ?? err), true);
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

function backoffMs(retry: AgentPolicy['model']['retry'], attempt: number): number {
  const base = retry.backoff === 'exponential' ? retry.intervalMs * 2 ** (attempt - 1) : retry.intervalMs;
  return retry.jitter ? base * (0.5 + Math.random() * 0.5) : base;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
