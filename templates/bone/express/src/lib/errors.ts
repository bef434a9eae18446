/**
 * Every error leaves the server as `{ error: { code, message, details } }` with a status that says
 * what kind of failure it was. Handlers throw HttpError; the middleware below turns anything
 * else (zod, database constraint violations, bad JSON) into the same shape.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export interface FieldError {
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new HttpError(400, 'bad_request', message, details);
export const unauthorized = (message = 'Authentication required: send Authorization: Bearer <jwt>') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string, details?: Record<string, unknown>) => new HttpError(403, 'forbidden', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) => new HttpError(404, 'not_found', message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new HttpError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) => new HttpError(422, code, message, details);

/** 400 with one entry per offending field: `{ fields: [{ field: 'price', message: '…' }] }`. */
export function validationError(fields: FieldError[]): HttpError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new HttpError(400, 'validation_failed', `Invalid input — ${summary}`, { fields });
}

/** One entry per field (its first problem): a field check and the constraint behind it say the same. */
export function zodFieldErrors(error: ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: issue.message });
  }
  return out;
}

export function sendError(res: Response, status: number, code: string, message: string, details: Record<string, unknown> = {}): void {
  const body: ErrorBody = { error: { code, message, details } };
  res.status(status).json(body);
}

/**
 * Database errors that are the client's fault, recognised on both SQLite and PostgreSQL. The
 * database's own message never reaches the client (it names tables, columns and values); it is
 * logged instead, and both databases answer with the same body.
 */
function databaseError(error: unknown): HttpError | undefined {
  const e = error as { code?: string; message?: string };
  const message = String(e?.message ?? '');
  if (e?.code === '23505' || /UNIQUE constraint failed/.test(message)) {
    return new HttpError(409, 'duplicate', 'A record with the same unique value already exists');
  }
  if (e?.code === '23503' || /FOREIGN KEY constraint failed/.test(message)) {
    return new HttpError(409, 'reference_conflict', 'The record refers to, or is referred to by, another record');
  }
  if (e?.code === '23514' || /CHECK constraint failed/.test(message)) {
    return new HttpError(422, 'check_failed', 'A database check constraint failed');
  }
  if (e?.code === '22P02' || e?.code === '22021' || e?.code === '22003') {
    return new HttpError(400, 'invalid_value', 'A value has the wrong format or size for its column');
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}`);
};

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  if (res.headersSent) return;
  if (error instanceof HttpError) return sendError(res, error.status, error.code, error.message, error.details);
  if (error instanceof ZodError) {
    const e = validationError(zodFieldErrors(error));
    return sendError(res, e.status, e.code, e.message, e.details);
  }
  const typed = error as { type?: string; status?: number };
  if (typed?.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'The request body is not valid JSON');
  if (typed?.type === 'entity.too.large') return sendError(res, 413, 'payload_too_large', 'The request body is too large');
  if ((error as Error)?.name === 'NotImplementedError') return sendError(res, 501, 'not_implemented', (error as Error).message);
  const db = databaseError(error);
  if (db) {
    console.warn(`${db.code}: ${(error as Error).message}`);
    return sendError(res, db.status, db.code, db.message, db.details);
  }
  console.error(error);
  sendError(res, 500, 'internal', 'Internal server error');
};
