import { ConfigError, type SmallCodeConfig } from '../config/load.js';
import { fetchJson, HttpError } from './http.js';
import { modelProfile } from './profiles.js';

/** Which kind of server answers at the base URL; decides how its context window is read. */
export type ServerFlavor = 'ollama' | 'lmstudio' | 'llamacpp' | 'vllm' | 'openai-compatible';

export interface ServedModel {
  id: string;
  /** Context length the /models list states (vLLM max_model_len, OpenRouter context_length). */
  contextLength?: number;
  /**
   * What the server says the model does: 'embedding' (Ollama /api/show capabilities without
   * `completion`, LM Studio /api/v0/models type `embeddings`) cannot chat. Unknown: assume chat.
   */
  kind?: 'chat' | 'embedding';
  /** In memory now (Ollama /api/ps, LM Studio state `loaded`): answers without a load delay. */
  loaded?: boolean;
}

export interface ServerInfo {
  baseUrl: string;
  origin: string;
  name: string;
  models: ServedModel[];
  /** Something the user should know about how the server was reached (e.g. `/v1` added). */
  notice?: string;
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
  /** The server did not say: the window is a model profile's or the default. */
  guessed?: boolean;
}

const PROBES: Array<{ name: string; url: string }> = [
  { name: 'LM Studio', url: 'http://127.0.0.1:1234/v1' },
  { name: 'Ollama', url: 'http://127.0.0.1:11434/v1' },
  { name: 'llama.cpp server', url: 'http://127.0.0.1:8080/v1' },
  { name: 'vLLM', url: 'http://127.0.0.1:8000/v1' },
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
 * Finds the model server: SMALLCODE_BASE_URL (or OPENAI_BASE_URL, OLLAMA_HOST) when set —
 * checked once, so a dead endpoint is one clear error before any work starts — else the first
 * usual local server that answers. Then asks it what its models are (chat or embedding, loaded).
 */
export async function discoverServer(config: SmallCodeConfig, env: NodeJS.ProcessEnv = process.env): Promise<ServerInfo> {
  const server = config.baseUrl ? await reachConfigured(config) : await probeLocal(config, env);
  server.models = await describeModels(server);
  return server;
}

/** Which variable named the base URL, for messages. */
function baseUrlVariable(config: SmallCodeConfig): string {
  return config.baseUrlFrom ?? 'SMALLCODE_BASE_URL';
}

async function reachConfigured(config: SmallCodeConfig): Promise<ServerInfo> {
  const baseUrl = config.baseUrl!;
  const variable = baseUrlVariable(config);
  const attempt = (url: string) => listModels(url, config.apiKey, 5000).then((models) => ({ models }), (err: HttpError) => ({ err }));
  const first = await attempt(baseUrl);
  if ('models' in first) return { baseUrl, origin: originOf(baseUrl), name: baseUrl, models: first.models };
  let err = first.err;
  // Something answered, but not the OpenAI API: the usual cause is a base URL without /v1.
  if (err.status !== undefined && !/\/v1$/.test(baseUrl) && err.status !== 401 && err.status !== 403) {
    const withV1 = `${baseUrl}/v1`;
    const second = await attempt(withV1);
    if ('models' in second) {
      return { baseUrl: withV1, origin: originOf(withV1), name: withV1, models: second.models, notice: `${baseUrl} ${answered(err)}; ${withV1} is the OpenAI-compatible API, so SmallCode uses that (set ${variable}=${withV1} to say so)` };
    }
    if (second.err.status === 401 || second.err.status === 403) err = second.err;
  }
  // An API without a model list answers its 404 in JSON; a web page's 404 is no API at all.
  if (err.status === 404 && config.model && /^HTTP 404: \s*[{[]/.test(err.message)) return { baseUrl, origin: originOf(baseUrl), name: baseUrl, models: [] };
  if (err.status === 401 || err.status === 403) {
    const key = config.apiKeyFrom;
    throw new ConfigError(
      key
        ? `the model server at ${baseUrl} refused the API key from ${key} (HTTP ${err.status}); check that key`
        : `the model server at ${baseUrl} wants an API key (HTTP ${err.status}); set SMALLCODE_API_KEY`,
    );
  }
  if (err.status !== undefined) {
    throw new ConfigError(`the server at ${baseUrl} ${answered(err)}, which is not an OpenAI-compatible API${/\/v1$/.test(baseUrl) ? '' : ` (nor is ${baseUrl}/v1)`}; fix ${variable}`);
  }
  throw new ConfigError(`cannot reach the model server at ${baseUrl}: ${err.message}. Start the server, or fix ${variable}.`);
}

/** What a server that is not the API said, in a few words (never its whole body). */
function answered(err: HttpError): string {
  if (err.status !== undefined && err.status >= 200 && err.status < 300) return `answered HTTP ${err.status} with something that is not JSON (a web page?)`;
  return `answered HTTP ${err.status} to GET /models`;
}

async function probeLocal(config: SmallCodeConfig, env: NodeJS.ProcessEnv): Promise<ServerInfo> {
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

interface OllamaTags {
  models?: Array<{ name?: string; model?: string }>;
}

/**
 * What each listed model is, from the servers that say: LM Studio's /api/v0/models (`type`,
 * `state`), Ollama's /api/show (`capabilities`) and /api/ps (loaded models). Other servers say
 * nothing; their models stay as listed.
 */
async function describeModels(server: ServerInfo): Promise<ServedModel[]> {
  const { origin } = server;
  const t = 1500;
  if (server.models.length === 0) return server.models;
  const lm = await quiet(fetchJson<LmStudioModels>(`${origin}/api/v0/models`, { timeoutMs: t }));
  if (Array.isArray(lm?.data)) {
    const byId = new Map(lm.data.map((m) => [m.id, m]));
    return server.models.map((m) => {
      const entry = byId.get(m.id);
      if (!entry) return m;
      return { ...m, ...(entry.type ? { kind: entry.type === 'embeddings' || entry.type === 'embedding' ? 'embedding' : 'chat' } : {}), loaded: entry.state === 'loaded' };
    });
  }
  const tags = await quiet(fetchJson<OllamaTags>(`${origin}/api/tags`, { timeoutMs: t }));
  if (!Array.isArray(tags?.models)) return server.models;
  const ps = await quiet(fetchJson<OllamaPs>(`${origin}/api/ps`, { timeoutMs: t }));
  const running = new Set((ps?.models ?? []).flatMap((m) => [m.name, m.model]).filter((n): n is string => !!n));
  return Promise.all(
    server.models.map(async (m) => {
      const show = await quiet(fetchJson<OllamaShow>(`${origin}/api/show`, { method: 'POST', body: { model: m.id }, timeoutMs: 3000 }));
      const caps = show?.capabilities;
      const kind = Array.isArray(caps) && caps.length ? (caps.includes('completion') ? 'chat' : 'embedding') : undefined;
      return { ...m, ...(kind ? { kind } : {}), loaded: running.has(m.id) || running.has(`${m.id}:latest`) };
    }),
  );
}

/** Whether `wanted` names a listed model (Ollama takes `name` for `name:latest`). */
function listedAs(ids: string[], wanted: string): string | undefined {
  return ids.find((id) => id === wanted) ?? ids.find((id) => id === `${wanted}:latest`) ?? ids.find((id) => id.startsWith(`${wanted}:`));
}

/** At most `max` names, then how many more. */
function nameList(ids: string[], max = 8): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/**
 * The model to use: SMALLCODE_MODEL (it must be one the server lists, when it lists any), else
 * among the chat models (embedding models cannot chat) the one remembered for this project,
 * the only one, or — several — the picker's choice in a terminal or the first headless, loaded
 * ones first, with a notice saying how to choose.
 */
export async function chooseModel(
  server: ServerInfo,
  config: SmallCodeConfig,
  pick?: (ids: string[]) => Promise<string | undefined>,
  remembered?: string,
): Promise<{ model: string; notice?: string; picked?: boolean }> {
  const ids = server.models.map((m) => m.id);
  const chat = server.models.filter((m) => m.kind !== 'embedding');
  const chatIds = [...chat.filter((m) => m.loaded), ...chat.filter((m) => !m.loaded)].map((m) => m.id);
  if (config.model) {
    if (ids.length > 0 && !listedAs(ids, config.model)) {
      throw new ConfigError(`${server.name} has no model '${config.model}'; it serves ${nameList(chatIds.length ? chatIds : ids)} (set SMALLCODE_MODEL or --model to one of them)`);
    }
    const model = server.models.find((m) => m.id === listedAs(ids, config.model!));
    if (model?.kind === 'embedding') {
      throw new ConfigError(`'${config.model}' is an embedding model and cannot chat; ${chatIds.length ? `${server.name} also serves ${nameList(chatIds)}` : `load a chat model into ${server.name}`}`);
    }
    return { model: config.model };
  }
  if (ids.length === 0) throw new ConfigError(`${server.name} serves no model; load one, or set SMALLCODE_MODEL`);
  if (chatIds.length === 0) throw new ConfigError(`${server.name} serves only embedding models (${nameList(ids)}), which cannot chat; load a chat model, or set SMALLCODE_MODEL`);
  if (remembered && chatIds.includes(remembered)) return { model: remembered };
  if (chatIds.length === 1) return { model: chatIds[0]! };
  const picked = pick ? await pick(chatIds) : undefined;
  if (picked) return { model: picked, picked: true };
  const first = chatIds[0]!;
  const why = server.models.find((m) => m.id === first)?.loaded ? ' (loaded)' : '';
  return { model: first, notice: `${server.name} serves ${chatIds.length} chat models; using ${first}${why} (set SMALLCODE_MODEL to choose)` };
}

interface OllamaShow {
  model_info?: Record<string, unknown>;
  parameters?: string;
  capabilities?: string[];
}
interface OllamaPs {
  models?: Array<{ name?: string; model?: string; context_length?: number }>;
}
interface LmStudioModels {
  data?: Array<{ id?: string; type?: string; state?: string; max_context_length?: number; loaded_context_length?: number }>;
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

  // LM Studio's own list: entries with a `state` (loaded / not-loaded). A server that answers any
  // path with its /v1/models list is not LM Studio.
  if (Array.isArray(lmModels?.data) && lmModels.data.some((m) => typeof m.state === 'string')) {
    const entry = lmModels.data.find((m) => m.id === model);
    const loaded = entry?.loaded_context_length;
    const profile = modelProfile(model);
    const [window, source, guessed] = forced
      ? [forced, 'SMALLCODE_CONTEXT_WINDOW', false]
      : loaded
        ? [loaded, 'LM Studio loaded_context_length', false]
        : entry?.max_context_length
          ? [entry.max_context_length, 'LM Studio max_context_length; the model is not loaded yet', true]
          : profile
            ? [profile.contextWindow, `model profile (${profile.family})`, true]
            : [defaultWindow, 'default', true];
    const info: ContextInfo = {
      window,
      source,
      flavor: 'lmstudio',
      transport: 'openai',
      modelMax: entry?.max_context_length,
      ...(guessed ? { guessed: true } : {}),
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
  if (profile) return { window: profile.contextWindow, source: `model profile (${profile.family})`, flavor: 'openai-compatible', transport: 'openai', guessed: true };
  return { window: defaultWindow, source: 'default', flavor: 'openai-compatible', transport: 'openai', guessed: true };
}

/**
 * The window as the start-up line shows it: the number and where it came from; when the server
 * did not say (a profile or the default), how to set it — a guess may turn compact mode on.
 */
export function describeWindow(context: ContextInfo): string {
  const hint = context.guessed ? '; the server does not say: set SMALLCODE_CONTEXT_WINDOW to its real context' : '';
  return `${context.window.toLocaleString('en-US')}-token window (${context.source}${hint})`;
}
