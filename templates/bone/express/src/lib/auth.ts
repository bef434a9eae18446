/**
 * JWT authentication (HS256, secret JWT_SECRET). The token's `sub` is the caller's id and `role`
 * / `roles` its roles; `requires` conditions read them as `caller.id` and `caller.role`.
 */
import type { Request, RequestHandler } from 'express';
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import { forbidden, HttpError, unauthorized } from './errors.js';

export interface Caller {
  id: string;
  role: string;
  roles: string[];
  claims: Record<string, unknown>;
}

/** Set to 1 to start without JWT_SECRET: a random secret, new in every process (tokens die with it). */
export const DEV_SECRET_FLAG = 'JWT_SECRET_DEV_RANDOM';
let devSecret: string | undefined;

/**
 * The HS256 secret. There is no built-in fallback: a secret everyone can read in this file would
 * let anyone sign tokens. Without JWT_SECRET the server refuses to start (`assertJwtSecret`)
 * unless JWT_SECRET_DEV_RANDOM=1 asks for a random per-process secret.
 */
export function jwtSecret(): string {
  const secret = process.env.JWT_SECRET;
  if (secret) return secret;
  if (process.env[DEV_SECRET_FLAG] === '1') {
    if (!devSecret) {
      devSecret = crypto.randomBytes(32).toString('base64url');
      console.warn(`JWT_SECRET is not set: ${DEV_SECRET_FLAG}=1, so this process signs and checks tokens with a random secret (tokens stop working when it exits)`);
    }
    return devSecret;
  }
  throw new Error(`JWT_SECRET is not set. Set it to a long random string (e.g. \`openssl rand -base64 32\`), or for local development set ${DEV_SECRET_FLAG}=1 to use a random per-process secret.`);
}

/** Called at start: refuses to serve without a secret rather than failing on the first request. */
export function assertJwtSecret(): void {
  jwtSecret();
}

/** Issues a token, for tests and local development (`npm run token` is not needed for that). */
export function signToken(subject: string, roles: string[] = [], expiresIn: jwt.SignOptions['expiresIn'] = '1h'): string {
  return jwt.sign({ roles, role: roles[0] }, jwtSecret(), { subject, expiresIn, algorithm: 'HS256' });
}

export function callerFromToken(token: string): Caller {
  let claims: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, jwtSecret(), { algorithms: ['HS256'] });
    if (typeof decoded === 'string') throw new Error('unexpected string payload');
    claims = decoded;
  } catch (error) {
    throw new HttpError(401, 'invalid_token', `Invalid token: ${(error as Error).message}`);
  }
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : typeof claims.role === 'string' ? [claims.role] : [];
  return { id: String(claims.sub ?? ''), role: roles[0] ?? '', roles, claims };
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
    /** A token was sent but is not valid; answered with 401 after the rate limits have counted the request. */
    authError?: HttpError;
  }
}

/**
 * Reads a bearer token when one is sent. A bad token does not fail here: the request goes on to
 * the rate limiters (keyed by client address, as it has no caller) and is refused by the route's
 * auth guard, so guessing tokens costs rate limit like any other request.
 */
export const readCaller: RequestHandler = (req, _res, next) => {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) req.authError = new HttpError(401, 'invalid_token', 'Authorization header must be "Bearer <jwt>"');
    else {
      try {
        req.caller = callerFromToken(match[1]!);
      } catch (error) {
        req.authError = error instanceof HttpError ? error : new HttpError(401, 'invalid_token', 'Invalid token');
      }
    }
  }
  next();
};

/** For routes that work without a caller: a token that was sent must still be valid. */
export const refuseBadToken: RequestHandler = (req, _res, next) => next(req.authError);

/** Throws 401 without a caller, 403 when `roles` is not empty and the caller has none of them. */
export function authorize(caller: Caller | undefined, roles: readonly string[] = []): Caller {
  if (!caller) throw unauthorized();
  if (roles.length > 0 && !caller.roles.some((r) => roles.includes(r))) {
    throw forbidden(`This needs one of the roles: ${roles.join(', ')}`, { required: [...roles], roles: caller.roles });
  }
  return caller;
}

/** Route guard: 401 without a valid token; 403 when `roles` is not empty and the caller has none of them. */
export function requireAuth(roles: readonly string[] = []): RequestHandler {
  return (req, _res, next) => {
    if (req.authError) return next(req.authError);
    try {
      authorize(req.caller, roles);
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function callerOf(req: Request): Caller | undefined {
  return req.caller;
}
