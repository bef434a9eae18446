/**
 * The simulated small model: it knows the reference solution of one benchmark task and plays it
 * back step by step, reacting to what the harness answers, while injecting the failure modes of
 * real small models at a configurable rate. It measures the HARNESS (how well the engine
 * survives those failures), not any language model.
 *
 * How it reacts, like a decent 7B–14B model that got feedback:
 *  - a step's result shows success (file written, patch applied, exit code 0 …) → next step;
 *  - an error comes back (unknown tool, invalid arguments, no match, JSON error …) → the same
 *    step again, this time written correctly (no fault);
 *  - its reply was thrown away (the request repeats with the same history, e.g. after the
 *    thinking cap) → the same step again, correctly;
 *  - a verification command fails after edits went through → it rewrites the files it changed
 *    with their intended content, then verifies again (at most `maxRedos` times);
 *  - after the last step → a short final answer with no tool call.
 */
import { countTokens } from '../../runtime/model/tokens.js';
import type { ScriptedTurn } from '../../test/support/scripted-server.js';
import type { BenchTask, SolutionStep } from '../suites/types.js';
import { DIALECTS, DIALECT_NAMES, type CallToRender, type CorpusDialect, type DialectName } from './dialects.js';
import {
  FAULT_KINDS,
  FORGOTTEN,
  GREETING,
  breakJson,
  canReindent,
  canRenameArgs,
  longThinking,
  reindentSearch,
  renameArgs,
  type FaultKind,
} from './faults.js';
import { Random } from './random.js';

export interface SimOptions {
  /** Probability (0–1) that a reply carries a fault. */
  faultRate: number;
  /**
   * Probability that a retry after an error carries a fault again (default 0: a decent model
   * gets it right once told). Raise it to model a stubborn one.
   */
  retryFaultRate?: number;
  seed: number;
  /** Fault kinds that may be drawn (default: all of FAULT_KINDS). */
  faults?: readonly FaultKind[];
  /** Text dialects for `text_dialect` (default: all built-in ones). */
  dialects?: ReadonlyArray<DialectName | CorpusDialect>;
  /** Length of a thinking flood, in tokens (default 3000: past the engine's default 2000 budget). */
  thinkingTokens?: number;
  /** A tool result at least this long may make the model forget its task (default 1500 chars). */
  longResultChars?: number;
  /** Rewrites after a failed verification (default 2). */
  maxRedos?: number;
  /** The loaded context window; a longer prompt is refused with HTTP 400 like vLLM or llama.cpp. */
  contextWindow?: number;
}

/** What the simulated model did on one request (for the results file and for tests). */
export interface SimEvent {
  request: number;
  /** 'call' | 'answer' | 'greeting' | 'forget' | 'overflow' | 'side' (a behaviour-layer prompt) */
  action: string;
  step?: number;
  tool?: string;
  fault?: FaultKind;
  /** Dialect, JSON breakage … */
  detail?: string;
  retry?: boolean;
}

interface OpenAiMessage {
  role: string;
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: Array<{ function: { name: string; arguments: string } }>;
}

type Pending =
  | { kind: 'call'; step: number; purpose: 'step' | 'repeat' }
  | { kind: 'nocall' }
  | { kind: 'answer' };

const MAX_ATTEMPTS_PER_STEP = 4;

export class SimulatedModel {
  readonly events: SimEvent[] = [];
  private readonly rng: Random;
  private readonly plan: SolutionStep[];
  private readonly finalFiles: Map<string, string>;
  private step = 0;
  private attempts = 0;
  private redos = 0;
  private pending: Pending | undefined;
  /** The previous request's history, to tell a repeated request from a new one. */
  private lastHistory = '';
  private cleanNext = false;
  private lastCall: CallToRender | undefined;
  private requests = 0;

  constructor(
    private readonly task: BenchTask,
    private readonly opts: SimOptions,
  ) {
    this.rng = new Random(opts.seed);
    this.plan = [...task.solution];
    this.finalFiles = intendedFiles(task);
  }

  /** Faults drawn so far, by kind. */
  faultCounts(): Partial<Record<FaultKind, number>> {
    const counts: Partial<Record<FaultKind, number>> = {};
    for (const e of this.events) if (e.fault) counts[e.fault] = (counts[e.fault] ?? 0) + 1;
    return counts;
  }

  /** The reply to one chat request (its parsed JSON body). */
  reply(body: { messages?: OpenAiMessage[]; tools?: unknown[]; chat_template_kwargs?: { enable_thinking?: boolean }; think?: boolean }): ScriptedTurn {
    const request = ++this.requests;
    const messages = body.messages ?? [];
    // The agent always offers its tools; a request without them is the behaviour layer asking
    // on the side (classify the task, diagnose an error, summarise history). It is answered
    // without touching the task's progress.
    if (!body.tools?.length) {
      this.events.push({ request, action: 'side' });
      return { content: sideAnswer(messages.map(contentOf).join('\n'), this.task), chunkSize: 64 };
    }
    const window = this.opts.contextWindow;
    if (window) {
      const prompt = messages.reduce((n, m) => n + 4 + countTokens(contentOf(m)) + (m.tool_calls ?? []).reduce((k, c) => k + countTokens(c.function.arguments), 0), 0);
      if (prompt > window) {
        this.events.push({ request, action: 'overflow', detail: `${prompt} tokens` });
        const message = `This model's maximum context length is ${window} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`;
        return { fault: { kind: 'http_error', status: 400, body: JSON.stringify({ error: { message, type: 'BadRequestError', param: null, code: 400 } }) } };
      }
    }

    // The same history again means the engine dropped the reply (thinking cap, empty reply …);
    // eviction can shorten a history that did move on, so lengths alone would mislead.
    const history = historyFingerprint(messages);
    const discarded = this.pending !== undefined && history === this.lastHistory;
    const feedback = feedbackAfterLastReply(messages);
    if (discarded) {
      this.cleanNext = true; // the reply never reached the history: say it again, properly
    } else if (this.pending) {
      this.digest(this.pending, feedback.text);
    }
    this.lastHistory = history;

    if (this.step >= this.plan.length) {
      this.pending = { kind: 'answer' };
      this.events.push({ request, action: 'answer' });
      return { content: this.task.answer, chunkSize: 64 };
    }

    const thinkingOff = body.chat_template_kwargs?.enable_thinking === false || body.think === false || /\/no_think\s*$/.test(lastUserText(messages));
    const fault = this.cleanNext ? this.drawFault(feedback, thinkingOff, this.opts.retryFaultRate ?? 0) : this.drawFault(feedback, thinkingOff, this.opts.faultRate);
    const retry = this.cleanNext;
    this.cleanNext = false;
    const step = this.plan[this.step]!;
    const call: CallToRender = { name: step.tool, args: step.args };
    const event: SimEvent = { request, action: 'call', step: this.step, tool: step.tool, ...(retry ? { retry } : {}) };
    this.events.push(event);
    if (fault) event.fault = fault;
    this.pending = { kind: 'call', step: this.step, purpose: 'step' };

    switch (fault) {
      case undefined:
        this.lastCall = call;
        return native(call);
      case 'text_dialect': {
        const dialect = this.rng.pick(this.opts.dialects ?? DIALECT_NAMES);
        event.detail = typeof dialect === 'string' ? dialect : dialect.name;
        this.lastCall = call;
        return { content: typeof dialect === 'string' ? DIALECTS[dialect](call) : dialect.render(call), chunkSize: 64 };
      }
      case 'broken_json': {
        const broken = breakJson(call.args, this.rng);
        event.detail = broken.length > 80 ? `${broken.slice(0, 77)}...` : broken;
        this.lastCall = call;
        return { toolCalls: [{ name: call.name, arguments: broken }], chunkSize: 64 };
      }
      case 'wrong_arg_names': {
        const args = renameArgs(call.args, this.rng);
        event.detail = Object.keys(args).join(',');
        this.lastCall = call;
        return native({ name: call.name, args });
      }
      case 'wrong_indentation': {
        this.lastCall = call;
        return native({ name: call.name, args: { ...call.args, search: reindentSearch(String(call.args.search), this.rng) } });
      }
      case 'repeat_call': {
        const previous = this.lastCall!;
        event.tool = previous.name;
        this.pending = { kind: 'call', step: this.step, purpose: 'repeat' };
        return native(previous);
      }
      case 'greeting':
        this.pending = { kind: 'nocall' };
        event.action = 'greeting';
        return { content: GREETING, chunkSize: 64 };
      case 'forget_task':
        this.pending = { kind: 'nocall' };
        event.action = 'forget';
        return { content: FORGOTTEN, chunkSize: 64 };
      case 'cut_off': {
        this.lastCall = call;
        const whole = JSON.stringify(call.args);
        if (this.rng.chance(0.5)) {
          event.detail = 'native';
          return { toolCalls: [{ name: call.name, arguments: whole.slice(0, cutPoint(whole.length, this.rng)) }], finishReason: 'length', chunkSize: 64 };
        }
        const written = DIALECTS.hermes(call);
        event.detail = 'text';
        return { content: written.slice(0, cutPoint(written.length, this.rng)), finishReason: 'length', chunkSize: 64 };
      }
      case 'thinking_flood':
        this.lastCall = call;
        return { ...native(call), reasoning: longThinking(this.opts.thinkingTokens ?? 3000, this.rng), chunkSize: 256 };
    }
  }

  /** Moves the plan on (or not) from what the harness answered to the pending reply. */
  private digest(pending: Pending, feedback: string): void {
    if (pending.kind === 'answer') return;
    if (pending.kind === 'nocall') {
      this.cleanNext = true; // the harness steered it back after a greeting or a lapse
      return;
    }
    if (pending.purpose === 'repeat') return; // the step itself is still to do
    const step = this.plan[pending.step]!;
    if (stepSucceeded(step, feedback)) {
      this.step = pending.step + 1;
      this.attempts = 0;
      return;
    }
    this.cleanNext = true;
    this.attempts++;
    const checkFailed = step.tool === 'bash' && step.expect !== 'any' && /\[exit code [1-9]\d*/.test(feedback);
    if (checkFailed && this.redos < (this.opts.maxRedos ?? 2)) {
      const rewrites = this.rewritesBefore(pending.step);
      if (rewrites.length) {
        this.redos++;
        this.plan.splice(pending.step, 0, ...rewrites);
        this.attempts = 0;
        return;
      }
    }
    // A model that keeps failing one step gives up on it and moves on.
    if (this.attempts >= MAX_ATTEMPTS_PER_STEP) {
      this.step = pending.step + 1;
      this.attempts = 0;
    }
  }

  /** write_file steps that restore the intended content of every file changed before `index`. */
  private rewritesBefore(index: number): SolutionStep[] {
    const paths = new Set<string>();
    for (const s of this.plan.slice(0, index)) if (s.tool === 'write_file' || s.tool === 'patch') paths.add(String(s.args.path));
    return [...paths].filter((p) => this.finalFiles.has(p)).map((p) => ({ tool: 'write_file', args: { path: p, content: this.finalFiles.get(p)! } }));
  }

  private drawFault(feedback: { text: string; restatesTask: boolean }, thinkingOff: boolean, rate: number): FaultKind | undefined {
    // No draw at rate 0, so that adding the retry knob leaves earlier seeds' runs unchanged.
    if (rate <= 0 || !this.rng.chance(rate)) return undefined;
    const step = this.plan[this.step]!;
    const allowed = this.opts.faults ?? FAULT_KINDS;
    const applicable = allowed.filter((kind) => {
      switch (kind) {
        case 'wrong_arg_names':
          return canRenameArgs(step.args);
        case 'wrong_indentation':
          return step.tool === 'patch' && canReindent(step.args);
        case 'repeat_call':
        case 'greeting':
          // Mid-task: after at least one step went through (a greeting as the very first reply
          // is a different failure — the model not taking the task at all).
          return this.step > 0 && this.lastCall !== undefined;
        case 'thinking_flood':
          return !thinkingOff;
        case 'forget_task':
          return feedback.text.length >= (this.opts.longResultChars ?? 1500) && !feedback.restatesTask;
        default:
          return true;
      }
    });
    return applicable.length ? this.rng.pick(applicable) : undefined;
  }

  /** The task text, to tell whether the harness restated it after a long result. */
  get taskPrompt(): string {
    return this.task.prompt;
  }
}

/** Answers to the behaviour layer's own prompts (templates/prompts/cognition/). */
function sideAnswer(prompt: string, task: BenchTask): string {
  if (/Classify the user's message/i.test(prompt)) return task.language === 'markdown' || task.language === 'json' ? 'editing' : 'coding';
  if (/A command failed\. Diagnose it/i.test(prompt)) {
    return JSON.stringify({ category: 'test_failure', cause: 'the code does not do what the check expects yet', fix: 'change the code, then run the check again', confidence: 0.5 });
  }
  if (/Summari[sz]e the conversation/i.test(prompt)) return `Working on: ${task.prompt} Files involved: ${Object.keys(task.files).join(', ') || 'none yet'}.`;
  return 'OK.';
}

function native(call: CallToRender): ScriptedTurn {
  return { toolCalls: [{ name: call.name, arguments: call.args }], chunkSize: 64 };
}

function cutPoint(length: number, rng: Random): number {
  return Math.max(1, Math.floor(length * (0.4 + rng.next() * 0.4)));
}

function contentOf(message: OpenAiMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.map((p) => p.text ?? '').join('');
  return '';
}

function historyFingerprint(messages: OpenAiMessage[]): string {
  // Qwen's /no_think switch is appended when the engine re-asks with thinking off: not a new turn.
  return JSON.stringify(messages.map((m) => [m.role, contentOf(m).replace(/\s*\/no_think\s*$/, ''), m.tool_calls ?? null]));
}

function lastUserText(messages: OpenAiMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return contentOf(messages[i]!);
  return '';
}

/** Everything the harness said after the model's last reply (tool results, notes, steering). */
function feedbackAfterLastReply(messages: OpenAiMessage[]): { text: string; restatesTask: boolean } {
  let start = messages.length;
  while (start > 0 && messages[start - 1]!.role !== 'assistant') start--;
  const after = messages.slice(start);
  const text = after.map(contentOf).join('\n');
  const task = messages.find((m) => m.role === 'user');
  const probe = task ? contentOf(task).slice(0, 40) : '';
  return { text, restatesTask: probe.length > 0 && start > 0 && text.includes(probe) };
}

/** Positive evidence that the step did what it should; anything else counts as an error. */
export function stepSucceeded(step: SolutionStep, feedback: string): boolean {
  switch (step.tool) {
    case 'read_file':
      return /\(\d+ lines?\)|\(lines \d+-\d+ of \d+\)| is empty\.| is a directory/.test(feedback);
    case 'write_file':
      return /\b(Created|Wrote) \S+ \(\d+ lines?\)/.test(feedback);
    case 'patch':
      return /\bPatched \S+ \(|\bCreated \S+\./.test(feedback);
    case 'bash':
      return step.expect === 'any' ? /\[(exit code \d+|timed out|the shell exited)/.test(feedback) : /\[exit code 0\b/.test(feedback);
    case 'search':
      return feedback.trim() !== '' && !/^(Unknown tool|Invalid arguments|Path not found)|not valid JSON|could not/i.test(feedback.trim()) && /:\d+:|No matches/.test(feedback);
    case 'find_files':
      return feedback.trim() !== '' && !/^(Unknown tool|Invalid arguments|Path not found)|not valid JSON/i.test(feedback.trim());
  }
}

/** The content every file should have after the reference solution (for rewrites after a failed check). */
function intendedFiles(task: BenchTask): Map<string, string> {
  const files = new Map(Object.entries(task.files));
  for (const step of task.solution) {
    const path = String(step.args.path ?? '');
    if (step.tool === 'write_file') files.set(path, String(step.args.content));
    if (step.tool === 'patch') {
      const before = files.get(path) ?? '';
      files.set(path, before.replace(String(step.args.search), () => String(step.args.replace)));
    }
  }
  return files;
}
