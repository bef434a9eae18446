import { z } from 'zod';
import { defineTool, type Tool } from './tool.js';

/** What the tool needs of the planner (runtime/agent/planner.ts): kept narrow so tools stay below the agent. */
export interface StepTracker {
  /** A planned task has steps left. */
  open(): Promise<boolean>;
  /** Synchronous hint for the schema list: a plan is in progress. */
  readonly planning: boolean;
  finishStep(signal?: AbortSignal): Promise<{ ok: boolean; message: string }>;
}

const args = z.object({
  summary: z.string().optional().describe('what you did in this step'),
});

/**
 * Offered only while a planned task is in progress: the model says the current step is finished,
 * SmallCode runs the step's check and checks the step off only if it passes.
 */
export function stepDoneTool(tracker: StepTracker): Tool<z.infer<typeof args>> {
  return defineTool<z.infer<typeof args>>({
    name: 'step_done',
    description: () => 'Say the current plan step is finished. Its check (tests, build or lint) runs; the step is checked off only if it passes.',
    args,
    readOnly: false,
    category: 'plan',
    aliases: { message: 'summary', note: 'summary', description: 'summary' },
    capHint: '',
    available: () => tracker.planning,
    async execute(_a, ctx) {
      if (!(await tracker.open())) return { ok: false, output: 'There is no plan step in progress; carry on with the task, and answer when it is done.' };
      const verdict = await tracker.finishStep(ctx.signal);
      // Checks run builds and tests, which may write files: cached results are no longer safe.
      return { ok: verdict.ok, output: verdict.message, changedDisk: true };
    },
  });
}
