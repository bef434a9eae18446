import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStyle } from '../../../runtime/tui/style.js';
import { exportTrace, findTrace, listTraces, renderTrace, renderTraceList, TraceWriter } from '../../../runtime/tui/traces.js';

const plain = createStyle(false);
const usage = { promptTokens: 900, completionTokens: 40, estimated: false };

describe('turn traces', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'traces-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes one record per turn with the model, tokens, time and each tool call with its outcome', () => {
    const w = new TraceWriter(root, 's1', () => 'qwen');
    w.onToolStart({ name: 'read_file', args: { path: 'a.ts' } });
    w.onToolEnd({ name: 'read_file', ms: 3, ok: true, output: '…' });
    w.onToolStart({ name: 'bash', args: { command: 'npm test' } });
    w.onToolEnd({ name: 'bash', ms: 1200, ok: false, output: 'failed' });
    w.onTurnEnd({ turn: 1, ms: 2000, usage, toolCalls: 2, finishReason: 'tool_calls' });
    w.onTurnEnd({ turn: 2, ms: 500, usage, toolCalls: 0, finishReason: 'stop' });
    const records = readFileSync(w.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ session: 's1', turn: 1, model: 'qwen', promptTokens: 900, completionTokens: 40, ms: 2000, finishReason: 'tool_calls' });
    expect(records[0].toolCalls).toEqual([{ name: 'read_file', arg: 'a.ts', ok: true, ms: 3 }, { name: 'bash', arg: 'npm test', ok: false, ms: 1200 }]);
    expect(records[1].toolCalls).toEqual([]);
  });

  it('lists session traces and cognition spans side by side, shows and exports either', () => {
    new TraceWriter(root, 's2', () => 'qwen').onTurnEnd({ turn: 1, ms: 10, usage, toolCalls: 0, finishReason: 'stop' });
    const dir = path.join(root, '.smallcode', 'traces');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'cognition-2026-11-21.jsonl'), `${JSON.stringify({ trace_id: 't', span_id: 's', name: 'classify_task', kind: 'prompt', ms: 12.5, outcome: 'cache_hit', start: 'x' })}\n`);

    const all = listTraces(root);
    expect(all.map((t) => t.kind).sort()).toEqual(['cognition', 'session']);
    expect(renderTraceList(all, plain)).toMatch(/cognition-2026-11-21 {2}cognition, 1 record/);
    expect(findTrace(root, undefined, 's2')?.name).toBe('session-s2'); // default: this session
    const cognition = findTrace(root, 'cognition', 's2')!;
    expect(renderTrace(cognition, plain)).toContain('prompt classify_task  cache_hit  12.5 ms');
    expect(renderTrace(findTrace(root, 's2', 's2')!, plain)).toMatch(/turn {3}1 {2}qwen {2}900→40 tokens/);
    const dest = exportTrace(cognition, root, 'out/../copy.jsonl');
    expect(dest).toBe(path.join(root, 'copy.jsonl'));
    expect(readFileSync(dest, 'utf8')).toContain('classify_task');
  });
});
