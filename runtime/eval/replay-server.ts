/**
 * Replays recorded model replies over real loopback HTTP as an OpenAI-compatible server
 * (`/v1/models`, `/v1/chat/completions`, streaming SSE or not), one reply per chat request in the
 * recorded order. What a trace test runs the agent against instead of a model.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplayReply {
  content?: string;
  reasoning?: string;
  toolCalls?: Array<{ name: string; arguments: string }>;
  finishReason?: string;
}

export interface ReplayServer {
  url: string;
  /** Chat requests served so far (more than the replies: the replay ran past its recording). */
  served(): number;
  close(): Promise<void>;
}

export async function startReplayServer(model: string, replies: ReplayReply[]): Promise<ReplayServer> {
  let next = 0;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'replay' }] });
      if (req.method !== 'POST' || path !== '/v1/chat/completions') return json(res, 404, { error: { message: `replay server: no route for ${req.method} ${path}` } });
      let body: { stream?: boolean } = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        return json(res, 400, { error: { message: 'request body is not JSON' } });
      }
      const index = next++;
      const reply = replies[index];
      if (!reply) return json(res, 500, { error: { message: `replay: the recording has ${replies.length} replies and the run asked for reply ${index + 1}` } });
      const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({ index: i, id: `call_${index}_${i}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      const finish = reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop');
      const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
      const base = { id: `replay-${index}`, created: 0, model };
      if (body.stream !== true) {
        const message: Record<string, unknown> = { role: 'assistant', content: reply.content ?? null };
        if (reply.reasoning) message.reasoning_content = reply.reasoning;
        if (toolCalls.length) message.tool_calls = toolCalls.map(({ index: _i, ...c }) => c);
        return json(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (delta: Record<string, unknown>, finishReason: string | null = null) =>
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`);
      send({ role: 'assistant', content: '' });
      if (reply.reasoning) send({ reasoning_content: reply.reasoning });
      if (reply.content) send({ content: reply.content });
      if (toolCalls.length) send({ tool_calls: toolCalls });
      send({}, finish);
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    url: `http://127.0.0.1:${port}/v1`,
    served: () => next,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function json(res: http.ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
