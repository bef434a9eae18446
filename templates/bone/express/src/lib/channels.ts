/**
 * WebSocket channels (`channel` blocks): every message a participant sends is broadcast to the
 * channel's other participants in the order the server received it, and the last N are replayed
 * to whoever joins (`persistence: last_N`). Connect to `/channels/<name>?token=<jwt>`.
 */
import type http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { callerFromToken, type Caller } from './auth.js';

export interface ChannelSpec {
  name: string;
  path: string;
  /** How many past messages a newcomer receives (0: none). */
  history: number;
  /** Whether joining needs a valid token. */
  authRequired: boolean;
}

export interface ChannelMessage {
  channel: string;
  from: string | null;
  at: string;
  seq: number;
  data: unknown;
}

export function attachChannels(server: http.Server, specs: readonly ChannelSpec[]): { close: () => void } {
  const sockets = new Map<string, Set<WebSocket>>();
  const history = new Map<string, ChannelMessage[]>();
  const sequence = new Map<string, number>();
  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const spec = specs.find((s) => s.path === url.pathname);
    if (!spec) {
      socket.write('HTTP/1.1 404 Not Found\r\n\r\n');
      socket.destroy();
      return;
    }
    let caller: Caller | undefined;
    const token = url.searchParams.get('token') ?? /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token) {
      try {
        caller = callerFromToken(token);
      } catch {
        caller = undefined;
      }
    }
    if (spec.authRequired && !caller) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => join(spec, ws, caller));
  });

  function join(spec: ChannelSpec, ws: WebSocket, caller: Caller | undefined): void {
    const members = sockets.get(spec.name) ?? new Set<WebSocket>();
    sockets.set(spec.name, members);
    members.add(ws);
    for (const message of history.get(spec.name) ?? []) ws.send(JSON.stringify(message));
    ws.on('message', (raw) => {
      let data: unknown;
      try {
        data = JSON.parse(raw.toString());
      } catch {
        data = raw.toString();
      }
      const seq = (sequence.get(spec.name) ?? 0) + 1;
      sequence.set(spec.name, seq);
      const message: ChannelMessage = { channel: spec.name, from: caller?.id ?? null, at: new Date().toISOString(), seq, data };
      if (spec.history > 0) {
        const kept = history.get(spec.name) ?? [];
        kept.push(message);
        if (kept.length > spec.history) kept.splice(0, kept.length - spec.history);
        history.set(spec.name, kept);
      }
      const text = JSON.stringify(message);
      for (const member of members) if (member.readyState === WebSocket.OPEN) member.send(text);
    });
    ws.on('close', () => members.delete(ws));
  }

  return {
    close: () => {
      for (const members of sockets.values()) for (const ws of members) ws.terminate();
      wss.close();
    },
  };
}
