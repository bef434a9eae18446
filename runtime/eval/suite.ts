/**
 * Evaluation suites: YAML files under `evals/` or `.smallcode/evals/`, checked with zod. A broken
 * suite is an EvalSuiteError naming the file and line of the problem.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

export class EvalSuiteError extends Error {
  override name = 'EvalSuiteError';
}

const reply = z.object({
  content: z.string().optional(),
  reasoning: z.string().optional(),
  toolCalls: z.array(z.object({ name: z.string(), arguments: z.string() })).optional(),
  finishReason: z.string().optional(),
}).strict();

const files = z.record(z.string(), z.string());

/** A cognition prompt called with `input`; its value must match `expect`. */
const promptCase = z.object({
  id: z.string().min(1),
  prompt: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  expect: z.unknown().refine((v) => v !== undefined, 'a prompt case needs `expect`'),
  trials: z.number().int().min(1).optional(),
}).strict();

/** A whole task in a fresh folder; passes when `check` exits 0 and `expect` matches. */
const taskCase = z.object({
  id: z.string().min(1),
  task: z.string().min(1),
  setup: z.object({ files: files.default({}) }).strict().default({ files: {} }),
  check: z.string().optional(),
  /** Recorded model replies: the task runs against the replay server, without a model. */
  replies: z.array(reply).optional(),
  /** The model id the replay server lists (the one recorded). */
  model: z.string().optional(),
  expect: z.object({
    /** Path → content; null: the file must not exist. */
    files: z.record(z.string(), z.string().nullable()).optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  }).strict().optional(),
  trials: z.number().int().min(1).optional(),
}).strict().refine((c) => c.check || c.expect, 'a task case needs `check` (a command) or `expect`');

export const suiteSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  /** Trials per case (n); a replay case runs once unless it says otherwise: it is deterministic. */
  trials: z.number().int().min(1).max(1000).default(3),
  /** The k of pass@k (default: the number of trials). */
  k: z.number().int().min(1).optional(),
  cases: z.array(z.union([promptCase, taskCase])).min(1),
}).strict();

export type Suite = z.infer<typeof suiteSchema> & { name: string; file: string };
export type PromptCase = z.infer<typeof promptCase>;
export type TaskCase = z.infer<typeof taskCase>;
export type EvalCase = PromptCase | TaskCase;

export function isPromptCase(c: EvalCase): c is PromptCase {
  return 'prompt' in c;
}

/** Where suites live: the project's `evals/`, then `.smallcode/evals/`. */
export function suiteDirs(root: string): string[] {
  return [join(root, 'evals'), join(root, '.smallcode', 'evals')];
}

export function listSuites(root: string): string[] {
  return suiteDirs(root).flatMap((dir) => {
    try {
      return readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).map((n) => join(dir, n));
    } catch {
      return [];
    }
  });
}

/** A suite by path, or by name in the suite folders (`prompts` → evals/prompts.yaml). */
export function findSuite(root: string, ref: string, extraDirs: string[] = []): string | undefined {
  const direct = isAbsolute(ref) ? ref : resolve(root, ref);
  if (existsSync(direct) && /\.ya?ml$/.test(direct)) return direct;
  for (const dir of [...suiteDirs(root), ...extraDirs]) {
    for (const ext of ['.yaml', '.yml']) if (existsSync(join(dir, `${ref}${ext}`))) return join(dir, `${ref}${ext}`);
  }
  return undefined;
}

export function loadSuite(file: string): Suite {
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => {
    const pos = lines.linePos(offset ?? 0);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new EvalSuiteError(`${at(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const parsed = suiteSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => {
      // The deepest node that exists along the issue's path gives the line.
      let path = issue.path as Array<string | number>;
      let node: unknown;
      while (path.length && !(node = doc.getIn(path, true))) path = path.slice(0, -1);
      const range = (node as { range?: [number, number, number] } | undefined)?.range ?? (doc.contents as { range?: [number] } | null)?.range;
      const where = issue.path.length ? ` (${issue.path.join('.')})` : '';
      return `${at(range?.[0])}: ${issue.message}${where}`;
    });
    throw new EvalSuiteError(`${basename(file)} is not a valid suite:\n${problems.join('\n')}`);
  }
  const ids = new Set<string>();
  for (const [i, c] of parsed.data.cases.entries()) {
    if (ids.has(c.id)) throw new EvalSuiteError(`${at((doc.getIn(['cases', i, 'id'], true) as { range?: [number] } | undefined)?.range?.[0])}: case id '${c.id}' is used twice`);
    ids.add(c.id);
  }
  return { ...parsed.data, name: parsed.data.name ?? basename(file).replace(/\.ya?ml$/, ''), file };
}

/**
 * Whether `actual` matches `expected`: equal values, or for an object each expected field (extra
 * fields of the actual value are allowed), or a predicate object with one operator:
 * `{ oneOf: [...] }`, `{ matches: "regex" }`, `{ contains: "text" }`, `{ min: n, max: n }`.
 * Returns undefined when it matches, else what differs.
 */
export function mismatch(actual: unknown, expected: unknown, where = 'value'): string | undefined {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>;
    const keys = Object.keys(e);
    if (keys.length >= 1 && keys.every((k) => ['oneOf', 'matches', 'contains', 'min', 'max'].includes(k))) {
      if (e.oneOf !== undefined) return (e.oneOf as unknown[]).some((v) => mismatch(actual, v) === undefined) ? undefined : `${where}: ${show(actual)} is not one of ${show(e.oneOf)}`;
      if (e.matches !== undefined) return typeof actual === 'string' && new RegExp(String(e.matches)).test(actual) ? undefined : `${where}: ${show(actual)} does not match /${e.matches}/`;
      if (e.contains !== undefined) return (typeof actual === 'string' || Array.isArray(actual)) && (actual as string).includes(e.contains as string) ? undefined : `${where}: ${show(actual)} does not contain ${show(e.contains)}`;
      if (typeof actual !== 'number') return `${where}: ${show(actual)} is not a number`;
      if (e.min !== undefined && actual < Number(e.min)) return `${where}: ${actual} < ${e.min}`;
      if (e.max !== undefined && actual > Number(e.max)) return `${where}: ${actual} > ${e.max}`;
      return undefined;
    }
    if (!actual || typeof actual !== 'object') return `${where}: expected an object, got ${show(actual)}`;
    for (const k of keys) {
      const m = mismatch((actual as Record<string, unknown>)[k], e[k], `${where}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${where}: expected ${show(expected)}, got ${show(actual)}`;
    for (const [i, v] of expected.entries()) {
      const m = mismatch(actual[i], v, `${where}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${where}: expected ${show(expected)}, got ${show(actual)}`;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
