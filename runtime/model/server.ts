import { ConfigError, type SmallCodeConfig } from '../config/load.js';
import { fetchJson, HttpError } from './http.js';
import { modelProfile } from './profiles.js';

/** Which kind of server answers at the base URL; decides how its context window is read. */
export type ServerFlavor = 'ollama' | 'lmstudio' | 'llamacpp' | 'vllm' | 'openai-compatible';

export interface ServedModel {
  id: string;
  /** Context length the /models list states (vLLM max_model_len, OpenRouter context_length). */
  contextLength?: number;
}

export interface ServerInfo {
  baseUrl: string;
  origin: string;
  name: string;
  models: ServedModel[];
}

export interface ContextInfo {
  /** The window SmallCode budgets for: the context the server has loaded (or will load). */
  window: number;
  /** Where the number came from, for `/profile` and the start-up line. */
  source: string;
  flavor: ServerFlavor;
  transport: 'openai' | 'ollama-native';
  /** Ollama only: the num_ctx we send so the model is loaded with `window` tokens. */
  numCtx?: number;
  modelMax?: number;
  /** Something the user should know (we changed a setting for them). */
  notice?: string;
  /** Something the user should change: the window is too small and we cannot fix it. */
  warning?: string;
}

const PROBES: Array<{ name: string; url: string }> = [
  { name: 'LM Studio', url: 'http://127.0.0.1:1234/v1' },
  { name: 'Ollama', url: 'http://127.0.0.1:11434/v1' },
  { name: 'llama.cpp server', url: 'http://127.0.0.1:8080/v1' },
];

/** Below this a coding agent is cramped: the prompt and tools alone take ~1.5k tokens. */
export const MIN_USEFUL_WINDOW = 8192;
/** The context we ask Ollama to load when its default is smaller (fits 7B–14B on consumer GPUs). */
export const OLLAMA_TARGET_WINDOW = 16_384;

interface ModelsList {
  data?: Array<{ id?: string; max_model_len?: number; context_length?: number; owned_by?: string }>;
}

async function listModels(baseUrl: string, apiKey: string | undefined, timeoutMs: number): Promise<ServedModel[]> {
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const list = await fetchJson<ModelsList>(`${baseUrl}/models`, { timeoutMs, headers });
  return (list.data ?? [])
    .filter((m) => typeof m.id === 'string')
    .map((m) => {
      const served: ServedModel = { id: m.id! };
      const ctx = m.max_model_len ?? m.context_length;
      if (typeof ctx === 'number' && ctx > 0) served.contextLength = ctx;
      return served;
    });
}

function originOf(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

/**
 * Finds the model server: SMALLCODE_BASE_URL when set (checked once, so a dead endpoint is one
 * clear error before any work starts), else the first usual local server that answers.
 */
export async function discoverServer(config: SmallCodeConfig, env: NodeJS.ProcessEnv = process.env): Promise<ServerInfo> {
  if (config.baseUrl) {
    const baseUrl = config.baseUrl;
    try {
      return { baseUrl, origin: originOf(baseUrl), name: baseUrl, models: await listModels(baseUrl, config.apiKey, 5000) };
    } catch (err) {
      const e = err as HttpError;
      if (e.status === 404 && config.model) return { baseUrl, origin: originOf(baseUrl), name: baseUrl, models: [] };
      if (e.status === 401 || e.status === 403) {
        throw new ConfigError(`the model server at ${baseUrl} refused access (HTTP ${e.status}); set SMALLCODE_API_KEY`);
      }
      throw new ConfigError(
        `cannot reach the model server at ${baseUrl}: ${e.message}. Start the server, or fix SMALLCODE_BASE_URL.`,
      );
    }
  }
  // SMALLCODE_PROBE_URLS replaces the probe list (comma-separated base URLs); tests use it.
  const probes = env.SMALLCODE_PROBE_URLS
    ? env.SMALLCODE_PROBE_URLS.split(',').map((url) => ({ name: url.trim(), url: url.trim().replace(/\/+$/, '') }))
    : PROBES;
  const answers = await Promise.all(
    probes.map((p) => listModels(p.url, config.apiKey, 1500).then((models) => ({ ...p, models }), () => undefined)),
  );
  const found = answers.find((a) => a !== undefined);
  if (!found) {
    const tried = probes.map((p) => `${p.name} (${p.url})`).join(', ');
    throw new ConfigError(
      `no model server found: tried ${tried}. Start one of them, or set SMALLCODE_BASE_URL (and SMALLCODE_MODEL) in the environment or in .env.`,
    );
  }
  return { baseUrl: found.url, origin: originOf(found.url), name: found.name, models: found.models };
}

/**
 * The model to use: SMALLCODE_MODEL, else the only one served, else (several) the picker's
 * choice in a terminal or the first one headless, with a notice saying how to choose.
 */
export async function chooseModel(
  server: ServerInfo,
  config: SmallCodeConfig,
  pick?: (ids: string[]) => Promise<string | undefined>,
): Promise<{ model: string; notice?: string }> {
  const ids = server.models.map((m) => m.id);
  if (config.model) {
    if (ids.length > 0 && !ids.includes(config.model) && !ids.some((id) => id.startsWith(`${config.model}:`))) {
      return { model: config.model, notice: `${server.name} does not list '${config.model}' (it lists ${ids.join(', ')}); trying it anyway` };
    }
    return { model: config.model };
  }
  if (ids.length === 0) throw new ConfigError(`${server.name} serves no model; load one, or set SMALLCODE_MODEL`);
  if (ids.length === 1) return { model: ids[0]! };
  const picked = pick ? await pick(ids) : undefined;
  if (picked) return { model: picked };
  return { model: ids[0]!, notice: `${server.name} serves ${ids.length} models; using ${ids[0]} (set SMALLCODE_MODEL to choose)` };
}

interface OllamaShow {
  model_info?: Record<string, unknown>;
  parameters?: string;
}
interface OllamaPs {
  models?: Array<{ name?: string; model?: string; context_length?: number }>;
}
interface LmStudioModels {
  data?: Array<{ id?: string; state?: string; max_context_length?: number; loaded_context_length?: number }>;
}
interface LlamaCppProps {
  n_ctx?: number;
  default_generation_settings?: { n_ctx?: number };
}

const quiet = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

/**
 * How much context the model really has. The usual failure of local agents is a server that
 * loaded the model with a small default context and silently cuts the prompt (the model never
 * sees its tools). Ollama lets a request set num_ctx, so there we fix it; LM Studio and
 * llama.cpp fix it only at load time, so there we say what to change.
 */
export async function detectContext(
  server: ServerInfo,
  model: string,
  config: SmallCodeConfig,
  defaultWindow: number,
): Promise<ContextInfo> {
  const { origin } = server;
  const t = 1500;
  const [ollamaVersion, lmModels, llamaProps] = await Promise.all([
    quiet(fetchJson<{ version?: string }>(`${origin}/api/version`, { timeoutMs: t })),
    quiet(fetchJson<LmStudioModels>(`${origin}/api/v0/models`, { timeoutMs: t })),
    quiet(fetchJson<LlamaCppProps>(`${origin}/props`, { timeoutMs: t })),
  ]);
  const forced = config.contextWindow;

  if (ollamaVersion?.version !== undefined) {
    const [show, ps] = await Promise.all([
      quiet(fetchJson<OllamaShow>(`${origin}/api/show`, { method: 'POST', body: { model }, timeoutMs: 3000 })),
      quiet(fetchJson<OllamaPs>(`${origin}/api/ps`, { timeoutMs: t })),
    ]);
    const maxEntry = Object.entries(show?.model_info ?? {}).find(([k, v]) => k.endsWith('.context_length') && typeof v === 'number');
    const modelMax = maxEntry ? (maxEntry[1] as number) : undefined;
    const paramCtx = Number(/(?:^|\n)\s*num_ctx\s+(\d+)/.exec(show?.parameters ?? '')?.[1]) || undefined;
    const running = ps?.models?.find((m) => m.name === model || m.model === model || m.name === `${model}:latest`);
    const loaded = running?.context_length ?? paramCtx;
    const target = forced ?? Math.min(modelMax ?? OLLAMA_TARGET_WINDOW, OLLAMA_TARGET_WINDOW);
    if (!forced && loaded !== undefined && loaded >= target) {
      return { window: loaded, source: running ? 'Ollama /api/ps' : 'Ollama model num_ctx', flavor: 'ollama', transport: 'openai', modelMax };
    }
    const info: ContextInfo = {
      window: target,
      source: forced ? 'SMALLCODE_CONTEXT_WINDOW' : 'Ollama num_ctx set by SmallCode',
      flavor: 'ollama',
      transport: 'ollama-native',
      numCtx: target,
      modelMax,
    };
    if (!forced) {
      info.notice = `Ollama would run ${model} with ${loaded ? `a ${loaded}-token` : 'its default (small)'} context, which cuts SmallCode's prompt; using Ollama's native API with num_ctx=${target}`;
    }
    return info;
  }

  if (lmModels?.data) {
    const entry = lmModels.data.find((m) => m.id === model);
    const loaded = entry?.loaded_context_length;
    const window = forced ?? loaded ?? entry?.max_context_length ?? modelProfile(model)?.contextWindow ?? defaultWindow;
    const info: ContextInfo = {
      window,
      source: forced ? 'SMALLCODE_CONTEXT_WINDOW' : loaded ? 'LM Studio loaded_context_length' : 'LM Studio max_context_length',
      flavor: 'lmstudio',
      transport: 'openai',
      modelMax: entry?.max_context_length,
    };
    if (!forced && loaded !== undefined && loaded < MIN_USEFUL_WINDOW) {
      info.warning = `LM Studio loaded ${model} with a ${loaded}-token context, too small for a coding agent. Reload it with a larger context length (LM Studio: model settings → Context Length, or \`lms load ${model} --context-length 16384\`).`;
    }
    return info;
  }

  const propsCtx = llamaProps?.default_generation_settings?.n_ctx ?? llamaProps?.n_ctx;
  if (propsCtx !== undefined) {
    const info: ContextInfo = {
      window: forced ?? propsCtx,
      source: forced ? 'SMALLCODE_CONTEXT_WINDOW' : 'llama.cpp /props n_ctx',
      flavor: 'llamacpp',
      transport: 'openai',
    };
    if (!forced && propsCtx < MIN_USEFUL_WINDOW) {
      info.warning = `llama.cpp server runs with a ${propsCtx}-token context per slot, too small for a coding agent. Restart llama-server with \`-c 16384\` (and \`--jinja\` for tool calls).`;
    }
    return info;
  }

  const listed = server.models.find((m) => m.id === model)?.contextLength;
  if (forced) return { window: forced, source: 'SMALLCODE_CONTEXT_WINDOW', flavor: listed ? 'vllm' : 'openai-compatible', transport: 'openai' };
  if (listed) return { window: listed, source: 'server model list', flavor: 'vllm', transport: 'openai' };
  const profile = modelProfile(model);
  if (profile) return { window: profile.contextWindow, source: `model profile (${profile.family})`, flavor: 'openai-compatible', transport: 'openai' };
  return { window: defaultWindow, source: 'default', flavor: 'openai-compatible', transport: 'openai' };
}
