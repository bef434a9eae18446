import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDiagnostic, type Diagnostic } from '../../compiler/common/index.js';
import { MS } from '../../compiler/marrow/diagnostics.js';
import { missingPolicyFields, type AgentPolicy } from '../agent/policy.js';
import { EnvReader } from './env.js';
import type { CognitionHost, ResolvedModel } from './host.js';
import { mergeDefined, policyOf, type BudgetSettings, type GuardDef, type LayerDefinition, type ManifestDeclaration, type ModelSettings, type PlanDef, type PromptDef, type RouterDef } from './layer.js';
import { describeLayers } from './describe.js';
import { evaluateLayerModule } from './module-loader.js';
import { CognitionRuntime, type CognitionConfig, type RuntimeOptions } from './runtime.js';
import { userConfigDir } from '../config/paths.js';

export type LayerOrigin = 'builtin' | 'plugin' | 'project' | 'user';

export interface LayerInfo {
  origin: LayerOrigin;
  /** As shown to the user: `agents/core.marrow`, `.smallcode/agents/x.marrow`, `~/.config/smallcode/agents/x.marrow`. */
  file: string;
  path: string;
  hash: string;
  status: 'loaded' | 'failed';
  /** prebuilt = agents/.compiled from `npm run build`; cache = .smallcode/cache/marrow; compiled = just now. */
  from?: 'prebuilt' | 'cache' | 'compiled';
  compiledAt?: string;
  declarations: ManifestDeclaration[];
  diagnostics: Diagnostic[];
}

export interface LoadAgentLayersOptions {
  projectRoot: string;
  /** Default: $SMALLCODE_CONFIG_DIR, else $XDG_CONFIG_HOME/smallcode, else ~/.config/smallcode; false = none. */
  userConfigDir?: string | false;
  env?: Record<string, string | undefined>;
  /** Default: the package's agents/ folder. */
  builtinDir?: string;
  /** Default: <projectRoot>/.smallcode/cache/marrow. */
  cacheDir?: string;
  /** Layer folders of enabled plugins (runtime/plugins): above the built-in layer, below the project's. */
  pluginDirs?: string[];
}

export interface AgentLayers {
  /** The single config object the engine reads: the built-in layer ⊕ every override. */
  policy: AgentPolicy;
  prompts: Record<string, PromptDef>;
  guards: GuardDef[];
  routers: Record<string, RouterDef>;
  models: Record<string, ResolvedModel>;
  defaultModel: string;
  budget: BudgetSettings;
  /** The prompt `context { compress: … }` names. */
  compressPrompt?: string;
  /** `plan { … }`: when to plan (runtime.shouldPlan(facts)), max steps, how steps are validated. */
  plan?: PlanDef;
  config: CognitionConfig;
  layers: LayerInfo[];
  /** Every layer's diagnostics (file:line:col); errors mean that layer was not applied. */
  diagnostics: Diagnostic[];
  /** Sources by diagnostic file name, for code frames (formatDiagnostics(diagnostics, sources)). */
  sources: Record<string, string>;
  /** env() values that did not parse (e.g. SMALLCODE_MODEL_TIMEOUT=abc) and fell back. */
  envProblems: string[];
  createRuntime(host: CognitionHost, options?: Omit<RuntimeOptions, 'host'>): CognitionRuntime;
  /** The `/cognition` text: layers, effective declarations, settings, and the runtime's live counters. */
  describe(runtime?: CognitionRuntime): string;
}

/** Prompts the engine calls with fixed arguments: an override must keep their signatures. */
const ENGINE_PROMPTS = ['classify_task', 'diagnose_error', 'summarize_history'];

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'agents'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'smallcode') return dir;
      } catch { /* keep walking */ }
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    dir = parent;
  }
}

/** The user's layer folder: runtime/config/paths.ts's `userConfigDir`. */
export const defaultUserConfigDir = userConfigDir;

function marrowFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.marrow')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Loads the agent's behaviour: the built-in layer (agents/*.marrow, prebuilt by `npm run build`
 * or compiled on first use), then overrides from <project>/.smallcode/agents/*.marrow, then from
 * the user's config dir. Later layers replace prompts, guards and routers by name and merge
 * settings (models, tools, context, budget) field by field. Changed files are recompiled; the
 * result is cached by content hash. A file with errors is reported and skipped — the layers
 * below it stay in force.
 */
export async function loadAgentLayers(options: LoadAgentLayersOptions): Promise<AgentLayers> {
  const env = options.env ?? process.env;
  const root = packageRoot();
  const builtinDir = options.builtinDir ?? join(root, 'agents');
  const cacheDir = options.cacheDir ?? join(options.projectRoot, '.smallcode', 'cache', 'marrow');
  const userDir = options.userConfigDir === false ? undefined : (options.userConfigDir ?? defaultUserConfigDir(env));
  const builtinTemplates = join(root, 'templates', 'prompts', 'cognition');
  const projectTemplates = join(options.projectRoot, '.smallcode', 'templates', 'prompts', 'cognition');
  const userTemplates = userDir ? join(userDir, 'templates', 'prompts', 'cognition') : undefined;
  const templateDirs = [userTemplates, projectTemplates, builtinTemplates].filter((d): d is string => d !== undefined);

  const sources: Record<string, string> = {};
  const layers: LayerInfo[] = [];
  const loaded: LayerDefinition[] = [];
  const diagnostics: Diagnostic[] = [];

  const candidates: Array<{ origin: LayerOrigin; path: string; file: string }> = [
    ...marrowFiles(builtinDir).map((path) => ({ origin: 'builtin' as const, path, file: `agents/${relative(builtinDir, path)}` })),
    ...(options.pluginDirs ?? []).flatMap((dir) => marrowFiles(dir).map((path) => ({ origin: 'plugin' as const, path, file: path }))),
    ...marrowFiles(join(options.projectRoot, '.smallcode', 'agents')).map((path) => ({ origin: 'project' as const, path, file: relative(options.projectRoot, path) })),
    ...(userDir ? marrowFiles(join(userDir, 'agents')).map((path) => ({ origin: 'user' as const, path, file: path.startsWith(homedir()) ? `~${path.slice(homedir().length)}` : path })) : []),
  ];

  for (const candidate of candidates) {
    const source = readFileSync(candidate.path, 'utf8');
    sources[candidate.file] = source;
    const external = externalNames(loaded);
    const result = await loadLayerFile({
      ...candidate, source, cacheDir,
      prebuiltDir: candidate.origin === 'builtin' ? join(builtinDir, '.compiled') : undefined,
      checkOptions: { file: candidate.file, templateDirs: candidate.origin === 'builtin' ? [builtinTemplates] : templateDirs, external },
    });
    diagnostics.push(...result.info.diagnostics);
    layers.push(result.info);
    if (result.layer) loaded.push(result.layer);
  }

  return assemble(loaded, layers, diagnostics, sources, env, templateDirs);
}

interface LayerFileInput {
  origin: LayerOrigin;
  path: string;
  file: string;
  source: string;
  cacheDir: string;
  prebuiltDir: string | undefined;
  checkOptions: import('../../compiler/marrow/compile.js').CompileOptions;
}

async function loadLayerFile(input: LayerFileInput): Promise<{ info: LayerInfo; layer?: LayerDefinition }> {
  const { sourceHash } = await import('../../compiler/marrow/hash.js');
  const hash = sourceHash(input.source);
  const info: LayerInfo = { origin: input.origin, file: input.file, path: input.path, hash, status: 'failed', declarations: [], diagnostics: [] };
  const evaluate = (cjs: string, filename: string, from: LayerInfo['from'], compiledAt: string, diagnostics: Diagnostic[]) => {
    const layer = evaluateLayerModule(cjs, filename);
    Object.assign(info, { status: 'loaded', from, compiledAt, declarations: layer.manifest.declarations, diagnostics });
    return { info, layer };
  };

  try {
    // 1. Prebuilt by `npm run build:agents`, if it was built from exactly this source.
    if (input.prebuiltDir) {
      const name = input.path.slice(input.path.lastIndexOf('/') + 1).replace(/\.marrow$/, '');
      const metaPath = join(input.prebuiltDir, `${name}.meta.json`);
      if (existsSync(metaPath)) {
        const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { sourceHash: string; diagnostics: Diagnostic[] };
        if (meta.sourceHash === hash) return evaluate(readFileSync(join(input.prebuiltDir, `${name}.cjs`), 'utf8'), join(input.prebuiltDir, `${name}.cjs`), 'prebuilt', statSync(metaPath).mtime.toISOString(), meta.diagnostics);
      }
    }
    // 2. The content-hash cache: only changed files are compiled again.
    const id = createHash('sha256').update(input.file).update('\0').update(hash).digest('hex').slice(0, 24);
    const cached = join(input.cacheDir, `${id}.cjs`);
    const cachedMeta = join(input.cacheDir, `${id}.json`);
    if (existsSync(cached) && existsSync(cachedMeta)) {
      const meta = JSON.parse(readFileSync(cachedMeta, 'utf8')) as { diagnostics: Diagnostic[] };
      return evaluate(readFileSync(cached, 'utf8'), cached, 'cache', statSync(cached).mtime.toISOString(), meta.diagnostics);
    }
    // 3. Compile now (loads the compiler and ts-morph once).
    const compiler = await import('../../compiler/marrow/compile.js');
    const checked = compiler.checkSource(input.source, input.checkOptions);
    if (!checked.ok) {
      info.diagnostics = checked.diagnostics;
      return { info };
    }
    const result = await compiler.compileSource(input.source, input.checkOptions);
    const cjs = await compiler.transpileToCommonJs(result.code!, `${id}.ts`);
    try {
      writeAtomic(cached, cjs);
      writeAtomic(cachedMeta, JSON.stringify({ file: input.file, hash, diagnostics: result.diagnostics }));
    } catch { /* an unwritable cache only costs a recompile next time */ }
    return evaluate(cjs, cached, 'compiled', new Date().toISOString(), result.diagnostics);
  } catch (err) {
    info.diagnostics = [makeDiagnostic(MS.layerLoadFailed, { file: input.file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }, [(err as Error).message])];
    return { info };
  }
}

function externalNames(layers: LayerDefinition[]): import('../../compiler/marrow/checker.js').ExternalNames {
  const models = new Set<string>();
  const routers = new Set<string>();
  const prompts = new Map<string, { name: string; params: PromptDef['params']; returns: PromptDef['returns'] }>();
  for (const layer of layers) {
    for (const d of layer.manifest.declarations) if (d.kind === 'model') models.add(d.name);
    for (const name of Object.keys(layer.routers)) routers.add(name);
    for (const p of Object.values(layer.prompts)) prompts.set(p.name, { name: p.name, params: p.params, returns: p.returns });
  }
  return { models: [...models], routers: [...routers], prompts: [...prompts.values()] };
}

function locSpan(loc: string): Diagnostic['span'] {
  const i = loc.lastIndexOf(':');
  const line = Number(loc.slice(i + 1)) || 1;
  return { file: loc.slice(0, i), start: { offset: 0, line, column: 1 }, end: { offset: 0, line, column: 1 } };
}

function assemble(loaded: LayerDefinition[], layers: LayerInfo[], diagnostics: Diagnostic[], sources: Record<string, string>,
  envVars: Record<string, string | undefined>, templateDirs: string[]): AgentLayers {
  const env = new EnvReader(envVars);
  const prompts: Record<string, PromptDef> = {};
  const routers: Record<string, RouterDef> = {};
  const guards = new Map<string, GuardDef>();
  const modelSettings: Record<string, ModelSettings> = {};
  let budget: BudgetSettings = {};
  let defaultModel: string | undefined;
  let compressPrompt: string | undefined;
  let plan: CognitionConfig['plan'];

  for (const layer of loaded) {
    for (const [name, settings] of Object.entries(layer.models?.(env) ?? {})) modelSettings[name] = mergeDefined(modelSettings[name] ?? {}, settings);
    for (const [name, prompt] of Object.entries(layer.prompts)) {
      const previous = prompts[name];
      if (previous && ENGINE_PROMPTS.includes(name) && !sameSignature(previous, prompt)) {
        diagnostics.push(makeDiagnostic(MS.signatureMismatch, locSpan(prompt.loc), [`prompt '${name}' must keep the signature the engine calls (${signature(previous)}); this override is ignored`]));
        continue;
      }
      prompts[name] = prompt;
    }
    Object.assign(routers, layer.routers);
    // Replacing a guard keeps its place in the evaluation order.
    for (const [name, guard] of Object.entries(layer.guards)) guards.set(name, guard);
    budget = mergeDefined(budget, layer.budget?.(env));
    defaultModel = layer.defaultModel ?? defaultModel;
    compressPrompt = layer.compress ?? compressPrompt;
    if (layer.plan) plan = layer.plan;
  }

  const names = Object.keys(modelSettings);
  const chosenDefault = defaultModel ?? (names.includes('local') ? 'local' : names[0]) ?? 'local';
  const base = modelSettings[chosenDefault] ?? {};
  const models: Record<string, ResolvedModel> = {};
  for (const [name, settings] of Object.entries(modelSettings)) {
    // Unset fields inherit from the default model: `model strong { name: … }` shares its server.
    const { name: _n, optional: _o, ...inherited } = base;
    const merged = name === chosenDefault ? settings : mergeDefined(inherited as ModelSettings, settings);
    const { name: modelName, optional, retry, ...rest } = merged;
    models[name] = {
      decl: name,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      ...(modelName !== undefined ? { name: modelName } : {}),
      ...(retry ? { retry } : {}),
      available: !(optional === true && !modelName),
    } as ResolvedModel;
  }
  if (!models[chosenDefault]) models[chosenDefault] = { decl: chosenDefault, available: true };

  const policy = policyOf(loaded.map((l) => l.policy(env)));
  const missing = missingPolicyFields(policy);
  if (missing.length) {
    // Only a broken installation gets here: overrides merge onto the built-in layer, never remove.
    throw new Error(`the behaviour layers do not declare ${missing.join(', ')}: is agents/core.marrow missing or broken? (${layers.map((l) => `${l.file}: ${l.status}`).join('; ') || 'no layer found'})`);
  }
  const config: CognitionConfig = { prompts, routers, guards: [...guards.values()], models, defaultModel: chosenDefault, budget, templateDirs, ...(plan ? { plan } : {}) };
  return {
    policy, prompts, guards: config.guards, routers, models, defaultModel: chosenDefault, budget, config, layers, diagnostics, sources,
    envProblems: [...new Set(env.problems)],
    ...(compressPrompt ? { compressPrompt } : {}),
    ...(plan ? { plan } : {}),
    createRuntime: (host, runtimeOptions = {}) => new CognitionRuntime(config, { ...runtimeOptions, host, env: runtimeOptions.env ?? envVars }),
    describe(runtime) {
      return describeLayers({ layers, diagnostics }, runtime?.counterSnapshot());
    },
  };
}

function sameSignature(a: PromptDef, b: PromptDef): boolean {
  return JSON.stringify(a.params) === JSON.stringify(b.params) && JSON.stringify(a.returns) === JSON.stringify(b.returns);
}

function signature(p: PromptDef): string {
  return `(${p.params.map((x) => x.name).join(', ')})`;
}

/**
 * The policy of the built-in layer alone (agents/*.marrow, no project or user overrides), with
 * the given environment: what SmallCode does by default.
 */
export async function loadBuiltinPolicy(env: Record<string, string | undefined> = {}): Promise<AgentPolicy> {
  const nowhere = join(tmpdir(), 'smallcode-builtin-policy');
  const layers = await loadAgentLayers({ projectRoot: nowhere, userConfigDir: false, env, cacheDir: join(nowhere, 'cache') });
  return layers.policy;
}
