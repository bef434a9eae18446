import { parseDuration } from '../../compiler/common/units.js';

/**
 * Reads `env("VAR", default)` settings when a layer loads. Values that do not parse fall back to
 * the default and are remembered in `problems`, so a typo in SMALLCODE_MODEL_TIMEOUT is reported
 * instead of silently becoming NaN.
 */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Record<string, string | undefined>) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback?: number): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (Number.isInteger(n)) return n;
    this.problems.push(`${name}=${raw} is not a whole number; using ${fallback}`);
    return fallback;
  }

  number(name: string, fallback?: number): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
    this.problems.push(`${name}=${raw} is not a number; using ${fallback}`);
    return fallback;
  }

  /** `80%` or `0.8`. */
  percent(name: string, fallback?: number): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const n = raw.endsWith('%') ? Number(raw.slice(0, -1)) / 100 : Number(raw);
    if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
    this.problems.push(`${name}=${raw} is not a percentage; using ${fallback}`);
    return fallback;
  }

  bool(name: string, fallback?: boolean): boolean | undefined {
    const raw = this.raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name}=${raw} is not true/false; using ${fallback}`);
    return fallback;
  }

  /** `300s`, `5m`, or a bare number in the unit of the declared default (`unitMs`). */
  duration(name: string, fallback: number | undefined, unitMs: number): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * unitMs);
    const ms = parseDuration(raw);
    if (ms !== undefined) return ms;
    this.problems.push(`${name}=${raw} is not a duration such as 300s; using ${fallback}`);
    return fallback;
  }
}
