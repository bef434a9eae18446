/**
 * WebSocket channels (`channel` blocks): every message a participant sends is broadcast to every
 * participant the channel's `filter` admits (the sender too, as its acknowledgement), numbered in
 * the order the server received it; the last N are replayed to whoever joins
 * (`persistence: last_N`). Connect to `/channels/<name>?token=<jwt>`.
 */
import type http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { callerFromToken, type Caller } from './auth.js';
import type { Db } from './db.js';

export interface ChannelSpec {
  name: string;
  path: string;
  /** How many past messages a newcomer receives (0: none). */
  history: number;
  /** Whether joining needs a valid token. */
  authRequired: boolean;
  /** The most participants at once (`max_size`); a newcomer beyond it is turned away. */
  maxSize?: number;
  /** Loads the participant's row (`participants: set<Entity>`); without it the participant is the caller. */
  participant?: (db: Db, callerId: string) => Promise<unknown>;
  /** Who receives messages (`filter:`), decided per receiving participant. */
  filter?: (participant: any) => boolean; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ChannelMessage {
  channel: string;
  from: string | null;
  at: string;
  seq: number;
  data: unknown;
}

export function attachChannels(server: http.Server, specs: readonly ChannelSpec[], db?: Db): { close: () => void } {
  const sockets = new Map<string, Set<WebSocket>>();
  /** Who each connection is, as the filter sees them: the caller or their row. */
  const participants = new WeakMap<WebSocket, unknown>();
  const anonymous: Caller = { id: '', role: '', roles: [], claims: {} };
  const admits = (spec: ChannelSpec, ws: WebSocket) => {
    if (!spec.filter) return true;
    const participant = participants.get(ws);
    if (participant === undefined) return false;
    try {
      return spec.filter(participant);
    } catch {
      return false;
    }
  };
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
    wss.handleUpgrade(req, socket, head, (ws) => {
      join(spec, ws, caller).catch(() => ws.close(1011, 'could not join'));
    });
  });

  async function join(spec: ChannelSpec, ws: WebSocket, caller: Caller | undefined): Promise<void> {
    if (spec.participant && db) {
      const row = caller ? await spec.participant(db, caller.id) : undefined;
      if (row !== undefined) participants.set(ws, row);
    } else {
      participants.set(ws, caller ?? anonymous);
    }
    const members = sockets.get(spec.name) ?? new Set<WebSocket>();
    sockets.set(spec.name, members);
    if (spec.maxSize !== undefined && members.size >= spec.maxSize) {
      ws.close(1013, `channel ${spec.name} is full (max_size ${spec.maxSize})`);
      return;
    }
    members.add(ws);
    if (admits(spec, ws)) for (const message of history.get(spec.name) ?? []) ws.send(JSON.stringify(message));
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
      for (const member of members) if (member.readyState === WebSocket.OPEN && admits(spec, member)) member.send(text);
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
