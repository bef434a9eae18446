import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { applyConfigToPolicy, loadConfig, type SmallCodeConfig } from '../config/load.js';
import { shellConfinement, shellEnvironment } from '../sandbox/index.js';
import { existsSync, realpathSync } from 'node:fs';
import { ModelClient } from '../model/client.js';
import { chooseModel, detectContext, discoverServer, type ContextInfo, type ServerInfo } from '../model/server.js';
import { countTokens, loadTokenizer } from '../model/tokens.js';
import { ensureStateDir, readProjectState, writeProjectState } from '../store/project-state.js';
import { createToolRegistry, DEFAULT_TOOLS, fromPlainTool, stepDoneTool, type Tool, type ToolRegistry, type ToolRegistryOptions } from '../tools/index.js';
import { Memory } from '../memory/index.js';
import { memoryLoadTool } from '../tools/memory_load.js';
import { memoryRememberTool } from '../tools/memory_remember.js';
import type { ProjectGraph } from '../graph/project-graph.js';
import { graphTools, startProjectGraph } from '../graph/tools.js';
import { Agent, type AgentOptions } from './agent.js';
import type { AgentPolicy } from './policy.js';
import type { AgentLayers, CognitionRuntime } from '../cognition/index.js';
import { cognitionHost, loadBehaviour, modelClients } from './behaviour.js';
import { Planner } from './planner.js';
import { Verifier } from './verify.js';
import { testCommand } from './checks.js';
import { summarizeProject } from './project-summary.js';
import type { SystemPromptInput } from './prompt.js';
import type { AgentEventName, AgentEvents, EmitFn } from './types.js';
import type { McpServers } from '../mcp/index.js';
import type { Skill } from '../skills/index.js';
import type { PluginSet } from '../plugins/index.js';
import { userDataDir } from '../config/paths.js';
import { join } from 'node:path';
import { packageVersion } from '../package-root.js';

export interface SessionOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Values from flags or the API (`SMALLCODE_MODEL`, `SMALLCODE_BASE_URL` …); they win. */
  overrides?: Partial<Record<string, string>>;
  /** Policy changes on top of the behaviour layer (the API's escape hatch, and tests). */
  policy?: (policy: AgentPolicy) => AgentPolicy;
  /** Lets the user pick a model when the server lists several (interactive mode). */
  pickModel?: (ids: string[]) => Promise<string | undefined>;
  /** Use the model chosen last in this project (.smallcode/state.json) and remember a new pick (the terminal). */
  rememberModel?: boolean;
  emit?: EmitFn;
  /** Gate for shell commands and config-file writes (interactive approval, or the headless policy). */
  approve?: ToolRegistryOptions['approve'];
  /** `smallcode run` and the API: no one to ask; the sandbox is on by default (SMALLCODE_SANDBOX=auto). */
  headless?: boolean;
  onEntry?: AgentOptions['onEntry'];
  /** Reuse a session id (resuming a saved session). */
  sessionId?: string;
  /**
   * MCP servers: 'wait' (headless, the API) connects them before the session is returned, at most
   * `context.mcp_wait`; 'background' (the terminal) lets them connect while the user types.
   */
  mcp?: 'wait' | 'background';
}

/** Everything one session runs on, assembled once: config, endpoint, window, tools, agent. */
export interface Session {
  id: string;
  root: string;
  config: SmallCodeConfig;
  policy: AgentPolicy;
  server: ServerInfo;
  model: string;
  context: ContextInfo;
  client: ModelClient;
  tools: ToolRegistry;
  agent: Agent;
  /** Plans multi-step tasks (.smallcode/TODO.md); `/plan` reads and switches it. */
  planner: Planner;
  /** The loaded behaviour layers (for /cognition): sources, declarations, diagnostics. */
  layers: AgentLayers;
  cognition: CognitionRuntime;
  /** The skills found for this session (built-in, plugins, user, project), fixed for the session. */
  skills: Skill[];
  /** The shell runs inside a sandbox (SMALLCODE_SANDBOX); the approval policy `on-request` asks less then. */
  sandboxed: boolean;
  /** Evidence, facts, working memory and knowledge/ (runtime/memory); `/memory` reads it. */
  memory: Memory;
  /** The configured MCP servers (undefined when none is configured). */
  mcp: McpServers | undefined;
  /** The enabled plugins that loaded, their slash commands, and the ones skipped (runtime/plugins). */
  plugins: PluginSet;
  close(): Promise<void>;
}

export function newSessionId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Cuts text to about `maxTokens` tokens, saying so. */
function capTokens(text: string, maxTokens: number): string {
  if (countTokens(text) <= maxTokens) return text;
  const approx = text.slice(0, maxTokens * 4);
  return `${approx}\n[… cut to ${maxTokens} tokens]`;
}

async function gatherKnowledge(root: string, config: SmallCodeConfig, env: NodeJS.ProcessEnv, graph?: ProjectGraph): Promise<SystemPromptInput> {
  if (!config.bootstrap) return { root };
  const summary = await summarizeProject(root, env);
  const budget = config.knowledgeMaxTokens;
  const input: SystemPromptInput = { root, summary: capTokens(summary.text, budget) };
  // What the previous session's graph knows costs nothing to say and saves a discovery call.
  const hubs = graph?.hubsLine();
  if (hubs && countTokens(`${input.summary}\n${hubs}`) <= budget) input.summary = `${input.summary}\n${hubs}`;
  const test = testCommand(config, summary.commands);
  if (test) input.testCommand = test;
  if (summary.instructions) {
    const room = Math.max(0, budget - countTokens(input.summary ?? ''));
    if (room > 50) input.instructions = { file: summary.instructions.file, text: capTokens(summary.instructions.text, room) };
  }
  return input;
}

/**
 * Tools beyond the default six, offered only where they can help (each schema costs tokens on
 * every request): the BoneScript tools when the project has a .bone file.
 */
async function projectTools(root: string): Promise<Tool[]> {
  const { glob } = await import('tinyglobby');
  const bone = await glob(['*.bone', '*/*.bone', '*/*/*.bone'], { cwd: root, ignore: ['node_modules/**', '.git/**', '.smallcode/**'] }).catch(() => []);
  if (bone.length === 0) return [];
  const [{ boneCompileTool }, { boneCheckTool }] = await Promise.all([import('../tools/bone_compile.js'), import('../tools/bone_check.js')]);
  return [fromPlainTool({ ...boneCheckTool, readOnly: true }), fromPlainTool(boneCompileTool)];
}

/** The skills of this session; unreadable ones are reported and skipped. */
async function findSkills(root: string, env: NodeJS.ProcessEnv, opts: SessionOptions, plugins: PluginSet): Promise<Skill[]> {
  const { discoverSkills, skillFolders } = await import('../skills/index.js');
  const { skills, problems } = await discoverSkills(skillFolders(root, env, plugins.skillFolders));
  for (const problem of problems) opts.emit?.('notice', { message: `skill: ${problem}` });
  return skills;
}

/** web_fetch and web_search (SMALLCODE_WEB_BROWSE=true), with a note for a model under 20B. */
async function webToolsFor(config: SmallCodeConfig, model: string, opts: SessionOptions): Promise<Tool[]> {
  const { webTools, smallModelWebNote } = await import('../web/tools.js');
  const note = smallModelWebNote(model);
  if (note) opts.emit?.('notice', { message: note });
  return webTools({ allowHosts: config.vars.SMALLCODE_WEB_ALLOW_HOSTS, searchUrl: config.vars.SMALLCODE_WEB_SEARCH_URL });
}

/** The enabled plugins (nothing is loaded when none was ever installed); skipped ones are announced. */
async function enabledPlugins(env: NodeJS.ProcessEnv, opts: SessionOptions): Promise<PluginSet> {
  if (!existsSync(join(userDataDir(env), 'plugins', 'installed.json'))) return { plugins: [], problems: [], skillFolders: [], layerDirs: [], mcpSources: [], tools: [], commands: [] };
  const { loadPlugins } = await import('../plugins/load.js');
  const set = await loadPlugins({ env });
  for (const problem of set.problems) opts.emit?.('notice', { message: problem });
  return set;
}

/** A plugin's tool never replaces one of ours: a clash is announced and the plugin's tool left out. */
function withPluginTools(tools: Tool[], plugins: PluginSet, emit: SessionOptions['emit']): Tool[] {
  const taken = new Set(['use_tools', ...DEFAULT_TOOLS.map((t) => t.name), ...tools.map((t) => t.name)]);
  const added = plugins.tools.filter((t) => {
    if (!taken.has(t.name) && !t.name.startsWith('mcp__')) return true;
    emit?.('notice', { message: `plugin tool '${t.name}' has the name of a built-in tool; left out` });
    return false;
  });
  return [...tools, ...added];
}

/** The shell's environment without secrets and its sandbox, each announced once. */
function shellSetup(root: string, config: SmallCodeConfig, env: NodeJS.ProcessEnv, headless: boolean, emit: SessionOptions['emit']) {
  const scrubbed = shellEnvironment(env, { pass: config.shellEnvPass, secretValues: [config.apiKey, ...Object.values(config.keys)] });
  const confinement = shellConfinement({ mode: config.sandbox, headless, root: realpathSync(root), network: config.sandboxNetwork });
  emit?.('notice', { message: confinement.notice });
  if (scrubbed.removed.length) {
    emit?.('notice', { message: `shell commands do not see ${scrubbed.removed.join(', ')} (secrets; SMALLCODE_SHELL_ENV_PASS passes a variable)` });
  }
  return { env: scrubbed.env, confinement };
}

/** The MCP servers of the configuration files, started (the module loads only when one is configured). */
async function startMcp(root: string, env: NodeJS.ProcessEnv, policy: AgentPolicy, opts: SessionOptions, plugins: PluginSet): Promise<McpServers | undefined> {
  const { mcpConfigFiles } = await import('../mcp/config.js');
  if (!plugins.mcpSources.length && !mcpConfigFiles(root, env).some((file) => existsSync(file))) return undefined;
  const { McpServers } = await import('../mcp/index.js');
  const servers = McpServers.fromConfig({
    root,
    env,
    extraSources: plugins.mcpSources,
    connectTimeoutMs: Math.max(policy.context.mcpWaitMs, 1000),
    callTimeoutMs: policy.context.mcpCallTimeoutMs,
    onNotice: (message) => opts.emit?.('notice', { message }),
    version: packageVersion(),
  });
  if (servers.size === 0) return undefined;
  if (opts.mcp === 'background') void servers.start();
  else await servers.ready(policy.context.mcpWaitMs);
  return servers;
}

export async function createSession(opts: SessionOptions): Promise<Session> {
  const env = opts.env ?? process.env;
  // Memory follows the session's events (tool calls, checks, guard trips) to record each task.
  let memory: Memory | undefined;
  const outer = opts.emit;
  const emit: EmitFn = <K extends AgentEventName>(event: K, payload: AgentEvents[K]) => {
    memory?.observe(event, payload);
    outer?.(event, payload);
  };
  opts = { ...opts, emit };
  const root = resolve(opts.cwd);
  const tokenizer = loadTokenizer();
  const config = await loadConfig({ cwd: root, env, overrides: opts.overrides });
  ensureStateDir(root);
  const plugins = await enabledPlugins(env, opts);
  const layers = await loadBehaviour({ root, env: { ...env, ...config.vars }, emit: opts.emit, pluginDirs: plugins.layerDirs });
  let policy = applyConfigToPolicy(layers.policy, config);
  if (opts.policy) policy = opts.policy(policy);
  const server = await discoverServer(config, env);
  if (server.notice) opts.emit?.('notice', { message: server.notice });
  const chosen = await chooseModel(server, config, opts.pickModel, opts.rememberModel ? readProjectState(root).model : undefined);
  if (chosen.picked && opts.rememberModel) writeProjectState(root, { model: chosen.model });
  if (chosen.notice) opts.emit?.('notice', { message: chosen.notice });
  const context = await detectContext(server, chosen.model, config, policy.context.defaultContextWindow);
  if (context.notice) opts.emit?.('notice', { message: context.notice });
  if (context.warning) opts.emit?.('notice', { message: `warning: ${context.warning}` });
  const clientOptions = {
    baseUrl: server.baseUrl,
    apiKey: config.apiKey,
    transport: context.transport,
    flavor: context.flavor,
    numCtx: context.numCtx,
    keepAlive: config.ollamaKeepAlive,
    policy: policy.model,
    thinkingDisable: config.thinkingDisable,
    log: (line: string) => opts.emit?.('notice', { message: line }),
    onReply: (model: string, reply: import('../model/types.js').CompletionResult) =>
      opts.emit?.('reply', { model, content: reply.content, reasoning: reply.reasoning, toolCalls: reply.toolCalls, finishReason: reply.finishReason }),
  };
  const client = new ModelClient({ ...clientOptions, model: chosen.model });
  // The host asks the agent for its client at each call, so /model moves cognition prompts too.
  let agentRef: Agent | undefined;
  const clientFor = modelClients(() => agentRef?.client ?? client, clientOptions, layers.models[layers.defaultModel]?.endpoint, config.keys);
  const cognition = layers.createRuntime(cognitionHost(root, clientFor), {
    warn: (message: string) => opts.emit?.('notice', { message }),
  });
  const id = opts.sessionId ?? newSessionId();
  memory = new Memory({
    root,
    sessionId: id,
    env: { ...env, ...config.vars },
    backend: config.store,
    evidence: !config.evidenceDisable,
    policy: policy.memory,
    knowledgeMaxTokens: config.knowledgeMaxTokens,
    announce: (message) => opts.emit?.('notice', { message }),
  });
  const graph = startProjectGraph({ root, env, backend: config.store, notice: (message) => opts.emit?.('notice', { message }) });
  const mcp = await startMcp(root, env, policy, opts, plugins);
  const skills = await findSkills(root, env, opts, plugins);
  const { useSkillTool } = await import('../tools/use_skill.js');
  const web = config.webBrowse ? await webToolsFor(config, chosen.model, opts) : [];
  const shell = shellSetup(root, config, env, Boolean(opts.headless), opts.emit);
  const planner = new Planner({ root, config, policy, cognition, env: shell.env, emit: opts.emit, approve: opts.approve });
  const tools = createToolRegistry({
    root,
    policy,
    sessionId: id,
    env: shell.env,
    confinement: shell.confinement,
    approve: opts.approve,
    allowConfigWrites: config.allowConfigWrites,
    snapshots: config.snapshot,
    extraTools: withPluginTools([...(await projectTools(root)), stepDoneTool(planner), memoryRememberTool(memory), memoryLoadTool(memory), ...graphTools(graph), ...(skills.length ? [useSkillTool(() => skills)] : []), ...web], plugins, opts.emit),
    onFilesChanged: (paths) => graph.touch(paths),
    ...(mcp ? { dynamicTools: () => mcp.tools() } : {}),
    // The registry exists before the agent; read_file asks for the state at each call. The read
    // guard is part of the survival kit: with the kit off, reads are sized by the cap alone.
    contextState: config.survivalKit ? () => agentRef?.contextState() : undefined,
  });
  await tokenizer;
  const knowledge = await gatherKnowledge(root, config, env, graph);
  const { skillsListing } = await import('../skills/index.js');
  const skillsList = skillsListing(skills, policy.context.skillsListMaxTokens);
  if (skillsList) knowledge.skills = skillsList;
  const verifier = new Verifier({ root, config, policy, env: shell.env, emit: opts.emit, approve: opts.approve });
  const agent = new Agent({ root, config, policy, client, tools, context, knowledge, cognition, planner, sessionId: id, emit: opts.emit, onEntry: opts.onEntry, clientFor, memory, verifier });
  agentRef = agent;
  return {
    id,
    root,
    config,
    policy,
    server,
    model: chosen.model,
    context,
    client,
    tools,
    agent,
    planner,
    layers,
    cognition,
    skills,
    sandboxed: shell.confinement.wrap !== null,
    memory,
    mcp,
    plugins,
    close: async () => {
      memory.close();
      await Promise.all([graph.close(), tools.dispose(), mcp?.close()]);
    },
  };
}
