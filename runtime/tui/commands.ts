/**
 * Slash commands. Each is a name, its aliases, one line of help and a function; `/help` lists
 * exactly this table, so it only ever shows what works.
 */
import { readFile } from 'node:fs/promises';
import { replyReserve } from '../agent/policy.js';
import type { Session } from '../agent/session.js';
import { listSessions } from '../store/sessions.js';
import { fmt, measureBudget, renderBudget } from './budget.js';
import type { ActivityView } from './activity.js';
import type { Output } from './screen.js';
import { renderStats, renderTokens, type SessionStats } from './stats.js';
import type { Style } from './style.js';
import { exportTrace, findTrace, listTraces, renderTrace, renderTraceList } from './traces.js';
import { mcpCommand, pluginCommand, skillCommand } from './extension-commands.js';
import { memoryCommand } from './memory-command.js';
import { compactCommand, configCommand, initCommand } from './setup-commands.js';

export interface CommandHost {
  session: Session;
  out: Output;
  style: Style;
  stats: SessionStats;
  activity: ActivityView;
  version: string;
  /** Lets the user choose (clack select in a terminal); undefined when no choice was made. */
  choose(message: string, options: Array<{ value: string; label: string; hint?: string }>): Promise<string | undefined>;
  /** Switches the conversation to a saved session. */
  resume(id: string): Promise<void>;
  /** Starts a fresh conversation. */
  clear(): void;
  quit(): void;
}

export interface SlashCommand {
  name: string;
  aliases?: string[];
  args?: string;
  help: string;
  run(host: CommandHost, args: string[]): Promise<void> | void;
}

export const COMMANDS: SlashCommand[] = [
  { name: 'help', help: 'this list', run: (h) => h.out.print(helpText(h.style, h.out.columns)) },
  { name: 'quit', aliases: ['q', 'exit'], help: 'leave (also Ctrl+D, or Ctrl+C twice)', run: (h) => h.quit() },
  {
    name: 'clear',
    help: 'forget the conversation and start a new one',
    run: (h) => {
      h.clear();
      h.out.print(h.style.c.dim('Conversation cleared.'));
    },
  },
  { name: 'stats', help: 'turns, tool calls by tool, failures, files changed, time, routing tier and cloud use', run: async (h) => {
    const { describeRouting } = await import('../agent/model-routing.js');
    h.out.print([renderStats(h.stats, h.style), ...describeRouting(h.session.agent.routingState())].join('\n'));
  } },
  { name: 'tokens', help: 'prompt and completion tokens per turn and in total', run: (h) => h.out.print(renderTokens(h.stats, h.style)) },
  {
    name: 'budget',
    help: 'how the context window is used: system, conversation, tool results, free',
    run: (h) => {
      const { agent, context, policy } = h.session;
      const b = measureBudget(agent.history.entries, agent.textToolCalls ? undefined : agent.offeredTools(), context.window, replyReserve(policy.context, context.window));
      h.out.print(renderBudget(b, h.out.columns, h.style));
    },
  },
  { name: 'model', args: '[id]', help: 'show the model, or switch to another the server lists', run: modelCommand },
  { name: 'profile', help: 'the detected model profile: window and its source, tool-call mode, transport', run: profileCommand },
  { name: 'cognition', help: 'the compiled MarrowScript layers, their settings and live counters', run: cognitionCommand },
  { name: 'trace', args: '[list | show [n] | export [n] [file] | test [n]]', help: 'turn traces and cognition spans under .smallcode/traces/; test: a task trace becomes a replay suite', run: traceCommand },
  { name: 'eval', args: '[suite]', help: 'run an evaluation suite (evals/*.yaml): pass@1, pass@k; without one, list the suites', run: evalCommand },
  { name: 'sessions', args: '[n | id]', help: 'saved sessions (time, first message, size); with an argument, resume one', run: sessionsCommand },
  { name: 'plan', args: '[on | off | auto]', help: 'the plan of the current or last task (.smallcode/TODO.md); with an argument, when to plan tasks', run: planCommand },
  { name: 'mcp', args: '[restart <name>]', help: 'MCP servers: state, tools and last error of each; restart one', run: mcpCommand },
  { name: 'memory', args: '[search <words> | forget <id> | clear]', help: 'what SmallCode remembers here: working memory, recent evidence, counts, size', run: memoryCommand },
  { name: 'init', help: 'write an AGENTS.md from the project summary (shows it and asks first)', run: initCommand },
  { name: 'compact', help: 'compress the older turns of the conversation into a summary now', run: compactCommand },
  { name: 'config', args: '[all]', help: 'the effective settings and where each came from (flag, environment, .env, smallcode.toml)', run: configCommand },
  { name: 'skill', args: '[list | show <name> | use <name> | off]', help: 'skills: list them, print one, give one to the model, or stop it', run: skillCommand },
  { name: 'plugin', args: '[list | install <npm name | folder> | enable <name> | disable <name> | remove <name>]', help: 'plugins: what is installed and what each contributes; install, switch or remove one', run: pluginCommand },
  { name: 'undo', help: "revert the files the last task changed (from its snapshots)", run: undoCommand },
  {
    name: 'expand',
    help: 'show the last folded tool output in full',
    run: (h) => {
      const f = h.activity.foldedOutput;
      if (!f) h.out.print(h.style.c.dim('Nothing folded yet.'));
      else h.out.print(`${h.style.c.bold(f.title)}\n${f.text}`);
    },
  },
  {
    name: 'thinking',
    help: "show the model's last thinking",
    run: (h) => h.out.print(h.activity.thinkingText ? h.style.c.dim(h.activity.thinkingText.trim()) : h.style.c.dim('No thinking in this session yet.')),
  },
  { name: 'version', help: 'SmallCode and Node versions', run: (h) => h.out.print(`SmallCode ${h.version} · Node ${process.versions.node}`) },
];

export function findCommand(name: string): SlashCommand | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
}

export function commandNames(): string[] {
  return COMMANDS.flatMap((c) => [`/${c.name}`, ...(c.aliases ?? []).map((a) => `/${a}`)]);
}

/**
 * `items` joined by ' · ' in lines of at most `width` columns: a line breaks between items,
 * never inside one (an item wider than the line gets a line of its own).
 */
export function packLine(items: string[], width: number, indent: string): string[] {
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const w of items) {
    const next = line ? `${line} · ${w}` : w;
    if (line && next.length > room) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l);
}

export function helpText(style: Style, columns = 80): string {
  const { c } = style;
  const rows = COMMANDS.map((cmd) => {
    const name = `/${cmd.name}${cmd.aliases?.length ? ` ${cmd.aliases.map((a) => `/${a}`).join(' ')}` : ''}`;
    const args = cmd.args ? ` ${cmd.args}` : '';
    return `  ${c.cyan(name)}${c.dim(args)}\n      ${cmd.help}`;
  });
  const keys = [
    'Enter sends', 'a line ending in \\ continues on the next line', 'pasted lines stay together',
    'Tab completes /commands and @paths', '↑/↓ history', 'Ctrl+C cancels the task (twice at an empty prompt: exit)', 'Ctrl+D exits',
  ];
  // One column short of the width: a line exactly as wide as the terminal wraps on some.
  return `${c.bold('Commands')}\n${rows.join('\n')}\n${c.bold('Keys')}\n${packLine(keys, columns - 1, '  ').join('\n')}`;
}

async function modelCommand(h: CommandHost, args: string[]): Promise<void> {
  const { detectContext, discoverServer } = await import('../model/server.js');
  const { ModelClient } = await import('../model/client.js');
  const { c } = h.style;
  const s = h.session;
  h.out.status('asking the server for its models');
  const server = await discoverServer(s.config)
    .catch(() => s.server)
    .finally(() => h.out.status(undefined));
  const ids = server.models.map((m) => m.id);
  let wanted: string | undefined = args[0];
  if (!wanted) {
    h.out.print(`Model: ${c.bold(s.model)} at ${s.server.baseUrl} (${fmt(s.context.window)}-token window)`);
    if (ids.length > 1) {
      wanted = await h.choose('Switch to', ids.map((id) => ({ value: id, label: id, ...(id === s.model ? { hint: 'current' } : {}) })));
      if (!wanted) {
        h.out.print(c.dim(`Served: ${ids.join(', ')}`));
        return;
      }
    } else {
      h.out.print(c.dim(ids.length ? `The server lists only ${ids[0]}.` : 'The server lists no models.'));
      return;
    }
  }
  if (wanted === s.model) {
    h.out.print(c.dim(`Already using ${wanted}.`));
    return;
  }
  if (ids.length && !ids.includes(wanted)) {
    h.out.print(c.red(`${server.name} does not list '${wanted}'. Served: ${ids.join(', ')}`));
    return;
  }
  const context = await detectContext(server, wanted, s.config, s.policy.context.defaultContextWindow);
  const client = new ModelClient({
    baseUrl: server.baseUrl,
    apiKey: s.config.apiKey,
    model: wanted,
    transport: context.transport,
    numCtx: context.numCtx,
    policy: s.policy.model,
    thinkingDisable: s.config.thinkingDisable,
    log: (line) => h.out.print(c.dim(`· ${line}`)),
  });
  s.agent.setClient(client, context);
  s.client = client;
  s.model = wanted;
  s.context = context;
  const { writeProjectState } = await import('../store/project-state.js');
  writeProjectState(s.root, { model: wanted }); // the next start in this project uses it too
  h.out.print(`Switched to ${c.bold(wanted)} (${fmt(context.window)}-token window, ${context.source}).`);
}

async function planCommand(h: CommandHost, args: string[]): Promise<void> {
  const { c } = h.style;
  const planner = h.session.planner;
  const modes: Record<string, 'true' | 'false' | 'auto'> = { on: 'true', true: 'true', off: 'false', false: 'false', auto: 'auto' };
  const describe = (mode: string) =>
    mode === 'true' ? 'every task is planned first' : mode === 'false' ? 'tasks are never planned' : 'bigger coding tasks are planned first (the layer\'s plan { when } rule)';
  if (args[0]) {
    const mode = modes[args[0].toLowerCase()];
    if (!mode) return h.out.print(c.red(`/plan ${args[0]}: use /plan on, /plan off or /plan auto`));
    planner.mode = mode;
    return h.out.print(`Planning: ${describe(mode)}.`);
  }
  const { parseTodo } = await import('../agent/plan.js');
  const plan = (await planner.current()) ?? parseTodo(await readFile(planner.file, 'utf8').catch(() => ''));
  if (!plan) return h.out.print(c.dim(`No plan yet. Planning: ${describe(planner.mode)}. /plan on plans every task.`));
  const next = plan.steps.findIndex((s) => !s.done);
  const rows = plan.steps.map((s, i) => {
    const line = `${s.done ? '[x]' : '[ ]'} ${i + 1}. ${s.text} ${c.dim(`(check: ${s.check})`)}`;
    return s.done ? c.green(line) : i === next && planner.planning ? c.bold(`${line} ← now`) : line;
  });
  const state = planner.planning ? 'in progress' : 'of the last planned task';
  h.out.print(`${c.bold(`Plan ${state}`)} ${c.dim(`(.smallcode/TODO.md)`)}: ${plan.task.split('\n')[0]}\n${rows.join('\n')}\n${c.dim(`Planning: ${describe(planner.mode)}.`)}`);
}

async function profileCommand(h: CommandHost): Promise<void> {
  // Lazy: tool-routing pulls in the tool registry (zod …), which the prompt must not wait for.
  const { ROUTE_TOOL } = await import('../agent/tool-routing.js');
  const { modelProfile } = await import('../model/profiles.js');
  const { c } = h.style;
  const s = h.session;
  const family = modelProfile(s.model);
  const rows: Array<[string, string]> = [
    ['model', s.model],
    // A configured server is named by its URL: say it once.
    ['server', s.server.name === s.server.baseUrl ? `${s.context.flavor} at ${s.server.baseUrl}` : `${s.server.name} (${s.context.flavor}) at ${s.server.baseUrl}`],
    ['context window', `${fmt(s.context.window)} tokens, from ${s.context.source}`],
  ];
  if (s.context.modelMax) rows.push(['model maximum', `${fmt(s.context.modelMax)} tokens`]);
  if (s.context.numCtx) rows.push(['num_ctx sent', fmt(s.context.numCtx)]);
  rows.push(
    ['tool calls', s.agent.textToolCalls ? 'text (parsed from the reply; the server refused native tools)' : 'native (tool_calls), with text parsing as fallback'],
    ['tool schemas', s.agent.compactMode ? `compact: one category at a time through ${ROUTE_TOOL} (SMALLCODE_COMPACT=${s.config.compact}, compact_at ${fmt(s.policy.context.compactMaxWindow)} tokens)` : 'all tools on every request'],
    ['transport', s.context.transport === 'ollama-native' ? 'Ollama native /api/chat' : 'OpenAI-compatible /chat/completions'],
    ['family profile', family ? `${family.family} (usual window ${fmt(family.contextWindow)})` : 'none matched'],
    ['thinking budget', s.config.thinkingDisable ? 'thinking disabled' : `${fmt(s.policy.model.thinkingBudgetTokens)} tokens`],
    ['reply reserve', `${fmt(replyReserve(s.policy.context, s.context.window))} tokens`],
  );
  if (s.context.warning) rows.push(['warning', c.yellow(s.context.warning)]);
  const { describeRouting } = await import('../agent/model-routing.js');
  h.out.print([...rows.map(([k, v]) => `${c.bold(k.padEnd(16))}${v}`), ...describeRouting(s.agent.routingState())].join('\n'));
}

async function cognitionCommand(h: CommandHost): Promise<void> {
  const { describeLayers } = await import('../cognition/index.js');
  // The layers this session runs on, with the live counters of its cognition runtime.
  h.out.print(describeLayers(h.session.layers, h.session.cognition.counterSnapshot()));
}

async function traceCommand(h: CommandHost, args: string[]): Promise<void> {
  const { c } = h.style;
  const [action = 'list', ref, target] = args;
  const root = h.session.root;
  if (action === 'list') return h.out.print(renderTraceList(listTraces(root), h.style));
  if (action !== 'show' && action !== 'export' && action !== 'test') return h.out.print(c.red(`/trace ${action}: use /trace list, /trace show [n], /trace export [n] [file], /trace test [n]`));
  const trace = findTrace(root, ref, h.session.id);
  if (!trace) return h.out.print(c.red(`No trace '${ref ?? `session-${h.session.id}`}'. /trace list shows them.`));
  if (action === 'show') return h.out.print(renderTrace(trace, h.style));
  if (action === 'test') {
    const { traceToSuite } = await import('../eval/trace-test.js');
    try {
      const made = traceToSuite(root, trace);
      return h.out.print(`Wrote ${made.cases} replay case${made.cases === 1 ? '' : 's'} to ${made.file}; /eval ${made.file} runs ${made.cases === 1 ? 'it' : 'them'} without a model.`);
    } catch (err) {
      return h.out.print(c.red((err as Error).message));
    }
  }
  h.out.print(`Exported ${trace.name} to ${exportTrace(trace, root, target)}`);
}

/** /eval [suite]: as `smallcode eval`, in this session's project and with its configuration. */
async function evalCommand(h: CommandHost, args: string[]): Promise<void> {
  const { c } = h.style;
  const { findSuite, listSuites, loadSuite } = await import('../eval/suite.js');
  const root = h.session.root;
  if (!args[0]) {
    const suites = listSuites(root);
    return h.out.print(suites.length ? suites.join('\n') : c.dim('No suites (YAML files under evals/ or .smallcode/evals/); see docs/eval.md.'));
  }
  const { packageRoot } = await import('../cognition/index.js');
  const file = findSuite(root, args[0], [`${packageRoot()}/evals`]);
  if (!file) return h.out.print(c.red(`No suite '${args[0]}' under evals/ or .smallcode/evals/.`));
  const { renderResult, runSuite, saveResult } = await import('../eval/runner.js');
  try {
    const suite = loadSuite(file);
    const overrides = { SMALLCODE_MODEL: h.session.model, SMALLCODE_BASE_URL: h.session.server.baseUrl };
    const result = await runSuite(suite, { root, env: process.env, overrides, progress: (line) => h.out.print(c.dim(line)) });
    h.out.print(`${renderResult(result)}\n${c.dim(`saved ${saveResult(root, result)}`)}`);
  } catch (err) {
    h.out.print(c.red((err as Error).message));
  }
}

async function sessionsCommand(h: CommandHost, args: string[]): Promise<void> {
  const { c } = h.style;
  const all = listSessions(h.session.root).filter((s) => s.tasks > 0 || s.id === h.session.id);
  if (args[0]) {
    const ref = args[0];
    const hit = /^\d{1,3}$/.test(ref) ? all[Number(ref) - 1] : (all.find((s) => s.id === ref) ?? all.filter((s) => s.id.startsWith(ref)).at(0));
    if (!hit) return h.out.print(c.red(`No session '${ref}'. /sessions lists them.`));
    return h.resume(hit.id);
  }
  if (all.length === 0) return h.out.print(c.dim('No saved sessions yet.'));
  const width = h.out.columns;
  const lines = all.slice(0, 30).map((s, i) => {
    const when = s.updatedAt.replace('T', ' ').slice(0, 16);
    const current = s.id === h.session.id ? c.green(' (this session)') : '';
    const meta = `${when} · ${s.tasks} task${s.tasks === 1 ? '' : 's'} · ${fmt(Math.ceil(s.bytes / 1024))} KB`;
    const first = s.firstMessage.replace(/\s+/g, ' ');
    const room = Math.max(10, width - 8);
    return `${String(i + 1).padStart(3)}. ${c.bold(first.length > room ? `${first.slice(0, room - 1)}…` : first || '(no task yet)')}${current}\n     ${c.dim(`${meta} · ${s.id}`)}`;
  });
  h.out.print(`${lines.join('\n')}\n${c.dim('/sessions <n> resumes one; smallcode --resume <id> starts with it.')}`);
}

/**
 * Undoes the newest task that still has snapshots: every model turn of that task, newest first,
 * and tells the model what was put back so it does not build on files that are gone.
 */
async function undoCommand(h: CommandHost): Promise<void> {
  const { listSnapshots, restoreTurn } = await import('../tools/index.js');
  const { c } = h.style;
  const s = h.session;
  const snapshots = await listSnapshots(s.root, s.id);
  if (snapshots.length === 0) return h.out.print(c.dim('Nothing to undo: no file was changed in this session (or it was already undone).'));
  const taskTurns = s.agent.history.entries.filter((e) => e.kind === 'task').map((e) => e.turn);
  const newest = snapshots[snapshots.length - 1]!.turn;
  const taskStart = Math.max(0, ...taskTurns.filter((t) => t <= newest));
  const turns = snapshots.map((x) => x.turn).filter((t) => t >= taskStart).sort((a, b) => b - a);
  const restored = new Set<string>();
  const deleted = new Set<string>();
  for (const turn of turns) {
    const r = await restoreTurn(s.root, s.id, turn);
    r.restored.forEach((f) => restored.add(f));
    r.deleted.forEach((f) => deleted.add(f));
  }
  for (const f of deleted) restored.delete(f);
  const lines = [`Undid the last task's changes (${turns.length} turn${turns.length === 1 ? '' : 's'}):`];
  for (const f of restored) lines.push(`  ${c.yellow('↺')} ${f} restored`);
  for (const f of deleted) lines.push(`  ${c.red('−')} ${f} deleted (the task created it)`);
  if (restored.size + deleted.size === 0) lines.push(c.dim('  (no file needed restoring)'));
  h.out.print(lines.join('\n'));
  const said = [...[...restored].map((f) => `${f} was restored to its earlier content`), ...[...deleted].map((f) => `${f} was deleted`)];
  if (said.length) {
    s.agent.history.add({ message: { role: 'user', content: `The user undid your last changes: ${said.join('; ')}.` }, turn: s.agent.currentTurn, kind: 'note' });
  }
}
