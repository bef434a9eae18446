/**
 * The simulated model behind a real OpenAI-compatible HTTP server on 127.0.0.1 (real SSE, native
 * tool_calls deltas, reasoning_content, usage): the scripted test server with a SimulatedModel
 * answering every chat request.
 */
import { startScriptedServer, type ScriptedServer } from '../../test/support/scripted-server.js';
import type { BenchTask } from '../suites/types.js';
import { SimulatedModel, type SimOptions } from './model.js';

export const SIM_MODEL_ID = 'smallcode-sim-7b';
export const DEFAULT_SIM_CONTEXT = 8192;

export interface SimServer {
  /** Base URL including /v1. */
  url: string;
  model: string;
  sim: SimulatedModel;
  server: ScriptedServer;
  close(): Promise<void>;
}

/** One server per task run: the model's state is that task's progress. */
export async function startSimServer(task: BenchTask, opts: SimOptions): Promise<SimServer> {
  const contextWindow = opts.contextWindow ?? DEFAULT_SIM_CONTEXT;
  const sim = new SimulatedModel(task, { ...opts, contextWindow });
  const server = await startScriptedServer({
    models: [{ id: SIM_MODEL_ID, contextLength: contextWindow }],
    respond: (req) => sim.reply(req.body),
  });
  return { url: server.url, model: SIM_MODEL_ID, sim, server, close: () => server.close() };
}
