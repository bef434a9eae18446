import type { CommandContext } from '../command.js';

/** Flags that stand for configuration variables (flags win over the environment). */
export function sessionOverrides(ctx: CommandContext): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof ctx.options.model === 'string') out.SMALLCODE_MODEL = ctx.options.model;
  if (typeof ctx.options.baseUrl === 'string') out.SMALLCODE_BASE_URL = ctx.options.baseUrl;
  return out;
}
