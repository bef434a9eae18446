import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer, type ScriptedServerOptions } from '../../support/scripted-server.js';

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: ScriptedServerOptions) {
  server = await startScriptedServer(opts);
  // No SDK retries: each request must consume exactly one scripted turn.
  const client = new OpenAI({ baseURL: server.url, apiKey: 'test-key', maxRetries: 0, timeout: 5_000 });
  return { server, client };
}

const messages = [{ role: 'user' as const, content: 'write hello.py' }];

describe('scripted server, OpenAI-compatible chat with the real openai SDK', () => {
  it('answers a non-streaming request with the scripted content and a usage estimate', async () => {
    const { client, server } = await start({ turns: [{ content: 'Hello from the script.' }] });
    const res = await client.chat.completions.create({ model: 'qwen2.5-coder:7b', messages });
    expect(res.choices[0]!.message.content).toBe('Hello from the script.');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.model).toBe('qwen2.5-coder:7b');
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    expect(server.chatRequests()).toHaveLength(1);
    expect(server.chatRequests()[0]!.body.messages).toEqual(messages);
    expect(server.chatRequests()[0]!.headers.authorization).toBe('Bearer test-key');
  });

  it('streams content in several real SSE deltas and ends with finish_reason and usage', async () => {
    const { client } = await start({ turns: [{ content: 'def hello():\n    print("hi")\n', chunkSize: 5, usage: { prompt_tokens: 42, completion_tokens: 7 } }] });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.join('')).toBe('def hello():\n    print("hi")\n');
    expect(deltas.length).toBeGreaterThan(4);
    expect(finish).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 });
  });

  it('sends no usage chunk when usage is false or the client did not ask for it', async () => {
    const { client } = await start({ turns: [{ content: 'a', usage: false }, { content: 'b' }] });
    for (const streamOptions of [{ include_usage: true }, undefined]) {
      const stream = await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: streamOptions });
      const usages = [];
      for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
      expect(usages).toEqual([]);
    }
  });

  it('streams native tool calls the way OpenAI does, so the SDK helper reassembles them', async () => {
    const { client } = await start({
      turns: [
        {
          toolCalls: [
            { name: 'write_file', arguments: { path: 'hello.py', content: 'print("hi")\n' }, id: 'call_a' },
            { name: 'read_file', arguments: '{"path": "README.md"' }, // broken JSON, sent verbatim
          ],
        },
      ],
    });
    const runner = client.chat.completions.stream({ model: 'm', messages });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = choice.message.tool_calls!.map((c) => (c.type === 'function' ? [c.id, c.function.name, c.function.arguments] : []));
    expect(calls[0]).toEqual(['call_a', 'write_file', '{"path":"hello.py","content":"print(\\"hi\\")\\n"}']);
    expect(calls[1]![1]).toBe('read_file');
    expect(calls[1]![2]).toBe('{"path": "README.md"');
    expect(calls[1]![0]).toMatch(/^call_/);
  });

  it('puts native tool calls and reasoning_content on a non-streamed message', async () => {
    const { client } = await start({ turns: [{ reasoning: 'The user wants a file.', toolCalls: [{ name: 'list_files', arguments: {} }] }] });
    const res = await client.chat.completions.create({ model: 'm', messages });
    const message = res.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe('The user wants a file.');
    expect(message.content).toBeNull();
    const call = message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toEqual({ name: 'list_files', arguments: '{}' });
  });

  it('streams reasoning as delta.reasoning_content before the content', async () => {
    const { client } = await start({ turns: [{ reasoning: 'Think first.', content: '<think>inline</think>Done.' }] });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    const order: string[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) order.push(`r:${delta.reasoning_content}`);
      if (delta?.content) order.push(`c:${delta.content}`);
    }
    const reasoning = order.filter((s) => s.startsWith('r:')).map((s) => s.slice(2)).join('');
    const content = order.filter((s) => s.startsWith('c:')).map((s) => s.slice(2)).join('');
    expect(reasoning).toBe('Think first.');
    expect(content).toBe('<think>inline</think>Done.');
    expect(order.findIndex((s) => s.startsWith('c:'))).toBeGreaterThan(order.findLastIndex((s) => s.startsWith('r:')));
  });

  it('honours a scripted finish reason such as length', async () => {
    const { client } = await start({ turns: [{ content: 'truncated ans', finishReason: 'length' }] });
    const res = await client.chat.completions.create({ model: 'm', messages });
    expect(res.choices[0]!.finish_reason).toBe('length');
  });

  it('consumes turns in order, accepts pushed turns, and uses respond() when given', async () => {
    const { client, server } = await start({ turns: [{ content: 'first' }] });
    server.push({ content: 'second' });
    const a = await client.chat.completions.create({ model: 'm', messages });
    const b = await client.chat.completions.create({ model: 'm', messages });
    expect([a.choices[0]!.message.content, b.choices[0]!.message.content]).toEqual(['first', 'second']);

    await server.close();
    const dyn = await start({ respond: (req, i) => ({ content: `#${i} saw ${req.body.messages.length} messages` }) });
    const c = await dyn.client.chat.completions.create({ model: 'm', messages });
    expect(c.choices[0]!.message.content).toBe('#0 saw 1 messages');
  });

  it('fails with a clear 500 when the script is exhausted, or repeats the onExhausted turn', async () => {
    const { client } = await start({ turns: [] });
    const err = await client.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(String((err as Error).message)).toMatch(/script is exhausted/);

    await server!.close();
    const repeat = await start({ onExhausted: { content: 'again' } });
    for (let i = 0; i < 2; i++) {
      const res = await repeat.client.chat.completions.create({ model: 'm', messages });
      expect(res.choices[0]!.message.content).toBe('again');
    }
  });
});

describe('scripted server faults', () => {
  it('http_error surfaces as the SDK error class for the status, with Retry-After', async () => {
    const { client, server } = await start({
      turns: [
        { fault: { kind: 'http_error', status: 429, retryAfter: 3 } },
        { fault: { kind: 'http_error', status: 400, body: '{"error":{"message":"context length exceeded"}}' } },
      ],
    });
    const rate = await client.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(rate).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rate as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('3');
    const bad = await client.chat.completions.create({ model: 'm', messages, stream: true }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as Error).message).toMatch(/context length exceeded/);
    expect(server.chatRequests()).toHaveLength(2);
  });

  it('hang never answers; the client times out and close() still returns promptly', async () => {
    const { server } = await start({ turns: [{ fault: { kind: 'hang' } }] });
    const client = new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0, timeout: 300 });
    const err = await client.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);

    server.push({ fault: { kind: 'hang' } });
    const pending = fetch(`${server.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages }) }).catch((e: unknown) => e);
    await waitFor(() => server.chatRequests().length === 2);
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('cut drops the socket mid-stream after the given number of characters', async () => {
    const { client } = await start({ turns: [{ content: 'abcdefghijklmnopqrstuvwxyz', chunkSize: 4, fault: { kind: 'cut', afterChars: 10 } }] });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    let text = '';
    let finish: string | null = null;
    const err = await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(text).toBe('abcdefghij');
    expect(finish).toBeNull();
  });

  it('stall sends part of the stream then goes silent without closing, until the client aborts', async () => {
    const { client, server } = await start({ turns: [{ content: 'abcdefghijkl', chunkSize: 3, fault: { kind: 'stall', afterChars: 6 } }] });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true }, { signal: controller.signal });
    let text = '';
    let ended = false;
    const consumed = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })()
      .catch(() => undefined)
      .finally(() => (ended = true));
    await waitFor(() => text === 'abcdef');
    // Nothing more arrives and the stream has not ended.
    await new Promise((r) => setTimeout(r, 150));
    expect(text).toBe('abcdef');
    expect(ended).toBe(false);
    controller.abort(); // the SDK ends an aborted stream's iteration quietly
    await consumed;
    expect(ended).toBe(true);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('cut on a non-streamed request delivers a truncated body', async () => {
    const { client } = await start({ turns: [{ content: 'hello', fault: { kind: 'cut', afterChars: 20 } }] });
    const err = await client.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });

  it('slow waits between chunks', async () => {
    const { client } = await start({ turns: [{ content: 'abcdefgh', chunkSize: 2, fault: { kind: 'slow', delayMs: 40 } }] });
    const t0 = Date.now();
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('abcdefgh');
    // role chunk + 4 content chunks + finish chunk, each delayed
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
  });
});

describe('scripted server model listings and native endpoints', () => {
  it('lists models through the SDK', async () => {
    const { client } = await start({ models: [{ id: 'qwen2.5-coder:7b', contextLength: 32768 }, { id: 'llama3.2:3b' }] });
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['qwen2.5-coder:7b', 'llama3.2:3b']);
  });

  it('ollama flavour: /api/tags, /api/show context_length and Modelfile num_ctx, /api/ps loaded context', async () => {
    const { server } = await start({ flavor: 'ollama', models: [{ id: 'qwen2.5-coder:7b', contextLength: 32768, numCtx: 16384 }, { id: 'plain' }], loadedContext: 8192 });
    const tags = await getJson(`${server.origin}/api/tags`);
    expect(tags.models[0].name).toBe('qwen2.5-coder:7b');
    expect(tags.models[0].details.quantization_level).toBeTruthy();
    const show = await postJson(`${server.origin}/api/show`, { model: 'qwen2.5-coder:7b' });
    const arch = show.model_info['general.architecture'];
    expect(show.model_info[`${arch}.context_length`]).toBe(32768);
    expect(show.parameters).toMatch(/num_ctx\s+16384/);
    expect((await postJson(`${server.origin}/api/show`, { model: 'plain' })).parameters).not.toMatch(/num_ctx/);
    const ps = await getJson(`${server.origin}/api/ps`);
    expect(ps.models[0].context_length).toBe(8192);
    const missing = await fetch(`${server.origin}/api/show`, { method: 'POST', body: JSON.stringify({ model: 'nope' }) });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/not found/);
  });

  it('ollama flavour: /api/ps lists nothing when no loaded context is scripted', async () => {
    const { server } = await start({ flavor: 'ollama' });
    expect((await getJson(`${server.origin}/api/ps`)).models).toEqual([]);
  });

  it('ollama native /api/chat streams NDJSON with thinking, object tool arguments and counts', async () => {
    const { server } = await start({
      flavor: 'ollama',
      turns: [{ reasoning: 'hmm', content: 'Writing it.', toolCalls: [{ name: 'write_file', arguments: '{"path":"a.py"}' }], usage: { prompt_tokens: 12, completion_tokens: 5 } }],
    });
    const res = await fetch(`${server.origin}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'm', messages, options: { num_ctx: 16384 } }) });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message.thinking ?? '').join('')).toBe('hmm');
    expect(lines.map((l) => l.message.content).join('')).toBe('Writing it.');
    const withCalls = lines.find((l) => l.message.tool_calls);
    expect(withCalls.message.tool_calls[0].function).toMatchObject({ name: 'write_file', arguments: { path: 'a.py' } });
    const last = lines.at(-1);
    expect(last).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 12, eval_count: 5 });
    expect(lines.slice(0, -1).every((l) => l.done === false)).toBe(true);
    expect(server.chatRequests()[0]!.body.options.num_ctx).toBe(16384);
  });

  it('ollama native /api/chat answers one JSON object when stream is false', async () => {
    const { server } = await start({ flavor: 'ollama', turns: [{ content: 'ok' }] });
    const body = await postJson(`${server.origin}/api/chat`, { model: 'm', messages, stream: false });
    expect(body).toMatchObject({ message: { role: 'assistant', content: 'ok' }, done: true });
    expect(body.eval_count).toBeGreaterThan(0);
  });

  it('ollama native /api/chat: http_error answers {error}, cut drops the NDJSON stream mid-reply', async () => {
    const { server } = await start({
      flavor: 'ollama',
      turns: [{ fault: { kind: 'http_error', status: 500 } }, { content: 'abcdefghij', chunkSize: 2, fault: { kind: 'cut', afterChars: 4 } }],
    });
    const failed = await fetch(`${server.origin}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'm', messages }) });
    expect(failed.status).toBe(500);
    expect(typeof ((await failed.json()) as { error: unknown }).error).toBe('string');
    const res = await fetch(`${server.origin}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'm', messages }) });
    const reader = res.body!.getReader();
    let raw = '';
    const err = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        raw += new TextDecoder().decode(value);
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const lines = raw.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message.content).join('')).toBe('abcd');
    expect(lines.some((l) => l.done)).toBe(false);
  });

  it('lmstudio flavour: /api/v0/models with max and loaded context lengths', async () => {
    const { server } = await start({ flavor: 'lmstudio', models: [{ id: 'qwen2.5-7b-instruct', contextLength: 32768 }, { id: 'other' }], loadedContext: 4096 });
    const body = await getJson(`${server.origin}/api/v0/models`);
    expect(body.data[0]).toMatchObject({ id: 'qwen2.5-7b-instruct', state: 'loaded', max_context_length: 32768, loaded_context_length: 4096 });
    expect(body.data[1].state).toBe('not-loaded');
    expect(body.data[1].loaded_context_length).toBeUndefined();
  });

  it('llamacpp flavour: /props reports n_ctx under default_generation_settings', async () => {
    const { server } = await start({ flavor: 'llamacpp', loadedContext: 8192 });
    const props = await getJson(`${server.origin}/props`);
    expect(props.default_generation_settings.n_ctx).toBe(8192);
    expect(typeof props.total_slots).toBe('number');
  });

  it('native endpoints of other flavours are 404, like on the real servers', async () => {
    const { server } = await start({ flavor: 'openai' });
    expect((await fetch(`${server.origin}/api/ps`)).status).toBe(404);
    expect((await fetch(`${server.origin}/props`)).status).toBe(404);
  });

  it('records every request and rejects a chat body without messages without consuming a turn', async () => {
    const { server, client } = await start({ turns: [{ content: 'kept' }] });
    const bad = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    const res = await client.chat.completions.create({ model: 'm', messages });
    expect(res.choices[0]!.message.content).toBe('kept');
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    expect(server.requests[0]!.body).toBe('not json');
  });
});

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.json();
}

async function postJson(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

async function waitFor(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
