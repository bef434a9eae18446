/**
 * Whole-file rewrites with elisions: a model asked for the full file writes
 * `// ... existing code ...` where it left code out. Writing that text would delete the code;
 * here the placeholders are filled with the file's lines they stand for.
 *
 * The rewrite is aligned to the file line by line (a small edit-distance alignment): lines
 * match, are new, are changed (similar enough), or are deleted; a placeholder swallows a run of
 * original lines at no cost, but only whole blocks: every swallowed line is indented at least as
 * deep as the placeholder, a closing line (`}`, `</div>`, `end`) at the placeholder's depth only
 * after its opening line, and the line after the run is shallower or a new item at the same
 * depth. That keeps a placeholder from ending in the middle of a function, which is what makes
 * the alignment pick the reading a human would.
 *
 * The cheapest alignment is then only accepted if every placeholder is justified, because a
 * placeholder with nothing around it to pin it down can be read as standing for nothing while
 * the code it should keep is deleted or overwritten:
 * - it sits next to (blank lines and other placeholders aside) an anchor: a line of the file
 *   the rewrite keeps, or changes visibly (its words kept, text added or removed, or only
 *   literals changed). The start or end of the file is not an anchor, and neither is a line
 *   that merely resembles one of the file (`function c() {` for `function b() {`);
 * - between its anchors, no line of the file is deleted or overwritten by a look-alike: that is
 *   code the placeholder could have stood for. Deleting lines between two anchors with no
 *   placeholder there is the model's evident intent and stays allowed.
 * Placeholders that cannot be placed or justified, or a file too large to align, are refused
 * rather than guessed; the message names the placeholder's line in the new content. A rewrite of
 * nothing but placeholders leaves the file as it is.
 *
 * One reading needs no anchor: a single top-level placeholder that opens the rewrite, followed
 * only by code the file does not have (no line of it equal to, or a visible edit of, a line of
 * the file; not even a short one like `}` right next to the placeholder), is the whole file with
 * that code appended — what small models write to add a
 * function. The mirror, new code and then the placeholder, prepends (new imports).
 */
import { EditError } from './errors.js';
import { isElisionLine } from './normalize.js';
import { boundedDistance } from './similarity.js';
import { isBlank, leadingWhitespace, prepareText } from './text.js';

/** Past this many cells (rewrite lines × file lines) the rewrite is refused rather than aligned. */
const MAX_CELLS = 1_500_000;
// Costs of the alignment. Deleting code the model did not write a placeholder for is the
// expensive mistake; so is writing a line that exists once in the file as if it were new (it is
// almost always the anchor the model copied). Changed lines are cheap: models edit near
// placeholders all the time.
const COST_INSERT = 1;
const COST_INSERT_KNOWN = 4;
const COST_DELETE = 3;
const COST_CHANGE = 0.5;
const COST_BLANK = 0.5;
const CHANGE_SIMILARITY = 0.45;
const KNOWN_MIN_CHARS = 6;

/**
 * A rewrite without placeholders is the whole new file — unless it is plainly a fragment: it would
 * delete more than half of the file's non-blank lines. Models write the one function they changed
 * and forget the placeholders; taken as the whole file that deletes the rest, so it is refused.
 * Counted as a multiset of trimmed lines, so repeated lines (`}`) are not kept twice.
 */
function refuseFragment(original: string[], rewrite: string[]): void {
  const left = new Map<string, number>();
  let total = 0;
  for (const line of original) {
    if (isBlank(line)) continue;
    total++;
    left.set(line.trim(), (left.get(line.trim()) ?? 0) + 1);
  }
  let kept = 0;
  for (const line of rewrite) {
    const n = left.get(line.trim());
    if (n) {
      kept++;
      left.set(line.trim(), n - 1);
    }
  }
  if (total >= FRAGMENT_MIN_LINES && total - kept > total / 2) {
    throw new EditError('invalid_edit', `the new content has no "..." placeholders but would delete ${total - kept} of the file's ${total} non-blank lines: it looks like a fragment. Write the whole file, mark the unchanged parts with a comment such as "// ... existing code ...", or change the file with patch`);
  }
}
/** Below this a file is small enough that rewriting most of it is an ordinary edit. */
const FRAGMENT_MIN_LINES = 6;

export function hasElisions(text: string): boolean {
  return text.split('\n').some(isElisionLine);
}

/**
 * The rewrite with every elision placeholder replaced by the original lines it stands for.
 * A rewrite without placeholders is returned as it is (it is the whole new file). Keeps the
 * file's line endings and BOM. Throws EditError (no_match) when a placeholder cannot be placed
 * or nothing in the rewrite justifies where it was placed (see the module comment).
 */
export function mergeElidedRewrite(original: string, rewrite: string): string {
  const rewriteDoc = prepareText(rewrite);
  if (!rewriteDoc.lines.some(isElisionLine)) {
    refuseFragment(prepareText(original).lines, rewriteDoc.lines);
    return rewrite;
  }
  const doc = prepareText(original);
  const O = doc.lines;
  const R = rewriteDoc.lines;
  if (O.length === 0) throw new EditError('no_match', 'the new content has "..." placeholders for existing code, but the file is empty: write the full content');
  // Nothing but placeholders: they stand for the whole file, and nothing can be lost.
  if (R.every((line) => isBlank(line) || isElisionLine(line))) return original;
  const finish = (out: string[]) => {
    const body = out.join('\n') + (rewriteDoc.endsWithNewline || (doc.endsWithNewline && !rewriteDoc.lines.length) ? '\n' : '');
    const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
    return bom + (doc.eol === '\r\n' ? body.replace(/\n/g, '\r\n') : body);
  };
  const around = wholeFileAround(O, R);
  if (around) return finish(around);

  // Lines equal at the start need no alignment (often most of the file). Not at the end: new
  // code after the last placeholder often ends like the file does ("return this; }").
  let head = 0;
  while (head < O.length && head < R.length && !isElisionLine(R[head]!) && O[head]!.trimEnd() === R[head]!.trimEnd()) head++;
  if ((R.length - head + 1) * (O.length - head + 1) > MAX_CELLS) {
    throw new EditError('no_match', `the new content has "..." placeholders for existing code, and the changed part of the file is too large (${O.length - head} lines) to place them: change the file with patch instead`);
  }
  const middle = align(O.slice(head), R.slice(head));
  const plan: Step[] | null = middle && [
    ...R.slice(0, head).map((_, r): Step => ({ kind: 'keep', r, o: r })),
    ...middle.map((step) => shiftStep(step, head)),
  ];
  if (!plan) throw new EditError('no_match', 'the "..." placeholders in the new content could not be matched to whole blocks of the file: change the file with patch instead');
  justify(plan, O, R);

  const out: string[] = [];
  plan.forEach((step, k) => {
    if (step.kind === 'keep' || step.kind === 'new' || step.kind === 'change') {
      // A blank line right after a run that already ended with one would double the gap.
      const previous = plan[k - 1];
      if (isBlank(R[step.r]!) && previous?.kind === 'elided' && previous.to > previous.from && isBlank(O[previous.to - 1]!)) return;
      out.push(R[step.r]!);
    } else if (step.kind === 'elided') {
      // A placeholder that stands for nothing takes the blank line written before it along.
      if (step.from === step.to) {
        if (out.length && isBlank(out[out.length - 1]!)) out.pop();
        return;
      }
      let from = step.from;
      if (out.length && isBlank(out[out.length - 1]!)) while (from < step.to && isBlank(O[from]!)) from++;
      out.push(...O.slice(from, step.to));
    }
  });
  return finish(out);
}

/**
 * `// ... existing code ...` then only new code (or only new code, then the placeholder): the
 * file with the new code appended (or prepended). Undefined when the rewrite is not of that shape:
 * more than one placeholder, a placeholder indented deeper than the file's top level, or a line
 * that the file already has or that edits one of its lines — then the alignment decides.
 */
function wholeFileAround(O: string[], R: string[]): string[] | undefined {
  const solid = R.flatMap((line, r) => (isBlank(line) ? [] : [r]));
  const placeholders = solid.filter((r) => isElisionLine(R[r]!));
  if (placeholders.length !== 1) return undefined;
  const p = placeholders[0]!;
  const leading = p === solid[0];
  if (!leading && p !== solid[solid.length - 1]) return undefined;
  const topLevel = Math.min(...O.filter((l) => !isBlank(l)).map(indentWidth));
  if (indentWidth(R[p]!) > topLevel) return undefined;
  // The line next to the placeholder would be its anchor if the file had it, however short (`}`).
  const neighbour = solid[leading ? 1 : solid.length - 2];
  if (neighbour !== undefined && O.some((l) => l.trim() === R[neighbour]!.trim())) return undefined;
  const known = new Set(O.map((l) => l.trim()).filter((t) => t.length >= KNOWN_MIN_CHARS));
  const originalWords = O.filter((l) => wordsOf(l).length >= 2);
  for (const r of solid) {
    if (r === p) continue;
    const line = R[r]!;
    if (known.has(line.trim())) return undefined;
    if (wordsOf(line).length >= 2 && originalWords.some((o) => isVisibleEdit(line, o))) return undefined;
  }
  if (!leading) return [...R.slice(0, p), ...O];
  const added = R.slice(p + 1);
  // The file's own trailing blank line already separates it from what is appended.
  while (O.length && isBlank(O[O.length - 1]!) && added.length && isBlank(added[0]!)) added.shift();
  return [...O, ...added];
}

type Step =
  | { kind: 'keep' | 'change'; r: number; o: number }
  | { kind: 'new'; r: number }
  | { kind: 'delete'; o: number }
  | { kind: 'elided'; r: number; from: number; to: number };

/** A step of the alignment of the lines after `head`, in line numbers of the whole texts. */
function shiftStep(step: Step, head: number): Step {
  switch (step.kind) {
    case 'elided':
      return { ...step, r: step.r + head, from: step.from + head, to: step.to + head };
    case 'delete':
      return { ...step, o: step.o + head };
    case 'new':
      return { ...step, r: step.r + head };
    default:
      return { ...step, r: step.r + head, o: step.o + head };
  }
}

const PLACE_HINT = 'Put an unchanged line of the file right before or after each placeholder and write out every line you change, or change the file with patch instead';

/**
 * Throws EditError unless every placeholder of the plan is justified: next to an anchor (a kept
 * or visibly changed line of the file), and with no line of the file lost between its anchors.
 */
function justify(plan: Step[], O: string[], R: string[]): void {
  const isAnchor = (step: Step) => step.kind === 'keep' || (step.kind === 'change' && isVisibleEdit(R[step.r]!, O[step.o]!));
  const stepOfLine = new Map<number, Step>();
  for (const step of plan) if (step.kind !== 'delete') stepOfLine.set(step.r, step);
  const anchoredFrom = (r: number, direction: 1 | -1) => {
    for (let k = r + direction; k >= 0 && k < R.length; k += direction) {
      if (isBlank(R[k]!) || isElisionLine(R[k]!)) continue;
      return isAnchor(stepOfLine.get(k)!);
    }
    return false;
  };
  for (const step of plan) {
    if (step.kind !== 'elided' || anchoredFrom(step.r, -1) || anchoredFrom(step.r, 1)) continue;
    throw new EditError('no_match', `the "..." placeholder on line ${step.r + 1} of the new content has no unchanged line of the file next to it (only new code, or the start or end of the file), so what it stands for would be a guess. ${PLACE_HINT}`);
  }

  // Between two anchors, a placeholder could stand for any line of the file there; a line deleted
  // or overwritten by a look-alike instead is code the rewrite never said to drop.
  let placeholder: number | undefined;
  let firstLost = Infinity;
  let lastLost = -1;
  const closeGap = () => {
    if (placeholder !== undefined && lastLost >= 0) {
      const range = firstLost === lastLost ? `line ${firstLost + 1}` : `lines ${firstLost + 1}-${lastLost + 1}`;
      throw new EditError('no_match', `the "..." placeholder on line ${placeholder + 1} of the new content cannot be placed: beside it, ${range} of the file ("${preview(O[firstLost]!)}") would be lost, deleted or overwritten by new lines that only resemble them. ${PLACE_HINT}`);
    }
    placeholder = undefined;
    firstLost = Infinity;
    lastLost = -1;
  };
  const lose = (o: number) => {
    firstLost = Math.min(firstLost, o);
    lastLost = Math.max(lastLost, o);
  };
  for (const step of plan) {
    if (isAnchor(step)) closeGap();
    else if (step.kind === 'elided') placeholder ??= step.r;
    else if (step.kind === 'delete' && !isBlank(O[step.o]!)) lose(step.o);
    else if (step.kind === 'change') lose(step.o);
  }
  closeGap();
}

/**
 * Whether a changed line is visibly the original line edited rather than a look-alike: its
 * words (string and number literals aside) are the original's, with words added or removed
 * (`import { a }` → `import { a, b }`, `<p>` → `<p className="x">`, `return 1` → `return 2`).
 * A renamed declaration (`function c() {` for `function b() {`) may be a new one.
 */
function isVisibleEdit(rewriteLine: string, originalLine: string): boolean {
  const a = wordsOf(rewriteLine);
  const b = wordsOf(originalLine);
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let k = 0;
  for (const word of long) if (k < short.length && word === short[k]) k++;
  return k === short.length;
}

function wordsOf(line: string): string[] {
  const code = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
  return code.match(/[A-Za-z_$][\w$]*/g) ?? [];
}

function preview(line: string): string {
  const t = line.trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

/** Minimum-cost alignment of the rewrite R to the original O; null if a placeholder cannot fit. */
function align(O: string[], R: string[]): Step[] | null {
  const n = O.length;
  const m = R.length;
  const W = n + 1;
  const oKey = O.map((l) => l.trimEnd());
  const rKey = R.map((l) => l.trimEnd());
  const oIndent = O.map((l) => (isBlank(l) ? Infinity : indentWidth(l)));
  const marker = R.map(isElisionLine);
  const markerIndent = R.map((l) => indentWidth(l));
  // First non-blank original line at or after j (n when none): where a placeholder's run may end.
  const nextSolid = new Int32Array(n + 1);
  nextSolid[n] = n;
  for (let j = n - 1; j >= 0; j--) nextSolid[j] = isBlank(O[j]!) ? nextSolid[j + 1]! : j;

  const closer = O.map(isCloser);
  // D: best cost with R[0..i) and O[0..j) consumed. E: inside placeholder R[i], having swallowed
  // up to j; E1 when the last swallowed line at the placeholder's own indentation opened a block
  // (so a closing line at that indentation may follow), E0 otherwise.
  const D = new Float64Array((m + 1) * W).fill(Infinity);
  const E0 = new Float64Array((m + 1) * W).fill(Infinity);
  const E1 = new Float64Array((m + 1) * W).fill(Infinity);
  const start0 = new Int32Array((m + 1) * W); // where the run in E0 / E1 began
  const start1 = new Int32Array((m + 1) * W);
  const fromD = new Uint8Array((m + 1) * W); // how D was reached
  const closedFrom = new Int32Array((m + 1) * W); // for a closed placeholder: where its run began
  D[0] = 0;
  // Lines as numbers: equal text, equal id; cheap to compare in the n·m loop.
  const ids = new Map<string, number>();
  const idOf = (line: string) => {
    const t = line.trim();
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return id;
  };
  const oId = Int32Array.from(O, idOf);
  const rId = Int32Array.from(R, idOf);
  const text = [...ids.keys()];
  const tokenIds = new Map<string, number>();
  const tokenOf = (id: number) => {
    const t = firstToken(text[id]!);
    let k = tokenIds.get(t);
    if (k === undefined) tokenIds.set(t, (k = tokenIds.size));
    return k;
  };
  const oToken = Int32Array.from(oId, tokenOf);
  const rToken = Int32Array.from(rId, tokenOf);
  const counts = new Int32Array(ids.size);
  for (let j = 0; j < n; j++) counts[oId[j]!]!++;
  const insertCost = (i: number) => {
    // A blank line next to a placeholder is layout around it, free to keep.
    if (isBlank(R[i]!)) return marker[i - 1] || marker[i + 1] ? 0 : COST_BLANK;
    return counts[rId[i]!] === 1 && text[rId[i]!]!.length >= KNOWN_MIN_CHARS ? COST_INSERT_KNOWN : COST_INSERT;
  };
  const similarCache = new Map<number, boolean>();
  const similar = (i: number, j: number) => {
    if (rToken[i] !== oToken[j]) return false;
    const cacheKey = rId[i]! * ids.size + oId[j]!;
    let known = similarCache.get(cacheKey);
    if (known === undefined) similarCache.set(cacheKey, (known = lineChanged(text[rId[i]!]!, text[oId[j]!]!)));
    return known;
  };
  const lineChanged = (a: string, b: string) => {
    if (a === '' || b === '') return false;
    // One line grown or trimmed from the other (an attribute added, an argument removed).
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    if (short.length >= 0.3 * long.length && isSubsequence(short, long)) return true;
    const budget = Math.floor((1 - CHANGE_SIMILARITY) * long.length);
    return boundedDistance(a, b, budget) <= budget;
  };

  for (let i = 0; i <= m; i++) {
    for (let j = 0; j <= n; j++) {
      const here = i * W + j;
      // Close a placeholder whose run ends before O[j], only where a block ends: the next line
      // is shallower, or at the same depth and not the closing line of an enclosing block.
      if (i > 0 && marker[i - 1]) {
        const at = (i - 1) * W + j;
        const after = nextSolid[j]!;
        const level = markerIndent[i - 1]!;
        if (after === n || oIndent[after]! < level || (oIndent[after] === level && !closer[after])) {
          const e = Math.min(E0[at]!, E1[at]!);
          if (e < D[here]!) {
            D[here] = e;
            fromD[here] = 5;
            closedFrom[here] = E0[at]! <= E1[at]! ? start0[at]! : start1[at]!;
          }
        }
      }
      const d = D[here]!;
      if (d === Infinity && !(i < m && marker[i])) continue;
      if (i < m && marker[i]) {
        // Open the placeholder's run here, or extend the runs that reached here by O[j].
        if (d < E0[here]!) {
          E0[here] = d;
          start0[here] = j;
        }
        if (j < n) {
          const level = markerIndent[i]!;
          // Between equally good readings, earlier placeholders swallow more ("..." up to the
          // new code), which is how people read them.
          const tieBreak = -(m - i) * 1e-9;
          const extend = (cost: number, start: number, to: Float64Array, toStart: Int32Array) => {
            cost += tieBreak;
            if (cost < to[here + 1]!) {
              to[here + 1] = cost;
              toStart[here + 1] = start;
            }
          };
          if (isBlank(O[j]!) || oIndent[j]! > level) {
            extend(E0[here]!, start0[here]!, E0, start0);
            extend(E1[here]!, start1[here]!, E1, start1);
          } else if (oIndent[j] === level) {
            if (closer[j]) extend(E1[here]!, start1[here]!, E0, start0);
            else {
              extend(E0[here]!, start0[here]!, E1, start1);
              extend(E1[here]!, start1[here]!, E1, start1);
            }
          }
        }
        continue;
      }
      if (d === Infinity) continue;
      if (i < m && j < n) {
        const same = rId[i] === oId[j] && rKey[i] === oKey[j];
        const cost = same ? 0 : similar(i, j) ? COST_CHANGE : Infinity;
        relax(D, fromD, (i + 1) * W + j + 1, d + cost, same ? 1 : 2);
      }
      if (i < m) relax(D, fromD, (i + 1) * W + j, d + insertCost(i), 3);
      if (j < n) relax(D, fromD, i * W + j + 1, d + (isBlank(O[j]!) ? COST_BLANK : COST_DELETE), 4);
    }
  }
  if (D[m * W + n] === Infinity) return null;

  // Walk back from the end, collecting what happened to each line.
  const steps: Step[] = [];
  let i = m;
  let j = n;
  while (i > 0 || j > 0) {
    const how = fromD[i * W + j];
    if (how === 1 || how === 2) {
      steps.push({ kind: how === 1 ? 'keep' : 'change', r: i - 1, o: j - 1 });
      i--;
      j--;
    } else if (how === 3) {
      steps.push({ kind: 'new', r: i - 1 });
      i--;
    } else if (how === 4) {
      steps.push({ kind: 'delete', o: j - 1 });
      j--;
    } else if (how === 5) {
      const from = closedFrom[i * W + j]!;
      steps.push({ kind: 'elided', r: i - 1, from, to: j });
      i--;
      j = from;
    } else return null;
  }
  return steps.reverse();
}

function relax(D: Float64Array, from: Uint8Array, at: number, cost: number, how: number): void {
  if (cost < D[at]!) {
    D[at] = cost;
    from[at] = how;
  }
}

function isSubsequence(short: string, long: string): boolean {
  let k = 0;
  for (let i = 0; i < long.length && k < short.length; i++) if (long[i] === short[k]) k++;
  return k === short.length;
}

function firstToken(line: string): string {
  return /^[\w$]+|^\S{1,2}/.exec(line)?.[0] ?? '';
}

/** A line that closes a block: `}`, `});`, `]`, `)`, `</div>`, `/>`, `end`, `fi`, `done`. */
function isCloser(line: string): boolean {
  return /^(?:[}\])]|<\/|\/>|(?:end|fi|done|esac)\b)/.test(line.trim());
}

function indentWidth(line: string): number {
  let w = 0;
  for (const ch of leadingWhitespace(line)) w += ch === '\t' ? 4 : 1;
  return w;
}
