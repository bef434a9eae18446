/**
 * Runs one benchmark task through the real engine: a fresh temp project with the task's files,
 * `new SmallCode({ baseUrl, model, cwd, env })` (the library API, the same Agent.run the CLI
 * uses), then the task's checker decides pass or fail.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmallCode, type RunResult } from '../../runtime/api/index.js';
import { hashSeed } from '../sim/random.js';
import { startSimServer } from '../sim/server.js';
import type { CorpusDialect, DialectName } from '../sim/dialects.js';
import type { FaultKind } from '../sim/faults.js';
import type { BenchTask } from '../suites/types.js';
import { runChecker } from './checker.js';
import type { TaskResult } from './results.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the model is: the simulated one (started per task) or a real endpoint. */
export type ModelTarget =
  | {
      kind: 'sim';
      faultRate: number;
      /** Share of retries (after an error) that carry a fault again (default 0). */
      retryFaultRate?: number;
      seed: number;
      faults?: readonly FaultKind[];
      dialects?: ReadonlyArray<DialectName | CorpusDialect>;
      contextWindow?: number;
    }
  /** baseUrl/model undefined: the engine discovers them (probing local servers), as the CLI does. */
  | { kind: 'endpoint'; baseUrl?: string; model?: string; apiKey?: string };

export interface TaskRunOptions {
  /** The survival kit on (default) or off (SMALLCODE_SURVIVAL_KIT=false). */
  kit: 'on' | 'off';
  /** Wall-clock limit for the agent's run (default 60 s for the simulation, 600 s for a real model). */
  timeoutMs?: number;
  /** Keep the temp project (for debugging): its path is printed in the failure. */
  keep?: boolean;
  /** Simulated runs: the chat request bodies the engine sent, in order (bench:prefill reads them). */
  onRequests?: (bodies: unknown[]) => void;
}

/**
 * The environment the engine, its shell and the checker see: node, python3, bash and the repo's
 * tsx. `configHome` (simulated runs): the user's SMALLCODE_* settings and agent overrides are left
 * out, so that a simulated run is the same on every machine.
 */
export function benchEnv(kit: 'on' | 'off', base: NodeJS.ProcessEnv = process.env, configHome?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TERM']) if (base[key] !== undefined) env[key] = base[key];
  // A real endpoint may need the user's SMALLCODE_* settings (API key, context window …).
  if (!configHome) for (const [key, value] of Object.entries(base)) if (key.startsWith('SMALLCODE_') && value !== undefined) env[key] = value;
  env.PATH = [join(REPO_ROOT, 'node_modules', '.bin'), env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(delimiter);
  env.SMALLCODE_SURVIVAL_KIT = kit === 'on' ? 'true' : 'false';
  if (configHome) {
    env.XDG_CONFIG_HOME = configHome; // no user-level agent overrides in a simulated run
    env.SMALLCODE_CONFIG_DIR = join(configHome, 'smallcode');
  }
  return env;
}

export async function runTask(task: BenchTask, target: ModelTarget, opts: TaskRunOptions): Promise<TaskResult> {
  const dir = await mkdtemp(join(tmpdir(), `smallcode-bench-${task.id}-`));
  const started = Date.now();
  const sim =
    target.kind === 'sim'
      ? await startSimServer(task, {
          faultRate: target.faultRate,
          retryFaultRate: target.retryFaultRate,
          // Per task, and the same for both kits and every fault rate: the runs stay paired.
          seed: hashSeed(target.seed, task.id),
          faults: target.faults,
          dialects: target.dialects,
          contextWindow: target.contextWindow,
        })
      : undefined;
  const configHome = sim ? join(dir, '.bench-config') : undefined;
  const project = join(dir, 'project');
  const env = benchEnv(opts.kit, process.env, configHome);
  let agent: SmallCode | undefined;
  try {
    for (const [path, content] of Object.entries(task.files)) {
      const file = join(project, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    await mkdir(project, { recursive: true });
    agent = new SmallCode({
      cwd: project,
      env,
      ...(sim ? { baseUrl: sim.url, model: sim.model } : {}),
      ...(target.kind === 'endpoint' ? { baseUrl: target.baseUrl, model: target.model, apiKey: target.apiKey } : {}),
    });
    const timeoutMs = opts.timeoutMs ?? (sim ? 60_000 : 600_000);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    let run: RunResult;
    try {
      run = await agent.run(task.prompt, { signal: controller.signal });
    } catch (err) {
      // Configuration problems (no server, bad variable) reject: the task cannot even start.
      return failed(task, started, `could not start: ${(err as Error).message}`, sim?.sim.faultCounts());
    } finally {
      clearTimeout(timer);
    }
    await agent.close();
    agent = undefined;
    const check = await runChecker(task.check, project, env);
    const result: TaskResult = {
      id: task.id,
      suite: task.suite,
      language: task.language,
      passed: check.passed,
      turns: run.turns,
      toolCalls: run.toolCalls.length,
      toolErrors: run.toolCalls.filter((c) => !c.ok).length,
      tokens: { prompt: run.usage.promptTokens, completion: run.usage.completionTokens, total: run.usage.totalTokens, estimated: run.usage.estimated },
      wallMs: Date.now() - started,
    };
    if (!check.passed) result.failure = describeFailure(run, check.output, check.timedOut);
    if (sim) result.faults = sim.sim.faultCounts();
    if (!check.passed && opts.keep) result.failure += ` (project kept at ${project})`;
    return result;
  } finally {
    await agent?.close().catch(() => undefined);
    if (sim && opts.onRequests) opts.onRequests(sim.server.chatRequests().map((r) => r.body));
    await sim?.close();
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}

function describeFailure(run: RunResult, checkOutput: string, timedOut: boolean): string {
  const checker = timedOut ? 'checker timed out' : `checker failed${checkOutput ? `: ${oneLine(checkOutput)}` : ''}`;
  if (run.error) return `${oneLine(run.error)}; ${checker}`;
  const answer = run.response ? `answered "${oneLine(run.response).slice(0, 60)}"` : 'answered nothing';
  return `${answer}; ${checker}`;
}

function failed(task: BenchTask, started: number, failure: string, faults?: TaskResult['faults']): TaskResult {
  return {
    id: task.id,
    suite: task.suite,
    language: task.language,
    passed: false,
    turns: 0,
    toolCalls: 0,
    toolErrors: 0,
    tokens: { prompt: 0, completion: 0, total: 0, estimated: true },
    wallMs: Date.now() - started,
    failure,
    ...(faults ? { faults } : {}),
  };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);
