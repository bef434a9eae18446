import { formatDiagnostics } from '../../compiler/common/diagnostics.js';
import type { AgentLayers, CognitionRuntime, FactSnapshot, TaskKind, TrippedGuard } from '../cognition/index.js';
import type { CognitionHost, ResolvedModel } from '../cognition/host.js';
import { ModelClient, type ModelClientOptions } from '../model/client.js';
import type { EmitFn } from './types.js';

/**
 * The engine's side of the seam with the MarrowScript layer: loads agents/*.marrow (built-in,
 * then .smallcode/agents/, then the user's config dir), reports broken overrides (the layers
 * below stay in force), and gives compiled prompts a model through the session's client.
 */
export interface Behaviour {
  layers: AgentLayers;
  runtime: CognitionRuntime;
}

const TASK_KINDS: readonly TaskKind[] = ['coding', 'editing', 'search', 'question', 'chat'];

export async function loadBehaviour(opts: {
  root: string;
  env: Record<string, string | undefined>;
  emit?: EmitFn;
  /** Layer folders of enabled plugins. */
  pluginDirs?: string[];
}): Promise<AgentLayers> {
  const { loadAgentLayers } = await import('../cognition/index.js');
  const layers = await loadAgentLayers({ projectRoot: opts.root, env: opts.env, ...(opts.pluginDirs?.length ? { pluginDirs: opts.pluginDirs } : {}) });
  const failed = layers.diagnostics.filter((d) => d.severity === 'error');
  if (failed.length) {
    const files = [...new Set(failed.map((d) => d.span.file))].join(', ');
    opts.emit?.('notice', {
      message: `${formatDiagnostics(failed, layers.sources)}\n${files}: not applied; the layers below it stay in force`,
    });
  }
  for (const problem of layers.envProblems) opts.emit?.('notice', { message: `warning: ${problem}` });
  return layers;
}

/**
 * Clients for the models the layer declares: the session's current client (`main()`: it follows
 * /model) for the model it runs, else one client per model and endpoint, made once. A model on
 * the default model's endpoint (declared, or inherited as `model strong { name: … }` does) talks
 * to the server the session found, with its transport.
 */
export function modelClients(
  main: () => ModelClient,
  clientOptions: Omit<ModelClientOptions, 'model'>,
  defaultEndpoint?: string,
  providerKeys: ProviderKeys = {},
): (spec: ResolvedModel) => ModelClient {
  const clients = new Map<string, ModelClient>();
  return (spec) => {
    if (!spec.name || spec.name === main().model || !spec.available) return main();
    const ownServer = spec.endpoint !== undefined && spec.endpoint !== defaultEndpoint;
    const key = `${ownServer ? spec.endpoint : ''} ${spec.name}`;
    let client = clients.get(key);
    if (!client) {
      client = new ModelClient({
        ...clientOptions,
        baseUrl: ownServer ? spec.endpoint! : clientOptions.baseUrl,
        apiKey: ownServer ? apiKeyFor(spec.endpoint!, { declared: spec.apiKey, sessionBaseUrl: clientOptions.baseUrl, sessionKey: clientOptions.apiKey, providers: providerKeys }) : (spec.apiKey ?? clientOptions.apiKey),
        model: spec.name,
        transport: ownServer ? 'openai' : clientOptions.transport,
        flavor: ownServer ? undefined : clientOptions.flavor,
      });
      clients.set(key, client);
    }
    return client;
  };
}

export interface ProviderKeys {
  openai?: string;
  anthropic?: string;
  deepseek?: string;
}

/** Hosts of the cloud APIs whose key has its own variable (OPENAI_API_KEY …), by key. */
const PROVIDER_HOSTS: Array<[keyof ProviderKeys, RegExp]> = [
  ['openai', /(^|\.)openai\.com$/],
  ['anthropic', /(^|\.)anthropic\.com$/],
  ['deepseek', /(^|\.)deepseek\.com$/],
];

/**
 * The API key for a model on its own endpoint: the one its declaration gives (`api_key:
 * env("…")`), else the provider's variable for a known cloud host (OPENAI_API_KEY for
 * api.openai.com …), else the session's key only when the endpoint is on the session's own host —
 * the local server's key is never sent to another host.
 */
export function apiKeyFor(endpoint: string, opts: { declared?: string; sessionBaseUrl: string; sessionKey?: string; providers: ProviderKeys }): string | undefined {
  if (opts.declared) return opts.declared;
  const host = hostOf(endpoint);
  for (const [provider, pattern] of PROVIDER_HOSTS) if (host && pattern.test(host)) return opts.providers[provider];
  return host !== undefined && host === hostOf(opts.sessionBaseUrl) ? opts.sessionKey : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A host whose prompt calls go to the client `clientFor` gives for the model the prompt names. */
export function cognitionHost(root: string, clientFor: (spec: ResolvedModel) => ModelClient): CognitionHost {
  return {
    projectRoot: root,
    async complete(req) {
      const reply = await clientFor(req.modelSpec).complete({ messages: req.messages, temperature: req.temperature, maxTokens: req.maxTokens, signal: req.signal });
      return { text: reply.content, usage: { promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens } };
    },
  };
}

/**
 * The task's kind. The classifier costs a model round trip, so it is asked only when its answer
 * can change a decision: when the `plan { when: … }` condition comes out differently for
 * different kinds. Otherwise the heuristic's guess stands.
 */
export async function classifyTask(runtime: CognitionRuntime, task: string, planMode: 'auto' | 'true' | 'false', snapshot: FactSnapshot, signal?: AbortSignal): Promise<{ kind: TaskKind; asked: boolean }> {
  const { factsFromSnapshot, HEURISTICS } = await import('../cognition/index.js');
  const { classifyTaskHeuristic } = await import('../cognition/heuristics.js');
  const guess = classifyTaskHeuristic({ message: task });
  if (planMode !== 'auto' || !runtime.config.plan?.when || !runtime.config.prompts.classify_task || !HEURISTICS.includes('classify_task')) {
    return { kind: guess, asked: false };
  }
  const outcomes = new Set(TASK_KINDS.map((kind) => runtime.shouldPlan(factsFromSnapshot({ ...snapshot, task: { kind, message: task } }))));
  if (outcomes.size < 2) return { kind: guess, asked: false };
  const kind = await runtime.classifyTask(task, { signal }).catch(() => guess);
  return { kind, asked: true };
}

export type { TrippedGuard };
