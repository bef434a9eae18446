/**
 * The numbers of an evaluation: pass@k (the unbiased estimator of Chen et al. 2021), Wilson score
 * intervals, and the test that tells a regression from noise (one-sided Fisher exact test).
 */

/** P(at least one of k samples passes) estimated from c passes in n trials, without bias. */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) k = n;
  if (n - c < k) return 1;
  // 1 - C(n-c, k) / C(n, k), as a product so it never overflows
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/** The Wilson score interval for c successes in n trials (z = 1.96: 95 %). */
export function wilson(c: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = c / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** pass@k's interval: pass@k = 1 − (1 − p)^k is monotone in p, so p's Wilson bounds map onto it. */
export function passAtKInterval(c: number, n: number, k: number): [number, number] {
  const [lo, hi] = wilson(c, n);
  return [1 - (1 - lo) ** k, 1 - (1 - hi) ** k];
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/**
 * One-sided Fisher exact test: the probability, if both runs had the same pass rate, that the
 * earlier run would have had `c1` or more of all the passes. Small means the drop is real.
 */
export function fisherDropP(c1: number, n1: number, c2: number, n2: number): number {
  const total = c1 + c2;
  const denominator = logChoose(n1 + n2, total);
  let p = 0;
  for (let x = c1; x <= Math.min(n1, total); x++) {
    if (total - x > n2) continue;
    p += Math.exp(logChoose(n1, x) + logChoose(n2, total - x) - denominator);
  }
  return Math.min(1, p);
}

/** The significance level below which a drop is a regression, not noise. */
export const REGRESSION_ALPHA = 0.05;
