/** Live counters per declaration, shown by `/cognition` and `smallcode cognition`. */
export interface DeclarationCounters {
  calls: number;
  cacheHits: number;
  retries: number;
  transportFailures: number;
  invalidOutputs: number;
  repairs: number;
  fallbacks: number;
  escalations: number;
  guardTrips: number;
  tokens: number;
}

export function emptyCounters(): DeclarationCounters {
  return { calls: 0, cacheHits: 0, retries: 0, transportFailures: 0, invalidOutputs: 0, repairs: 0, fallbacks: 0, escalations: 0, guardTrips: 0, tokens: 0 };
}

export class CounterRegistry {
  private readonly byDeclaration = new Map<string, DeclarationCounters>();

  /** `kind name`, e.g. `prompt classify_task`, `guard repetition`. */
  for(kind: string, name: string): DeclarationCounters {
    const key = `${kind} ${name}`;
    let c = this.byDeclaration.get(key);
    if (!c) {
      c = emptyCounters();
      this.byDeclaration.set(key, c);
    }
    return c;
  }

  snapshot(): Record<string, DeclarationCounters> {
    return Object.fromEntries([...this.byDeclaration].map(([k, v]) => [k, { ...v }]));
  }
}
