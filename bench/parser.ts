/**
 * `npm run bench:parser [-- --json] [-- --failures [format | malformed-json]]`
 *
 * Scores the forgiving tool-call parser against the shared corpora (read in place, never copied):
 * - toolcalls.jsonl: a record passes when the call names match in order and, where `args_check`
 *   is `exact`/`derived`, the arguments are equal; `subset`: the expected keys are present with
 *   those values; `partial`: per call, arguments given as null are not compared. `expected: []`
 *   means no call may be found. Tools are given by name only (the corpus has no schemas).
 *   Content and reasoning agreement are reported too, as information (parsers' policies differ).
 * - malformed-json.jsonl, twice: `repairJson(text)` without a schema must deep-equal
 *   `expected_value`; then schema-aware: the record's BAML `target_type` (+ `schema`) is translated
 *   into our TypeRef (bench/lib/baml-types.ts) and `alignOutput(text, type)` must return
 *   `expected_value`. Records whose type TypeRef cannot express are counted, with the reason.
 */
import { isDeepStrictEqual } from 'node:util';
import { printTable, readJsonl } from './lib/corpora.js';
import { translateTarget } from './lib/baml-types.js';
import { alignOutput } from '../runtime/cognition/validate.js';
import { parseToolCalls, repairJson, type ParseResult, type ToolDefinition } from '../runtime/model/toolcalls/index.js';
import { loadToolCallTemplates, renderAssistantTurn, RENDERER_LIMITS, ROUND_TRIP_CASES } from '../test/support/chat-templates.js';

interface ToolCallRecord {
  id: string;
  format: string;
  text: string;
  tools_available: string[];
  expected: Array<{ name: string; arguments: Record<string, unknown> | null }>;
  expected_content: string | null;
  expected_reasoning: string | null;
  args_check: 'exact' | 'derived' | 'subset' | 'name_only' | 'partial';
}

interface MalformedRecord {
  id: string;
  text: string;
  expected_value: unknown;
  target_type: string;
  schema: string | null;
  malformation: string[];
}

function argsMatch(check: ToolCallRecord['args_check'], expected: Record<string, unknown> | null, actual: Record<string, unknown>): boolean {
  if (check === 'name_only' || expected === null) return true;
  if (check === 'subset') return Object.entries(expected).every(([k, v]) => isDeepStrictEqual(actual[k], v));
  return isDeepStrictEqual(actual, expected);
}

function scoreRecord(r: ToolCallRecord, result: ParseResult): { pass: boolean; why?: string } {
  const names = result.calls.map((c) => c.name);
  const wanted = r.expected.map((e) => e.name);
  if (!isDeepStrictEqual(names, wanted)) return { pass: false, why: `names ${JSON.stringify(names)} ≠ ${JSON.stringify(wanted)}` };
  for (let i = 0; i < wanted.length; i++) {
    if (!argsMatch(r.args_check, r.expected[i]!.arguments, result.calls[i]!.arguments)) {
      return { pass: false, why: `args of ${wanted[i]}: ${JSON.stringify(result.calls[i]!.arguments)} ≠ ${JSON.stringify(r.expected[i]!.arguments)}` };
    }
  }
  return { pass: true };
}

const squash = (s: string | undefined | null) => (s ?? '').replace(/\s+/g, ' ').trim();

function benchToolCalls(failuresFor: string | undefined) {
  const records = readJsonl<ToolCallRecord>('toolcalls.jsonl');
  const byFormat = new Map<string, { n: number; pass: number; content: number; contentN: number; ms: number }>();
  const failures: string[] = [];
  let total = 0;
  let passed = 0;
  let contentAgree = 0;
  let contentN = 0;
  let reasoningAgree = 0;
  let reasoningN = 0;
  const times: Array<{ id: string; ms: number }> = [];
  const started = performance.now();
  for (const r of records) {
    const tools: ToolDefinition[] = r.tools_available.map((name) => ({ type: 'function', function: { name } }));
    const t0 = performance.now();
    const result = parseToolCalls(r.text, tools);
    const ms = performance.now() - t0;
    times.push({ id: r.id, ms });
    const score = scoreRecord(r, result);
    const row = byFormat.get(r.format) ?? { n: 0, pass: 0, content: 0, contentN: 0, ms: 0 };
    row.n++;
    row.ms += ms;
    total++;
    if (score.pass) {
      row.pass++;
      passed++;
    } else if (failuresFor !== undefined && (failuresFor === '' || failuresFor === r.format)) {
      failures.push(`${r.id} [${r.format}] ${score.why}\n    text: ${JSON.stringify(r.text.slice(0, 300))}\n    errors: ${JSON.stringify(result.errors.map((e) => e.message))}`);
    }
    if (r.expected_content !== null) {
      const agree = squash(result.content) === squash(r.expected_content);
      row.contentN++;
      contentN++;
      if (agree) {
        row.content++;
        contentAgree++;
      }
    }
    if (r.expected_reasoning !== null) {
      reasoningN++;
      if (squash(result.reasoning) === squash(r.expected_reasoning)) reasoningAgree++;
    }
    byFormat.set(r.format, row);
  }
  return {
    total,
    passed,
    rate: passed / total,
    contentAgreement: contentAgree / contentN,
    reasoningAgreement: reasoningAgree / reasoningN,
    msTotal: performance.now() - started,
    timing: percentiles(times),
    formats: [...byFormat.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([format, v]) => ({ format, records: v.n, passed: v.pass, rate: v.pass / v.n, contentAgreement: v.contentN ? v.content / v.contentN : null })),
    failures,
  };
}

function percentiles(times: Array<{ id: string; ms: number }>) {
  const sorted = [...times].sort((a, b) => a.ms - b.ms);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.ms;
  return { p50: at(0.5), p99: at(0.99), worst: sorted[sorted.length - 1]!.ms, worstId: sorted[sorted.length - 1]!.id };
}

/**
 * The second corpus: every real chat template that renders tool calls (@huggingface/ollama-utils,
 * rendered with @huggingface/jinja, see test/support/chat-templates.ts) × the round-trip calls.
 * Generated from the templates at run time, so it shares no source with toolcalls.jsonl.
 */
async function benchTemplates() {
  const templates = (await loadToolCallTemplates()).filter((t) => !t.models.some((m) => m in RENDERER_LIMITS));
  const misses: string[] = [];
  let total = 0;
  let passed = 0;
  let templateLimit = 0;
  const tools: ToolDefinition[] = [];
  for (const t of templates) {
    for (const [label, calls] of Object.entries(ROUND_TRIP_CASES)) {
      let text: string;
      try {
        text = renderAssistantTurn(t, calls, tools);
      } catch {
        templateLimit++; // e.g. Llama 3.x raises "only supports single tool-calls" for several calls
        continue;
      }
      total++;
      const result = parseToolCalls(text, tools);
      if (isDeepStrictEqual(result.calls.map((c) => ({ name: c.name, arguments: c.arguments })), calls) && result.errors.length === 0) passed++;
      else misses.push(`${t.models[0]} / ${label}`);
    }
  }
  return { templates: templates.length, total, passed, rate: passed / total, refusedByTemplate: templateLimit, misses };
}

/** Generated ~1 MB inputs, the shapes that make parsers slow: each is parsed 3 times, the slowest counts. */
function benchLargeInputs() {
  const MB = 1 << 20;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const inputs: Record<string, string> = {
    'prose': fill('The read_file tool returned the expected results, so we continue. '),
    'one call, 1 MB argument': `<tool_call>\n{"name": "write_file", "arguments": {"path": "a.txt", "content": "${fill('x = 1\\n')}"}}\n</tool_call>`,
    'many small calls': fill('<tool_call>\n{"name": "read_file", "arguments": {"path": "a.ts"}}\n</tool_call>\n'),
    'unclosed brackets': fill('{['),
    'nested brackets': '['.repeat(MB / 2) + ']'.repeat(MB / 2),
    'repeated open markers': fill('<tool_call><function=x><parameter=y>'),
    'unterminated string': `{"name": "write_file", "arguments": {"content": "${fill('a\\"b')}`,
    'cut call, 1 MB': `<tool_call>\n{"name": "write_file", "arguments": {"path": "a.txt", "content": "${fill('data ')}`,
  };
  const tools: ToolDefinition[] = [{ type: 'function', function: { name: 'write_file' } }, { type: 'function', function: { name: 'read_file' } }];
  return Object.entries(inputs).map(([shape, text]) => {
    let worst = 0;
    let calls = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      calls = parseToolCalls(text, tools).calls.length;
      worst = Math.max(worst, performance.now() - t0);
    }
    return { shape, bytes: Buffer.byteLength(text), calls, ms: worst };
  });
}

function benchMalformed() {
  const records = readJsonl<MalformedRecord>('malformed-json.jsonl');
  let passed = 0;
  let structured = 0;
  let structuredPassed = 0;
  const byMalformation = new Map<string, { n: number; pass: number }>();
  for (const r of records) {
    const ok = isDeepStrictEqual(repairJson(r.text), r.expected_value);
    if (ok) passed++;
    const isStructured = typeof r.expected_value === 'object' && r.expected_value !== null;
    if (isStructured) {
      structured++;
      if (ok) structuredPassed++;
    }
    for (const m of r.malformation.length ? r.malformation : ['(none)']) {
      const row = byMalformation.get(m) ?? { n: 0, pass: 0 };
      row.n++;
      if (ok) row.pass++;
      byMalformation.set(m, row);
    }
  }
  return {
    total: records.length,
    passed,
    rate: passed / records.length,
    structured: { total: structured, passed: structuredPassed, rate: structuredPassed / structured },
    byMalformation: [...byMalformation.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([malformation, v]) => ({ malformation, records: v.n, passed: v.pass, rate: v.pass / v.n })),
  };
}

type Tally = { records: number; expressible: number; passed: number };

/** Schema-aware: align each record to its declared type, as a prompt's reply would be. */
function benchMalformedTyped() {
  const records = readJsonl<MalformedRecord>('malformed-json.jsonl');
  const byMalformation = new Map<string, Tally>();
  const byKind = new Map<string, Tally>();
  const cannotExpress = new Map<string, string[]>();
  const failures: string[] = [];
  let expressible = 0;
  let passed = 0;
  const count = (table: Map<string, Tally>, key: string, canExpress: boolean, ok: boolean) => {
    const row = table.get(key) ?? { records: 0, expressible: 0, passed: 0 };
    row.records++;
    if (canExpress) row.expressible++;
    if (ok) row.passed++;
    table.set(key, row);
  };
  for (const r of records) {
    const translation = translateTarget(r.target_type, r.schema);
    let ok = false;
    if (translation.ok) {
      expressible++;
      const aligned = alignOutput(r.text, translation.type);
      ok = aligned.ok && isDeepStrictEqual(aligned.value, r.expected_value);
      if (ok) passed++;
      else failures.push(`${r.id} [${translation.kind}] ${aligned.ok ? `got ${JSON.stringify(aligned.value).slice(0, 200)}` : aligned.error}\n    expected: ${JSON.stringify(r.expected_value).slice(0, 200)}\n    text: ${JSON.stringify(r.text.slice(0, 200))}`);
    } else {
      // A record counts once, under every construct that stops it.
      for (const construct of translation.unsupported) cannotExpress.set(construct, [...(cannotExpress.get(construct) ?? []), r.id]);
    }
    count(byKind, translation.kind, translation.ok, ok);
    for (const m of r.malformation.length ? r.malformation : ['(none)']) count(byMalformation, m, translation.ok, ok);
  }
  const rows = (table: Map<string, Tally>) => [...table.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, ...v, rate: v.expressible ? v.passed / v.expressible : null }));
  return {
    total: records.length,
    expressible,
    passed,
    rate: passed / expressible,
    byMalformation: rows(byMalformation),
    byTargetKind: rows(byKind),
    cannotExpress: [...cannotExpress.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([construct, ids]) => ({ construct, records: ids.length, ids })),
    failures,
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

async function main() {
  const args = process.argv.slice(2);
  const failIdx = args.indexOf('--failures');
  const failuresFor = failIdx === -1 ? undefined : args[failIdx + 1] && !args[failIdx + 1]!.startsWith('--') ? args[failIdx + 1] : '';
  const toolcalls = benchToolCalls(failuresFor);
  const malformed = benchMalformed();
  const typed = benchMalformedTyped();
  const templates = await benchTemplates();
  const large = benchLargeInputs();
  const showTypedFailures = failuresFor === '' || failuresFor === 'malformed-json';
  if (args.includes('--json')) {
    const { failures, ...rest } = toolcalls;
    const { failures: typedFailures, ...typedRest } = typed;
    console.log(JSON.stringify({ toolcalls: failuresFor !== undefined ? toolcalls : rest, chatTemplates: templates, largeInputs: large, malformedJson: malformed, malformedJsonTyped: showTypedFailures ? typed : typedRest }, null, 2));
    return;
  }
  console.log('Tool-call recovery by dialect (toolcalls.jsonl)\n');
  printTable(
    ['format', 'records', 'passed', 'recovery', 'content agrees'],
    toolcalls.formats.map((f) => [f.format, f.records, f.passed, pct(f.rate), pct(f.contentAgreement)]),
  );
  console.log(`\noverall: ${toolcalls.passed}/${toolcalls.total} = ${pct(toolcalls.rate)}  (content agrees ${pct(toolcalls.contentAgreement)}, reasoning agrees ${pct(toolcalls.reasoningAgreement)}; ${toolcalls.msTotal.toFixed(0)} ms total)`);
  const tm = toolcalls.timing;
  console.log(`parse time per record: p50 ${tm.p50.toFixed(3)} ms, p99 ${tm.p99.toFixed(3)} ms, worst ${tm.worst.toFixed(3)} ms (${tm.worstId})`);
  console.log(`\nSecond corpus: chat-template round trip (${templates.templates} real templates × ${Object.keys(ROUND_TRIP_CASES).length} call sets, @huggingface/ollama-utils + @huggingface/jinja)`);
  console.log(`overall: ${templates.passed}/${templates.total} = ${pct(templates.rate)}  (${templates.refusedByTemplate} call sets the template itself refuses)`);
  for (const m of templates.misses) console.log(`  miss: ${m}`);
  console.log('\nGenerated ~1 MB inputs (slowest of 3 parses)\n');
  printTable(['shape', 'bytes', 'calls', 'ms'], large.map((l) => [l.shape, l.bytes, l.calls, l.ms.toFixed(1)]));
  console.log(`worst: ${Math.max(...large.map((l) => l.ms)).toFixed(1)} ms`);
  console.log('\nMalformed-JSON recovery (malformed-json.jsonl, repairJson without schemas)\n');
  printTable(['malformation', 'records', 'passed', 'recovery'], malformed.byMalformation.map((m) => [m.malformation, m.records, m.passed, pct(m.rate)]));
  console.log(`\noverall: ${malformed.passed}/${malformed.total} = ${pct(malformed.rate)}; object/array targets: ${malformed.structured.passed}/${malformed.structured.total} = ${pct(malformed.structured.rate)}`);
  console.log('\nMalformed-JSON recovery with the declared type (malformed-json.jsonl, BAML target_type → TypeRef, alignOutput)\n');
  const typedTable = (title: string, rows: typeof typed.byMalformation) =>
    printTable([title, 'records', 'expressible', 'passed', 'of expressible'], rows.map((m) => [m.key, m.records, m.expressible, m.passed, pct(m.rate)]));
  typedTable('malformation', typed.byMalformation);
  console.log('');
  typedTable('target kind', typed.byTargetKind);
  console.log(`\noverall: ${typed.passed}/${typed.expressible} = ${pct(typed.rate)} of the records our types can express; ${typed.passed}/${typed.total} of all`);
  console.log(`cannot express ${typed.total - typed.expressible}/${typed.total} (string literals are translated as one-value enums):`);
  for (const c of typed.cannotExpress) console.log(`  ${c.construct}: ${c.records} (${c.ids.join(', ')})`);
  if (showTypedFailures && typed.failures.length) console.log(`\nSchema-aware failures (${typed.failures.length}):\n${typed.failures.join('\n')}`);
  if (toolcalls.failures.length) console.log(`\nFailures (${toolcalls.failures.length}):\n${toolcalls.failures.join('\n')}`);
}

await main();
