import { EventEmitter } from 'node:events';
import type { AgentEventName, AgentEvents, RunResult } from '../agent/types.js';
import type { AgentPolicy } from '../agent/policy.js';
import { createSession, type Session } from '../agent/session.js';

export interface SmallCodeOptions {
  /** Model id (SMALLCODE_MODEL). Default: what the server lists. */
  model?: string;
  /** OpenAI-compatible base URL (SMALLCODE_BASE_URL). Default: probe the usual local servers. */
  baseUrl?: string;
  apiKey?: string;
  /** Project root the agent works in. Default: process.cwd(). */
  cwd?: string;
  /** Environment to read SMALLCODE_* from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Adjust the policy (caps, turn limit …) on top of the behaviour layer. */
  policy?: (policy: AgentPolicy) => AgentPolicy;
}

/**
 * The programmatic front door:
 *   const agent = new SmallCode({ baseUrl, model, cwd });
 *   agent.on('tool_start', ({ name, args }) => …);
 *   const result = await agent.run('create hello.py that prints hello world');
 *   await agent.close();
 * Each `run` is one task; runs on one instance share the conversation. Events: turn_start,
 * text, tool_start, tool_end, plan, notice, error.
 */
export class SmallCode extends EventEmitter {
  private session: Promise<Session> | undefined;

  constructor(private readonly options: SmallCodeOptions = {}) {
    super();
  }

  override on<K extends AgentEventName>(event: K, listener: (payload: AgentEvents[K]) => void): this {
    return super.on(event, listener);
  }

  private open(): Promise<Session> {
    const { model, baseUrl, apiKey, cwd, env, policy } = this.options;
    const overrides: Record<string, string> = {};
    if (model) overrides.SMALLCODE_MODEL = model;
    if (baseUrl) overrides.SMALLCODE_BASE_URL = baseUrl;
    if (apiKey) overrides.SMALLCODE_API_KEY = apiKey;
    this.session ??= createSession({
      cwd: cwd ?? process.cwd(),
      env,
      overrides,
      policy,
      headless: true, // no one to ask: the shell sandbox is on by default, as for `smallcode run`
      // 'error' is only emitted when someone listens: an unhandled 'error' event would throw.
      emit: (event, payload) => {
        if (event !== 'error' || this.listenerCount('error') > 0) this.emit(event, payload);
      },
    });
    return this.session;
  }

  /** Runs one task to the end. Configuration problems reject with a ConfigError. */
  async run(task: string, options: { signal?: AbortSignal } = {}): Promise<RunResult> {
    const session = await this.open();
    return session.agent.run(task, options.signal);
  }

  /** Ends the session: stops the persistent shell. */
  async close(): Promise<void> {
    if (!this.session) return;
    const session = await this.session.catch(() => undefined);
    this.session = undefined;
    await session?.close();
  }
}

export type { RunResult, ToolCallRecord, AgentEvents } from '../agent/types.js';
export type { AgentPolicy } from '../agent/policy.js';
export { loadBuiltinPolicy } from '../cognition/loader.js';
export { ConfigError } from '../config/load.js';
export { parseToolCalls, repairToolCall, repairJson } from '../model/toolcalls/index.js';
export type { ParseResult, ParsedToolCall, ToolCallError, ToolDefinition } from '../model/toolcalls/index.js';
export { applyEdit, applyEdits, EditError } from '../edit/index.js';
export type { Edit } from '../edit/index.js';
