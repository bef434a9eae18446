/**
 * Trace → test: the tasks of a recorded session trace become replay cases of a suite file
 * (`evals/trace-<session>.yaml`): the starting files, the task, every model reply in order, and
 * as expectations the final files and the RunResult's outcome. `smallcode eval` runs it without a model.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ReplyTrace, ResultTrace, TaskTrace, TraceFile } from '../tui/traces.js';
import { readBlob } from './project-files.js';

export function traceToSuite(root: string, trace: TraceFile): { file: string; cases: number } {
  if (trace.kind !== 'session') throw new Error(`${trace.name} is a ${trace.kind} trace; only session traces record tasks`);
  const records = readFileSync(trace.file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as { kind?: string }];
    } catch {
      return [];
    }
  });
  const cases: Record<string, unknown>[] = [];
  let task: TaskTrace | undefined;
  let replies: ReplyTrace[] = [];
  for (const r of records) {
    if (r.kind === 'task') {
      task = r as TaskTrace;
      replies = [];
    } else if (r.kind === 'reply' && task) replies.push(r as ReplyTrace);
    else if (r.kind === 'result' && task) {
      const { result, files } = r as ResultTrace;
      if (task.truncated) throw new Error(`task ${cases.length + 1} of ${trace.name} cannot be replayed: its file snapshot was cut short (${task.truncated})`);
      cases.push({
        id: `task-${cases.length + 1}`,
        task: task.task,
        model: task.model || replies[0]?.model || 'replay',
        setup: { files: Object.fromEntries(Object.entries(task.files).map(([p, sha]) => [p, readBlob(root, sha)])) },
        replies: replies.map(({ content, reasoning, toolCalls, finishReason }) => ({ content, ...(reasoning ? { reasoning } : {}), ...(toolCalls.length ? { toolCalls } : {}), finishReason })),
        expect: {
          files: Object.fromEntries(Object.entries(files).map(([p, sha]) => [p, sha === null ? null : readBlob(root, sha)])),
          result: {
            success: result.success,
            response: result.response,
            filesCreated: result.filesCreated,
            filesEdited: result.filesEdited,
            toolCalls: result.toolCalls.map((c) => ({ name: c.name, ok: c.ok })),
          },
        },
      });
      task = undefined;
    }
  }
  if (cases.length === 0) throw new Error(`${trace.name} records no finished task (traces made before task recording cannot be replayed)`);
  const file = join(root, 'evals', `trace-${trace.name.replace(/^session-/, '')}.yaml`);
  mkdirSync(join(root, 'evals'), { recursive: true });
  const header = `# Made by \`smallcode trace test ${trace.name}\`: the recorded model replies are replayed, the files and the result asserted.\n`;
  writeFileSync(file, header + stringify({ name: `trace-${trace.name.replace(/^session-/, '')}`, trials: 1, cases }, { lineWidth: 0 }));
  return { file, cases: cases.length };
}
