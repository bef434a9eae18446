/**
 * The saga runner for `flow` blocks: steps run in order, each its own transaction; when one
 * fails, the compensations of the steps that completed run in reverse order. Every run is
 * recorded in `_saga_runs`.
 */
import crypto from 'node:crypto';
import type { Db } from './db.js';
import { HttpError } from './errors.js';

export interface SagaStep {
  name: string;
  run: () => Promise<unknown>;
  compensate?: () => Promise<unknown>;
}

export interface StepRecord {
  step: string;
  status: 'done' | 'failed' | 'compensated' | 'compensation_failed';
  error?: string;
}

export interface SagaResult {
  id: string;
  flow: string;
  status: 'completed' | 'compensated' | 'failed';
  steps: StepRecord[];
  results: Record<string, unknown>;
  error?: { step: string; code: string; message: string };
}

export async function runSaga(db: Db, flow: string, steps: SagaStep[]): Promise<SagaResult> {
  const id = crypto.randomUUID();
  const startedAt = new Date().toISOString();
  const records: StepRecord[] = [];
  const results: Record<string, unknown> = {};
  const completed: SagaStep[] = [];
  let failure: SagaResult['error'];

  for (const step of steps) {
    try {
      results[step.name] = await step.run();
      records.push({ step: step.name, status: 'done' });
      completed.push(step);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      failure = { step: step.name, code: error instanceof HttpError ? error.code : 'step_failed', message: String(e?.message ?? error) };
      records.push({ step: step.name, status: 'failed', error: failure.message });
      break;
    }
  }

  let status: SagaResult['status'] = 'completed';
  if (failure) {
    status = 'compensated';
    for (const step of [...completed].reverse()) {
      if (!step.compensate) continue;
      try {
        await step.compensate();
        records.push({ step: step.name, status: 'compensated' });
      } catch (error) {
        status = 'failed';
        records.push({ step: step.name, status: 'compensation_failed', error: String((error as Error)?.message ?? error) });
      }
    }
  }

  await db.run('INSERT INTO "_saga_runs" ("id", "flow", "status", "steps", "error", "started_at", "finished_at") VALUES (?, ?, ?, ?, ?, ?, ?)', [
    id,
    flow,
    status,
    JSON.stringify(records),
    failure ? `${failure.step}: ${failure.message}` : null,
    startedAt,
    new Date().toISOString(),
  ]);
  return { id, flow, status, steps: records, results, ...(failure ? { error: failure } : {}) };
}
