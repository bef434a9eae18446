/**
 * npm run bench:prefill [-- --json] [--no-suites] — how much prompt a prefix-caching server
 * (llama.cpp cache_prompt, Ollama, LM Studio, vLLM, MLX) must prefill again.
 *
 * 1. A long scripted session (bench/lib/prefill-session.ts: 8 whole-file reads, a search, 6
 *    patches, a shell call, 4 ranged reads, the answer) through the real engine at 4k, 8k, 16k
 *    and 32k windows, in full and compact mode: prompt tokens sent, tokens prefilled (everything
 *    after the first token that differs from the previous request), the minimum (each message
 *    once), their ratio, the largest request against the window, and the prefix breaks (requests
 *    that did not carry the previous one's content unchanged).
 * 2. The resilience suites (smoke, polyglot, tools) against the simulated model at 8k, kit on,
 *    no faults: the same figures per completed task.
 * Counted with the tokenizer the budget uses (runtime/model/tokens.ts).
 */
import { runTask } from './harness/run-task.js';
import { printTable } from './lib/corpora.js';
import { measurePrefill, prefixBreaks, type WireRequest } from './lib/prefill.js';
import { runPrefillSession } from './lib/prefill-session.js';
import { SUITE_NAMES, suiteTasks } from './suites/index.js';
import { loadTokenizer } from '../runtime/model/tokens.js';

const WINDOWS = [4096, 8192, 16384, 32768];

interface SessionRow {
  window: number;
  mode: 'full' | 'compact';
  requests: number;
  sent: number;
  prefilled: number;
  minimum: number;
  ratio: number;
  largest: number;
  breaks: number;
  completed: boolean;
}

async function sessionRows(): Promise<SessionRow[]> {
  const rows: SessionRow[] = [];
  for (const window of WINDOWS) {
    for (const compact of [false, true]) {
      const session = await runPrefillSession({ window, compact });
      const m = measurePrefill(session.requests);
      rows.push({
        window,
        mode: compact ? 'compact' : 'full',
        requests: session.requests.length,
        sent: m.sent,
        prefilled: m.prefilled,
        minimum: m.minimum,
        ratio: round(m.ratio),
        largest: m.largest,
        breaks: prefixBreaks(session.requests).length,
        completed: session.success,
      });
    }
  }
  return rows;
}

interface SuiteRow {
  tasks: number;
  completed: number;
  sent: number;
  prefilled: number;
  minimum: number;
  ratio: number;
  largest: number;
}

async function suiteRow(window: number): Promise<SuiteRow> {
  const row: SuiteRow = { tasks: 0, completed: 0, sent: 0, prefilled: 0, minimum: 0, ratio: 0, largest: 0 };
  for (const suite of SUITE_NAMES) {
    for (const task of suiteTasks(suite)) {
      let requests: WireRequest[] = [];
      const result = await runTask(task, { kind: 'sim', faultRate: 0, seed: 1, contextWindow: window }, { kit: 'on', onRequests: (b) => (requests = b as WireRequest[]) });
      const m = measurePrefill(requests);
      row.tasks++;
      if (result.passed) row.completed++;
      row.sent += m.sent;
      row.prefilled += m.prefilled;
      row.minimum += m.minimum;
      row.largest = Math.max(row.largest, m.largest);
    }
  }
  row.ratio = round(row.prefilled / Math.max(1, row.minimum));
  return row;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(argv: string[]): Promise<void> {
  await loadTokenizer();
  const sessions = await sessionRows();
  const suites = argv.includes('--no-suites') ? undefined : await suiteRow(8192);
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ sessions, suites }, null, 2));
    return;
  }
  console.log('One scripted session (21 tool steps), tokens against a one-slot prefix cache:\n');
  printTable(
    ['window', 'mode', 'requests', 'sent', 'prefilled', 'minimum', 'ratio', 'largest', 'breaks', 'completed'],
    sessions.map((r) => [r.window, r.mode, r.requests, r.sent, r.prefilled, r.minimum, `${r.ratio}×`, `${r.largest} / ${r.window}`, r.breaks, r.completed ? 'yes' : 'NO']),
  );
  if (suites) {
    const per = (n: number) => Math.round(n / Math.max(1, suites.completed));
    console.log(`\nResilience suites (${SUITE_NAMES.join(', ')}) at 8192 tokens, kit on, no faults: ${suites.completed}/${suites.tasks} completed\n`);
    printTable(
      ['per completed task', 'sent', 'prefilled', 'minimum', 'ratio', 'largest request'],
      [['tokens', per(suites.sent), per(suites.prefilled), per(suites.minimum), `${suites.ratio}×`, `${suites.largest} / 8192`]],
    );
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
