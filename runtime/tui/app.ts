/**
 * The interactive session: `smallcode` in a project. Assembles the pieces — prompt, activity
 * view, slash commands, approvals, session file, traces — around one engine session and runs the
 * prompt → task → prompt loop until the user leaves.
 */
import { resolve } from 'node:path';
import pc from 'picocolors';
import type { Session } from '../agent/session.js';
import type { AgentEventName, AgentEvents, EmitFn, RunResult } from '../agent/types.js';
import type { HistoryEntry } from '../agent/history.js';
import { keyArgument } from '../cli/output.js';
import { findSession, latestSession, listSessions, loadSession, newSessionId, SessionWriter, type LoadedSession } from '../store/sessions.js';
import { ActivityView } from './activity.js';
import { decideApproval, decideToolApproval, ProjectApprovals, type ApprovalChoice } from './approval.js';
import type { ApprovalRequest } from '../tools/index.js';
import { fmt } from './budget.js';
import { commandNames, findCommand, type CommandHost } from './commands.js';
import { pluginSlashCommand } from './extension-commands.js';
import { errorSummary, ErrorLog } from './errors.js';
import { LineInput, PromptInput, type InputResult } from './input.js';
import { renderMarkdown } from './markdown.js';
import { PlainOutput, Screen, type Output } from './screen.js';
import { SessionStats } from './stats.js';
import { createStyle, type Style } from './style.js';
import { debugLog, installTerminalGuard, restoreTerminal, TaskKeys } from './terminal.js';
import { TraceWriter } from './traces.js';

export interface InteractiveOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  overrides: Record<string, string>;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  version: string;
  /** Plain line-by-line mode (also chosen when stdin or stdout is not a terminal, or TERM=dumb). */
  classic?: boolean;
  /** Run every shell command without asking. */
  yes?: boolean;
  /** Resume the most recent session. */
  continue?: boolean;
  /** Resume a session: its id (or list number), or true to choose from a list. */
  resume?: string | true;
}

export async function runInteractive(o: InteractiveOptions): Promise<number> {
  const rich = !o.classic && Boolean(o.stdin.isTTY && o.stdout.isTTY) && o.env.TERM !== 'dumb';
  const style = createStyle(rich ? pc.isColorSupported && !o.env.NO_COLOR : false);
  const { c } = style;
  const out: Output = rich ? new Screen(o.stdout, style) : new PlainOutput(o.stdout);
  let session: Session | undefined;
  const root = resolve(o.cwd);
  /** The session being written (it changes with `/sessions <n>`), for the error log and the last words. */
  let activeSessionId = '';
  const errors = new ErrorLog(root, { version: o.version, session: () => activeSessionId || undefined });
  const savedTask = () => Boolean(session?.agent.history.entries.some((e) => e.kind === 'task'));
  const resumeHint = () => `smallcode --continue resumes it (id ${activeSessionId})`;
  /** One line for a crash that ends the program: what happened, where its stack went, how to go on. */
  const crashLine = (where: string, err: unknown): string => {
    const logged = errors.record(where, err);
    return `smallcode: internal error: ${errorSummary(err)}${logged ? ` · details in ${logged}` : ''}${savedTask() ? ` · session saved · ${resumeHint()}` : ''}`;
  };
  const removeGuard = installTerminalGuard(o.stdin, o.stdout, o.stderr, {
    cleanup: () => void session?.close(),
    describeCrash: (err, kind) => crashLine(kind, err),
    describeStop: (signal) => `smallcode: stopped (${signal})${savedTask() ? ` · session saved · ${resumeHint()}` : ''}`,
  });
  const keys = new TaskKeys(o.stdin, o.stdout);

  // Which conversation: a new one, the latest (--continue) or a chosen one (--resume).
  let resumed: LoadedSession | undefined;
  try {
    const target = await resumeTarget(o, root, rich);
    if (target === null) return 2;
    if (target) resumed = loadSession(root, target);
  } catch (err) {
    o.stderr.write(`smallcode: ${(err as Error).message}\n`);
    removeGuard();
    return 2;
  }

  const stats = new SessionStats();
  /** The task running, as the error log names it. */
  let taskText = '';
  const activity = new ActivityView(out, style, root, () => session?.model ?? 'the model', (message) => errors.record(`during the task ${quoted(taskText)}`, message));
  const sessionId = resumed?.id ?? newSessionId();
  activeSessionId = sessionId;
  let store = new SessionWriter(root, sessionId, { model: () => session?.model ?? '' });
  const trace = new TraceWriter(root, sessionId, () => session?.model ?? '');
  const approvals = new ProjectApprovals(root);
  const lineInput = rich ? undefined : new LineInput(o.stdin, o.stdout, '› ');
  let current: AbortController | undefined;
  let turn = 0;
  let toolArg = '';

  const emit: EmitFn = <K extends AgentEventName>(event: K, payload: AgentEvents[K]) => {
    activity.handle(event, payload);
    const at = new Date().toISOString();
    if (event === 'turn_start') turn = (payload as AgentEvents['turn_start']).turn;
    if (event === 'reply') trace.onReply(payload as AgentEvents['reply']);
    if (event === 'tool_start') {
      const e = payload as AgentEvents['tool_start'];
      trace.onToolStart(e);
      toolArg = keyArgument(e.args);
    }
    if (event === 'tool_end') {
      const e = payload as AgentEvents['tool_end'];
      stats.onToolEnd(e);
      trace.onToolEnd(e);
      store.append({ type: 'tool', at, turn, name: e.name, ok: e.ok, ms: e.ms, arg: toolArg });
    }
    if (event === 'turn_end') {
      const e = payload as AgentEvents['turn_end'];
      stats.onTurnEnd(e);
      trace.onTurnEnd(e);
      store.append({ type: 'turn', at, turn: e.turn, ms: e.ms, promptTokens: e.usage.promptTokens, completionTokens: e.usage.completionTokens, estimated: e.usage.estimated, toolCalls: e.toolCalls, ...(e.usage.cachedTokens !== undefined ? { cachedTokens: e.usage.cachedTokens } : {}) });
    }
  };

  /**
   * Asks about a shell command, a write to a file that configures the next session (`write`),
   * or a call of a tool that asks (`tool`, e.g. an MCP tool).
   */
  const askApproval = async (command: string, kind: { tool?: string; write?: boolean } = {}): Promise<ApprovalChoice> => {
    const { tool, write } = kind;
    out.status(undefined);
    const what = tool ? `call ${tool} ${command}` : write ? `write: ${command}` : `run: ${command}`;
    if (!rich) {
      out.print(`The model wants to ${what}`);
      const answer = await lineInput!.read(`Allow? [y] once, [a] always${tool ? ' for this tool' : ''} in this project, [n] deny: `);
      const text = answer.kind === 'line' ? answer.text.trim().toLowerCase() : 'n';
      return text === 'a' || text === 'always' ? 'always' : text === 'y' || text === 'yes' ? 'once' : 'deny';
    }
    keys.pause();
    try {
      const { select, isCancel } = await import('@clack/prompts');
      const choice = await select<ApprovalChoice>({
        message: tool ? `Call this tool?\n${c.bold(tool)} ${command}` : write ? `Allow this write?\n${c.bold(command)}` : `Run this command?\n${c.bold(command)}`,
        options: [
          { value: 'once', label: 'Allow once' },
          { value: 'always', label: tool ? 'Always allow this tool in this project' : 'Always allow this command in this project' },
          { value: 'deny', label: 'Deny (the model is told)' },
        ],
        input: o.stdin,
        output: o.stdout,
        signal: current?.signal,
      });
      if (isCancel(choice)) {
        current?.abort(new Error('cancelled'));
        return 'deny';
      }
      return choice;
    } finally {
      keys.resume();
    }
  };

  const approve = async (req: ApprovalRequest): Promise<boolean> => {
    if (req.write) {
      // A file that configures the next session: asked every time, never remembered.
      const allowed = (await askApproval(`${req.write.path} (it ${req.write.why})`, { write: true })) !== 'deny';
      if (!allowed) out.print(c.yellow(`✗ denied: write ${req.write.path}`));
      return allowed;
    }
    if (req.name !== 'bash') {
      const args = JSON.stringify(req.arguments);
      const shown = args.length > 200 ? `${args.slice(0, 199)}…` : args;
      const decision = await decideToolApproval(req.name, { yes: Boolean(o.yes), approvals, ask: (tool) => askApproval(shown, { tool }) });
      if (!decision.run) out.print(c.yellow(`✗ denied: ${req.name}`));
      return decision.run;
    }
    const command = String(req.arguments.command ?? req.arguments.cmd ?? '');
    const decision = await decideApproval(command, { yes: Boolean(o.yes), policy: session?.config.approval, sandboxed: session?.sandboxed, approvals, ask: askApproval });
    if (!decision.run) out.print(c.yellow(`✗ denied: ${command}`));
    else if (decision.why === 'always-allowed' && rich) out.print(c.dim(`· always allowed in this project: ${command}`));
    return decision.run;
  };

  const prompt = rich
    ? new PromptInput({ stdin: o.stdin, stdout: o.stdout, style, root, commands: commandNames, onExitHint: () => out.print(c.dim('(Ctrl+C again to exit, or Ctrl+D)')) })
    : undefined;
  if (out instanceof Screen) out.input = prompt;

  out.print(`${c.bold('SmallCode')} ${c.dim(o.version)} ${c.dim(`· ${o.yes ? 'shell commands run without asking (--yes) · ' : ''}/help for commands · Ctrl+C cancels · Ctrl+D exits`)}`);
  // The engine is loaded once the prompt is drawn (rich mode), so the prompt appears at once.
  const waitForPrompt = () => (rich ? new Promise<void>((r) => setImmediate(r)) : Promise.resolve());

  // The model picker may need the keyboard while the prompt is already up: the prompt steps aside.
  let interlude: Promise<void> | undefined;
  const pickModel = rich
    ? async (ids: string[]) => {
        let release!: () => void;
        interlude = new Promise((r) => (release = r));
        prompt!.suspend();
        try {
          const { select, isCancel } = await import('@clack/prompts');
          const choice = await select({ message: 'Which model?', options: ids.map((id) => ({ value: id, label: id })), input: o.stdin, output: o.stdout });
          return isCancel(choice) ? undefined : String(choice);
        } finally {
          release();
          interlude = undefined;
        }
      }
    : undefined;

  let closing = false;
  // The engine starts (server discovery, context detection, tokenizer) while the prompt is
  // already up: typing can begin at once, the first task waits for the engine if it must.
  const starting = waitForPrompt()
    .then(() => Promise.all([import('../agent/session.js'), import('../model/server.js')]))
    .then(([{ createSession }, { describeWindow }]) => createSession({ cwd: root, env: o.env, overrides: o.overrides, emit, pickModel, rememberModel: true, approve, sessionId, mcp: 'background', onEntry: (entry) => store.entry(entry) }).then((s) => ({ s, describeWindow })))
    .then(({ s, describeWindow }) => {
      debugLog(`engine ready${closing ? ' (after leaving)' : ''}`);
      if (closing) {
        void s.close(); // the user left before the engine was up
        return s;
      }
      session = s;
      if (resumed) {
        stats.loadEarlier(resumed.records);
        s.agent.restore(resumed.entries);
      }
      out.print(c.dim(`${s.model} · ${describeWindow(s.context)} · ${s.server.baseUrl}`));
      return s;
    });
  // A broken configuration or no server: said at once, not when the first task is sent.
  let startupError: Error | undefined;
  starting.catch((err: Error) => {
    startupError = err;
    prompt?.suspend();
    lineInput?.close();
  });
  const ready = async (): Promise<Session> => {
    if (session) return session;
    out.status('connecting to the model server');
    try {
      return await starting;
    } finally {
      out.status(undefined);
    }
  };

  let quitting = false;
  const hostFor = (s: Session): CommandHost => ({
    session: s,
    out,
    style,
    stats,
    activity,
    version: o.version,
    async choose(message, options) {
      if (!rich) return undefined;
      const { select, isCancel } = await import('@clack/prompts');
      const choice = await select({ message, options, input: o.stdin, output: o.stdout });
      return isCancel(choice) ? undefined : String(choice);
    },
    async resume(id) {
      const loaded = loadSession(root, id);
      s.agent.clear();
      s.agent.restore(loaded.entries);
      store.close();
      store = new SessionWriter(root, id, { model: () => s.model });
      activeSessionId = id;
      replay(loaded, out, style);
    },
    clear() {
      s.agent.clear();
      store.append({ type: 'clear', at: new Date().toISOString() });
    },
    quit() {
      quitting = true;
    },
  });

  let lastInterrupt = 0;
  const onSigint = () => {
    if (current) return current.abort(new Error('cancelled'));
    // At the prompt in classic mode (rich mode reads Ctrl+C as a key): twice to leave.
    if (!rich) o.stdout.write('\n'); // the terminal echoed ^C on the prompt line
    if (Date.now() - lastInterrupt < 2000) {
      quitting = true;
      lineInput?.close();
      return;
    }
    lastInterrupt = Date.now();
    out.print(c.dim('(Ctrl+C again to exit)'));
  };
  process.on('SIGINT', onSigint);

  /** One line for an unexpected error the session survives: what happened, and where its stack went. */
  const failureLine = (prefix: string, where: string, err: unknown): string => {
    const logged = errors.record(where, err);
    return c.red(`${prefix}${errorSummary(err)}`) + (logged ? c.dim(` · details in ${logged}`) : '');
  };

  /** Text for the next prompt: typed during a task, or kept while another prompt had the keyboard. */
  let partial = '';
  /** Lines entered with Enter while a task ran: they run next, in order, as if typed at the prompt. */
  const queued: string[] = [];
  const runTask = async (s: Session, text: string): Promise<RunResult> => {
    const controller = new AbortController();
    current = controller;
    taskText = text;
    activity.beginTask();
    if (rich) keys.start(() => controller.abort(new Error('cancelled')));
    try {
      trace.onTaskStart(text);
      const result = await s.agent.run(text, controller.signal);
      trace.onTaskEnd(result);
      stats.onTaskEnd(result);
      activity.endTask(result);
      return result;
    } finally {
      if (rich) {
        keys.stop();
        const entered = keys.takeQueued();
        partial = keys.takeTyped();
        // Lines entered during the task run next; after a cancel they wait at the prompt instead.
        if (controller.signal.aborted) partial = [...entered, partial].filter(Boolean).join(' ');
        else queued.push(...entered);
      }
      current = undefined;
    }
  };

  /** An error that escaped everything below: the session ends with one line and exit code 1. */
  let fatal: { error: unknown } | undefined;
  try {
    // (The engine starts only after the prompt is drawn, so the earlier conversation comes first.)
    if (resumed) replay(resumed, out, style);
    if (!rich) await starting.catch(() => undefined); // classic: a plain log, one thing after another
    while (!quitting && !startupError) {
      const initial = partial;
      partial = '';
      const next = queued.shift();
      const input: InputResult = next !== undefined ? prompt!.enter(next) : rich ? await prompt!.read(initial) : await lineInput!.read();
      if (next !== undefined) {
        out.print(`${c.bold(c.cyan('› '))}${next}`); // the screen shows it as if typed at the prompt
        partial = initial; // typed after the queued line: still waiting
      }
      if (input.kind === 'suspended') {
        if (startupError) break;
        await interlude;
        partial = input.partial;
        continue;
      }
      if (input.kind !== 'line') break;
      const text = input.text.trim();
      if (!rich && !o.stdin.isTTY) o.stdout.write(`${text}\n`); // piped input: the log shows what was asked
      if (!text) continue;
      const [name = '', ...args] = text.startsWith('/') ? text.slice(1).split(/\s+/) : [];
      let command = text.startsWith('/') ? findCommand(name) : undefined;
      // A plugin's command is known once the session has loaded its plugins.
      if (text.startsWith('/') && !command && name) {
        const loaded = await ready().catch(() => undefined);
        if (loaded) command = pluginSlashCommand({ session: loaded }, name);
      }
      if (text.startsWith('/') && !command) {
        out.print(c.red(`Unknown command /${name}. /help lists the commands.`));
        continue;
      }
      if (command?.name === 'quit') break;
      const s = await ready().catch(() => undefined);
      if (!s) break;
      if (command) {
        try {
          await command.run(hostFor(s), args);
        } catch (err) {
          // A command's bug is not the session's end: one line, the stack in the log, the prompt again.
          out.status(undefined);
          out.print(failureLine(`/${name} failed: `, `in ${quoted(text)}`, err));
        }
        continue;
      }
      try {
        await runTask(s, text);
      } catch (err) {
        // The engine reports its own errors in the result; this is the terminal's code around it.
        out.status(undefined);
        out.print(failureLine('✗ task failed: internal error: ', `around the task ${quoted(text)}`, err));
      }
    }
  } catch (err) {
    fatal = { error: err };
  } finally {
    debugLog('leaving');
    process.off('SIGINT', onSigint);
    out.status(undefined);
    lineInput?.close();
    store.close();
    closing = true;
    const s = session;
    // Whatever happens while closing, the terminal is restored below.
    await s?.close().catch((err: unknown) => void errors.record('closing the session', err));
    restoreTerminal(o.stdin, o.stdout, Boolean(fatal)); // a crash may leave the prompt line drawn
    removeGuard();
    debugLog('left');
    if (!fatal && savedTask()) out.print(c.dim(`Session saved · ${resumeHint()}`));
  }
  if (fatal) {
    o.stderr.write(`${crashLine('in the terminal', fatal.error)}\n`);
    return 1;
  }
  if (startupError) {
    if (startupError.name !== 'ConfigError') {
      o.stderr.write(`${crashLine('while starting', startupError)}\n`);
      return 1;
    }
    o.stderr.write(`smallcode: ${startupError.message}\n`);
    return 2;
  }
  return 0;
}

/** What was typed, as one short line for the error log's header. */
function quoted(text: string): string {
  const line = text.split('\n')[0]!;
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 79)}…` : line);
}

/** undefined: a new session; null: give up (message printed); else the id to resume. */
async function resumeTarget(o: InteractiveOptions, root: string, rich: boolean): Promise<string | undefined | null> {
  if (o.resume === true) {
    const all = listSessions(root).filter((x) => x.tasks > 0);
    if (all.length === 0) {
      o.stderr.write('smallcode: no saved session in this project yet; starting a new one\n');
      return undefined;
    }
    if (!rich) {
      o.stderr.write(`smallcode: --resume needs an id here; saved sessions:\n${all.slice(0, 20).map((x, i) => `  ${i + 1}. ${x.id}  ${x.firstMessage.slice(0, 60)}`).join('\n')}\n`);
      return null;
    }
    const { select, isCancel } = await import('@clack/prompts');
    const choice = await select({
      message: 'Resume which session?',
      options: all.slice(0, 20).map((x) => ({ value: x.id, label: x.firstMessage.slice(0, 60) || x.id, hint: `${x.updatedAt.replace('T', ' ').slice(0, 16)} · ${x.tasks} task${x.tasks === 1 ? '' : 's'}` })),
      input: o.stdin,
      output: o.stdout,
    });
    if (isCancel(choice)) return null;
    return String(choice);
  }
  if (typeof o.resume === 'string') {
    const hit = findSession(root, o.resume);
    if (!hit) throw new Error(`no saved session '${o.resume}' in this project (see /sessions, or .smallcode/sessions/)`);
    return hit.id;
  }
  if (o.continue) {
    const last = latestSession(root);
    if (!last) o.stderr.write('smallcode: no earlier session in this project; starting a new one\n');
    return last?.id;
  }
  return undefined;
}

/** Shows a resumed conversation: each task, the tools it used, and the answers. */
export function replay(loaded: LoadedSession, out: Output, style: Style): void {
  const { c } = style;
  const tasks = loaded.entries.filter((e) => e.kind === 'task').length;
  out.print(c.dim(`── resumed session ${loaded.id} · ${tasks} earlier task${tasks === 1 ? '' : 's'} ──`));
  const entries = loaded.entries;
  entries.forEach((entry: HistoryEntry, i) => {
    const m = entry.message;
    if (entry.kind === 'task') out.print(`${c.bold(c.cyan('›'))} ${c.bold(String(m.content))}`);
    else if (entry.kind === 'assistant' && m.role === 'assistant') {
      for (const call of m.tool_calls ?? []) {
        let args: Record<string, unknown> = {};
        try {
          args = JSON.parse(call.arguments) as Record<string, unknown>;
        } catch {
          // shown without its argument
        }
        out.print(c.dim(`● ${call.name} ${keyArgument(args)}`));
      }
      const next = entries[i + 1];
      const final = !m.tool_calls?.length && next?.kind !== 'tool_result';
      if (final && m.content.trim()) out.print(out.rich ? renderMarkdown(m.content.trim(), style) : m.content.trim());
    } else if (entry.kind === 'tool_result' && m.role === 'user') {
      out.print(c.dim(`● ${entry.tool ?? 'tool'}`));
    }
  });
  out.print(c.dim('── end of the earlier conversation ──'));
}
