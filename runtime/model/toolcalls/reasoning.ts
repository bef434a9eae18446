/**
 * Separates thinking from the visible reply. Every family marks thinking differently; the table
 * below lists the pairs we know. Rules:
 * - a block that opens and never closes runs to the end of the reply;
 * - a closing marker with no opening one before it means the chat template opened the block in
 *   the prompt ("forced-open" thinking, Qwen3 / DeepSeek R1): everything before it is thinking;
 * - Apriel's `[BEGIN FINAL RESPONSE]` ends an unmarked thinking preamble.
 */
import { ForwardFinder } from './scan.js';

export const THINKING_MARKERS: ReadonlyArray<readonly [open: string, close: string]> = [
  ['<think>', '</think>'],
  ['<thinking>', '</thinking>'],
  ['<seed:think>', '</seed:think>'],
  ['[THINK]', '[/THINK]'],
  ['<|START_THINKING|>', '<|END_THINKING|>'],
  ['<|inner_prefix|>', '<|inner_suffix|>'],
  ['<|channel>', '<channel|>'],
  ['<|think|>', '<|end|>'],
  ['<reasoning>', '</reasoning>'],
  ['◁think▷', '◁/think▷'],
  ['<|open|>think<|sep|>', '<|close|>think<|sep|>'],
];

const FINAL_RESPONSE_MARKER = '[BEGIN FINAL RESPONSE]';

export interface ThinkingSplit {
  content: string;
  reasoning: string[];
}


/**
 * `protectedRanges` are tool calls already found in the text: a thinking marker inside one (a
 * file being written that contains `</think>`) is data, not a marker.
 */
export function splitThinking(text: string, protectedRanges: ReadonlyArray<readonly [number, number]> = []): ThinkingSplit {
  const reasoning: string[] = [];
  let rest = text;

  const finalAt = rest.indexOf(FINAL_RESPONSE_MARKER);
  if (finalAt !== -1) {
    const before = rest.slice(0, finalAt).trim();
    if (before) reasoning.push(before);
    rest = rest.slice(finalAt + FINAL_RESPONSE_MARKER.length);
  }

  const offset = text.length - rest.length;
  const finder = new ForwardFinder(rest);
  const cursor = {
    find(marker: string, from: number): number {
      let at = finder.find(marker, from);
      for (;;) {
        if (at === -1) return -1;
        const range = containing(protectedRanges, at + offset);
        if (!range) return at;
        at = finder.find(marker, range[1] - offset);
      }
    },
  };
  // Forced-open thinking: the earliest marker in the reply is a closing one.
  let firstOpen = Infinity;
  let firstClose: { at: number; marker: string } | undefined;
  for (const [open, close] of THINKING_MARKERS) {
    const o = cursor.find(open, 0);
    if (o !== -1) firstOpen = Math.min(firstOpen, o);
    const c = cursor.find(close, 0);
    if (c !== -1 && (!firstClose || c < firstClose.at)) firstClose = { at: c, marker: close };
  }
  let pos = 0;
  if (firstClose && firstClose.at < firstOpen && firstClose.marker !== '<|end|>') {
    const before = rest.slice(0, firstClose.at).trim();
    if (before) reasoning.push(before);
    pos = firstClose.at + firstClose.marker.length;
  }

  let content = '';
  while (pos < rest.length) {
    let best: { at: number; open: string; close: string } | undefined;
    for (const [open, close] of THINKING_MARKERS) {
      const o = cursor.find(open, pos);
      if (o !== -1 && (!best || o < best.at)) best = { at: o, open, close };
    }
    if (!best) break;
    content += rest.slice(pos, best.at);
    const bodyStart = best.at + best.open.length;
    const closeAt = cursor.find(best.close, bodyStart);
    // Gemma names its thinking channel: `<|channel>thought\n…<channel|>`.
    const body = rest.slice(bodyStart, closeAt === -1 ? rest.length : closeAt).replace(/^thought\b/, '').trim();
    if (body) reasoning.push(body);
    pos = closeAt === -1 ? rest.length : closeAt + best.close.length;
  }
  content += rest.slice(pos);
  return { content, reasoning };
}

/** The range containing `pos`, by binary search over ranges sorted by start. */
function containing(ranges: ReadonlyArray<readonly [number, number]>, pos: number): readonly [number, number] | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (pos < r[0]) hi = mid - 1;
    else if (pos >= r[1]) lo = mid + 1;
    else return r;
  }
  return undefined;
}
