/**
 * JWT authentication (HS256, secret JWT_SECRET). The token's `sub` is the caller's id and `role`
 * / `roles` its roles; `requires` conditions read them as `caller.id` and `caller.role`.
 */
import type { Request, RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { forbidden, HttpError, unauthorized } from './errors.js';

export interface Caller {
  id: string;
  role: string;
  roles: string[];
  claims: Record<string, unknown>;
}

const DEV_SECRET = 'dev-secret-change-me';
let warned = false;

export function jwtSecret(): string {
  const secret = process.env.JWT_SECRET;
  if (secret) return secret;
  if (process.env.NODE_ENV === 'production') throw new Error('JWT_SECRET must be set in production');
  if (!warned) {
    warned = true;
    console.warn('JWT_SECRET is not set: using the development secret');
  }
  return DEV_SECRET;
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
  }
}

/** Reads a bearer token when one is sent; routes decide whether they need it. */
export const readCaller: RequestHandler = (req, _res, next) => {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) return next(new HttpError(401, 'invalid_token', 'Authorization header must be "Bearer <jwt>"'));
    try {
      req.caller = callerFromToken(match[1]!);
    } catch (error) {
      return next(error);
    }
  }
  next();
};

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
