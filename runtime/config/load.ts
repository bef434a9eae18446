import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closestNames } from '../../compiler/common/suggest.js';
import type { AgentPolicy } from '../agent/policy.js';
import { VARIABLES, VARIABLE_NAMES, type VariableSpec } from './variables.js';

/** A configuration problem the user must fix; the CLI prints `message` and exits 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface TierConfig {
  model?: string;
  baseUrl?: string;
}

/** Everything the engine needs from configuration, validated and typed. */
export interface SmallCodeConfig {
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  contextWindow?: number;
  tiers: { medium: TierConfig; strong: TierConfig };
  modelTimeoutMs: number;
  thinkingBudget: number;
  thinkingDisable: boolean;
  knowledgeMaxTokens: number;
  webBrowse: boolean;
  writeGuard: boolean;
  dedup: boolean;
  evidenceDisable: boolean;
  /** SMALLCODE_STORE: `json` forces the JSON-lines store. */
  store: 'auto' | 'json';
  plan: 'auto' | 'true' | 'false';
  snapshot: boolean;
  snapshotAutoRollback: boolean;
  testRunner?: string;
  testDisable: boolean;
  bootstrap: boolean;
  tempAdapt: boolean;
  trustDecay: boolean;
  shellPersist: boolean;
  survivalKit: boolean;
  sandbox: 'auto' | 'on' | 'off';
  sandboxNetwork: boolean;
  /** SMALLCODE_APPROVAL; undefined: the front door's default (terminal untrusted, headless never). */
  approval?: 'never' | 'on-request' | 'untrusted';
  /** SMALLCODE_SHELL_ENV_PASS: names passed to the shell although they look secret. */
  shellEnvPass: string[];
  allowConfigWrites: boolean;
  /** SMALLCODE_COMPACT: tool routing by category and short descriptions (auto: small windows). */
  compact: 'auto' | 'true' | 'false';
  /** SMALLCODE_OLLAMA_KEEP_ALIVE: sent as Ollama's keep_alive (undefined, from `server`: Ollama's own). */
  ollamaKeepAlive?: string;
  keys: { anthropic?: string; openai?: string; deepseek?: string };
  /** The variable `baseUrl` came from (SMALLCODE_BASE_URL, OPENAI_BASE_URL or OLLAMA_HOST), for messages. */
  baseUrlFrom?: string;
  /** The variable `apiKey` came from (SMALLCODE_API_KEY or OPENAI_API_KEY). */
  apiKeyFrom?: string;
  /** Where each value came from, for `/config`: a flag, the environment, .env, smallcode.toml or the default. */
  sources: Record<string, ConfigSource>;
  /**
   * The variables the user set (flags, environment, .env, smallcode.toml), as text: the
   * behaviour layer's env("…") reads these, so .env and smallcode.toml reach agents/*.marrow too.
   */
  vars: Record<string, string>;
}

export type ConfigSource = 'flag' | 'env' | '.env' | 'smallcode.toml' | 'default';

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

function describeOrigin(origin: string): string {
  return origin === 'env' ? 'environment' : origin === 'flag' ? 'a command-line flag' : origin;
}

function parseValue(spec: VariableSpec, raw: string, origin: string): string | number | boolean {
  const value = raw.trim();
  const where = `${spec.name}=${JSON.stringify(raw)} (from ${describeOrigin(origin)})`;
  switch (spec.kind.type) {
    case 'string':
      return value;
    case 'url':
      try {
        const u = new URL(value);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
        return value.replace(/\/+$/, '');
      } catch {
        throw new ConfigError(`${where} is not a valid http(s) URL, e.g. http://localhost:11434/v1`);
      }
    case 'bool': {
      const lower = value.toLowerCase();
      if (TRUE.includes(lower)) return true;
      if (FALSE.includes(lower)) return false;
      throw new ConfigError(`${where} is not valid: expected one of ${TRUE.flatMap((t, i) => [t, FALSE[i]]).join(', ')}`);
    }
    case 'int': {
      const n = Number(value);
      const { min, max, unit } = spec.kind;
      if (!/^-?\d+$/.test(value) || n < min || n > max) {
        throw new ConfigError(`${where} is not valid: expected a whole number from ${min} to ${max}${unit ? ` (${unit})` : ''}`);
      }
      return n;
    }
    case 'enum': {
      const lower = value.toLowerCase();
      if (!spec.kind.values.includes(lower)) {
        throw new ConfigError(`${where} is not valid: expected one of ${spec.kind.values.join(', ')}`);
      }
      return lower;
    }
  }
}

/** smallcode.toml keys are the variable names, or the same without `SMALLCODE_`, any case. */
function tomlKeyToVariable(key: string): string | undefined {
  const upper = key.toUpperCase();
  if (VARIABLE_NAMES.has(upper)) return upper;
  if (VARIABLE_NAMES.has(`SMALLCODE_${upper}`)) return `SMALLCODE_${upper}`;
  return undefined;
}

async function readToml(path: string): Promise<Record<string, string>> {
  const { parse } = await import('smol-toml');
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const out: Record<string, string> = {};
  const visit = (table: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(table)) {
      const full = prefix ? `${prefix}_${key}` : key;
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
        visit(value as Record<string, unknown>, full);
        continue;
      }
      const name = tomlKeyToVariable(full);
      if (!name) {
        const known = VARIABLES.map((v) => v.name.replace(/^SMALLCODE_/, '').toLowerCase());
        const near = closestNames(full.toLowerCase(), known, 1)[0];
        throw new ConfigError(`${path}: unknown setting '${full}'${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      out[name] = String(value);
    }
  };
  visit(doc, '');
  return out;
}

export interface LoadConfigOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over everything. */
  overrides?: Partial<Record<string, string>>;
}

/**
 * Reads configuration: flags > process environment > `.env` in the project root > the legacy
 * `smallcode.toml` > defaults. Every value is validated; a bad one is a ConfigError naming the
 * variable and the accepted values.
 */
export async function loadConfig(opts: LoadConfigOptions): Promise<SmallCodeConfig> {
  const env = opts.env ?? process.env;
  const layers: Array<[SmallCodeConfig['sources'][string], Record<string, string | undefined>]> = [];
  if (opts.overrides) layers.push(['flag', opts.overrides]);
  layers.push(['env', env]);
  const dotenvPath = join(opts.cwd, '.env');
  if (existsSync(dotenvPath)) {
    const { parse } = await import('dotenv');
    layers.push(['.env', parse(readFileSync(dotenvPath))]);
  }
  const tomlPath = join(opts.cwd, 'smallcode.toml');
  if (existsSync(tomlPath)) layers.push(['smallcode.toml', await readToml(tomlPath)]);

  const values: Record<string, string | number | boolean> = {};
  const sources: SmallCodeConfig['sources'] = {};
  const vars: Record<string, string> = {};
  for (const spec of VARIABLES) {
    let found = false;
    for (const [origin, layer] of layers) {
      const raw = layer[spec.name];
      if (raw === undefined || raw === '') continue;
      values[spec.name] = parseValue(spec, raw, origin);
      sources[spec.name] = origin;
      vars[spec.name] = raw;
      found = true;
      break;
    }
    if (!found && spec.default !== undefined) {
      values[spec.name] = parseValue(spec, spec.default, 'default');
      sources[spec.name] = 'default';
    }
  }
  const s = (n: string) => values[n] as string | undefined;
  const b = (n: string) => values[n] as boolean;
  const i = (n: string) => values[n] as number;
  // SmallCode's own variables first, then the ones the ecosystem's tools already read.
  const baseUrlFrom = ['SMALLCODE_BASE_URL', 'OPENAI_BASE_URL', 'OLLAMA_HOST'].find((n) => s(n) !== undefined);
  const apiKeyFrom = ['SMALLCODE_API_KEY', 'OPENAI_API_KEY'].find((n) => s(n) !== undefined);
  return {
    model: s('SMALLCODE_MODEL'),
    baseUrl: baseUrlFrom === 'OLLAMA_HOST' ? ollamaBaseUrl(s('OLLAMA_HOST')!, sources.OLLAMA_HOST!) : baseUrlFrom ? s(baseUrlFrom) : undefined,
    apiKey: apiKeyFrom ? s(apiKeyFrom) : undefined,
    ...(baseUrlFrom ? { baseUrlFrom } : {}),
    ...(apiKeyFrom ? { apiKeyFrom } : {}),
    contextWindow: values.SMALLCODE_CONTEXT_WINDOW as number | undefined,
    tiers: {
      medium: { model: s('SMALLCODE_MODEL_MEDIUM'), baseUrl: s('SMALLCODE_BASE_URL_MEDIUM') },
      strong: { model: s('SMALLCODE_MODEL_STRONG'), baseUrl: s('SMALLCODE_BASE_URL_STRONG') },
    },
    modelTimeoutMs: i('SMALLCODE_MODEL_TIMEOUT') * 1000,
    thinkingBudget: i('SMALLCODE_THINKING_BUDGET'),
    thinkingDisable: b('SMALLCODE_THINKING_DISABLE'),
    knowledgeMaxTokens: i('SMALLCODE_KNOWLEDGE_MAX_TOKENS'),
    webBrowse: b('SMALLCODE_WEB_BROWSE'),
    writeGuard: b('SMALLCODE_WRITE_GUARD'),
    dedup: b('SMALLCODE_DEDUP'),
    evidenceDisable: b('SMALLCODE_EVIDENCE_DISABLE'),
    store: s('SMALLCODE_STORE') as SmallCodeConfig['store'],
    plan: s('SMALLCODE_PLAN') as SmallCodeConfig['plan'],
    snapshot: b('SMALLCODE_SNAPSHOT'),
    snapshotAutoRollback: b('SMALLCODE_SNAPSHOT_AUTO_ROLLBACK'),
    testRunner: s('SMALLCODE_TEST_RUNNER'),
    testDisable: b('SMALLCODE_TEST_DISABLE'),
    bootstrap: b('SMALLCODE_BOOTSTRAP'),
    tempAdapt: b('SMALLCODE_TEMP_ADAPT'),
    trustDecay: b('SMALLCODE_TRUST_DECAY'),
    shellPersist: b('SMALLCODE_SHELL_PERSIST'),
    survivalKit: b('SMALLCODE_SURVIVAL_KIT'),
    compact: s('SMALLCODE_COMPACT') as SmallCodeConfig['compact'],
    ollamaKeepAlive: s('SMALLCODE_OLLAMA_KEEP_ALIVE') === 'server' ? undefined : s('SMALLCODE_OLLAMA_KEEP_ALIVE'),
    sandbox: s('SMALLCODE_SANDBOX') as SmallCodeConfig['sandbox'],
    sandboxNetwork: b('SMALLCODE_SANDBOX_NETWORK'),
    approval: s('SMALLCODE_APPROVAL') as SmallCodeConfig['approval'],
    shellEnvPass: (s('SMALLCODE_SHELL_ENV_PASS') ?? '').split(/[\s,]+/).filter(Boolean),
    allowConfigWrites: b('SMALLCODE_ALLOW_CONFIG_WRITES'),
    keys: { anthropic: s('ANTHROPIC_API_KEY'), openai: s('OPENAI_API_KEY'), deepseek: s('DEEPSEEK_API_KEY') },
    sources,
    vars,
  };
}

/**
 * OLLAMA_HOST as the ollama command reads it — `host`, `host:port`, or a URL; without a scheme
 * it is http on port 11434; 0.0.0.0 (listen everywhere) is reached on 127.0.0.1 — as the base
 * URL of its OpenAI-compatible API.
 */
export function ollamaBaseUrl(raw: string, origin: string): string {
  const value = raw.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  const withScheme = hasScheme ? value : `http://${value || '127.0.0.1'}`;
  let url: URL;
  try {
    url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(`OLLAMA_HOST=${JSON.stringify(raw)} (from ${describeOrigin(origin)}) is not a host, host:port or http(s) URL, e.g. 127.0.0.1:11434`);
  }
  // Like ollama: without a scheme the port defaults to 11434; with one, to the scheme's own.
  if (!hasScheme && !url.port && !/:\d+$/.test(url.host)) url.port = '11434';
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}/v1`;
}

/**
 * The policy the engine runs with: the behaviour layer's numbers (which read SMALLCODE_* through
 * env() themselves) with the user's on/off switches applied on top: SMALLCODE_DEDUP,
 * SMALLCODE_WRITE_GUARD, SMALLCODE_TRUST_DECAY and SMALLCODE_TEMP_ADAPT set to false, and
 * SMALLCODE_SHELL_PERSIST when set.
 */
export function applyConfigToPolicy(base: AgentPolicy, config: SmallCodeConfig): AgentPolicy {
  const policy: AgentPolicy = structuredClone(base);
  if (config.sources.SMALLCODE_SHELL_PERSIST !== 'default') policy.shell.persist = config.shellPersist;
  for (const [name, tool] of Object.entries(policy.tools)) {
    const t = { ...tool };
    if (!config.dedup && t.dedupWindow) t.dedupWindow = 0;
    if (!config.writeGuard && t.readBeforeWrite) t.readBeforeWrite = false;
    if (!config.trustDecay) delete t.trust;
    if (!config.tempAdapt) delete t.retryTemperatures;
    policy.tools[name] = t;
  }
  return policy;
}

