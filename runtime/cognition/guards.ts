import type { Facts } from './facts.js';
import type { GuardDef } from './layer.js';
import type { GuardAction, GuardEvent } from './types.js';

export interface TrippedGuard {
  guard: string;
  action: GuardAction;
  /** This trip's number (1 = first) and the guard's limit. */
  trip: number;
  maxTrips?: number;
  loc: string;
}

/** Trip counts per guard; `max_trips` is honoured against them. */
export class GuardState {
  readonly trips = new Map<string, number>();
  readonly errors: Array<{ guard: string; error: string }> = [];

  /** A new task: the guards whose trips belong to a task (`scope: task`, the default) count from 0. */
  beginTask(guards: readonly GuardDef[]): void {
    for (const guard of guards) if ((guard.scope ?? 'task') === 'task') this.trips.delete(guard.name);
  }
}

/**
 * Evaluates the guards listening on `event` against a facts snapshot: tripped guards with their
 * actions, in declaration order. A guard that throws (a fact the engine did not fill) is skipped
 * and recorded, never fatal.
 */
export function evaluateGuards(guards: readonly GuardDef[], event: GuardEvent, facts: Facts, state: GuardState): TrippedGuard[] {
  const out: TrippedGuard[] = [];
  for (const guard of guards) {
    if (guard.on !== event) continue;
    const trips = state.trips.get(guard.name) ?? 0;
    if (guard.maxTrips !== undefined && trips >= guard.maxTrips) continue;
    let fired = false;
    try {
      fired = guard.when(facts) === true;
    } catch (err) {
      state.errors.push({ guard: guard.name, error: (err as Error).message });
      continue;
    }
    if (!fired) continue;
    state.trips.set(guard.name, trips + 1);
    out.push({ guard: guard.name, action: guard.then, trip: trips + 1, ...(guard.maxTrips !== undefined ? { maxTrips: guard.maxTrips } : {}), loc: guard.loc });
  }
  return out;
}
