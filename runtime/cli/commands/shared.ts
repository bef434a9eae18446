import type { CommandContext } from '../command.js';

/** Flags that stand for configuration variables (flags win over the environment). */
export function sessionOverrides(ctx: CommandContext): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof ctx.options.model === 'string') out.SMALLCODE_MODEL = ctx.options.model;
  if (typeof ctx.options.baseUrl === 'string') out.SMALLCODE_BASE_URL = ctx.options.baseUrl;
  if (typeof ctx.options.sandbox === 'string') out.SMALLCODE_SANDBOX = ctx.options.sandbox;
  if (typeof ctx.options.approval === 'string') out.SMALLCODE_APPROVAL = ctx.options.approval;
  if (ctx.options.allowConfigWrites === true) out.SMALLCODE_ALLOW_CONFIG_WRITES = 'true';
  return out;
}
