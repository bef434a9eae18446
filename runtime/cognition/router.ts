import type { Facts } from './facts.js';
import type { RouterDef } from './layer.js';

/**
 * Picks a router tier from the fact named by `by:`: the first tier whose `max` is at or above
 * the value; the last tier (no max) takes the rest. Until `min_calls` tool calls have happened the
 * rate is noise, so the first tier is used. Unavailable models fall back (router `fallback`,
 * else the nearest lower available tier).
 */
export function chooseTier(router: RouterDef, facts: Facts | undefined, isAvailable: (model: string) => boolean): { index: number; model: string; value?: number } {
  let index = 0;
  let value: number | undefined;
  if (facts && router.by && facts.session.calls >= router.minCalls) {
    value = router.by(facts);
    index = router.tiers.findIndex((t) => t.max === undefined || value! <= t.max);
    if (index < 0) index = router.tiers.length - 1;
  }
  return { ...availableAtOrBelow(router, index, isAvailable), ...(value !== undefined ? { value } : {}) };
}

export function availableAtOrBelow(router: RouterDef, index: number, isAvailable: (model: string) => boolean): { index: number; model: string } {
  const tier = router.tiers[index];
  if (tier && isAvailable(tier.model)) return { index, model: tier.model };
  if (router.fallback && isAvailable(router.fallback)) return { index, model: router.fallback };
  for (let i = index - 1; i >= 0; i--) if (isAvailable(router.tiers[i]!.model)) return { index: i, model: router.tiers[i]!.model };
  return { index, model: tier?.model ?? router.fallback ?? router.tiers[0]?.model ?? '' };
}

/** The next stronger available tier, for `escalate`; undefined at the top. */
export function nextTier(router: RouterDef, index: number, isAvailable: (model: string) => boolean): { index: number; model: string } | undefined {
  for (let i = index + 1; i < router.tiers.length; i++) if (isAvailable(router.tiers[i]!.model)) return { index: i, model: router.tiers[i]!.model };
  return undefined;
}
