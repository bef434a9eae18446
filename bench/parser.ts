/**
 * `npm run bench:parser [-- --json] [-- --failures [format]]`
 *
 * Scores the forgiving tool-call parser against the shared corpora (read in place, never copied):
 * - toolcalls.jsonl: a record passes when the call names match in order and, where `args_check`
 *   is `exact`/`derived`, the arguments are equal; `subset`: the expected keys are present with
 *   those values; `partial`: per call, arguments given as null are not compared. `expected: []`
 *   means no call may be found. Tools are given by name only (the corpus has no schemas).
 *   Content and reasoning agreement are reported too, as information (parsers' policies differ).
 * - malformed-json.jsonl: `repairJson(text)` must deep-equal `expected_value`.
 */
import { isDeepStrictEqual } from 'node:util';
import { printTable, readJsonl } from './lib/corpora.js';
import { parseToolCalls, repairJson, type ParseResult, type ToolDefinition } from '../runtime/model/toolcalls/index.js';

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
  const started = performance.now();
  for (const r of records) {
    const tools: ToolDefinition[] = r.tools_available.map((name) => ({ type: 'function', function: { name } }));
    const t0 = performance.now();
    const result = parseToolCalls(r.text, tools);
    const ms = performance.now() - t0;
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
    formats: [...byFormat.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([format, v]) => ({ format, records: v.n, passed: v.pass, rate: v.pass / v.n, contentAgreement: v.contentN ? v.content / v.contentN : null })),
    failures,
  };
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

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

function main() {
  const args = process.argv.slice(2);
  const failIdx = args.indexOf('--failures');
  const failuresFor = failIdx === -1 ? undefined : args[failIdx + 1] && !args[failIdx + 1]!.startsWith('--') ? args[failIdx + 1] : '';
  const toolcalls = benchToolCalls(failuresFor);
  const malformed = benchMalformed();
  if (args.includes('--json')) {
    const { failures, ...rest } = toolcalls;
    console.log(JSON.stringify({ toolcalls: failuresFor !== undefined ? toolcalls : rest, malformedJson: malformed }, null, 2));
    return;
  }
  console.log('Tool-call recovery by dialect (toolcalls.jsonl)\n');
  printTable(
    ['format', 'records', 'passed', 'recovery', 'content agrees'],
    toolcalls.formats.map((f) => [f.format, f.records, f.passed, pct(f.rate), pct(f.contentAgreement)]),
  );
  console.log(`\noverall: ${toolcalls.passed}/${toolcalls.total} = ${pct(toolcalls.rate)}  (content agrees ${pct(toolcalls.contentAgreement)}, reasoning agrees ${pct(toolcalls.reasoningAgreement)}; ${toolcalls.msTotal.toFixed(0)} ms total)`);
  console.log('\nMalformed-JSON recovery (malformed-json.jsonl, repairJson without schemas)\n');
  printTable(['malformation', 'records', 'passed', 'recovery'], malformed.byMalformation.map((m) => [m.malformation, m.records, m.passed, pct(m.rate)]));
  console.log(`\noverall: ${malformed.passed}/${malformed.total} = ${pct(malformed.rate)}; object/array targets: ${malformed.structured.passed}/${malformed.structured.total} = ${pct(malformed.structured.rate)}`);
  if (toolcalls.failures.length) console.log(`\nFailures (${toolcalls.failures.length}):\n${toolcalls.failures.join('\n')}`);
}

main();
