/**
 * npm run bench:edits [-- --json] [-- --verbose] [-- --no-speed]
 *
 * Replays the edits of other tools' test suites (../shared/corpora/edits.jsonl) through
 * runtime/edit and reports the recovery rate per kind of edit: the edit lands exactly as
 * expected, or is refused when it must be. Every record is also given one of four outcomes;
 * "applied but wrong" (a file written that differs from the expected one, or an edit applied
 * that must be refused) is the one an editor must never have. Records that reflect one tool's
 * policy (policy_dependent) are reported apart, with the direction in which our policy differs.
 * Also scores where searches match (edits-match-level.jsonl), and times the worst case over
 * generated 1 MB inputs (bench/lib/edit-inputs.ts).
 */
import { applyEdits, applyPatchUpdate, EditBlockSyntaxError, EditError, editsFromUnifiedDiff, findMatch, mergeElidedRewrite, parseApplyPatch, parseEditBlocks, type Edit } from '../runtime/edit/index.js';
import { foldPunctuation, unescapeText } from '../runtime/edit/normalize.js';
import { printTable, readJsonl } from './lib/corpora.js';
import { timeWorstCases } from './lib/edit-inputs.js';

const KINDS = ['exact', 'whitespace', 'indent', 'escape', 'elision', 'ambiguous', 'nomatch', 'multi', 'other'] as const;

interface EditRecord {
  id: string;
  kind: string;
  original: string;
  search: string | null;
  replace: string | null;
  blocks?: Array<{ search: string; replace: string; replace_all?: boolean; anchor_context?: string; anchor_end_of_file?: boolean }>;
  raw_edit?: string;
  format?: string;
  expected: string | null;
  expect_error: boolean;
  policy_dependent?: boolean;
  tool_options?: Record<string, unknown>;
  compare?: string;
  notes: string;
}

type Outcome = { ok: boolean; got: string; reason?: string };

const OUTCOMES = ['applied as expected', 'refused as expected', 'refused, should apply', 'applied but wrong', 'unsupported'] as const;
type OutcomeClass = (typeof OUTCOMES)[number];

function classify(r: EditRecord, o: Outcome): OutcomeClass {
  if (o.got === 'unsupported') return 'unsupported';
  if (o.got === 'crash') return 'applied but wrong';
  if (o.got === 'applied') return o.ok ? 'applied as expected' : 'applied but wrong';
  return r.expect_error ? 'refused as expected' : 'refused, should apply';
}

function outcomeRow(label: string, rows: Array<{ r: EditRecord; outcome: Outcome }>): Array<string | number> {
  const counts = OUTCOMES.map((c) => rows.filter((x) => classify(x.r, x.outcome) === c).length);
  return [label, rows.length, ...counts];
}

const BLOCK_FORMATS = new Set(['aider-editblock', 'cline-search-replace', 'roo-multi-search-replace']);
const APPLY_PATCH_FORMATS = new Set(['apply_patch', 'apply_patch-chunks']);

/** The edits of a record, or why it cannot be expressed as search/replace pairs. Throws EditBlockSyntaxError. */
function editsOf(r: EditRecord): Edit[] | string {
  const options = r.tool_options ?? {};
  const replaceAll = options.replaceAll === true || options.replace_all === true || options.allow_multiple === true;
  const nearLine = typeof options.applyDiff_startLine === 'number' ? { nearLine: options.applyDiff_startLine } : {};
  if (r.search === null && !r.blocks && r.raw_edit !== undefined && BLOCK_FORMATS.has(r.format ?? '')) {
    return parseEditBlocks(r.raw_edit).map((b) => ({ search: b.search, replace: b.replace, ...(b.startLine ? { nearLine: b.startLine } : {}) }));
  }
  if (r.search === null && !r.blocks && r.raw_edit !== undefined && r.format === 'udiff') {
    return editsFromUnifiedDiff(r.raw_edit).map((e) => ({ search: e.search, replace: e.replace }));
  }
  if (r.blocks) {
    return r.blocks.map((b) => ({
      search: b.search,
      replace: b.replace,
      ...(b.replace_all ? { replaceAll: true } : {}),
      ...(b.anchor_context !== undefined ? { after: b.anchor_context } : {}),
      ...(b.anchor_end_of_file ? { atEnd: true } : {}),
    }));
  }
  if (r.search !== null && r.replace !== null) return [{ search: r.search, replace: r.replace, ...(replaceAll ? { replaceAll: true } : {}), ...nearLine }];
  return `unsupported: ${r.format ?? 'raw'} text is not a search/replace pair`;
}

function sameText(a: string, b: string, compare?: string): boolean {
  if (compare === 'ignore whitespace on blank lines') {
    const blankOut = (t: string) => t.split('\n').map((l) => (l.trim() === '' ? '' : l)).join('\n');
    return blankOut(a) === blankOut(b);
  }
  return a === b;
}

function runEdit(r: EditRecord): Outcome {
  if (r.format === 'continue-lazy-whole-file' && r.raw_edit !== undefined) {
    try {
      const out = mergeElidedRewrite(r.original, r.raw_edit);
      if (r.expected !== null && sameText(out, r.expected, r.compare)) return { ok: true, got: 'applied' };
      return { ok: false, got: 'applied', reason: `wrong result: ${JSON.stringify(out).slice(0, 160)}` };
    } catch (err) {
      if (!(err instanceof EditError)) return { ok: false, got: 'crash', reason: `crashed: ${(err as Error).stack}` };
      return { ok: false, got: `refused:${err.kind}`, reason: `refused (${err.kind}): ${err.message.slice(0, 120)}` };
    }
  }
  let edits: Edit[] | string;
  try {
    edits = editsOf(r);
  } catch (err) {
    if (!(err instanceof EditBlockSyntaxError)) throw err;
    return r.expect_error ? { ok: true, got: 'refused:syntax' } : { ok: false, got: 'refused:syntax', reason: err.message };
  }
  if (typeof edits === 'string') return { ok: false, got: 'unsupported', reason: edits };
  try {
    // apply_patch's own semantics for an update (the file is written as lines).
    const out = APPLY_PATCH_FORMATS.has(r.format ?? '') ? applyPatchUpdate(r.original, edits) : applyEdits(r.original, edits);
    if (r.expect_error) return { ok: false, got: 'applied', reason: 'applied an edit that must be refused' };
    if (r.expected !== null && sameText(out, r.expected, r.compare)) return { ok: true, got: 'applied' };
    return { ok: false, got: 'applied', reason: `wrong result: ${JSON.stringify(out).slice(0, 160)}` };
  } catch (err) {
    if (!(err instanceof EditError)) return { ok: false, got: 'crash', reason: `crashed: ${(err as Error).stack}` };
    if (r.expect_error) return { ok: true, got: `refused:${err.kind}` };
    return { ok: false, got: `refused:${err.kind}`, reason: `refused (${err.kind}): ${err.message.slice(0, 120)}` };
  }
}

/**
 * End to end from the model's text: records whose raw edit is block text, an apply_patch patch
 * or a unified diff, parsed by our parsers and applied, against the expected result.
 */
function fromText(records: EditRecord[]): { checked: number; recovered: number; failures: string[] } {
  let checked = 0;
  let recovered = 0;
  const failures: string[] = [];
  for (const r of records) {
    if (r.raw_edit === undefined || r.policy_dependent) continue;
    let parse: (() => Edit[]) | undefined;
    if (BLOCK_FORMATS.has(r.format ?? '')) parse = () => parseEditBlocks(r.raw_edit!).map(({ path: _path, startLine, ...e }) => ({ ...e, ...(startLine ? { nearLine: startLine } : {}) }));
    else if (r.format === 'apply_patch') {
      parse = () => parseApplyPatch(r.raw_edit!).flatMap((op) => (op.kind === 'update' ? op.edits : []));
    } else if (r.format === 'udiff') parse = () => editsFromUnifiedDiff(r.raw_edit!);
    if (!parse) continue;
    checked++;
    let outcome: string;
    try {
      const out = r.format === 'apply_patch' ? applyPatchUpdate(r.original, parse()) : applyEdits(r.original, parse());
      outcome = r.expect_error ? 'applied' : r.expected !== null && sameText(out, r.expected, r.compare) ? 'ok' : 'wrong';
    } catch (err) {
      if (!(err instanceof EditError) && !(err instanceof EditBlockSyntaxError)) throw err;
      outcome = r.expect_error ? 'ok' : `refused: ${err.message.slice(0, 80)}`;
    }
    if (outcome === 'ok') recovered++;
    else failures.push(`${r.id} [${r.format}] ${outcome}`);
  }
  return { checked, recovered, failures };
}

/**
 * Block text parsed by parseEditBlocks against the search/replace pairs the corpus extracted
 * from the same text (records in a block format that give both).
 */
function parserAgreement(records: EditRecord[]): { checked: number; agree: number; disagree: string[] } {
  let checked = 0;
  let agree = 0;
  const disagree: string[] = [];
  for (const r of records) {
    if (!BLOCK_FORMATS.has(r.format ?? '') || r.raw_edit === undefined) continue;
    const given = r.blocks ?? (r.search !== null && r.replace !== null ? [{ search: r.search, replace: r.replace }] : null);
    if (!given) continue;
    checked++;
    try {
      const parsed = parseEditBlocks(r.raw_edit);
      const same = parsed.length === given.length && parsed.every((b, i) => b.search === given[i]!.search && b.replace === given[i]!.replace);
      if (same) agree++;
      else disagree.push(`${r.id}: ${JSON.stringify(parsed.map((b) => [b.search, b.replace])).slice(0, 200)}`);
    } catch (err) {
      disagree.push(`${r.id}: ${(err as Error).message}`);
    }
  }
  return { checked, agree, disagree };
}

/** Which of our documented policies (runtime/edit/README.md) a failed record ran into, if any. */
function policyBehind(r: EditRecord, outcome: Outcome): string | undefined {
  const got = outcome.reason ?? '';
  if (outcome.got === 'refused:no_match' && /indentation relative to each other differs/.test(got)) {
    return "we refuse new lines under a search nested differently from the file (they re-indent by the first line or write them as given)";
  }
  if (outcome.got === 'refused:empty_search') return 'we refuse an empty search on a non-empty file (they overwrite, insert or append)';
  if (outcome.got === 'refused:no_change' && r.search !== null && r.replace !== null && r.search.replace(/\r/g, '') === r.replace.replace(/\r/g, '')) {
    return "new text takes the file's line endings, so a CRLF→LF-only edit changes nothing";
  }
  if (outcome.got === 'applied' && r.expected !== null && r.expected.endsWith('\n') && !r.original.endsWith('\n')) {
    try {
      const edits = editsOf(r);
      if (typeof edits !== 'string' && `${applyEdits(r.original, edits)}\n` === r.expected) return "we keep the file's missing final newline (they add one)";
    } catch {
      return undefined;
    }
  }
  const result = /^wrong result: (".*")$/.exec(got);
  if (result && r.expected !== null && outcome.got === 'applied') {
    let out: string | undefined;
    try {
      const edits = editsOf(r);
      if (typeof edits !== 'string') out = applyEdits(r.original, edits);
    } catch {
      out = undefined;
    }
    // The same text once typographic characters and inner spacing are folded: we kept the
    // file's own characters on what the model copied, they wrote the model's copy.
    const folded = (t: string) => foldPunctuation(t).replace(/[ \t]+/g, ' ');
    if (out !== undefined && out !== r.expected && folded(out) === folded(r.expected)) return "we keep the file's characters (quotes, spacing) outside the changed part (they write the model's copy)";
    const unindent = (t: string) => t.split('\n').map((l) => l.trimStart()).join('\n');
    if (out !== undefined && unindent(out) === unindent(r.expected)) return "we re-indent the replacement to the matched lines' indentation";
    if (out !== undefined && unescapeText(out) === r.expected && r.search !== null && r.original.includes(r.search)) {
      return 'we write the replacement as given when the search matched as written (they unescape it with an LLM)';
    }
  }
  if (r.format === 'continue-lazy-whole-file' && got.startsWith('wrong') && !/\.\.\./.test(r.raw_edit ?? '')) return 'a rewrite without placeholders is the whole new file';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Match level: where a search should match. Records test other tools' internals (a single
// replacer, a seek with a start line); those without a meaning for our findMatch are "n/a".

interface MatchRecord {
  id: string;
  kind: string;
  original: string;
  search: string;
  expected_match: unknown;
  api: string;
  start?: number;
  eof?: boolean;
}

type Expectation =
  | { type: 'at'; start: number; end?: number }
  | { type: 'line'; line: number }
  | { type: 'text'; text: string }
  | { type: 'unique' }
  | { type: 'some' }
  | { type: 'ambiguous'; count: number }
  | { type: 'none' }
  | { type: 'policy'; why: string }
  | { type: 'n/a'; why: string };

function expectationOf(r: MatchRecord): Expectation {
  const e = r.expected_match as any;
  if (r.api.startsWith('seekSequence')) {
    if ((r.start ?? 0) !== 0 || r.eof) return { type: 'n/a', why: 'seek from a start line / from the end' };
    if (r.search === '') return { type: 'policy', why: 'empty search: we refuse on a non-empty file' };
    if (e === null) return { type: 'none' };
    const occurrences = r.original.split('\n').filter((l) => l.trim() === r.search.trim()).length;
    if (occurrences > 1) return { type: 'policy', why: 'several matches: seek takes the first, we refuse' };
    return { type: 'line', line: e as number };
  }
  if (r.search !== '' && !r.original.includes(r.search.trim()) && r.original.toLowerCase().includes(r.search.trim().toLowerCase()) && e && (e.strategyName ?? 'x') !== 'whitespaceIgnoredMatch') {
    return { type: 'policy', why: 'case-insensitive match: we refuse (identifiers differ by case)' };
  }
  if (r.api.startsWith('findSearchMatch(')) {
    if (e === null) return { type: 'none' };
    if (r.search !== '' && r.original.split(r.search).length > 2) return { type: 'policy', why: 'several matches: they take the first, we refuse' };
    return strategyExpectation(e) ?? { type: 'at', start: e.startIndex, end: e.endIndex };
  }
  if (r.api.startsWith('findSearchMatches')) {
    if (Array.isArray(e)) return e.length === 0 ? { type: 'none' } : { type: 'n/a', why: 'unknown shape' };
    const asserts: any[] = e.partial_asserts ?? [];
    const length = asserts.find((a) => a.matcher[0] === 'toHaveLength')?.args[0] as number | undefined;
    const first = asserts.find((a) => a.on.length === 1 && a.on[0] === '0')?.args[0];
    const firstStrategy = asserts.find((a) => a.on[0] === '0' && a.on[1] === 'strategyName')?.args[0];
    if (length === 0) return { type: 'none' };
    const policy = strategyExpectation(first ?? { strategyName: firstStrategy });
    if (policy) return policy;
    if (length !== undefined && length > 1) return { type: 'ambiguous', count: length };
    if (first) return { type: 'at', start: first.startIndex, end: first.endIndex };
    return { type: 'unique' };
  }
  // opencode replacers: lists of candidate strings or count constraints.
  if (Array.isArray(e)) {
    if (e.length === 0) {
      return r.original.includes(r.search) ? { type: 'n/a', why: 'one replacer declines; the text is there verbatim' } : { type: 'none' };
    }
    if (!r.original.includes(e[0])) return { type: 'n/a', why: 'the replacer yields the search text without looking at the file' };
    const occurrences = r.original.split(e[0]).length - 1;
    if (new Set(e).size === 1 && e.length > 1 && occurrences === e.length) return { type: 'ambiguous', count: e.length };
    return { type: 'text', text: e[0] as string };
  }
  if (e && typeof e === 'object' && 'count' in e) return e.count === 1 ? { type: 'unique' } : { type: 'ambiguous', count: e.count };
  if (e && typeof e === 'object' && 'count_gt' in e) return { type: 'some' };
  return { type: 'n/a', why: 'unknown shape' };
}

function strategyExpectation(e: { strategyName?: string } | undefined): Expectation | null {
  if (e?.strategyName === 'emptySearch') return { type: 'policy', why: 'empty search: we refuse on a non-empty file' };
  if (e?.strategyName === 'caseInsensitiveMatch') return { type: 'policy', why: 'case-insensitive match: we refuse (identifiers differ by case)' };
  return null;
}

function runMatch(r: MatchRecord): { verdict: 'pass' | 'fail' | 'policy' | 'n/a'; detail: string } {
  const expect = expectationOf(r);
  if (expect.type === 'n/a') return { verdict: 'n/a', detail: expect.why };
  let got: { start: number; end: number; strategy: string } | EditError;
  try {
    got = findMatch(r.original, r.search);
  } catch (err) {
    if (!(err instanceof EditError)) return { verdict: 'fail', detail: `crashed: ${(err as Error).message}` };
    got = err;
  }
  const describe = got instanceof EditError ? `refused:${got.kind}` : `${got.start}..${got.end} (${got.strategy})`;
  if (expect.type === 'policy') return { verdict: 'policy', detail: `${expect.why}; we: ${describe}` };
  const pass = (ok: boolean) => ({ verdict: ok ? ('pass' as const) : ('fail' as const), detail: `expected ${JSON.stringify(expect)}, got ${describe}` });
  switch (expect.type) {
    case 'none':
      return pass(got instanceof EditError && (got.kind === 'no_match' || got.kind === 'empty_search'));
    case 'ambiguous':
      return pass(got instanceof EditError && got.kind === 'ambiguous' && got.candidates?.length === expect.count);
    case 'unique':
    case 'some':
      return pass(!(got instanceof EditError));
    case 'at':
      return pass(!(got instanceof EditError) && got.start === expect.start && (expect.end === undefined || got.end === expect.end));
    case 'line':
      return pass(!(got instanceof EditError) && r.original.slice(0, got.start).split('\n').length - 1 === expect.line);
    case 'text':
      return pass(!(got instanceof EditError) && r.original.slice(got.start, got.end).trim() === expect.text.trim());
  }
}

// ---------------------------------------------------------------------------------------------

function main(): void {
  const json = process.argv.includes('--json');
  const verbose = process.argv.includes('--verbose');
  const records = readJsonl<EditRecord>('edits.jsonl');
  const results = records.map((r) => ({ r, outcome: runEdit(r) }));
  const scored = results.filter((x) => !x.r.policy_dependent);
  const policy = results.filter((x) => x.r.policy_dependent);

  const byKind = KINDS.map((kind) => {
    const rows = scored.filter((x) => x.r.kind === kind);
    const passed = rows.filter((x) => x.outcome.ok).length;
    return { kind, total: rows.length, passed, unsupported: rows.filter((x) => x.outcome.got === 'unsupported').length };
  });
  const passed = scored.filter((x) => x.outcome.ok).length;
  const unsupported = scored.filter((x) => x.outcome.got === 'unsupported').length;
  const supported = scored.length - unsupported;

  const policyRows = policy.map(({ r, outcome }) => ({
    id: r.id,
    kind: r.kind,
    theirs: r.expect_error ? 'refuse' : 'apply',
    ours: outcome.got,
    same: outcome.ok,
    direction: outcome.ok ? 'same' : r.expect_error ? 'we apply where they refuse' : 'we refuse where they apply',
  }));

  const matchRecords = readJsonl<MatchRecord>('edits-match-level.jsonl');
  const matchResults = matchRecords.map((r) => ({ id: r.id, kind: r.kind, ...runMatch(r) }));
  const count = (v: string) => matchResults.filter((m) => m.verdict === v).length;
  const matchSummary = { total: matchResults.length, pass: count('pass'), fail: count('fail'), policy: count('policy'), na: count('n/a') };

  const isRewrite = (r: EditRecord) => r.format === 'continue-lazy-whole-file';
  const outcomeRows = [
    outcomeRow('search/replace, scored', scored.filter((x) => !isRewrite(x.r))),
    outcomeRow('search/replace, policy-dependent', policy.filter((x) => !isRewrite(x.r))),
    outcomeRow('lazy whole-file rewrites', results.filter((x) => isRewrite(x.r))),
    outcomeRow('all records', results),
  ];
  const appliedButWrong = results.filter((x) => classify(x.r, x.outcome) === 'applied but wrong').map((x) => `${x.r.id}: ${x.outcome.reason ?? ''}`);
  const speed = process.argv.includes('--no-speed') ? [] : timeWorstCases();

  const parser = parserAgreement(records);
  const textual = fromText(records);
  const failures = scored
    .filter((x) => !x.outcome.ok)
    .map(({ r, outcome }) => ({ id: r.id, kind: r.kind, reason: outcome.reason ?? '', policy: policyBehind(r, outcome) }));
  const byPolicy = failures.filter((f) => f.policy).length;

  if (json) {
    console.log(
      JSON.stringify(
        {
          edits: { total: scored.length, passed, rate: passed / scored.length, supported, passedOfSupported: passed / supported, byKind },
          policyDependent: policyRows,
          matchLevel: { ...matchSummary, rate: matchSummary.pass / (matchSummary.pass + matchSummary.fail) },
          blockParser: parser,
          fromText: textual,
          outcomes: outcomeRows.map(([label, total, ...counts]) => ({ label, total, ...Object.fromEntries(OUTCOMES.map((c, i) => [c, counts[i]])) })),
          appliedButWrong,
          speed,
          failures,
          failuresByPolicy: byPolicy,
          matchFailures: matchResults.filter((m) => m.verdict === 'fail'),
        },
        null,
        2,
      ),
    );
    return;
  }

  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
  console.log('Edit recovery (edits.jsonl, policy-dependent records excluded)\n');
  printTable(
    ['kind', 'records', 'recovered', 'rate', 'unsupported format'],
    [...byKind.map((k) => [k.kind, k.total, k.passed, pct(k.passed, k.total), k.unsupported]), ['overall', scored.length, passed, pct(passed, scored.length), unsupported]],
  );
  console.log(`\nOf the ${supported} records given as search/replace pairs: ${passed} recovered (${pct(passed, supported)}).`);
  console.log('\nOutcomes (every record; "applied but wrong" must be 0)\n');
  printTable(['records', 'total', ...OUTCOMES], outcomeRows);
  for (const w of appliedButWrong) console.log(`  applied but wrong: ${w.slice(0, 200)}`);
  console.log('\nPolicy-dependent records (one tool\'s policy; ours is documented in runtime/edit/README.md)\n');
  printTable(['id', 'kind', 'theirs', 'ours', 'difference'], policyRows.map((p) => [p.id, p.kind, p.theirs, p.ours, p.direction]));
  console.log('\nMatch level (edits-match-level.jsonl)\n');
  printTable(
    ['records', 'pass', 'fail', 'policy differs', 'n/a', 'rate (pass / pass+fail)'],
    [[matchSummary.total, matchSummary.pass, matchSummary.fail, matchSummary.policy, matchSummary.na, pct(matchSummary.pass, matchSummary.pass + matchSummary.fail)]],
  );
  console.log(`\nBlock parser: ${parser.agree}/${parser.checked} block texts parse to the corpus's search/replace pairs.`);
  for (const d of parser.disagree) console.log(`  ${d}`);
  console.log(`\nFrom the model's text (block text, apply_patch, unified diff; policy-dependent excluded): ${textual.recovered}/${textual.checked} recovered (${pct(textual.recovered, textual.checked)}).`);
  for (const f of textual.failures) console.log(`  ${f}`);
  const matchFailures = matchResults.filter((m) => m.verdict === 'fail');
  if (verbose || failures.length <= 40) {
    console.log(`\nNot recovered: ${failures.length} (${byPolicy} by a documented policy of ours):`);
    for (const f of failures) console.log(`  ${f.id} [${f.kind}] ${f.policy ? `policy: ${f.policy}` : f.reason}`);
  }
  if (matchFailures.length) {
    console.log('\nMatch-level failures:');
    for (const f of matchFailures) console.log(`  ${f.id} [${f.kind}] ${f.detail}`);
  }
  if (speed.length) {
    console.log('\nWorst case over generated 1 MB inputs (one edit each, best of 3 runs, wall time)\n');
    printTable(['input', 'bytes', 'outcome', 'ms'], speed.map((t) => [t.name, t.bytes, t.outcome, t.ms.toFixed(0)]));
    const worst = speed.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log(`\nWorst: ${worst.name}, ${worst.ms.toFixed(0)} ms.`);
  }
  if (verbose) {
    console.log('\nMatch-level policy differences:');
    for (const f of matchResults.filter((m) => m.verdict === 'policy')) console.log(`  ${f.id} ${f.detail}`);
  }
}

main();
