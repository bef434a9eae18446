import { didYouMean, type DiagnosticBag, type SourceSpan } from '../common/index.js';
import type { TypeRef } from '../../runtime/cognition/types.js';
import { INVALID_STRATEGIES } from '../../runtime/cognition/facts.js';
import { pathOf, type DeclarationNode, type Expr, type FieldNode, type MarrowFile, type TypeNode } from './ast.js';
import { MS } from './diagnostics.js';
import { BACKEND_KINDS } from './parser.js';
import type {
  GuardDecl, InvalidStrategy, ModelDecl, PlanDecl, Program, PromptDecl, Ref, RetrySpec, RouterDecl, Setting, SettingValue, SettingsDecl, StateScope, ToolDecl, ValueType,
} from './program.js';

/**
 * Binding: gives each generic declaration its meaning. One table of fields per declaration kind
 * (Langium's "validation per node kind"): unknown fields, wrong literal kinds, units and ranges
 * are reported here; names that point elsewhere are resolved later by checker.ts.
 */

type FieldType =
  | { t: 'string' }
  | { t: 'int'; min?: number; max?: number }
  | { t: 'number'; min?: number; max?: number }
  | { t: 'bool' }
  | { t: 'duration'; min?: number; max?: number }
  | { t: 'size'; unit: 'chars' | 'tokens'; min?: number; max?: number }
  | { t: 'percent' }
  | { t: 'word'; words: readonly string[] }
  | { t: 'numberList' }
  | { t: 'nameList' }
  | { t: 'special' };

export interface FieldSpec {
  key: string;
  /** The camelCase name in the emitted settings. */
  prop: string;
  type: FieldType;
  doc: string;
  /** env("VAR", default) allowed (settings resolved at load time). */
  env?: boolean;
  aliases?: string[];
}

const f = (key: string, prop: string, type: FieldType, doc: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ key, prop, type, doc, ...extra });
const SPECIAL: FieldType = { t: 'special' };
/** State a declaration keeps lives for one task (reset when the next starts) or the whole session. */
export const STATE_SCOPES = ['task', 'session'] as const;
const SCOPE: FieldType = { t: 'word', words: STATE_SCOPES };

/** The field tables; docs/marrowscript.md mirrors them. */
export const FIELDS: Record<string, FieldSpec[]> = {
  agent: [
    f('default_model', 'defaultModel', SPECIAL, 'The model whose settings fill the policy (default: `local`, else the first model).'),
    f('description', 'description', { t: 'string' }, 'Free text shown by /cognition.'),
    f('version', 'version', { t: 'string' }, 'Free text (upstream spelling).'),
  ],
  model: [
    f('provider', 'provider', { t: 'word', words: ['openai_compat', 'openai', 'ollama', 'lmstudio', 'llamacpp', 'vllm', 'openrouter', 'anthropic', 'local'] }, 'The API dialect.', { env: true }),
    f('endpoint', 'endpoint', { t: 'string' }, 'Base URL of the OpenAI-compatible server.', { env: true, aliases: ['base_url'] }),
    f('name', 'name', { t: 'string' }, "The server's model id.", { env: true }),
    f('context_window', 'contextWindow', SPECIAL, '`auto` (ask the server, else the profile) or a token count.', { env: true }),
    f('max_output', 'maxOutputTokens', { t: 'size', unit: 'tokens', min: 1 }, 'Reply cap in tokens.', { env: true, aliases: ['max_tokens'] }),
    f('temperature', 'temperature', { t: 'number', min: 0, max: 2 }, 'Sampling temperature.', { env: true }),
    f('timeout', 'timeoutMs', { t: 'duration', min: 1 }, 'Longest wait for the first token of a reply (prefill on a CPU can take minutes).', { env: true }),
    f('idle_timeout', 'idleTimeoutMs', { t: 'duration', min: 1 }, 'Longest silence in a reply after its first token; then the attempt is aborted.', { env: true }),
    f('retry_budget', 'retryBudgetMs', { t: 'duration', min: 1 }, 'Longest time all attempts of one request take together, waits included.', { env: true }),
    f('wait_notice', 'waitNoticeMs', { t: 'duration', min: 1 }, 'How often a wait for the model is reported (what for, how long so far).', { env: true }),
    f('retry', 'retry', SPECIAL, '{ max_attempts, backoff, interval, jitter } for transport failures.'),
    f('thinking_budget', 'thinkingBudgetTokens', { t: 'size', unit: 'tokens', min: 0 }, 'Cap on reasoning tokens.', { env: true }),
    f('optional', 'optional', { t: 'bool' }, 'When true and `name` resolves to nothing, the model is unavailable instead of an error.'),
    f('api_key', 'apiKey', { t: 'string' }, 'API key (use env()).', { env: true }),
    f('cost_class', 'costClass', { t: 'word', words: ['free', 'low', 'medium', 'high'] }, 'Upstream metadata.'),
    f('latency_class', 'latencyClass', { t: 'word', words: ['fast', 'medium', 'slow'] }, 'Upstream metadata.'),
  ],
  router: [
    f('by', 'by', SPECIAL, 'A numeric fact choosing the tier (e.g. session.failure_rate).'),
    f('min_calls', 'minCalls', { t: 'int', min: 0 }, 'Stay on the first tier until this many tool calls have happened.'),
    f('fallback', 'fallback', SPECIAL, 'Model used when the chosen tier is unavailable.'),
    f('on_low_confidence', 'onLowConfidence', { t: 'word', words: ['escalate', 'fallback', 'ignore'] }, 'What to do when a result carries confidence below the threshold.'),
    f('confidence_threshold', 'confidenceThreshold', { t: 'number', min: 0, max: 1 }, 'Confidence below which on_low_confidence applies.'),
  ],
  tier: [f('max', 'max', { t: 'number' }, 'Upper bound (inclusive) of the `by` value for this tier.')],
  prompt: [
    f('model', 'model', SPECIAL, 'Model declaration to call.'),
    f('router', 'router', SPECIAL, 'Router that picks the model.'),
    f('template', 'template', SPECIAL, 'templates/prompts/cognition/<name>.hbs'),
    f('system', 'system', { t: 'string' }, 'System message.'),
    f('returns', 'returns', SPECIAL, 'Return type (upstream spelling of `-> T`).'),
    f('timeout', 'timeoutMs', { t: 'duration', min: 1, max: 3_600_000 }, 'Per-attempt timeout.'),
    f('cache', 'cache', SPECIAL, '{ key: hash(param, …), ttl: 10m }'),
    f('retry', 'retry', SPECIAL, '{ max_attempts, backoff: fixed|exponential, interval, jitter }'),
    f('validate', 'validate', SPECIAL, 'Validator or list of validators.'),
    f('on_invalid', 'onInvalid', SPECIAL, 'Strategy or ordered list: retry, repair, escalate, fallback(x), fail.'),
    f('constraints', 'constraints', SPECIAL, 'Instructions added to the prompt.'),
    f('idempotent', 'idempotent', { t: 'bool' }, 'Safe to repeat (upstream metadata).'),
    f('max_tokens', 'maxTokens', { t: 'size', unit: 'tokens', min: 1 }, 'Reply cap.', { aliases: ['max_output'] }),
    f('budget', 'budgetTokens', { t: 'size', unit: 'tokens', min: 1 }, 'Token budget of one call (prompt + reply); over it the call fails before reaching the model.'),
    f('temperature', 'temperature', { t: 'number', min: 0, max: 2 }, 'Sampling temperature.'),
  ],
  context: [
    f('tool_result_max', 'toolResultMaxChars', { t: 'size', unit: 'chars', min: 100 }, 'Cap per tool result.', { env: true }),
    f('evict_at', 'evictAt', { t: 'percent' }, 'Context usage at which old tool results are evicted.', { env: true }),
    f('evict_to', 'evictTo', { t: 'percent' }, 'Low-water mark: once past evict_at, old tool results are evicted down to this share in one step, so the requests after it only append (prefix caching).', { env: true }),
    f('read_guard', 'readGuard', { t: 'percent' }, 'Share of the window past which a whole-file read_file answers with an outline.', { env: true }),
    f('keep_recent_turns', 'keepRecentTurns', { t: 'int', min: 0, max: 1000 }, 'Turns never compressed, and spared by eviction while evict_to can be reached without them (the newest always is).', { env: true }),
    f('reply_reserve', 'replyReserveTokens', { t: 'size', unit: 'tokens', min: 0 }, 'Tokens kept free for the reply.', { env: true }),
    f('reply_reserve_max', 'replyReserveMaxShare', { t: 'percent' }, 'Most of the window the reply reserve may take (small windows).', { env: true }),
    f('default_window', 'defaultContextWindow', { t: 'size', unit: 'tokens', min: 512 }, 'Context window when neither server nor profile says.', { env: true }),
    f('compact_at', 'compactMaxWindow', { t: 'size', unit: 'tokens', min: 0 }, 'Compact mode (short tool descriptions, categories added as the model asks) for context windows up to this size; 0 = never.', { env: true }),
    f('compact_open', 'compactOpen', { t: 'nameList' }, 'Compact mode: the tool categories offered from the first request (use_tools adds others); the tool list only grows, since each change makes a prefix-caching server prefill the whole prompt again.'),
    f('compress', 'compress', SPECIAL, 'The prompt that summarises history.'),
    f('skills_list', 'skillsListMaxTokens', { t: 'size', unit: 'tokens', min: 0 }, 'Most tokens the skills list (names and one-line descriptions) takes in the system prompt; 0 = no list.', { env: true }),
    f('mcp_wait', 'mcpWaitMs', { t: 'duration', min: 0, max: 600_000 }, 'How long a headless run (and the API) waits for its MCP servers to connect before the first request; the terminal never waits.', { env: true }),
    f('mcp_call_timeout', 'mcpCallTimeoutMs', { t: 'duration', min: 1 }, 'Longest an MCP tool call may take.', { env: true }),
  ],
  budget: [
    f('thinking', 'thinkingBudgetTokens', { t: 'size', unit: 'tokens', min: 0 }, 'Reasoning-token cap per reply.', { env: true }),
    f('per_turn', 'perTurnTokens', { t: 'size', unit: 'tokens', min: 1 }, 'Token cap per turn.', { env: true }),
    f('per_session', 'perSessionTokens', { t: 'size', unit: 'tokens', min: 1 }, 'Token cap per session.', { env: true }),
    f('max_turns', 'maxTurns', { t: 'int', min: 1, max: 10_000 }, 'Model round-trips per task.', { env: true }),
  ],
  guard: [
    f('on', 'on', SPECIAL, 'Event: turn, tool_call, tool_result, reply, plan.'),
    f('when', 'when', SPECIAL, 'Boolean expression over facts.'),
    f('then', 'then', SPECIAL, 'Action: steer("t"), reinject_task, force_tool("t"), rollback, escalate, compress, stop("why"), continue.'),
    f('max_trips', 'maxTrips', { t: 'int', min: 1 }, 'Trips after which the guard stays quiet, counted per `scope`.'),
    f('scope', 'scope', SCOPE, 'What the trip count belongs to: `task` (counted afresh for each task; the default) or `session`.'),
  ],
  tool: [
    f('trust', 'trust', SPECIAL, '{ demote_after, drop_after } consecutive failures.'),
    f('dedup', 'dedupWindow', SPECIAL, 'window(N): identical read-only calls within N calls reuse the result; off = 0.'),
    f('read_before_write', 'readBeforeWrite', { t: 'bool' }, 'Refuse a first write to an unread existing file.'),
    f('retry_temperature', 'retryTemperatures', { t: 'numberList' }, 'Temperature offsets for retries of a failed call.', { aliases: ['retry_temperatures'] }),
    f('timeout', 'timeoutMs', { t: 'duration', min: 1 }, 'Execution timeout.', { env: true }),
    f('persist', 'persist', { t: 'bool' }, 'bash only: keep one shell across calls.', { env: true }),
  ],
  plan: [
    f('when', 'when', SPECIAL, 'Boolean expression over facts: plan first when true.'),
    f('max_steps', 'maxSteps', { t: 'int', min: 1, max: 100 }, 'Longest plan.'),
    f('validate', 'validate', SPECIAL, 'How each step is checked: [lint, compile, test] or none.'),
    f('prompt', 'prompt', SPECIAL, 'Prompt that writes the plan.'),
  ],
  memory: [
    f('entries', 'maxEntries', { t: 'int', min: 0, max: 50 }, 'Most evidence entries of earlier tasks injected at the start of a task (0 = none).', { env: true }),
    f('tokens', 'maxTokens', { t: 'size', unit: 'tokens', min: 0 }, 'Token budget of what is injected (evidence and working memory).', { env: true }),
    f('max_age', 'maxAgeMs', { t: 'duration', min: 1 }, 'Evidence older than this is not injected (it stays searchable).', { env: true }),
  ],
  cache: [f('key', 'key', SPECIAL, 'hash(param, …)'), f('ttl', 'ttlMs', { t: 'duration', min: 1 }, 'Time to live.')],
  retry: [
    f('max_attempts', 'maxAttempts', { t: 'int', min: 1, max: 20 }, 'Attempts in total (1 = no retry).'),
    f('backoff', 'backoff', { t: 'word', words: ['fixed', 'exponential'] }, 'Delay growth.'),
    f('interval', 'intervalMs', { t: 'duration', min: 0 }, 'First delay.'),
    f('jitter', 'jitter', { t: 'bool' }, 'Randomise delays ±50%.'),
  ],
  trust: [
    f('demote_after', 'demoteAfter', { t: 'int', min: 1 }, 'Consecutive failures before the tool moves down the list.'),
    f('drop_after', 'dropAfter', { t: 'int', min: 1 }, 'Consecutive failures before it is dropped (for the rest of its `scope`).'),
    f('scope', 'scope', SCOPE, 'What the failure count belongs to: `task` (a new task trusts the tool again; the default) or `session`.'),
  ],
};

export const DECLARATION_KINDS = ['agent', 'system', 'model', 'router', 'prompt', 'context', 'guard', 'tool', 'budget', 'plan', 'memory'] as const;
const NAMED = new Set(['model', 'router', 'prompt', 'guard', 'tool']);
/** Member blocks that are really object-valued fields: `cache { key: …, ttl: … }`. */
const BLOCK_FIELDS = new Set(['cache', 'retry', 'trust']);

export function bindFile(ast: MarrowFile, diagnostics: DiagnosticBag): Program {
  const binder = new Binder(ast.file, diagnostics);
  for (const decl of ast.declarations) binder.topLevel(decl);
  return binder.program;
}

class Binder {
  readonly program: Program;
  private readonly seen = new Map<string, SourceSpan>();

  constructor(file: string, private readonly diagnostics: DiagnosticBag) {
    this.program = { file, models: [], routers: [], prompts: [], guards: [], tools: [] };
  }

  topLevel(decl: DeclarationNode): void {
    if (decl.kind === 'agent' || decl.kind === 'system') {
      this.agent(decl);
      return;
    }
    this.declaration(decl, 'the file');
  }

  private agent(decl: DeclarationNode): void {
    if (decl.name) this.program.agentName ??= decl.name;
    const settings: Record<string, Setting> = {};
    const fields: FieldNode[] = [];
    for (const member of decl.members) {
      if (member.type === 'Declaration') this.declaration(member, `${decl.kind} '${decl.name ?? ''}'`);
      else if (member.type === 'Field') fields.push(member);
      else this.diagnostics.report(MS.syntaxError, member.span, ["'->' is only meaningful in a router tier"]);
    }
    const table = this.fieldTable('agent', fields, `${decl.kind} '${decl.name ?? ''}'`);
    for (const [key, field] of table) {
      if (key === 'default_model') {
        const ref = this.ref(field.value, 'a model name');
        if (ref) this.program.defaultModel = ref;
      } else this.setting(settings, field, 'agent');
    }
    const agent: SettingsDecl = { kind: 'agent', span: decl.span, settings };
    this.program.agent = agent;
  }

  private declaration(decl: DeclarationNode, where: string): void {
    if (decl.skipped || BACKEND_KINDS.has(decl.kind)) {
      this.diagnostics.report(MS.backendDeclaration, decl.kindSpan, [decl.kind], 'move it to a .bone file and compile it with `smallcode bone compile`');
      return;
    }
    if (decl.kind === 'agent' || decl.kind === 'system') {
      this.diagnostics.report(MS.misplacedDeclaration, decl.kindSpan, [decl.kind, where]);
      return;
    }
    if (!(DECLARATION_KINDS as readonly string[]).includes(decl.kind)) {
      this.diagnostics.report(MS.unknownDeclarationKind, decl.kindSpan, [decl.kind, didYouMean(decl.kind, DECLARATION_KINDS)]);
      return;
    }
    if (NAMED.has(decl.kind) && !decl.name) {
      this.diagnostics.report(MS.missingName, decl.kindSpan, [decl.kind]);
      return;
    }
    if (!NAMED.has(decl.kind) && decl.name) this.diagnostics.report(MS.unexpectedName, decl.nameSpan ?? decl.kindSpan, [decl.kind, decl.name]);
    if (decl.params && decl.kind !== 'prompt') this.diagnostics.report(MS.syntaxError, decl.kindSpan, [`only a prompt takes parameters, not a ${decl.kind}`]);
    const id = NAMED.has(decl.kind) ? `${decl.kind} ${decl.name}` : decl.kind;
    const previous = this.seen.get(id);
    if (previous) {
      this.diagnostics.report(MS.duplicateDeclaration, decl.nameSpan ?? decl.kindSpan, [decl.kind, decl.name ?? decl.kind, previous.start.line]);
      return;
    }
    this.seen.set(id, decl.nameSpan ?? decl.kindSpan);
    switch (decl.kind) {
      case 'model': return this.model(decl);
      case 'router': return this.router(decl);
      case 'prompt': return this.prompt(decl);
      case 'guard': return this.guard(decl);
      case 'tool': return this.tool(decl);
      case 'context': return this.settingsDecl(decl, 'context');
      case 'budget': return this.settingsDecl(decl, 'budget');
      case 'plan': return this.plan(decl);
      case 'memory': return this.settingsDecl(decl, 'memory');
    }
  }

  /** The declaration's fields by marrow key, after aliases, duplicates and unknown keys. */
  private fieldTable(kind: string, members: Array<FieldNode | DeclarationNode | { type: 'Target'; span: SourceSpan }>, where: string, allowDecls: string[] = []): Map<string, FieldNode> {
    const specs = FIELDS[kind] ?? [];
    const out = new Map<string, FieldNode>();
    for (const member of members) {
      let field: FieldNode;
      if (member.type === 'Declaration') {
        if (allowDecls.includes(member.kind)) continue;
        if (BLOCK_FIELDS.has(member.kind) && specs.some((s) => s.key === member.kind) && !member.name) {
          field = { type: 'Field', key: member.kind, keySpan: member.kindSpan, value: { type: 'Object', entries: member.members.filter((m): m is FieldNode => m.type === 'Field'), span: member.span }, span: member.span };
        } else {
          this.diagnostics.report(MS.misplacedDeclaration, member.kindSpan, [member.kind, where]);
          continue;
        }
      } else if (member.type === 'Target') {
        if (kind !== 'tier') this.diagnostics.report(MS.syntaxError, member.span, ["'->' is only meaningful in a router tier"]);
        continue;
      } else field = member;
      const spec = specs.find((s) => s.key === field.key || s.aliases?.includes(field.key));
      if (!spec) {
        const names = specs.flatMap((s) => [s.key]);
        this.diagnostics.report(MS.unknownField, field.keySpan, [field.key, where, didYouMean(field.key, names)]);
        continue;
      }
      if (out.has(spec.key)) {
        this.diagnostics.report(MS.duplicateField, field.keySpan, [field.key]);
        continue;
      }
      out.set(spec.key, field);
    }
    return out;
  }

  private spec(kind: string, key: string): FieldSpec {
    return FIELDS[kind]!.find((s) => s.key === key)!;
  }

  /** Converts a plain-typed field into a setting; reports kind, unit and range errors. */
  private setting(into: Record<string, Setting>, field: FieldNode, kind: string): void {
    const spec = this.spec(kind, field.key) ?? FIELDS[kind]!.find((s) => s.aliases?.includes(field.key))!;
    const value = this.settingValue(field.value, spec);
    if (value) into[spec.prop] = { key: spec.key, value, span: field.span };
  }

  private settingValue(expr: Expr, spec: FieldSpec): SettingValue | undefined {
    const env = envCall(expr);
    if (env) {
      if (!spec.env) {
        this.diagnostics.report(MS.envMisuse, expr.span, [`'${spec.key}' is fixed when the file compiles; env() is allowed in model, context, budget, memory and tool settings`]);
        return undefined;
      }
      const [nameArg, fallbackArg, extra] = env.call.args;
      if (!nameArg || nameArg.value.type !== 'String' || extra) {
        this.diagnostics.report(MS.envMisuse, env.call.span, ['env() takes a variable name string and an optional default: env("SMALLCODE_MODEL", "qwen")']);
        return undefined;
      }
      const valueType = valueTypeOf(spec.type);
      const out: SettingValue = { kind: 'env', name: nameArg.value.value, valueType };
      if (fallbackArg) {
        const wrapped: Expr = env.unit ? { type: 'Sized', value: fallbackArg.value, unit: env.unit.unit, unitSpan: env.unit.span, span: fallbackArg.span } : fallbackArg.value;
        const fallback = this.constValue(wrapped, spec);
        if (fallback === undefined) return undefined;
        out.fallback = fallback as string | number | boolean;
        if (spec.type.t === 'duration' && fallbackArg.value.type === 'Duration') out.unitMs = durationUnitMs(fallbackArg.value.text);
      } else if (env.unit && spec.type.t === 'size' && env.unit.unit !== spec.type.unit) {
        this.diagnostics.report(MS.expectedSize, env.unit.span, [spec.type.unit, spec.key, env.unit.unit]);
      }
      if (spec.type.t === 'duration' && out.unitMs === undefined) out.unitMs = 1000;
      return out;
    }
    const value = this.constValue(expr, spec);
    return value === undefined ? undefined : { kind: 'const', value };
  }

  private constValue(expr: Expr, spec: FieldSpec): ConstValue | undefined {
    const type = spec.type;
    const found = describe(expr);
    const mismatch = (expected: string): undefined => {
      this.diagnostics.report(MS.typeMismatch, expr.span, [`${expected} for '${spec.key}'`, found]);
      return undefined;
    };
    const range = (v: number, min?: number, max?: number, shown = String(v)): number | undefined => {
      if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
        this.diagnostics.report(MS.outOfRange, expr.span, [`'${spec.key}'`, `${shown} is not within ${min ?? '-∞'}..${max ?? '∞'}`]);
        return undefined;
      }
      return v;
    };
    if (expr.type === 'Missing') return undefined;
    if (envCall(expr)) {
      this.diagnostics.report(MS.envMisuse, expr.span, [`'${spec.key}' is fixed when the file compiles; env() is allowed in model, context, budget, memory and tool settings`]);
      return undefined;
    }
    switch (type.t) {
      case 'string':
        return expr.type === 'String' ? expr.value : mismatch('a string');
      case 'bool':
        return expr.type === 'Bool' ? expr.value : mismatch('true or false');
      case 'int':
        if (expr.type !== 'Number' || !Number.isInteger(expr.value)) return mismatch('a whole number');
        return range(expr.value, type.min, type.max);
      case 'number':
        if (expr.type !== 'Number') return mismatch('a number');
        return range(expr.value, type.min, type.max);
      case 'duration':
        if (expr.type !== 'Duration') {
          this.diagnostics.report(MS.expectedDuration, expr.span, [spec.key, found]);
          return undefined;
        }
        return range(expr.ms, type.min, type.max, expr.text);
      case 'size': {
        const inner = expr.type === 'Sized' ? expr.value : expr;
        if (expr.type === 'Sized' && expr.unit !== type.unit) {
          this.diagnostics.report(MS.expectedSize, expr.unitSpan, [type.unit, spec.key, expr.unit]);
          return undefined;
        }
        if (inner.type !== 'Number' || !Number.isInteger(inner.value)) {
          this.diagnostics.report(MS.expectedSize, expr.span, [type.unit, spec.key, describe(inner)]);
          return undefined;
        }
        return range(inner.value, type.min, type.max);
      }
      case 'percent':
        if (expr.type === 'Percent') return range(expr.value, 0, 1, expr.text);
        if (expr.type === 'Number' && expr.value >= 0 && expr.value <= 1) return expr.value;
        this.diagnostics.report(MS.expectedPercentage, expr.span, [spec.key, found]);
        return undefined;
      case 'word': {
        const word = expr.type === 'Name' ? expr.name : expr.type === 'String' ? expr.value : undefined;
        if (word === undefined) return mismatch(`one of ${type.words.join(', ')}`);
        if (!type.words.includes(word)) {
          this.diagnostics.report(MS.typeMismatch, expr.span, [`one of ${type.words.join(', ')} for '${spec.key}'`, `'${word}'${didYouMean(word, type.words)}`]);
          return undefined;
        }
        return word;
      }
      case 'numberList': {
        if (expr.type !== 'List') return mismatch('a list of numbers');
        const out: number[] = [];
        for (const item of expr.items) {
          if (item.type !== 'Number') {
            this.diagnostics.report(MS.typeMismatch, item.span, [`a number in '${spec.key}'`, describe(item)]);
            return undefined;
          }
          out.push(item.value);
        }
        return out;
      }
      case 'nameList': {
        if (expr.type !== 'List') return mismatch('a list of names, e.g. [read, write]');
        const out: string[] = [];
        for (const item of expr.items) {
          const name = item.type === 'Name' ? item.name : item.type === 'String' ? item.value : undefined;
          if (name === undefined) {
            this.diagnostics.report(MS.typeMismatch, item.span, [`a name in '${spec.key}'`, describe(item)]);
            return undefined;
          }
          out.push(name);
        }
        return out;
      }
      case 'special':
        return undefined;
    }
  }

  private numberOf(field: FieldNode | undefined, kind: string): number | undefined {
    if (!field) return undefined;
    const value = this.constValue(field.value, this.spec(kind, field.key) ?? FIELDS[kind]!.find((s) => s.aliases?.includes(field.key))!);
    return typeof value === 'number' ? value : undefined;
  }

  private scopeOf(field: FieldNode | undefined, kind: string): StateScope | undefined {
    if (!field) return undefined;
    const value = this.constValue(field.value, this.spec(kind, field.key)!);
    return (STATE_SCOPES as readonly unknown[]).includes(value) ? (value as StateScope) : undefined;
  }

  private ref(expr: Expr, expected: string): Ref | undefined {
    if (expr.type === 'Name') return { name: expr.name, span: expr.span };
    if (expr.type === 'String') return { name: expr.value, span: expr.span };
    if (expr.type !== 'Missing') this.diagnostics.report(MS.typeMismatch, expr.span, [expected, describe(expr)]);
    return undefined;
  }

  private refs(expr: Expr, expected: string): Ref[] {
    const items = expr.type === 'List' ? expr.items : [expr];
    return items.map((i) => this.ref(i, expected)).filter((r): r is Ref => r !== undefined);
  }

  private objectFields(field: FieldNode, kind: string): Map<string, FieldNode> | undefined {
    if (field.value.type !== 'Object') {
      this.diagnostics.report(MS.typeMismatch, field.value.span, [`{ … } for '${field.key}'`, describe(field.value)]);
      return undefined;
    }
    return this.fieldTable(kind, field.value.entries, `'${field.key}'`);
  }

  private retry(field: FieldNode): RetrySpec | undefined {
    const table = this.objectFields(field, 'retry');
    if (!table) return undefined;
    const word = (key: string) => {
      const fn = table.get(key);
      return fn ? this.constValue(fn.value, this.spec('retry', key)) : undefined;
    };
    return {
      maxAttempts: this.numberOf(table.get('max_attempts'), 'retry') ?? 3,
      backoff: (word('backoff') as 'fixed' | 'exponential' | undefined) ?? 'exponential',
      intervalMs: this.numberOf(table.get('interval'), 'retry') ?? 500,
      jitter: (word('jitter') as boolean | undefined) ?? false,
      span: field.span,
    };
  }

  private model(decl: DeclarationNode): void {
    const table = this.fieldTable('model', decl.members, `model '${decl.name}'`);
    const model: ModelDecl = { kind: 'model', name: decl.name!, span: decl.nameSpan!, settings: {} };
    for (const [key, field] of table) {
      if (key === 'retry') {
        const retry = this.retry(field);
        if (retry) model.retry = retry;
      } else if (key === 'context_window') {
        if (field.value.type === 'Name' && field.value.name === 'auto') model.settings.contextWindow = { key, value: { kind: 'const', value: 'auto' }, span: field.span };
        else {
          const value = this.settingValue(field.value, { ...this.spec('model', key), type: { t: 'size', unit: 'tokens', min: 256 } });
          if (value) model.settings.contextWindow = { key, value, span: field.span };
        }
      } else this.setting(model.settings, field, 'model');
    }
    this.program.models.push(model);
  }

  private router(decl: DeclarationNode): void {
    const where = `router '${decl.name}'`;
    const table = this.fieldTable('router', decl.members, where, ['tier']);
    const router: RouterDecl = { kind: 'router', name: decl.name!, span: decl.nameSpan!, minCalls: this.numberOf(table.get('min_calls'), 'router') ?? 0, tiers: [] };
    const by = table.get('by');
    if (by) router.by = by.value;
    const fallback = table.get('fallback');
    if (fallback) {
      const ref = this.ref(fallback.value, 'a model name');
      if (ref) router.fallback = ref;
    }
    const low = table.get('on_low_confidence');
    if (low) router.onLowConfidence = this.constValue(low.value, this.spec('router', 'on_low_confidence')) as RouterDecl['onLowConfidence'];
    const threshold = this.numberOf(table.get('confidence_threshold'), 'router');
    if (threshold !== undefined) router.confidenceThreshold = threshold;
    for (const member of decl.members) {
      if (member.type !== 'Declaration' || member.kind !== 'tier') continue;
      const tierWhere = `tier '${member.name ?? ''}'`;
      const tierTable = this.fieldTable('tier', member.members, tierWhere);
      const targets = member.members.flatMap((m) => (m.type === 'Target' ? [m] : m.type === 'Field' && m.target ? [m.target] : []));
      if (!member.name) this.diagnostics.report(MS.missingName, member.kindSpan, ['tier']);
      if (targets.length === 0) {
        this.diagnostics.report(MS.missingField, member.kindSpan, [tierWhere, '-> model']);
        continue;
      }
      const tier = { name: member.name ?? `tier${router.tiers.length + 1}`, model: { name: targets[0]!.name, span: targets[0]!.span }, span: member.nameSpan ?? member.kindSpan } as RouterDecl['tiers'][number];
      const max = this.numberOf(tierTable.get('max'), 'tier');
      if (max !== undefined) tier.max = max;
      router.tiers.push(tier);
    }
    if (router.tiers.length === 0) this.diagnostics.report(MS.missingField, decl.nameSpan!, [where, 'tier']);
    this.program.routers.push(router);
  }

  private prompt(decl: DeclarationNode): void {
    const where = `prompt '${decl.name}'`;
    const table = this.fieldTable('prompt', decl.members, where);
    const params = (decl.params ?? []).map((p) => ({ name: p.name, type: this.typeRef(p.typeNode), span: p.nameSpan }));
    const returnsField = table.get('returns');
    let returns: TypeRef = { kind: 'string' };
    let returnsSpan = decl.nameSpan!;
    if (decl.returns) {
      returns = this.typeRef(decl.returns);
      returnsSpan = decl.returns.span;
    } else if (returnsField) {
      returns = this.typeFromExpr(returnsField.value);
      returnsSpan = returnsField.value.span;
    }
    const prompt: PromptDecl = {
      kind: 'prompt', name: decl.name!, span: decl.nameSpan!, params, returns, returnsSpan,
      validate: [], onInvalid: [], constraints: [], idempotent: false,
    };
    for (const [key, field] of table) {
      switch (key) {
        case 'model': case 'router': case 'template': {
          const ref = this.ref(field.value, `a ${key} name`);
          if (ref) prompt[key] = ref;
          break;
        }
        case 'system': {
          const v = this.constValue(field.value, this.spec('prompt', key));
          if (typeof v === 'string') prompt.system = v;
          break;
        }
        case 'timeout': { const v = this.numberOf(field, 'prompt'); if (v !== undefined) prompt.timeoutMs = v; break; }
        case 'max_tokens': { const v = this.numberOf(field, 'prompt'); if (v !== undefined) prompt.maxTokens = v; break; }
        case 'budget': { const v = this.numberOf(field, 'prompt'); if (v !== undefined) prompt.budgetTokens = v; break; }
        case 'temperature': { const v = this.numberOf(field, 'prompt'); if (v !== undefined) prompt.temperature = v; break; }
        case 'idempotent': prompt.idempotent = this.constValue(field.value, this.spec('prompt', key)) === true; break;
        case 'retry': { const r = this.retry(field); if (r) prompt.retry = r; break; }
        case 'cache': {
          const cache = this.objectFields(field, 'cache');
          if (!cache) break;
          const keyField = cache.get('key');
          const ttl = this.numberOf(cache.get('ttl'), 'cache');
          if (!keyField) this.diagnostics.report(MS.missingField, field.keySpan, [`cache of '${decl.name}'`, 'key']);
          if (ttl === undefined && !cache.get('ttl')) this.diagnostics.report(MS.missingField, field.keySpan, [`cache of '${decl.name}'`, 'ttl']);
          if (keyField) {
            const key = keyField.value.type === 'Call' && pathOf(keyField.value.callee) === 'hash' ? keyField.value.args.map((a) => a.value) : [keyField.value];
            prompt.cache = { key, keyParams: [], ttlMs: ttl ?? 600_000, span: keyField.span };
          }
          break;
        }
        case 'validate': prompt.validate = this.refs(field.value, 'a validator name'); break;
        case 'on_invalid': prompt.onInvalid = this.strategies(field.value); break;
        case 'constraints': {
          const items = field.value.type === 'List' ? field.value.items : [field.value];
          for (const item of items) {
            if (item.type === 'String') prompt.constraints.push(item.value);
            else if (item.type === 'Name') prompt.constraints.push(item.name.replace(/_/g, ' '));
            else this.diagnostics.report(MS.typeMismatch, item.span, ['a string constraint', describe(item)]);
          }
          break;
        }
      }
    }
    this.program.prompts.push(prompt);
  }

  private strategies(expr: Expr): InvalidStrategy[] {
    const items = expr.type === 'List' ? expr.items : [expr];
    const out: InvalidStrategy[] = [];
    for (const item of items) {
      const name = item.type === 'Name' ? item.name : item.type === 'Call' ? pathOf(item.callee) : undefined;
      if (!name || !(INVALID_STRATEGIES as readonly string[]).includes(name)) {
        this.diagnostics.report(MS.unknownStrategy, item.span, [name ?? describe(item), name ? didYouMean(name, INVALID_STRATEGIES) : '']);
        continue;
      }
      if (name === 'fallback') {
        const arg = item.type === 'Call' ? item.args[0]?.value : undefined;
        if (!arg) {
          this.diagnostics.report(MS.badArguments, item.span, ['fallback needs a target: fallback(heuristic), fallback(other_prompt) or fallback("value")']);
          continue;
        }
        const target: Extract<InvalidStrategy, { kind: 'fallback' }>['target'] =
          arg.type === 'Name' && arg.name === 'heuristic' ? { kind: 'heuristic' }
            : arg.type === 'Name' ? { kind: 'prompt', name: arg.name }
              : { kind: 'value', value: literalValue(arg) };
        out.push({ kind: 'fallback', span: item.span, target });
        continue;
      }
      const kind = name === 'retry_with_repair_prompt' ? 'repair' : (name as 'retry' | 'repair' | 'escalate' | 'fail');
      out.push({ kind, span: item.span });
    }
    return out;
  }

  private guard(decl: DeclarationNode): void {
    const table = this.fieldTable('guard', decl.members, `guard '${decl.name}'`);
    const on = table.get('on');
    const onRef = on ? this.ref(on.value, 'an event name') : undefined;
    if (!on) this.diagnostics.report(MS.missingField, decl.nameSpan!, [`guard '${decl.name}'`, 'on']);
    const guard: GuardDecl = { kind: 'guard', name: decl.name!, span: decl.nameSpan!, on: onRef ?? { name: 'turn', span: decl.nameSpan! } };
    const when = table.get('when');
    if (when) guard.when = when.value;
    else this.diagnostics.report(MS.missingField, decl.nameSpan!, [`guard '${decl.name}'`, 'when']);
    const then = table.get('then');
    if (then) {
      const expr = then.value;
      const name = expr.type === 'Name' ? expr.name : expr.type === 'Call' ? pathOf(expr.callee) : undefined;
      if (!name) this.diagnostics.report(MS.typeMismatch, expr.span, ['an action such as steer("repetition")', describe(expr)]);
      else {
        const args: Array<string | number> = [];
        const argSpans: SourceSpan[] = [];
        for (const a of expr.type === 'Call' ? expr.args : []) {
          const v = literalValue(a.value);
          if (typeof v === 'string' || typeof v === 'number') {
            args.push(v);
            argSpans.push(a.value.span);
          } else this.diagnostics.report(MS.typeMismatch, a.value.span, ['a string or number argument', describe(a.value)]);
        }
        guard.then = { name, args, span: expr.span, argSpans };
      }
    } else this.diagnostics.report(MS.missingField, decl.nameSpan!, [`guard '${decl.name}'`, 'then']);
    const maxTrips = this.numberOf(table.get('max_trips'), 'guard');
    if (maxTrips !== undefined) guard.maxTrips = maxTrips;
    const scope = this.scopeOf(table.get('scope'), 'guard');
    if (scope) guard.scope = scope;
    this.program.guards.push(guard);
  }

  private tool(decl: DeclarationNode): void {
    const table = this.fieldTable('tool', decl.members, `tool '${decl.name}'`);
    const tool: ToolDecl = { kind: 'tool', name: decl.name!, span: decl.nameSpan!, settings: {} };
    for (const [key, field] of table) {
      if (key === 'trust') {
        const trust = this.objectFields(field, 'trust');
        if (!trust) continue;
        const demoteAfter = this.numberOf(trust.get('demote_after'), 'trust');
        const dropAfter = this.numberOf(trust.get('drop_after'), 'trust');
        if (demoteAfter === undefined || dropAfter === undefined) {
          if (!trust.get('demote_after') || !trust.get('drop_after')) this.diagnostics.report(MS.missingField, field.keySpan, ['trust', trust.get('demote_after') ? 'drop_after' : 'demote_after']);
          continue;
        }
        if (dropAfter < demoteAfter) {
          this.diagnostics.report(MS.outOfRange, trust.get('drop_after')!.value.span, ["'drop_after'", `${dropAfter} is below demote_after (${demoteAfter})`]);
          continue;
        }
        tool.trust = { demoteAfter, dropAfter, span: field.span };
        const scope = this.scopeOf(trust.get('scope'), 'trust');
        if (scope) tool.trust.scope = scope;
      } else if (key === 'dedup') {
        const v = field.value;
        let window: number | undefined;
        if (v.type === 'Call' && pathOf(v.callee) === 'window' && v.args.length === 1 && v.args[0]!.value.type === 'Number') window = v.args[0]!.value.value;
        else if (v.type === 'Number') window = v.value;
        else if (v.type === 'Name' && v.name === 'off') window = 0;
        else if (v.type === 'Bool' && !v.value) window = 0;
        if (window === undefined || !Number.isInteger(window) || window < 0) {
          this.diagnostics.report(MS.typeMismatch, v.span, ["window(N) or off for 'dedup'", describe(v)]);
          continue;
        }
        tool.settings.dedupWindow = { key, value: { kind: 'const', value: window }, span: field.span };
      } else this.setting(tool.settings, field, 'tool');
    }
    this.program.tools.push(tool);
  }

  private settingsDecl(decl: DeclarationNode, kind: 'context' | 'budget' | 'memory'): void {
    const table = this.fieldTable(kind, decl.members, kind);
    const out: SettingsDecl = { kind, span: decl.kindSpan, settings: {} };
    for (const [key, field] of table) {
      if (key === 'compress') {
        const ref = this.ref(field.value, 'a prompt name');
        if (ref) this.program.compress = ref;
      } else this.setting(out.settings, field, kind);
    }
    this.program[kind] = out;
  }

  private plan(decl: DeclarationNode): void {
    const table = this.fieldTable('plan', decl.members, 'plan');
    const plan: PlanDecl = { kind: 'plan', span: decl.kindSpan, validate: [] };
    const when = table.get('when');
    if (when) plan.when = when.value;
    const maxSteps = this.numberOf(table.get('max_steps'), 'plan');
    if (maxSteps !== undefined) plan.maxSteps = maxSteps;
    const validate = table.get('validate');
    if (validate) plan.validate = this.refs(validate.value, 'a step check');
    const prompt = table.get('prompt');
    if (prompt) {
      const ref = this.ref(prompt.value, 'a prompt name');
      if (ref) plan.prompt = ref;
    }
    this.program.plan = plan;
  }

  typeRef(node: TypeNode): TypeRef {
    let out: TypeRef;
    if (node.type === 'RecordType') {
      out = { kind: 'record', fields: node.fields.map((p) => ({ name: p.name, type: this.typeRef(p.typeNode) })) };
    } else {
      switch (node.name) {
        case 'string': case 'text': out = { kind: 'string' }; break;
        case 'int': case 'integer': out = { kind: 'int' }; break;
        case 'float': case 'number': out = { kind: 'float' }; break;
        case 'bool': case 'boolean': out = { kind: 'bool' }; break;
        case 'enum':
          if (node.literals.length === 0) this.diagnostics.report(MS.badArguments, node.span, ['enum(...) needs at least one value']);
          out = { kind: 'enum', values: node.literals.map(String) };
          break;
        case 'list':
          if (node.args.length !== 1) this.diagnostics.report(MS.badArguments, node.span, ['list<T> takes one item type']);
          out = { kind: 'list', item: node.args[0] ? this.typeRef(node.args[0]) : { kind: 'string' } };
          break;
        default:
          this.diagnostics.report(MS.unknownType, node.span, [node.name, didYouMean(node.name, ['string', 'int', 'float', 'bool', 'enum', 'list'])]);
          out = { kind: 'string' };
      }
    }
    return node.optional ? { kind: 'optional', inner: out } : out;
  }

  /** `returns: string` / `returns: enum("a", "b")` — the upstream field spelling of a type. */
  private typeFromExpr(expr: Expr): TypeRef {
    if (expr.type === 'Name') return this.typeRef({ type: 'NamedType', name: expr.name, literals: [], args: [], optional: false, span: expr.span });
    if (expr.type === 'Call' && pathOf(expr.callee) === 'enum') {
      return { kind: 'enum', values: expr.args.map((a) => String(literalValue(a.value))) };
    }
    this.diagnostics.report(MS.typeMismatch, expr.span, ['a type such as string or enum("a", "b")', describe(expr)]);
    return { kind: 'string' };
  }
}

type ConstValue = Extract<SettingValue, { kind: 'const' }>['value'];

function envCall(expr: Expr): { call: Extract<Expr, { type: 'Call' }>; unit?: { unit: string; span: SourceSpan } } | undefined {
  if (expr.type === 'Call' && pathOf(expr.callee) === 'env') return { call: expr };
  if (expr.type === 'Sized' && expr.value.type === 'Call' && pathOf(expr.value.callee) === 'env') {
    return { call: expr.value, unit: { unit: expr.unit, span: expr.unitSpan } };
  }
  return undefined;
}

function valueTypeOf(type: FieldType): ValueType {
  switch (type.t) {
    case 'int': return 'int';
    case 'number': return 'number';
    case 'bool': return 'bool';
    case 'duration': return 'duration';
    case 'size': return 'size';
    case 'percent': return 'percent';
    default: return 'string';
  }
}

function durationUnitMs(text: string): number {
  const unit = /[a-z]+$/.exec(text)?.[0] ?? 'ms';
  return ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as Record<string, number>)[unit] ?? 1;
}

export function literalValue(expr: Expr): unknown {
  switch (expr.type) {
    case 'Number': return expr.value;
    case 'String': return expr.value;
    case 'Bool': return expr.value;
    case 'Null': return null;
    case 'Duration': return expr.ms;
    case 'Percent': return expr.value;
    case 'Name': return expr.name;
    case 'List': return expr.items.map(literalValue);
    case 'Sized': return literalValue(expr.value);
    default: return undefined;
  }
}

/** How a value reads in a message: `'abc'`, `a duration (3s)`, `the name 'x'`. */
export function describe(expr: Expr): string {
  switch (expr.type) {
    case 'Number': return `the number ${expr.value}`;
    case 'String': return `the string "${expr.value}"`;
    case 'Bool': return String(expr.value);
    case 'Null': return 'null';
    case 'Duration': return `the duration ${expr.text}`;
    case 'Percent': return `the percentage ${expr.text}`;
    case 'Regex': return 'a regular expression';
    case 'Name': return `'${expr.name}'`;
    case 'Member': return `'${pathOf(expr) ?? 'a member access'}'`;
    case 'Call': return `a call of ${pathOf(expr.callee) ?? 'an expression'}`;
    case 'Sized': return `a size in ${expr.unit}`;
    case 'List': return 'a list';
    case 'Object': return 'an object';
    case 'Unary': case 'Binary': return 'an expression';
    case 'Missing': return 'nothing';
  }
}
