/**
 * The region of a file most like a search text that matched nowhere, so the refusal can show
 * the model the real lines (with numbers) to copy.
 */
import type { ClosestRegion } from './errors.js';
import { foldedLines, scoreWindows } from './match.js';
import { foldPunctuation, stripLineNumbers } from './normalize.js';
import { boundedDistance, foldWhitespace } from './similarity.js';
import { isBlank, toLineBlock, type PreparedText } from './text.js';

const MAX_WINDOWS = 400;
const MAX_LINE_CHARS = 300;
/** Below this the "closest" region is noise and is not shown. */
const MIN_SHOWN_SIMILARITY = 0.3;

export function closestRegion(doc: PreparedText, search: string): ClosestRegion | undefined {
  let lines = toLineBlock(search).lines;
  lines = stripLineNumbers(lines) ?? lines;
  while (lines.length && isBlank(lines[0]!)) lines = lines.slice(1);
  while (lines.length && isBlank(lines[lines.length - 1]!)) lines = lines.slice(0, -1);
  if (lines.length === 0 || doc.lines.length === 0) return undefined;
  const folded = lines.map((l) => foldWhitespace(foldPunctuation(l)).slice(0, MAX_LINE_CHARS));

  let windows = scoreWindows(doc, folded, 0, MAX_WINDOWS);
  if (windows.length === 0) windows = windowsAroundLikeliestLine(doc, folded);
  let best: { start: number; similarity: number } | undefined;
  for (const w of windows) if (!best || w.similarity > best.similarity) best = w;
  if (!best || best.similarity < MIN_SHOWN_SIMILARITY) return undefined;

  const size = Math.min(lines.length, doc.lines.length);
  const region: ClosestRegion = {
    startLine: best.start + 1,
    endLine: best.start + size,
    text: doc.lines.slice(best.start, best.start + size).join('\n'),
    similarity: Math.round(best.similarity * 1000) / 1000,
  };
  // Worth pointing at only when the rest is close: then one line is the whole problem.
  const k = folded.findIndex((l, i) => l !== foldWhitespace(foldPunctuation(doc.lines[best!.start + i] ?? '')).slice(0, MAX_LINE_CHARS));
  if (k !== -1 && best.similarity >= 0.6) region.firstDifference = { line: best.start + k + 1, file: doc.lines[best.start + k] ?? '', search: lines[k]! };
  return region;
}

/** No line matched exactly: anchor on the file lines most like the longest search line. */
function windowsAroundLikeliestLine(doc: PreparedText, folded: string[]): Array<{ start: number; similarity: number }> {
  const j = folded.reduce((bestJ, l, i) => (l.length > folded[bestJ]!.length ? i : bestJ), 0);
  const probe = folded[j]!;
  const fileLines = foldedLines(doc);
  // Keep the three best lines; each new line only needs to beat the third (branch and bound).
  const best: Array<{ line: number; d: number }> = [];
  for (let i = 0; i < fileLines.length; i++) {
    const line = fileLines[i]!.slice(0, MAX_LINE_CHARS);
    const longest = Math.max(1, probe.length, line.length);
    const bound = best.length < 3 ? longest : Math.floor(best[2]!.d * longest);
    const d = boundedDistance(probe, line, bound) / longest;
    if (best.length < 3 || d < best[2]!.d) {
      best.push({ line: i, d });
      best.sort((a, b) => a.d - b.d);
      if (best.length > 3) best.pop();
    }
  }
  const scored = best;
  const size = Math.min(folded.length, fileLines.length);
  const out: Array<{ start: number; similarity: number }> = [];
  for (const { line } of scored) {
    const start = Math.min(Math.max(0, line - j), fileLines.length - size);
    const similarity = scoreOne(folded.slice(0, size), fileLines.slice(start, start + size));
    out.push({ start, similarity });
  }
  return out;
}

function scoreOne(search: string[], window: string[]): number {
  let distance = 0;
  let total = 0;
  for (let i = 0; i < search.length; i++) {
    const a = search[i]!;
    const b = (window[i] ?? '').slice(0, MAX_LINE_CHARS);
    distance += boundedDistance(a, b, Math.max(a.length, b.length));
    total += Math.max(a.length, b.length);
  }
  return total === 0 ? 1 : 1 - distance / total;
}
