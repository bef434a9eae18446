/**
 * Cross-cutting policies from the `.bone` file's `policy` blocks: a fixed-window rate limiter
 * (429 with Retry-After) and an audit log of every write, stored in the `_audit_log` table.
 */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Db } from './db.js';
import { sendError } from './errors.js';

export interface RateLimit {
  count: number;
  windowMs: number;
}

/**
 * Counts requests per caller (token subject, else client address) in fixed windows. In memory:
 * one process; behind a load balancer each instance enforces its own share.
 */
export function rateLimiter(policy: string, limit: RateLimit): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, res, next) => {
    const now = Date.now();
    const key = req.caller?.id ? `caller:${req.caller.id}` : `ip:${req.ip ?? 'unknown'}`;
    let window = windows.get(key);
    if (!window || now - window.start >= limit.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (now - w.start >= limit.windowMs) windows.delete(k);
      }
    }
    window.count++;
    res.setHeader('RateLimit-Limit', String(limit.count));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit.count - window.count)));
    if (window.count > limit.count) {
      const retryAfter = Math.ceil((window.start + limit.windowMs - now) / 1000);
      res.setHeader('Retry-After', String(retryAfter));
      return sendError(res, 429, 'rate_limited', `Rate limit of ${limit.count} requests per ${limit.windowMs / 1000}s exceeded (policy ${policy})`, {
        policy,
        limit: limit.count,
        windowMs: limit.windowMs,
        retryAfterSeconds: retryAfter,
      });
    }
    next();
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Records who changed what once the response is sent; a failed audit write is logged, not fatal. */
export function auditLog(db: Db): RequestHandler {
  return (req, res, next) => {
    if (!WRITE_METHODS.has(req.method)) return next();
    res.on('finish', () => {
      db.run(
        'INSERT INTO "_audit_log" ("id", "at", "actor", "method", "path", "status") VALUES (?, ?, ?, ?, ?, ?)',
        [crypto.randomUUID(), new Date().toISOString(), req.caller?.id ?? null, req.method, req.originalUrl, res.statusCode],
      ).catch((error: unknown) => console.error('audit log write failed', error));
    });
    next();
  };
}
