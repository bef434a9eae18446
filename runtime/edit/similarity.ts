/**
 * Similarity between a search block and a run of file lines, fast enough to slide over a
 * 10k-line file: a banded edit distance that gives up once a budget is spent.
 */

/**
 * Levenshtein distance between `a` and `b`, or `max + 1` as soon as it is known to exceed `max`.
 * Only the diagonal band of width 2·max+1 is computed, so the cost is O(len · max).
 */
export function boundedDistance(a: string, b: string, maxDistance: number): number {
  let max = maxDistance;
  if (a === b) return 0;
  max = Math.max(0, Math.floor(max));
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (n === 0) return m;
  if (m === 0) return n;
  const band = Math.min(max, Math.max(n, m));
  const big = max + 1;
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j <= band ? j : big;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(m, i + band);
    cur.fill(big);
    cur[0] = i <= band ? i : big;
    let rowMin = cur[0]!;
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const substitute = prev[j - 1]! + (ai === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      const v = substitute < del ? (substitute < ins ? substitute : ins) : del < ins ? del : ins;
      cur[j] = v > big ? big : v;
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > max) return big;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[m]!, big);
}

/** Whitespace folded for fuzzy comparison: trimmed, runs of blanks collapsed to one space. */
export function foldWhitespace(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/**
 * Similarity of two equally long line lists in 0..1: one minus the summed edit distance over
 * the longer total length. Returns a value below `atLeast` (not necessarily exact) as soon as
 * that is certain, which is what keeps sliding windows cheap.
 */
export function blockSimilarity(searchLines: string[], fileLines: string[], atLeast = 0): number {
  let totalSearch = 0;
  let totalFile = 0;
  for (const l of searchLines) totalSearch += l.length;
  for (const l of fileLines) totalFile += l.length;
  const total = Math.max(totalSearch, totalFile);
  if (total === 0) return 1;
  const budget = Math.floor((1 - atLeast) * total);
  // Length differences are a lower bound of the distance: reject without computing anything.
  let lowerBound = 0;
  for (let i = 0; i < searchLines.length; i++) lowerBound += Math.abs(searchLines[i]!.length - (fileLines[i] ?? '').length);
  if (lowerBound > budget) return 1 - lowerBound / total;
  let spent = 0;
  for (let i = 0; i < searchLines.length; i++) {
    const remaining = budget - spent;
    const d = boundedDistance(searchLines[i]!, fileLines[i] ?? '', remaining);
    spent += d;
    if (spent > budget) return Math.min(1 - spent / total, atLeast - Number.EPSILON);
  }
  return 1 - spent / total;
}
