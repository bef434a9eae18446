export interface RetrySettings {
  maxAttempts: number;
  backoff: 'fixed' | 'exponential';
  intervalMs: number;
  jitter: boolean;
}

export const NO_RETRY: RetrySettings = { maxAttempts: 1, backoff: 'fixed', intervalMs: 0, jitter: false };

/**
 * Delay before retry number `retry` (1 = the first retry): fixed, or doubling from the interval;
 * jitter spreads it uniformly over ±50% so parallel sessions do not retry in lockstep.
 */
export function backoffDelay(settings: RetrySettings, retry: number, random: () => number = Math.random): number {
  const base = settings.backoff === 'exponential' ? settings.intervalMs * 2 ** (retry - 1) : settings.intervalMs;
  const capped = Math.min(base, 60_000);
  if (!settings.jitter) return capped;
  return Math.round(capped * (0.5 + random()));
}

/** setTimeout as a promise that an abort signal can cut short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
