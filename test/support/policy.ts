import type { AgentPolicy } from '../../runtime/agent/policy.js';
import { loadBuiltinPolicy } from '../../runtime/cognition/loader.js';

/** The default policy, as agents/core.marrow declares it (no environment, no overrides). */
export const BUILTIN_POLICY: AgentPolicy = await loadBuiltinPolicy();
