import type { SmallCodeConfig } from '../config/load.js';
import { ModelError, ToolsUnsupportedError, type ModelClient } from '../model/client.js';
import type { ContextInfo } from '../model/server.js';
import { parseToolCalls, repairToolCall, type ParsedToolCall, type ToolCallError } from '../model/toolcalls/index.js';
import type { CompletionResult, RawToolCall, ToolDefinition } from '../model/types.js';
import { countTokens } from '../model/tokens.js';
import type { CognitionRuntime, FactSnapshot, GuardEvent, ResolvedModel, TrippedGuard } from '../cognition/index.js';
import type { ToolOutcome, ToolRegistry } from '../tools/index.js';
import { classifyTask } from './behaviour.js';
import { History, type HistoryEntry } from './history.js';
import type { Planner } from './planner.js';
import { replyReserve, toolPolicy, type AgentPolicy } from './policy.js';
import { renderPrompt, systemPrompt, type SystemPromptInput } from './prompt.js';
import { compactModeOn, ToolRouting } from './tool-routing.js';
import { addUsage, type EmitFn, type RunResult, type TaskMemory } from './types.js';

export interface AgentOptions {
  root: string;
  config: SmallCodeConfig;
  policy: AgentPolicy;
  client: ModelClient;
  tools: ToolRegistry;
  context: ContextInfo;
  /** Project summary, AGENTS.md and test command for the system prompt. */
  knowledge: Omit<SystemPromptInput, 'root' | 'textTools'>;
  emit?: EmitFn;
  /** Names the snapshot folder of this session (.smallcode/snapshots/<id>/<turn>/): rollbacks read it. */
  sessionId?: string;
  /** The compiled behaviour layer: guards, prompts (classify_task …), counters, traces. */
  cognition?: CognitionRuntime;
  /** Called for every entry added to the history (sessions are saved from here, turn by turn). */
  onEntry?: (entry: HistoryEntry) => void;
  /** Plans multi-step tasks and gates their steps on checks (also behind the step_done tool). */
  planner?: Planner;
  /** A client for a model the layer declares (on its own endpoint): what `escalate` switches to. */
  clientFor?: (model: ResolvedModel) => ModelClient;
  /** Evidence of earlier tasks told at a task's start, this task's recorded at its end (runtime/memory). */
  memory?: TaskMemory;
}

/**
 * The loop: model → parse → execute → results → model, until the model answers without a tool
 * call, the turn limit, or an error. One Agent is one session; each `run` is one task in it.
 */
/** Guards may correct the model in at most this many consecutive steps. */
const MAX_CORRECTIONS_IN_A_ROW = 2;

/** What guards see of the task in flight. */
interface TaskState {
  text: string;
  kind?: string;
  steps: number;
  calls: NonNullable<FactSnapshot['toolCalls']>;
  tokens: number;
}

/** What tripped guards ask the loop to do. */
interface GuardEffects {
  notes: string[];
  stop?: string;
  /** Undo the file changes of the last turn. */
  rollback?: boolean;
}

export class Agent {
  readonly history = new History();
  private textMode = false;
  private turn = 0;
  private task: TaskState = { text: '', steps: 0, calls: [], tokens: 0 };
  /** A guard asked to undo the last turn's file changes; done before the next request. */
  private pendingRollback = false;
  /** Model steps in a row that carried a guard's correction; capped so guards cannot spiral. */
  private correctionStreak = 0;
  private correctedThisStep = false;
  /** Compact mode's tool routing; every call runs through its registry (the meta tool included). */
  private readonly routing: ToolRouting;
  /** After `escalate`: the stronger model the rest of the task talks to (cleared when a task starts). */
  private escalated?: { client: ModelClient; context: ContextInfo };
  /** `escalate` found no stronger model: said once per session, then quiet. */
  private noStrongerModelSaid = false;
  /** A guard asked to compress the history; done before the next request. */
  private pendingCompression = false;

  constructor(private readonly opts: AgentOptions) {
    this.routing = new ToolRouting(opts.tools, () => this.compactMode, opts.policy.context.compactOpen);
    this.opts = { ...opts, tools: this.routing.registry };
    this.history.setSystem(this.buildSystemPrompt());
    this.history.onAdd = (entry) => this.opts.onEntry?.(entry);
  }

  /** Continues a saved conversation: its entries follow the current system prompt. */
  restore(entries: readonly HistoryEntry[]): void {
    for (const entry of entries) if (entry.kind !== 'system') this.history.entries.push(entry);
    this.turn = Math.max(this.turn, ...entries.map((e) => e.turn));
  }

  /** Forgets the conversation (the system prompt stays). */
  clear(): void {
    this.history.entries.splice(1);
    this.routing.reset();
  }

  get currentTurn(): number {
    return this.turn;
  }

  /** True once the server refused native tools and calls are parsed from the reply text. */
  get textToolCalls(): boolean {
    return this.textMode;
  }

  /**
   * Compact mode (survival kit, window ≤ `context.compact_at` or SMALLCODE_COMPACT=true): the
   * model picks a tool category first and sees only that category's short schemas.
   */
  get compactMode(): boolean {
    return compactModeOn(this.opts.config, this.opts.policy, this.mainContext().window);
  }

  /** The tool schemas the next request carries (in text mode they are in the system prompt instead). */
  offeredTools(): ToolDefinition[] {
    return this.routing.offered();
  }

  /** The model client the session talks to now (it changes with /model). */
  get client(): ModelClient {
    return this.opts.client;
  }

  /** Switches the model mid-session (`/model`): later requests go to `client`, budgeted for `context`. */
  setClient(client: ModelClient, context: ContextInfo): void {
    this.opts.client = client;
    this.opts.context = context;
  }

  private buildSystemPrompt(): string {
    const input: SystemPromptInput = { root: this.opts.root, ...this.opts.knowledge };
    if (this.textMode) input.textTools = this.routing.offered();
    return systemPrompt(input);
  }

  private emit: EmitFn = (event, payload) => this.opts.emit?.(event, payload);

  /**
   * What belongs to a task starts afresh: its facts, the correction streak, an escalation, and
   * what `agents/*.marrow` declares `scope: task` (guard trips, tool trust). Compact mode's tool
   * list does not: it only grows within a session (a prefix-caching server keeps its prompt).
   * Session-scoped state (the history, session-scoped trips and trust, token totals) goes on.
   */
  private beginTask(text: string): void {
    this.task = { text, steps: 0, calls: [], tokens: 0 };
    this.correctionStreak = 0;
    this.correctedThisStep = false;
    this.escalated = undefined; // an escalation lasts for its task: the session's own model takes the next
    this.opts.tools.beginTask();
    this.opts.cognition?.beginTask();
  }

  /** One task: the loop, then its evidence goes to memory. */
  async run(task: string, signal?: AbortSignal): Promise<RunResult> {
    const result = await this.runTask(task, signal);
    this.remember((memory) => memory.record(result));
    return result;
  }

  private async runTask(task: string, signal?: AbortSignal): Promise<RunResult> {
    const started = Date.now();
    const result: RunResult = {
      response: '',
      toolCalls: [],
      filesCreated: [],
      filesEdited: [],
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, requests: 0, estimated: false },
      durationMs: 0,
      success: false,
      turns: 0,
    };
    const created = new Set<string>();
    const edited = new Set<string>();
    const { policy } = this.opts;
    this.turn++;
    const firstTurn = this.turn;
    this.beginTask(task);
    this.history.add({ message: { role: 'user', content: task }, turn: this.turn, kind: 'task' });
    try {
      if (this.opts.cognition) {
        const { kind } = await classifyTask(this.opts.cognition, task, this.opts.planner?.mode ?? this.opts.config.plan, this.snapshot(), signal);
        this.task.kind = kind;
      }
      await this.prepareTask(task, signal);
      for (let step = 0; step < policy.loop.maxTurns; step++) {
        if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
        if (step > 0) this.turn++;
        this.task.steps++;
        result.turns++;
        this.emit('turn_start', { turn: this.turn });
        this.opts.tools.beginTurn(this.turn);
        this.opts.cognition?.ledger.startTurn();
        this.correctionStreak = this.correctedThisStep ? this.correctionStreak + 1 : 0;
        this.correctedThisStep = false;
        const onTurn = this.guard('turn', {});
        if (onTurn.stop) throw new GuardStop(onTurn.stop);
        for (const note of onTurn.notes) this.note(note);
        if (this.pendingRollback) {
          this.pendingRollback = false;
          const undone = await this.rollback(this.turn - 1, this.turn - 1);
          this.note(undone.length ? `The file changes of your last step were undone (${undone.join(', ')}). Take a different approach.` : 'Your last step changed no files; take a different approach.');
        }
        const turnStarted = Date.now();
        const reply = await this.complete(signal);
        // The SDK ends an aborted stream quietly: a cut reply must not pass for an answer.
        if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
        addUsage(result.usage, reply.usage);
        this.task.tokens += reply.usage.promptTokens + reply.usage.completionTokens;

        const { calls, errors, content } = this.interpret(reply);
        const onReply = this.guard('reply', { reply: { text: content, hasToolCalls: calls.length > 0 } });
        if (onReply.stop) throw new GuardStop(onReply.stop);
        if (onReply.notes.length && calls.length === 0 && errors.length === 0) {
          // A reply a guard objects to (a greeting mid-task …) is not the answer: say why, go on.
          this.history.add({ message: { role: 'assistant', content }, turn: this.turn, kind: 'assistant' });
          for (const note of onReply.notes) this.note(note);
          this.emit('turn_end', { turn: this.turn, ms: Date.now() - turnStarted, usage: reply.usage, toolCalls: 0, finishReason: reply.finishReason });
          continue;
        }
        for (const note of onReply.notes) this.note(note);
        if (calls.length === 0 && errors.length === 0) {
          if (reply.finishReason === 'length' && content.trim() === '') {
            this.note('Your reply was cut off by the output limit before it said anything. Answer again, shorter.');
            continue;
          }
          this.history.add({ message: { role: 'assistant', content }, turn: this.turn, kind: 'assistant' });
          this.emit('turn_end', { turn: this.turn, ms: Date.now() - turnStarted, usage: reply.usage, toolCalls: 0, finishReason: reply.finishReason });
          if (content.trim() && this.opts.planner && (await this.opts.planner.open())) {
            // An answer while plan steps are open claims the current step is done: it must pass its check.
            const verdict = await this.opts.planner.finishStep(signal);
            // Counted like a step_done call, so plan guards (`tool.failures("step_done")`) see both ways of claiming.
            this.task.calls.push({ name: 'step_done', args: {}, ok: verdict.ok });
            const onPlan = this.guard('plan', {});
            if (onPlan.stop) throw new GuardStop(onPlan.stop);
            if (!verdict.allDone) {
              this.note([verdict.message, ...onPlan.notes].join('\n\n'));
              continue;
            }
          }
          result.response = content.trim();
          // An empty reply is no answer (the empty_turn guard has already asked again, if declared).
          result.success = result.response !== '';
          if (!result.success) result.error = 'the model gave an empty answer';
          break;
        }

        const outcomes: Array<{ call: ParsedToolCall; outcome: ToolOutcome }> = [];
        for (const call of calls) {
          if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
          this.emit('tool_start', { name: call.name, args: call.arguments });
          const record = { name: call.name, args: call.arguments, file: typeof call.arguments.path === 'string' ? call.arguments.path : undefined };
          const before = this.guard('tool_call', { toolCalls: [...this.task.calls, record], currentTool: { name: call.name } });
          if (before.stop) throw new GuardStop(before.stop);
          // A guard that objects to a call (the same call again and again) answers instead of the tool.
          const outcome: ToolOutcome = before.notes.length
            ? { name: call.name, ok: false, output: before.notes.join('\n'), ms: 0, filesCreated: [], filesEdited: [], errorKind: 'guard' }
            : await this.opts.tools.run({ name: call.name, arguments: call.arguments, id: call.id }, { signal });
          this.task.calls.push({ ...record, ok: outcome.ok });
          const after = this.guard('tool_result', { currentTool: { name: call.name, ok: outcome.ok } });
          if (call.name === 'step_done') {
            const onPlan = this.guard('plan', { currentTool: { name: call.name, ok: outcome.ok } });
            after.notes.push(...onPlan.notes);
            after.stop ??= onPlan.stop;
          }
          if (after.notes.length) outcome.output = `${outcome.output}\n\n${after.notes.join('\n')}`;
          this.emit('tool_end', { name: call.name, ms: outcome.ms, ok: outcome.ok, output: outcome.output, cached: outcome.cached, errorKind: outcome.errorKind });
          result.toolCalls.push({ name: call.name, args: call.arguments, ok: outcome.ok, ms: outcome.ms, ...(outcome.cached ? { cached: true } : {}) });
          for (const f of outcome.filesCreated) created.add(f);
          for (const f of outcome.filesEdited) if (!created.has(f)) edited.add(f);
          outcomes.push({ call, outcome });
          if (after.stop) throw new GuardStop(after.stop);
        }
        this.record(reply, content, calls, outcomes, errors);
        this.emit('turn_end', { turn: this.turn, ms: Date.now() - turnStarted, usage: reply.usage, toolCalls: calls.length, finishReason: reply.finishReason });
      }
      if (!result.success && !result.error) result.error = `stopped after ${policy.loop.maxTurns} turns without a final answer`;
    } catch (err) {
      if (signal?.aborted) {
        result.error = 'cancelled';
      } else if (err instanceof GuardStop) {
        result.error = err.message;
      } else {
        result.error = err instanceof ModelError ? err.message : `internal error: ${(err as Error).stack ?? err}`;
        this.emit('error', { message: result.error });
      }
    }
    if (!result.success && result.error !== 'cancelled' && this.opts.config.snapshotAutoRollback) {
      // SMALLCODE_SNAPSHOT_AUTO_ROLLBACK: a task that hard-failed leaves the files as they were.
      const undone = await this.rollback(firstTurn, this.turn);
      if (undone.length) {
        result.rolledBack = undone;
        this.emit('notice', { message: `task failed: restored ${undone.join(', ')} from the snapshots` });
      }
    }
    const plan = this.opts.planner?.snapshot;
    if (plan) result.plan = { steps: plan.steps.map(({ text, check, done }) => ({ text, check, done })) };
    this.opts.planner?.end();
    result.filesCreated = [...created];
    result.filesEdited = [...edited];
    result.durationMs = Date.now() - started;
    return result;
  }

  /** One model call under the window budget; falls back to text tool calls if the server refuses `tools`. */
  private async complete(signal?: AbortSignal): Promise<CompletionResult> {
    // In text mode the system prompt lists the tools: in compact mode it follows the category.
    if (this.textMode && this.routing.active) this.history.setSystem(this.buildSystemPrompt());
    const tools = this.textMode ? undefined : this.routing.offered();
    // The plan rides at the end of every request (recent text is what small models follow), never in history.
    const anchor = await this.opts.planner?.anchor();
    const anchorMessages = anchor ? [{ role: 'user' as const, content: anchor }] : [];
    if (this.opts.config.survivalKit) await this.keepUnderWindow(this.messageBudget(tools) - (anchor ? countTokens(anchor) + 4 : 0), signal);
    try {
      return await this.mainClient().complete({
        messages: [...this.history.messages(), ...anchorMessages],
        tools,
        temperature: this.temperature(),
        signal,
        onDelta: (d) => this.emit('text', d),
      });
    } catch (err) {
      if (!(err instanceof ToolsUnsupportedError)) throw err;
      this.textMode = true;
      this.history.setSystem(this.buildSystemPrompt());
      this.emit('notice', { message: err.message });
      return this.complete(signal);
    }
  }

  /**
   * Before each request: a compression a guard asked for comes first; then, past `evict_at` of
   * the budget, old tool results become stubs down to `evict_to`; if that is not enough, older turns are compressed
   * into a summary by the summarize_history prompt (keeping the task, decisions and file names);
   * only then are whole old turns dropped.
   */
  private async keepUnderWindow(budget: number, signal?: AbortSignal): Promise<void> {
    const { context } = this.opts.policy;
    if (this.pendingCompression) {
      this.pendingCompression = false;
      const notDone = await this.compressHistory(budget, 'as a guard asked', signal);
      if (notDone) this.emit('notice', { message: `compress: history left as it is (${notDone})` });
    }
    // Hysteresis: nothing changes until evict_at, then one large step down to evict_to, so the
    // requests in between only append and a prefix-caching server prefills only what is new.
    if (this.history.tokens() > budget * context.evictAt) {
      this.history.evict(Math.floor(budget * Math.min(context.evictTo, context.evictAt)), this.turn, context.keepRecentTurns);
    }
    if (this.history.tokens() <= budget) return;
    await this.compressHistory(budget, `to stay within the ${this.mainContext().window}-token window`, signal);
    this.history.dropOldTurns(budget, this.turn);
    if (this.history.tokens() > budget) this.history.cutResultsToFit(budget);
  }

  /**
   * Replaces the entries older than the last `keep_recent_turns` turns with one summary from the
   * summarize_history prompt; `why` ends the notice. Returns why nothing changed (too little to
   * compress, no such prompt, no summary), or undefined when it was done.
   */
  private async compressHistory(budget: number, why: string, signal?: AbortSignal): Promise<string | undefined> {
    const { keepRecentTurns } = this.opts.policy.context;
    const old = this.history.compressible(this.turn, keepRecentTurns);
    const runtime = this.opts.cognition;
    if (!runtime?.config.prompts.summarize_history) return 'no summarize_history prompt is declared';
    if (old.length < 2) return `nothing older than the last ${keepRecentTurns} turns to compress`;
    const transcript = old.map(describeEntry).join('\n');
    const maxChars = Math.max(400, Math.floor(budget * 0.15) * 4);
    const summary = await runtime.summarizeHistory(transcript, maxChars, { signal }).catch(() => undefined);
    if (!summary?.trim()) return 'the summarize_history prompt gave no summary';
    this.history.replaceWithSummary(old, `Summary of the earlier work on this task (older turns compressed):\n${summary.trim().slice(0, maxChars)}`);
    this.emit('notice', { message: `compressed ${old.length} older messages into a summary ${why}` });
    return undefined;
  }

  /** Before the first request: what memory recalls for the task, then the plan. */
  private async prepareTask(task: string, signal?: AbortSignal): Promise<void> {
    this.remember((memory) => {
      const recalled = memory.recall(task);
      if (recalled) this.note(recalled);
    });
    await this.planIfWanted(task, signal);
  }

  /** Memory helps but never stops a task: a broken store is a notice. */
  private remember(use: (memory: TaskMemory) => void): void {
    if (!this.opts.memory) return;
    try {
      use(this.opts.memory);
    } catch (err) {
      this.emit('notice', { message: `memory: ${(err as Error).message}` });
    }
  }

  /**
   * Plans the task first when SMALLCODE_PLAN (or /plan) says so, or, on auto, when the layer's
   * `plan { when }` holds for it; a plan that cannot be made leaves the task unplanned.
   */
  private async planIfWanted(task: string, signal?: AbortSignal): Promise<void> {
    const planner = this.opts.planner;
    if (!planner || planner.mode === 'false') return;
    const wanted = planner.mode === 'true' || (this.opts.config.survivalKit && this.opts.cognition?.shouldPlan(this.snapshot()) === true);
    if (!wanted) return;
    const plan = await planner.start(task, this.opts.knowledge.summary, signal);
    if (plan) this.emit('notice', { message: `planned ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} in ${planner.file.slice(this.opts.root.length + 1)}` });
  }

  /** Tokens the messages may take: the window less the reply reserve and the tool schemas sent with them. */
  messageBudget(tools = this.textMode ? undefined : this.routing.offered()): number {
    const { policy } = this.opts;
    const { window } = this.mainContext();
    const schemas = tools ? countTokens(JSON.stringify(tools)) : 0;
    return Math.max(512, window - replyReserve(policy.context, window) - schemas);
  }

  /** The client of the main loop: the escalated model's during an escalated task, else the session's. */
  private mainClient(): ModelClient {
    return this.escalated?.client ?? this.opts.client;
  }

  private mainContext(): ContextInfo {
    return this.escalated?.context ?? this.opts.context;
  }

  /** The conversation against its window, for the tools (read_file's read guard). */
  contextState(): { window: number; usedTokens: number; budgetTokens: number } {
    return { window: this.mainContext().window, usedTokens: this.history.tokens(), budgetTokens: this.messageBudget() };
  }

  /** Native tool calls when the server sent them, else calls written as text in any dialect. */
  private interpret(reply: CompletionResult): { calls: ParsedToolCall[]; errors: ToolCallError[]; content: string } {
    // Every callable tool, not only those offered: a direct call outside the category still
    // counts, and a call to a tool trust decay disabled is answered with why, not dropped.
    const defs = this.opts.tools.callable();
    if (!this.opts.config.survivalKit) return strictNativeCalls(reply);
    if (reply.toolCalls.length > 0) {
      const calls: ParsedToolCall[] = [];
      const errors: ToolCallError[] = [];
      for (const raw of reply.toolCalls) {
        const { call, error } = repairToolCall(raw.name, raw.arguments, defs);
        if (call) calls.push({ ...call, id: raw.id });
        if (error) errors.push(error);
      }
      return { calls, errors, content: reply.content };
    }
    // parsed.content is the reply without calls and without thinking in any dialect's markup.
    const parsed = parseToolCalls(reply.content, defs);
    return { calls: parsed.calls, errors: parsed.errors, content: parsed.content.trim() };
  }

  private record(
    reply: CompletionResult,
    content: string,
    calls: ParsedToolCall[],
    outcomes: Array<{ call: ParsedToolCall; outcome: ToolOutcome }>,
    errors: ToolCallError[],
  ): void {
    const native = reply.toolCalls.length > 0;
    if (native) {
      // Only the calls we executed are echoed back, each with its result, as the API requires.
      const toolCalls: RawToolCall[] = outcomes.map(({ call }, i) => ({
        id: call.id ?? `call_${this.turn}_${i}`,
        name: call.name,
        arguments: JSON.stringify(call.arguments),
      }));
      this.history.add({ message: { role: 'assistant', content, tool_calls: toolCalls.length ? toolCalls : undefined }, turn: this.turn, kind: 'assistant' });
      outcomes.forEach(({ call, outcome }, i) => {
        this.history.add({
          message: { role: 'tool', content: outcome.output, tool_call_id: toolCalls[i]!.id, name: call.name },
          turn: this.turn,
          kind: 'tool_result',
          tool: call.name,
        });
      });
      if (errors.length) this.note(errors.map((e) => e.message).join('\n'));
      return;
    }
    // Text calls: the model sees its own text back and the results as one user message.
    this.history.add({ message: { role: 'assistant', content: reply.content.trim() || content }, turn: this.turn, kind: 'assistant' });
    const results = [
      ...outcomes.map(({ call, outcome }) => ({ name: call.name, ok: outcome.ok, output: outcome.output })),
      ...errors.map((e) => ({ name: e.tool ?? 'tool_call', ok: false, output: e.message })),
    ];
    this.history.add({
      message: { role: 'user', content: renderPrompt('tool-results', { results }) },
      turn: this.turn,
      kind: 'tool_result',
      tool: calls.map((c) => c.name).join(', ') || 'tool_call',
    });
  }

  /**
   * Adaptive retry temperature: after a tool with `retry_temperature` fails, the next request is
   * sampled at the base plus the offset for that failure (e.g. lower, then higher, then base), so
   * a model stuck on one wrong edit gets a different draw.
   */
  private temperature(): number {
    const base = this.opts.policy.model.temperature;
    const last = this.task.calls.at(-1);
    if (!last || last.ok !== false) return base;
    const offsets = toolPolicy(this.opts.policy, last.name).retryTemperatures;
    if (!offsets?.length) return base;
    let failures = 0;
    for (let i = this.task.calls.length - 1; i >= 0 && this.task.calls[i]!.name === last.name && this.task.calls[i]!.ok === false; i--) failures++;
    const offset = offsets[failures - 1] ?? 0;
    return Math.round(Math.max(0, Math.min(2, base + offset)) * 100) / 100;
  }

  /** Restores the files the turns `from`..`to` changed, newest first; returns the paths put back. */
  private async rollback(from: number, to: number): Promise<string[]> {
    if (!this.opts.sessionId || from < 1) return [];
    const { restoreTurn } = await import('../tools/index.js');
    const paths = new Set<string>();
    for (let t = to; t >= from; t--) {
      const { restored, deleted } = await restoreTurn(this.opts.root, this.opts.sessionId, t).catch(() => ({ restored: [], deleted: [] }));
      for (const p of [...restored, ...deleted]) paths.add(p);
    }
    return [...paths];
  }

  /** The facts guards read, as of now. */
  private snapshot(extra: Partial<FactSnapshot> = {}): FactSnapshot {
    return {
      turn: this.task.steps,
      tokens: this.task.tokens,
      toolCalls: this.task.calls,
      context: { tokens: this.history.tokens(), window: this.mainContext().window },
      task: { kind: this.task.kind, message: this.task.text },
      ...extra,
    };
  }

  /** Evaluates the layer's guards for `event` and turns their actions into effects on the loop. */
  private guard(event: GuardEvent, extra: Partial<FactSnapshot>): GuardEffects {
    const effects: GuardEffects = { notes: [] };
    const runtime = this.opts.cognition;
    if (!runtime || !this.opts.config.survivalKit) return effects;
    for (const trip of runtime.evaluateGuards(event, this.snapshot(extra))) this.apply(trip, runtime, effects);
    if (effects.rollback) this.pendingRollback = true;
    if (effects.notes.length && this.correctionStreak >= MAX_CORRECTIONS_IN_A_ROW) {
      // Two corrected steps in a row already: a third would more likely feed a loop than end one.
      this.emit('notice', { message: `correction not sent: ${MAX_CORRECTIONS_IN_A_ROW} steps in a row were already corrected` });
      effects.notes = [];
    }
    if (effects.notes.length) this.correctedThisStep = true;
    return effects;
  }

  private apply(trip: TrippedGuard, runtime: CognitionRuntime, effects: GuardEffects): void {
    const { name, args } = trip.action;
    this.emit('notice', { message: `guard ${trip.guard} (${trip.loc}) tripped: ${name}${args.length ? `(${args.join(', ')})` : ''}` });
    this.emit('guard', { guard: trip.guard, action: name });
    switch (name) {
      case 'steer':
        effects.notes.push(runtime.renderSteer(String(args[0]), { task: this.task.text, tool: this.task.calls.at(-1)?.name }));
        break;
      case 'reinject_task':
        effects.notes.push(`You are in the middle of a task. Do not greet or ask how to help; continue with it.\nThe task: ${this.task.text}`);
        break;
      case 'force_tool':
        effects.notes.push(`Call the ${String(args[0])} tool next.`);
        break;
      case 'stop':
        effects.stop = `stopped by guard ${trip.guard}: ${String(args[0] ?? 'no reason given')}`;
        break;
      case 'continue':
        break;
      case 'rollback':
        effects.rollback = true;
        break;
      case 'escalate': {
        const note = this.escalate(runtime);
        if (note) {
          runtime.counters.for('guard', trip.guard).escalations++;
          effects.notes.push(note);
        }
        break;
      }
      case 'compress':
        this.pendingCompression = true;
        break;
      default:
        this.emit('notice', { message: `guard action '${name}' is unknown to this engine; ignored` });
    }
  }

  /**
   * Moves the rest of the task to the strongest available model the layer declares (router
   * tiers rank them). Returns the note for the model, or nothing when there is no stronger model.
   */
  private escalate(runtime: CognitionRuntime): string | undefined {
    const current = this.mainClient().model;
    const target = runtime.strongestModel();
    if (!target?.name || target.name === current || !this.opts.clientFor) {
      if (!this.noStrongerModelSaid) {
        this.noStrongerModelSaid = true;
        const why = target?.name === current ? `${current} is already the strongest model declared` : 'no stronger model is configured (set SMALLCODE_MODEL_STRONG, and SMALLCODE_BASE_URL_STRONG for another server)';
        this.emit('notice', { message: `escalate: ${why}; carrying on with ${current}` });
      }
      return undefined;
    }
    // A declared context_window is free to know; asking the stronger server would cost a round
    // trip mid-task, so otherwise the detected window stays the budget.
    const declared = typeof target.contextWindow === 'number' ? target.contextWindow : undefined;
    const context = declared ? { ...this.opts.context, window: declared, source: `context_window of model ${target.decl}` } : this.opts.context;
    this.escalated = { client: this.opts.clientFor(target), context };
    this.emit('notice', { message: `escalated: the rest of this task goes to ${target.name} (model ${target.decl}, ${context.window}-token window)` });
    return `A stronger model (${target.name}) takes over this task from here. Check the earlier steps' results above before building on them.`;
  }

  private note(text: string): void {
    this.history.add({ message: { role: 'user', content: text }, turn: this.turn, kind: 'note' });
  }
}

/**
 * With the survival kit off (SMALLCODE_SURVIVAL_KIT=false, for measuring what the kit is worth):
 * only native tool calls with valid JSON arguments count; nothing is parsed from text or repaired.
 */
function strictNativeCalls(reply: CompletionResult): { calls: ParsedToolCall[]; errors: ToolCallError[]; content: string } {
  const calls: ParsedToolCall[] = [];
  const errors: ToolCallError[] = [];
  for (const raw of reply.toolCalls) {
    try {
      const args: unknown = JSON.parse(raw.arguments || '{}');
      if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new Error('arguments are not an object');
      calls.push({ name: raw.name, arguments: args as Record<string, unknown>, id: raw.id });
    } catch (err) {
      errors.push({ kind: 'malformed', tool: raw.name, message: `The arguments of your ${raw.name} call are not valid JSON (${(err as Error).message}).` });
    }
  }
  return { calls, errors, content: reply.content.trim() };
}

/** A guard's `stop` action ended the task. */
class GuardStop extends Error {}

/** One history entry as a line of the transcript the summarize_history prompt reads. */
function describeEntry(entry: HistoryEntry): string {
  const m = entry.message;
  if (m.role === 'assistant') {
    const calls = (m.tool_calls ?? []).map((c) => `${c.name}(${c.arguments.slice(0, 200)})`).join(', ');
    return `assistant: ${m.content.slice(0, 600)}${calls ? ` [called ${calls}]` : ''}`;
  }
  if (m.role === 'tool') return `result of ${m.name}: ${m.content.slice(0, 400)}`;
  return `${entry.kind === 'tool_result' ? 'tool results' : m.role}: ${m.content.slice(0, 400)}`;
}
