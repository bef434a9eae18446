/**
 * Similarity between a search block and a run of file lines, fast enough to slide over a
 * 10k-line file: a banded edit distance that gives up once a budget is spent.
 */

let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

/**
 * Levenshtein distance between `a` and `b`, or `max + 1` as soon as it is known to exceed `max`.
 * Only the diagonal band of width 2·max+1 is computed, so the cost is O(len · max).
 */
export function boundedDistance(a: string, b: string, maxDistance: number): number {
  if (a === b) return 0;
  const max = Math.max(0, Math.floor(maxDistance));
  const n = a.length;
  const m = b.length;
  const big = max + 1;
  if (Math.abs(n - m) > max) return big;
  if (n === 0) return m;
  if (m === 0) return n;
  if (rowA.length < m + 2) {
    rowA = new Int32Array(m + 2);
    rowB = new Int32Array(m + 2);
  }
  let prev = rowA;
  let cur = rowB;
  const band = Math.min(max, Math.max(n, m));
  for (let j = 0; j <= m; j++) prev[j] = j <= band ? j : big;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(m, i + band);
    // Cells just outside the band count as "too far"; everything else is recomputed.
    cur[from - 1] = from === 1 ? (i <= band ? i : big) : big;
    if (to < m) cur[to + 1] = big;
    let rowMin = cur[from - 1]!;
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const substitute = prev[j - 1]! + (ai === b.charCodeAt(j - 1) ? 0 : 1);
      const del = (j <= i - 1 + band ? prev[j]! : big) + 1;
      const ins = cur[j - 1]! + 1;
      let v = substitute < del ? substitute : del;
      if (ins < v) v = ins;
      if (v > big) v = big;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return big;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[m]!, big);
}

/** Whitespace folded for fuzzy comparison: trimmed, runs of blanks collapsed to one space. */
export function foldWhitespace(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/**
 * Similarity in 0..1 of the search lines and as many file lines from `offset`: one minus the
 * summed edit distance over the longer total length. Returns a value below `atLeast` (not
 * necessarily exact) as soon as that is certain, which is what keeps sliding windows cheap.
 */
export function blockSimilarity(searchLines: string[], fileLines: string[], atLeast = 0, offset = 0): number {
  const m = searchLines.length;
  let totalSearch = 0;
  let totalFile = 0;
  for (let i = 0; i < m; i++) {
    totalSearch += searchLines[i]!.length;
    totalFile += (fileLines[offset + i] ?? '').length;
  }
  const total = Math.max(totalSearch, totalFile);
  if (total === 0) return 1;
  const budget = Math.floor((1 - atLeast) * total);
  // Length differences are a lower bound of the distance: reject without computing anything.
  let lowerBound = 0;
  for (let i = 0; i < m; i++) lowerBound += Math.abs(searchLines[i]!.length - (fileLines[offset + i] ?? '').length);
  if (lowerBound > budget) return 1 - lowerBound / total;
  let spent = 0;
  for (let i = 0; i < m; i++) {
    spent += boundedDistance(searchLines[i]!, fileLines[offset + i] ?? '', budget - spent);
    if (spent > budget) return Math.min(1 - spent / total, atLeast - Number.EPSILON);
  }
  return 1 - spent / total;
}
