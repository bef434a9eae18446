/** Request parsing shared by the routes: zod validation that fails as a 400 naming each field. */
import type { Request } from 'express';
import type { z } from 'zod';
import { validationError, zodFieldErrors } from './errors.js';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw validationError(zodFieldErrors(result.error));
  return result.data;
}

export function idempotencyKey(req: Request): string | undefined {
  const value = req.header('idempotency-key');
  return value && value.length <= 200 ? value : undefined;
}
