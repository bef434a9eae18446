// A scripted OpenAI-compatible model server for tests: real HTTP on 127.0.0.1, real SSE, and the
// native side-endpoints of Ollama, LM Studio and llama.cpp, fed with turns the test writes down.
// Run by hand: tsx test/support/scripted-server.ts --script turns.json [--port N] [--flavor ollama]
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

export interface ScriptedToolCall {
  name: string;
  /** A string is sent verbatim (it may be broken JSON); an object is JSON-encoded. */
  arguments: string | Record<string, unknown>;
  id?: string;
}

export type Fault =
  | { kind: 'http_error'; status: number; body?: string; retryAfter?: number }
  | { kind: 'hang' }
  | { kind: 'cut'; afterChars: number }
  /** Like cut, but the connection stays open and silent (a server stuck mid-reply). */
  | { kind: 'stall'; afterChars: number }
  | { kind: 'slow'; delayMs: number }
  /** Streaming: the headers (200, text/event-stream), then silence with the socket open. */
  | { kind: 'silent_after_headers' }
  /** Streaming: text deltas every `delayMs` (default 2) that never end, until the client goes. */
  | { kind: 'endless'; delayMs?: number }
  /** A 200 answer with a web page (a proxy or a UI on the API's port). */
  | { kind: 'html' }
  /** Streaming: an event whose data is not JSON, after one good delta. */
  | { kind: 'malformed_sse' };

export interface ScriptedTurn {
  content?: string;
  /** Sent as `reasoning_content` (OpenAI-compatible) or `message.thinking` (Ollama native). */
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  /** Default: 'tool_calls' when toolCalls are present, else 'stop'. */
  finishReason?: string;
  /** false = send no usage at all; default: an estimate from the characters exchanged. */
  usage?: { prompt_tokens: number; completion_tokens: number } | false;
  fault?: Fault;
  /** Characters per streamed text delta (default 8) so that streaming is real. */
  chunkSize?: number;
}

export interface RecordedRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body was JSON, the raw text otherwise, undefined when empty. */
  body: any;
  receivedAt: number;
}

export interface ScriptedModel {
  id: string;
  /** The model's trained context (Ollama model_info, LM Studio max_context_length, vLLM max_model_len). */
  contextLength?: number;
  /** Ollama only: a `PARAMETER num_ctx` in the model's Modelfile, shown by /api/show `parameters`. */
  numCtx?: number;
  /** An embedding model (Ollama /api/show capabilities ['embedding'], LM Studio type 'embeddings'); default a chat model. */
  embedding?: boolean;
  /** In memory (Ollama /api/ps, LM Studio state 'loaded'); default: only the first model, and only when `loadedContext` is set. */
  loaded?: boolean;
}

export interface ScriptedServerOptions {
  turns?: ScriptedTurn[];
  /** When the script runs out: a 500 with a clear message (default) or this turn, repeated. */
  onExhausted?: 'error' | ScriptedTurn;
  models?: ScriptedModel[];
  flavor?: 'openai' | 'ollama' | 'lmstudio' | 'llamacpp';
  /** The context the server has LOADED (Ollama /api/ps, llama.cpp /props n_ctx, LM Studio loaded_context_length). */
  loadedContext?: number;
  /** Dynamic alternative to `turns`; returning undefined falls back to the queued turns. */
  respond?: (req: RecordedRequest, index: number) => ScriptedTurn | undefined;
  /** Port to bind on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * Report a prefix cache the way real servers do: the prompt shared with the previous chat
   * request (4 characters a token) as OpenAI-style `usage.prompt_tokens_details.cached_tokens`,
   * and on the llamacpp flavor as `timings.cache_n` / `prompt_n` in the last chunk.
   */
  prefixCache?: boolean;
  /**
   * The API only under /v1, and an HTML page (200 at /, 404 elsewhere) for any other path, as
   * a server with a web UI on the same port answers a base URL that lacks /v1.
   */
  webUiOutsideV1?: boolean;
}

export interface ScriptedServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** Only chat requests (OpenAI /v1/chat/completions or Ollama /api/chat). */
  chatRequests(): RecordedRequest[];
  push(...turns: ScriptedTurn[]): void;
  /** Closes the server and ends every open (including hung) connection. */
  close(): Promise<void>;
}

const DEFAULT_CHUNK = 8;
const CHAT_PATHS = new Set(['/v1/chat/completions', '/chat/completions', '/api/chat']);

export async function startScriptedServer(opts: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const queue: ScriptedTurn[] = [...(opts.turns ?? [])];
  const models: ScriptedModel[] = opts.models?.length ? opts.models : [{ id: 'scripted-model' }];
  const flavor = opts.flavor ?? 'openai';
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let chatCount = 0;
  let closed = false;
  /** The previous chat request's prompt, for `prefixCache`. */
  let cachedPrompt = '';

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `scripted server bug: ${String(err)}` } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    let body: any = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const recorded: RecordedRequest = {
      path,
      method: req.method ?? 'GET',
      headers: { ...req.headers },
      body,
      receivedAt: Date.now(),
    };
    requests.push(recorded);

    const method = recorded.method;
    if (opts.webUiOutsideV1 && !path.startsWith('/v1/')) {
      res.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Model UI</title></head><body><h1>${path === '/' ? 'Welcome' : 'Not Found'}</h1></body></html>`);
      return;
    }
    if (method === 'POST' && CHAT_PATHS.has(path)) {
      if (typeof body !== 'object' || body === null || !Array.isArray(body.messages)) {
        const message = 'request body must be a JSON object with a "messages" array';
        return path === '/api/chat' ? sendJson(res, 400, { error: message }) : sendJson(res, 400, openAiError(message, 'invalid_request_error'));
      }
      const index = chatCount++;
      const turn = nextTurn(recorded, index);
      if (!turn) {
        const message = `scripted server: the script is exhausted (chat request #${index + 1}, no turn left)`;
        return path === '/api/chat' ? sendJson(res, 500, { error: message }) : sendJson(res, 500, openAiError(message, 'server_error'));
      }
      if (path === '/api/chat') return ollamaChat(res, body, turn);
      return openAiChat(res, body, turn);
    }
    if (method === 'GET' && (path === '/v1/models' || path === '/models')) return sendJson(res, 200, listModels());
    if (flavor === 'ollama') {
      if (method === 'GET' && path === '/api/tags') return sendJson(res, 200, { models: models.map(ollamaModelEntry) });
      if (method === 'GET' && path === '/api/ps') return sendJson(res, 200, ollamaPs());
      if (method === 'POST' && path === '/api/show') return ollamaShow(res, body);
      if (method === 'GET' && path === '/api/version') return sendJson(res, 200, { version: '0.12.0' });
      if (method === 'GET' && path === '/') return sendText(res, 200, 'Ollama is running');
    }
    if (flavor === 'lmstudio' && method === 'GET' && path === '/api/v0/models') return sendJson(res, 200, lmStudioModels());
    if (flavor === 'llamacpp') {
      if (method === 'GET' && path === '/props') return sendJson(res, 200, llamaCppProps());
      if (method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok' });
    }
    sendJson(res, 404, openAiError(`scripted server: no route for ${method} ${path}`, 'not_found_error'));
  }

  function nextTurn(req: RecordedRequest, index: number): ScriptedTurn | undefined {
    const dynamic = opts.respond?.(req, index);
    if (dynamic) return dynamic;
    const queued = queue.shift();
    if (queued) return queued;
    return opts.onExhausted && opts.onExhausted !== 'error' ? opts.onExhausted : undefined;
  }

  // ---------- OpenAI-compatible chat ----------

  async function openAiChat(res: http.ServerResponse, body: any, turn: ScriptedTurn): Promise<void> {
    const fault = turn.fault;
    if (fault?.kind === 'http_error') return httpError(res, fault, false);
    if (fault?.kind === 'hang') return; // the response stays open until the client aborts or close()
    if (fault?.kind === 'html') return sendText(res, 200, '<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>', 'text/html; charset=utf-8');

    const model = typeof body.model === 'string' && body.model ? body.model : models[0]!.id;
    const id = `chatcmpl-scripted-${chatCount}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls = (turn.toolCalls ?? []).map((call, i) => ({
      id: call.id ?? `call_${chatCount}_${i}`,
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }));
    const finishReason = turn.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop');
    const usage = usageFor(turn, body);

    if (body.stream !== true) {
      const message: Record<string, unknown> = { role: 'assistant', content: turn.content ?? null, refusal: null };
      if (turn.reasoning !== undefined) message.reasoning_content = turn.reasoning;
      if (toolCalls.length) {
        message.tool_calls = toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      }
      const completion: Record<string, unknown> = {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      };
      if (usage) completion.usage = usage;
      const text = JSON.stringify(completion);
      if (fault?.kind === 'cut' || fault?.kind === 'stall') return cutBody(res, 'application/json', text, fault);
      if (fault?.kind === 'slow') await delay(fault.delayMs);
      return sendText(res, 200, text, 'application/json');
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    const slowMs = fault?.kind === 'slow' ? fault.delayMs : 0;
    const cutAt = fault?.kind === 'cut' || fault?.kind === 'stall' ? fault.afterChars : Infinity;
    let textSent = 0;
    const send = async (payload: unknown) => {
      if (slowMs) await delay(slowMs);
      if (res.destroyed) throw new ClientGone();
      res.write(`data: ${JSON.stringify(payload)}\n\n`);
    };
    // Streams text pieces; stops (and reports false) once the cut point is reached.
    const streamText = async (text: string, field: 'content' | 'reasoning_content'): Promise<boolean> => {
      for (const piece of pieces(text, turn.chunkSize ?? DEFAULT_CHUNK)) {
        const room = cutAt - textSent;
        if (room <= 0) return false;
        const part = piece.length > room ? piece.slice(0, room) : piece;
        await send(chunk({ [field]: part }));
        textSent += part.length;
        if (part.length < piece.length) return false;
      }
      return true;
    };
    if (fault?.kind === 'silent_after_headers') return;
    try {
      await send(chunk({ role: 'assistant', content: '' }));
      if (fault?.kind === 'endless') {
        for (;;) {
          await delay(fault.delayMs ?? 2);
          await send(chunk({ content: 'and again ' }));
        }
      }
      if (fault?.kind === 'malformed_sse') {
        await send(chunk({ content: 'Half' }));
        res.write('data: {"choices": [{"delta": {"content": "broken\n\n');
        res.write('data: [DONE]\n\n');
        return void res.end();
      }
      let complete = true;
      if (turn.reasoning) complete = await streamText(turn.reasoning, 'reasoning_content');
      if (complete && turn.content) complete = await streamText(turn.content, 'content');
      if (!complete || cutAt !== Infinity) {
        // A cut or stall always lands mid-reply: the finish chunk and [DONE] never arrive.
        return stopMidReply(res, fault);
      }
      for (const [i, call] of toolCalls.entries()) {
        await send(chunk({ tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
        for (const piece of pieces(call.arguments, turn.chunkSize ?? DEFAULT_CHUNK)) {
          await send(chunk({ tool_calls: [{ index: i, function: { arguments: piece } }] }));
        }
      }
      const timings = flavor === 'llamacpp' && usage?.prompt_tokens_details ? { cache_n: usage.prompt_tokens_details.cached_tokens, prompt_n: usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens } : undefined;
      await send({ ...chunk({}, finishReason), ...(timings ? { timings } : {}) });
      if (usage && body.stream_options?.include_usage) {
        await send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
      }
      if (res.destroyed) return;
      res.write('data: [DONE]\n\n');
      res.end();
    } catch (err) {
      if (!(err instanceof ClientGone)) throw err;
    }
  }

  // ---------- Ollama native chat ----------

  async function ollamaChat(res: http.ServerResponse, body: any, turn: ScriptedTurn): Promise<void> {
    const fault = turn.fault;
    if (fault?.kind === 'http_error') return httpError(res, fault, true);
    if (fault?.kind === 'hang') return;
    const model = typeof body.model === 'string' && body.model ? body.model : models[0]!.id;
    const usage = usageFor(turn, body);
    const toolCalls = (turn.toolCalls ?? []).map((call, i) => ({
      id: call.id ?? `call_${chatCount}_${i}`,
      function: { index: i, name: call.name, arguments: argumentsObject(call.arguments) },
    }));
    const doneReason = turn.finishReason === 'length' ? 'length' : 'stop';
    const final = {
      done: true,
      done_reason: doneReason,
      total_duration: 1_000_000,
      load_duration: 100_000,
      ...(usage ? { prompt_eval_count: usage.prompt_tokens, prompt_eval_duration: 200_000, eval_count: usage.completion_tokens, eval_duration: 700_000 } : {}),
    };
    const createdAt = () => new Date().toISOString();

    if (body.stream === false) {
      const message: Record<string, unknown> = { role: 'assistant', content: turn.content ?? '' };
      if (turn.reasoning !== undefined) message.thinking = turn.reasoning;
      if (toolCalls.length) message.tool_calls = toolCalls;
      const text = JSON.stringify({ model, created_at: createdAt(), message, ...final });
      if (fault?.kind === 'cut' || fault?.kind === 'stall') return cutBody(res, 'application/json; charset=utf-8', text, fault);
      if (fault?.kind === 'slow') await delay(fault.delayMs);
      return sendText(res, 200, text, 'application/json; charset=utf-8');
    }

    // Ollama streams by default (stream absent = true), as newline-delimited JSON.
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.flushHeaders();
    const slowMs = fault?.kind === 'slow' ? fault.delayMs : 0;
    const cutAt = fault?.kind === 'cut' || fault?.kind === 'stall' ? fault.afterChars : Infinity;
    let textSent = 0;
    const send = async (message: Record<string, unknown>, extra: Record<string, unknown> = { done: false }) => {
      if (slowMs) await delay(slowMs);
      if (res.destroyed) throw new ClientGone();
      res.write(`${JSON.stringify({ model, created_at: createdAt(), message: { role: 'assistant', content: '', ...message }, ...extra })}\n`);
    };
    const streamText = async (text: string, field: 'content' | 'thinking'): Promise<boolean> => {
      for (const piece of pieces(text, turn.chunkSize ?? DEFAULT_CHUNK)) {
        const room = cutAt - textSent;
        if (room <= 0) return false;
        const part = piece.length > room ? piece.slice(0, room) : piece;
        await send({ [field]: part });
        textSent += part.length;
        if (part.length < piece.length) return false;
      }
      return true;
    };
    try {
      let complete = true;
      if (turn.reasoning) complete = await streamText(turn.reasoning, 'thinking');
      if (complete && turn.content) complete = await streamText(turn.content, 'content');
      if (!complete || cutAt !== Infinity) return stopMidReply(res, fault);
      if (toolCalls.length) await send({ tool_calls: toolCalls });
      await send({}, final);
      res.end();
    } catch (err) {
      if (!(err instanceof ClientGone)) throw err;
    }
  }

  // ---------- model listings and native side-endpoints ----------

  function listModels() {
    const created = Math.floor(Date.now() / 1000);
    return {
      object: 'list',
      data: models.map((m) => {
        const entry: Record<string, unknown> = { id: m.id, object: 'model', created, owned_by: ownerFor(flavor) };
        // vLLM advertises the served context as max_model_len; llama.cpp puts training context in meta.
        if (flavor === 'openai' && m.contextLength) entry.max_model_len = m.contextLength;
        if (flavor === 'llamacpp') entry.meta = { vocab_type: 2, n_vocab: 151936, n_ctx_train: m.contextLength ?? 32768, n_embd: 2048, n_params: 1_543_714_304, size: 1_117_320_736 };
        return entry;
      }),
    };
  }

  function ollamaModelEntry(m: ScriptedModel) {
    return {
      name: m.id,
      model: m.id,
      modified_at: '2025-06-01T12:00:00.000000000Z',
      size: 4_683_087_332,
      digest: 'a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a',
      details: ollamaDetails(),
    };
  }

  function ollamaPs() {
    // Nothing is "loaded" unless the test says so (a model's `loaded`, or the context the first was loaded with).
    const loaded = models.filter((m, i) => m.loaded ?? (i === 0 && opts.loadedContext !== undefined));
    return {
      models: loaded.map((m) => ({
        ...ollamaModelEntry(m),
        expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
        size_vram: 4_683_087_332,
        context_length: opts.loadedContext ?? 4096,
      })),
    };
  }

  function ollamaShow(res: http.ServerResponse, body: any): void {
    const name = typeof body === 'object' && body ? (body.model ?? body.name) : undefined;
    const m = models.find((x) => x.id === name || x.id === `${name}:latest` || `${x.id}:latest` === name);
    if (!m) return sendJson(res, 404, { error: `model '${String(name)}' not found` });
    const parameters = ['stop                           "<|im_start|>"', 'stop                           "<|im_end|>"'];
    if (m.numCtx !== undefined) parameters.push(`num_ctx                        ${m.numCtx}`);
    sendJson(res, 200, {
      license: 'Apache License 2.0',
      modelfile: `# Modelfile generated by "ollama show"\nFROM ${m.id}\n`,
      parameters: parameters.join('\n'),
      template: '{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n',
      details: ollamaDetails(),
      model_info: {
        'general.architecture': 'qwen2',
        'general.basename': m.id.split(':')[0],
        'general.file_type': 15,
        'general.parameter_count': 7_615_616_512,
        'general.quantization_version': 2,
        'qwen2.attention.head_count': 28,
        'qwen2.block_count': 28,
        'qwen2.context_length': m.contextLength ?? 32768,
        'qwen2.embedding_length': 3584,
      },
      capabilities: m.embedding ? ['embedding'] : ['completion', 'tools'],
      modified_at: '2025-06-01T12:00:00.000000000Z',
    });
  }

  function lmStudioModels() {
    return {
      object: 'list',
      data: models.map((m, i) => {
        const loaded = m.loaded ?? (i === 0 && opts.loadedContext !== undefined);
        return {
          id: m.id,
          object: 'model',
          type: m.embedding ? 'embeddings' : 'llm',
          publisher: 'lmstudio-community',
          arch: 'qwen2',
          compatibility_type: 'gguf',
          quantization: 'Q4_K_M',
          state: loaded ? 'loaded' : 'not-loaded',
          max_context_length: m.contextLength ?? 32768,
          ...(loaded ? { loaded_context_length: opts.loadedContext ?? m.contextLength ?? 32768 } : {}),
        };
      }),
    };
  }

  function llamaCppProps() {
    const nCtx = opts.loadedContext ?? 4096;
    return {
      default_generation_settings: {
        id: 0,
        id_task: -1,
        n_ctx: nCtx,
        speculative: false,
        is_processing: false,
        params: { n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95, min_p: 0.05, stream: true },
        prompt: '',
        next_token: { has_next_token: true, has_new_line: false, n_remain: -1, n_decoded: 0, stopping_word: '' },
      },
      total_slots: 1,
      model_path: `/models/${models[0]!.id}.gguf`,
      modalities: { vision: false, audio: false },
      chat_template: '{%- for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{%- endfor %}',
      bos_token: '<|endoftext|>',
      eos_token: '<|im_end|>',
      build_info: 'b6000-scripted',
    };
  }

  function usageFor(turn: ScriptedTurn, body: any): { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details?: { cached_tokens: number } } | undefined {
    const usage = baseUsage(turn, body);
    if (!opts.prefixCache || !usage) return usage;
    const prompt = JSON.stringify(body.tools ?? []) + JSON.stringify(body.messages ?? []);
    let shared = 0;
    while (shared < prompt.length && shared < cachedPrompt.length && prompt.charCodeAt(shared) === cachedPrompt.charCodeAt(shared)) shared++;
    cachedPrompt = prompt;
    return { ...usage, prompt_tokens_details: { cached_tokens: Math.min(usage.prompt_tokens, Math.floor(shared / 4)) } };
  }

  function baseUsage(turn: ScriptedTurn, body: any) {
    if (turn.usage === false) return undefined;
    if (turn.usage) return { ...turn.usage, total_tokens: turn.usage.prompt_tokens + turn.usage.completion_tokens };
    // Roughly 4 characters per token, which is what small-model tokenizers average on code. The
    // tool schemas count too: servers render them into the prompt.
    const prompt = Math.ceil((JSON.stringify(body.messages ?? []).length + (body.tools ? JSON.stringify(body.tools).length : 0)) / 4);
    const outChars =
      (turn.content?.length ?? 0) +
      (turn.reasoning?.length ?? 0) +
      (turn.toolCalls ?? []).reduce((n, c) => n + c.name.length + (typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments)).length, 0);
    const completion = Math.max(1, Math.ceil(outChars / 4));
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    port,
    requests,
    chatRequests: () => requests.filter((r) => r.method === 'POST' && CHAT_PATHS.has(r.path)),
    push: (...turns) => void queue.push(...turns),
    close: async () => {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await done;
    },
  };
}

class ClientGone extends Error {}

function ownerFor(flavor: string): string {
  return flavor === 'ollama' ? 'library' : flavor === 'llamacpp' ? 'llamacpp' : flavor === 'lmstudio' ? 'organization_owner' : 'scripted';
}

function ollamaDetails() {
  return { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' };
}

/** Ollama sends arguments as objects; broken JSON in the script is passed on as the raw string. */
function argumentsObject(args: string | Record<string, unknown>): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function openAiError(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

function httpError(res: http.ServerResponse, fault: Extract<Fault, { kind: 'http_error' }>, ollama: boolean): void {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.body !== undefined) {
    const isJson = /^\s*[[{]/.test(fault.body);
    res.writeHead(fault.status, { ...headers, 'content-type': isJson ? 'application/json' : 'text/plain' });
    res.end(fault.body);
    return;
  }
  const message = `scripted fault: HTTP ${fault.status}`;
  const payload = ollama ? { error: message } : openAiError(message, fault.status === 429 ? 'rate_limit_error' : fault.status >= 500 ? 'server_error' : 'invalid_request_error');
  res.writeHead(fault.status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

/** Sends the first `afterChars` characters of a body promised in full, then drops the socket (cut) or goes silent (stall). */
async function cutBody(res: http.ServerResponse, contentType: string, text: string, fault: Extract<Fault, { kind: 'cut' | 'stall' }>): Promise<void> {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
  res.write(text.slice(0, fault.afterChars));
  await stopMidReply(res, fault);
}

async function stopMidReply(res: http.ServerResponse, fault: Fault | undefined): Promise<void> {
  await flush(res);
  // A stall leaves the response open; close() or the client's abort ends it.
  if (fault?.kind !== 'stall') res.destroy();
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  sendText(res, status, JSON.stringify(payload), 'application/json');
}

function sendText(res: http.ServerResponse, status: number, text: string, contentType = 'text/plain'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function pieces(text: string, size: number): string[] {
  const chars = Array.from(text); // code points, so a chunk never splits a surrogate pair
  const out: string[] = [];
  const n = Math.max(1, size);
  for (let i = 0; i < chars.length; i += n) out.push(chars.slice(i, i + n).join(''));
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until what was written has left for the socket, so a following destroy() cuts after it. */
function flush(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write('', () => resolve());
  });
}

// ---------- run by hand ----------

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scriptPath = arg('--script');
  let opts: ScriptedServerOptions = {};
  if (scriptPath) {
    const parsed = JSON.parse(await readFile(scriptPath, 'utf8'));
    // A script file is either an array of turns or a full options object.
    opts = Array.isArray(parsed) ? { turns: parsed } : parsed;
  }
  const flavor = arg('--flavor');
  if (flavor) opts.flavor = flavor as ScriptedServerOptions['flavor'];
  const port = arg('--port');
  if (port) opts.port = Number(port);
  const loaded = arg('--loaded-context');
  if (loaded) opts.loadedContext = Number(loaded);
  const server = await startScriptedServer(opts);
  process.stdout.write(`${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`scripted-server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
