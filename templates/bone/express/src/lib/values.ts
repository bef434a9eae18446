/** Helpers the compiled `requires`, `effects` and constraints call (BoneScript semantics in TS). */
import crypto from 'node:crypto';

export function inRange(value: unknown, min: unknown, max: unknown): boolean {
  return typeof value === typeof min && (value as number) >= (min as number) && (value as number) <= (max as number);
}

export function lengthOf(value: unknown): number {
  if (typeof value === 'string') return [...value].length; // characters (code points), as the field checks count
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

export function containsItem(collection: unknown, item: unknown): boolean {
  if (typeof collection === 'string') return typeof item === 'string' && collection.includes(item);
  if (Array.isArray(collection)) return collection.some((x) => JSON.stringify(x) === JSON.stringify(item));
  return false;
}

/** Entity references compare by id: a loaded row or the id itself. */
export function idOf(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'id' in value) return (value as { id: unknown }).id;
  return value;
}

/** `timestamp + milliseconds` → ISO string (null stays null). */
export function timestampPlus(timestamp: string | null | undefined, ms: number): string {
  if (timestamp === null || timestamp === undefined) return null as unknown as string;
  return new Date(Date.parse(timestamp) + ms).toISOString();
}

/** A derived value, or null when its inputs are missing or malformed. */
export function derive<T>(compute: () => T): T | null {
  try {
    const value = compute();
    return value === undefined || (typeof value === 'number' && Number.isNaN(value)) ? null : value;
  } catch {
    return null;
  }
}

/** `later - earlier` in milliseconds. */
export function msBetween(earlier: string, later: string): number {
  return Date.parse(later) - Date.parse(earlier);
}

const numbers = (values: unknown[]): number[] => values.flatMap((v) => (Array.isArray(v) ? v : [v])).map(Number);

export const builtins = {
  now: (): string => new Date().toISOString(),
  uuid: (): string => crypto.randomUUID(),
  count: (value: unknown): number => lengthOf(value),
  len: (value: unknown): number => lengthOf(value),
  length: (value: unknown): number => lengthOf(value),
  sum: (...values: unknown[]): number => numbers(values).reduce((a, b) => a + b, 0),
  min: (...values: unknown[]): number => Math.min(...numbers(values)),
  max: (...values: unknown[]): number => Math.max(...numbers(values)),
  abs: (value: number): number => Math.abs(value),
  round: (value: number): number => Math.round(value),
  floor: (value: number): number => Math.floor(value),
  ceil: (value: number): number => Math.ceil(value),
  lower: (value: string): string => value.toLowerCase(),
  upper: (value: string): string => value.toUpperCase(),
  days: (n: number): number => n * 86_400_000,
  hours: (n: number): number => n * 3_600_000,
  minutes: (n: number): number => n * 60_000,
  seconds: (n: number): number => n * 1000,
  unknown: (name: string, ..._args: unknown[]): never => {
    throw new Error(`The function ${name}() has no implementation in this backend`);
  },
};

export class NotImplementedError extends Error {
  constructor(extensionPoint: string) {
    super(`Extension point ${extensionPoint} is not implemented: write its body in src/extensions.ts`);
    this.name = 'NotImplementedError';
  }
}
