import type { StatementStructures } from 'ts-morph';
import type { TypeRef } from '../../runtime/cognition/types.js';
import { factSpec } from '../../runtime/cognition/facts.js';
import { pathOf, type DeclarationNode, type Expr, type MarrowFile } from './ast.js';
import type { InvalidStrategy, ModelDecl, Program, PromptDecl, Setting, SettingValue } from './program.js';

/** The specifier compiled layers import; the loader maps it to the in-process runtime/cognition. */
export const COGNITION_IMPORT = 'smallcode/cognition';
export { COMPILER_VERSION } from './hash.js';
import { COMPILER_VERSION } from './hash.js';

export interface EmitInput {
  ast: MarrowFile;
  program: Program;
  sourceHash: string;
}

/** Code inside a value tree: written verbatim (functions, env reads, expressions). */
class Code {
  constructor(readonly render: (indent: string) => string) {}
}
const code = (text: string) => new Code(() => text);
/** `(env: EnvReader) => ({ … })` with the object indented where it lands. */
const lambda = (head: string, body: Value) => new Code((indent) => `${head} => (${valueText(body, indent)})`);
type Value = Code | string | number | boolean | null | undefined | Value[] | { [key: string]: Value };

let tsMorph: typeof import('ts-morph') | undefined;
/** ts-morph (and the TypeScript it bundles) is heavy: loaded on the first emit only. */
export async function loadTsMorph(): Promise<typeof import('ts-morph')> {
  tsMorph ??= await import('ts-morph');
  return tsMorph;
}

/**
 * Builds one TypeScript module per .marrow file with ts-morph: the layer definition (models,
 * policy patch, routers, prompts, guards, plan, manifest), one typed function per prompt, and the
 * result types. Output depends only on the input (no clocks, no paths outside the file name).
 */
export async function emitModule(input: EmitInput): Promise<string> {
  const { Project, IndentationText, QuoteKind, StructureKind } = await loadTsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double, useTrailingCommas: true },
  });
  const { program, ast } = input;
  const typeImports = ['CallOptions', 'CognitionRuntime', 'EnvReader', 'Facts'];

  const layer: Record<string, Value> = {
    source: { file: program.file, hash: input.sourceHash, compiler: COMPILER_VERSION },
    agent: program.agentName,
    defaultModel: program.defaultModel?.name,
    compress: program.compress?.name,
    models: program.models.length ? lambda('(env: EnvReader)', modelsValue(program.models)) : undefined,
    policy: lambda('(env: EnvReader)', policyValue(program)),
    budget: program.budget ? lambda('(env: EnvReader)', settingsObject(program.budget.settings)) : undefined,
    routers: Object.fromEntries(program.routers.map((r) => [r.name, {
      name: r.name,
      by: r.by ? code(`(f: Facts): number => ${exprText(r.by)}`) : undefined,
      minCalls: r.minCalls,
      window: r.window,
      downAfter: r.downAfter,
      fallback: r.fallback?.name,
      onLowConfidence: r.onLowConfidence,
      confidenceThreshold: r.confidenceThreshold,
      tiers: r.tiers.map((t) => ({ name: t.name, max: t.max, model: t.model.name })),
      loc: loc(program.file, r.span.start.line),
    }])),
    prompts: Object.fromEntries(program.prompts.map((p) => [p.name, promptValue(program.file, p)])),
    guards: Object.fromEntries(program.guards.map((g) => [g.name, {
      name: g.name,
      on: g.on.name,
      when: code(`(f: Facts): boolean => ${g.when ? exprText(g.when) : 'false'}`),
      then: g.then ? { name: g.then.name, args: g.then.args } : { name: 'continue', args: [] },
      maxTrips: g.maxTrips,
      scope: g.scope ?? 'task',
      loc: loc(program.file, g.span.start.line),
    }])),
    plan: program.plan ? {
      when: program.plan.when ? code(`(f: Facts): boolean => ${exprText(program.plan.when)}`) : undefined,
      maxSteps: program.plan.maxSteps,
      validate: program.plan.validate.map((v) => v.name),
      prompt: program.plan.prompt?.name,
      loc: loc(program.file, program.plan.span.start.line),
    } : undefined,
    manifest: manifestValue(ast),
  };

  // One structure, printed once: ts-morph re-parses the file after every manipulation, so
  // adding statements one by one is quadratic in the number of declarations.
  const statements: Array<string | StatementStructures> = [
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: COGNITION_IMPORT, namedImports: ['defineLayer', ...typeImports.map((name) => ({ name, isTypeOnly: true }))] },
    // The layer object is data printed by valueText (already formatted); the writer would
    // otherwise re-indent it as a continuation of `const layer =`.
    `\nexport const layer = defineLayer(${valueText(layer, '')});\n`,
    ...program.prompts.flatMap((prompt) => promptFunction(prompt, StructureKind)),
  ];
  const sf = project.createSourceFile('/layer.ts', { statements }, { overwrite: true });
  const header = `// Generated by the MarrowScript compiler from ${program.file} (${input.sourceHash}). Do not edit: edit the .marrow file.\n`;
  return header + sf.getFullText().trimStart();
}

function promptFunction(prompt: PromptDecl, kinds: typeof import('ts-morph').StructureKind): StatementStructures[] {
  const resultType = typeToTs(prompt.returns);
  return [{ kind: kinds.TypeAlias, isExported: true, name: `${pascal(prompt.name)}Result`, type: resultType }, {
    kind: kinds.Function,
    isExported: true,
    name: prompt.name,
    docs: [`The \`${prompt.name}\` prompt with its declared cache, routing, timeout, retry, validation and repair.`],
    parameters: [
      { name: 'runtime', type: 'CognitionRuntime' },
      ...prompt.params.map((p) => ({ name: safeIdent(p.name), type: typeToTs(p.type) })),
      { name: 'options', type: 'CallOptions', hasQuestionToken: true },
    ],
    returnType: `Promise<${pascal(prompt.name)}Result>`,
    statements: [
      `return runtime.callPrompt(layer.prompts.${prompt.name}, { ${prompt.params.map((p) => (safeIdent(p.name) === p.name ? p.name : `${p.name}: ${safeIdent(p.name)}`)).join(', ')} }, options) as Promise<${pascal(prompt.name)}Result>;`,
    ],
  }];
}

function promptValue(file: string, p: PromptDecl): Value {
  return {
    name: p.name,
    params: p.params.map((param) => ({ name: param.name, type: typeRefValue(param.type) })),
    returns: typeRefValue(p.returns),
    model: p.model?.name,
    router: p.router?.name,
    template: p.template?.name,
    system: p.system,
    timeoutMs: p.timeoutMs,
    cache: p.cache ? {
      key: code(`(args: Record<string, unknown>): unknown[] => [${p.cache.key.map((k) => argsPath(k)).join(', ')}]`),
      ttlMs: p.cache.ttlMs,
    } : undefined,
    retry: p.retry ? { maxAttempts: p.retry.maxAttempts, backoff: p.retry.backoff, intervalMs: p.retry.intervalMs, jitter: p.retry.jitter } : undefined,
    validate: p.validate.map((v) => v.name),
    onInvalid: p.onInvalid.map(strategyValue),
    constraints: p.constraints,
    idempotent: p.idempotent,
    maxTokens: p.maxTokens,
    budgetTokens: p.budgetTokens,
    temperature: p.temperature,
    loc: loc(file, p.span.start.line),
  };
}

function strategyValue(s: InvalidStrategy): Value {
  if (s.kind !== 'fallback') return { kind: s.kind };
  const t = s.target;
  if (t.kind === 'heuristic') return { kind: 'fallback', heuristic: true };
  if (t.kind === 'prompt') return { kind: 'fallback', prompt: t.name };
  return { kind: 'fallback', value: t.value as Value };
}

/** `message` → `args["message"]`, `req.files` → `(args["req"] as any)?.files`; keys read parameters only (checked). */
function argsPath(expr: Expr): string {
  const path = pathOf(expr);
  if (!path) return 'undefined';
  const [head, ...rest] = path.split('.');
  return rest.reduce((acc, part) => `(${acc} as Record<string, unknown> | undefined)?.[${JSON.stringify(part)}]`, `args[${JSON.stringify(head)}]`);
}

function typeRefValue(t: TypeRef): Value {
  return t as unknown as Value;
}

function modelsValue(models: ModelDecl[]): Value {
  return Object.fromEntries(models.map((m) => [m.name, {
    ...settingsObject(m.settings),
    retry: m.retry ? { maxAttempts: m.retry.maxAttempts, backoff: m.retry.backoff, intervalMs: m.retry.intervalMs, jitter: m.retry.jitter } : undefined,
  }]));
}

function settingsObject(settings: Record<string, Setting>): Record<string, Value> {
  return Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, settingValue(s.value)]));
}

/** The file's contribution to the AgentPolicy: only what it declares (layers merge field by field). */
function policyValue(program: Program): Record<string, Value> {
  const ctx = program.context?.settings ?? {};
  const budget = program.budget?.settings ?? {};
  const defaultName = program.defaultModel?.name ?? 'local';
  const model = program.models.find((m) => m.name === defaultName);
  const pick = (settings: Record<string, Setting>, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => settings[k]).map((k) => [k, settingValue(settings[k]!.value)]));
  const out: Record<string, Value> = {};
  const context = pick(ctx, ['toolResultMaxChars', 'evictAt', 'evictTo', 'readGuard', 'keepRecentTurns', 'replyReserveTokens', 'replyReserveMaxShare', 'defaultContextWindow', 'compactMaxWindow', 'compactOpen', 'skillsListMaxTokens', 'mcpWaitMs', 'mcpCallTimeoutMs']);
  if (Object.keys(context).length) out.context = context;
  if (budget.maxTurns) out.loop = { maxTurns: settingValue(budget.maxTurns.value) };
  const memory = pick(program.memory?.settings ?? {}, ['maxEntries', 'maxTokens', 'maxAgeMs']);
  if (Object.keys(memory).length) out.memory = memory;
  const verify = pick(program.verify?.settings ?? {}, ['retries', 'escalate']);
  if (Object.keys(verify).length) out.verify = verify;
  const cloud = pick(budget, ['cloudRequests', 'cloudTokens']);
  if (Object.keys(cloud).length) out.cloud = { ...(cloud.cloudRequests !== undefined ? { maxRequests: cloud.cloudRequests } : {}), ...(cloud.cloudTokens !== undefined ? { maxTokens: cloud.cloudTokens } : {}) };
  const modelPolicy: Record<string, Value> = model ? pick(model.settings, ['timeoutMs', 'idleTimeoutMs', 'retryBudgetMs', 'waitNoticeMs', 'maxOutputTokens', 'temperature', 'thinkingBudgetTokens']) : {};
  if (model?.retry) modelPolicy.retry = { maxAttempts: model.retry.maxAttempts, backoff: model.retry.backoff, intervalMs: model.retry.intervalMs, jitter: model.retry.jitter };
  if (budget.thinkingBudgetTokens) modelPolicy.thinkingBudgetTokens = settingValue(budget.thinkingBudgetTokens.value);
  if (Object.keys(modelPolicy).length) out.model = modelPolicy;
  const bash = program.tools.find((t) => t.name === 'bash');
  if (bash && (bash.settings.persist || bash.settings.timeoutMs)) out.shell = pick(bash.settings, ['persist', 'timeoutMs']);
  if (program.tools.length) {
    out.tools = Object.fromEntries(program.tools.map((t) => [t.name, {
      ...pick(t.settings, ['dedupWindow', 'readBeforeWrite', 'timeoutMs', 'retryTemperatures']),
      trust: t.trust ? { demoteAfter: t.trust.demoteAfter, dropAfter: t.trust.dropAfter, scope: t.trust.scope ?? 'task' } : undefined,
    }]));
  }
  return out;
}

function settingValue(v: SettingValue): Value {
  if (v.kind === 'const') return v.value as Value;
  const fallback = v.fallback === undefined ? '' : `, ${JSON.stringify(v.fallback)}`;
  switch (v.valueType) {
    case 'duration': return code(`env.duration(${JSON.stringify(v.name)}${fallback || ', undefined'}, ${v.unitMs ?? 1000})`);
    case 'int': case 'size': return code(`env.int(${JSON.stringify(v.name)}${fallback})`);
    case 'number': return code(`env.number(${JSON.stringify(v.name)}${fallback})`);
    case 'percent': return code(`env.percent(${JSON.stringify(v.name)}${fallback})`);
    case 'bool': return code(`env.bool(${JSON.stringify(v.name)}${fallback})`);
    case 'string': return code(`env.string(${JSON.stringify(v.name)}${fallback})`);
  }
}

/** The layer manifest: every declaration with its location and its fields as written. */
function manifestValue(ast: MarrowFile): Value {
  const out: Value[] = [];
  const visit = (decl: DeclarationNode) => {
    if (decl.skipped) return;
    const settings: Record<string, Value> = {};
    const entry: Record<string, Value> = {
      kind: decl.kind === 'system' ? 'agent' : decl.kind,
      name: decl.name ?? decl.kind,
      loc: loc(ast.file, (decl.nameSpan ?? decl.kindSpan).start.line),
      signature: decl.kind === 'prompt' ? signatureText(ast.source, decl) : undefined,
      settings,
    };
    out.push(entry);
    for (const m of decl.members) {
      if (m.type === 'Field') settings[m.key] = ast.source.slice(m.value.span.start.offset, (m.target ?? m.value).span.end.offset).replace(/\s+/g, ' ');
      else if (m.type === 'Declaration' && decl.kind !== 'agent' && decl.kind !== 'system') {
        settings[m.name ? `${m.kind} ${m.name}` : m.kind] = ast.source.slice(m.span.start.offset, m.span.end.offset).replace(/^[^{]*\{/, '{').replace(/\s+/g, ' ');
      }
    }
    if (decl.kind === 'agent' || decl.kind === 'system') {
      decl.members.forEach((m) => m.type === 'Declaration' && visit(m));
    }
  };
  ast.declarations.forEach(visit);
  return { declarations: out };
}

function signatureText(source: string, decl: DeclarationNode): string {
  const end = decl.returns?.span.end.offset ?? decl.params?.at(-1)?.span.end.offset ?? decl.nameSpan?.end.offset ?? decl.kindSpan.end.offset;
  const text = source.slice(decl.kindSpan.start.offset, end).replace(/\s+/g, ' ');
  return decl.params && !decl.returns ? `${text})` : text;
}

function loc(file: string, line: number): string {
  return `${file}:${line}`;
}

/** A guard/router expression as TypeScript over the typed `Facts` object `f`. */
export function exprText(expr: Expr): string {
  switch (expr.type) {
    case 'Number': return String(expr.value);
    case 'Percent': return String(expr.value);
    case 'Duration': return String(expr.ms);
    case 'String': return JSON.stringify(expr.value);
    case 'Bool': return String(expr.value);
    case 'Null': return 'null';
    case 'Regex': return `/${expr.pattern}/${expr.flags}`;
    case 'Sized': return exprText(expr.value);
    case 'Name': case 'Member': return `f.${pathOf(expr)}`;
    case 'Call': {
      const path = pathOf(expr.callee) ?? '';
      const spec = factSpec(path);
      const positional: string[] = [];
      const options: string[] = [];
      let position = 0;
      for (const arg of expr.args) {
        const param = arg.name ? spec?.params?.find((p) => p.name === arg.name) : spec?.params?.[position++];
        if (!param) continue;
        if (param.passing === 'positional') positional.push(exprText(arg.value));
        else options.push(`${param.name}: ${exprText(arg.value)}`);
      }
      if (options.length) positional.push(`{ ${options.join(', ')} }`);
      return `f.${path}(${positional.join(', ')})`;
    }
    case 'Unary': return expr.operator === 'not' ? `!(${exprText(expr.operand)})` : `${expr.operator}(${exprText(expr.operand)})`;
    case 'Binary': {
      const op = { and: '&&', or: '||', '==': '===', '!=': '!==' }[expr.operator as string] ?? expr.operator;
      return `(${exprText(expr.left)} ${op} ${exprText(expr.right)})`;
    }
    default: return 'undefined';
  }
}

export function typeToTs(t: TypeRef): string {
  switch (t.kind) {
    case 'string': return 'string';
    case 'int': case 'float': return 'number';
    case 'bool': return 'boolean';
    case 'enum': return t.values.map((v) => JSON.stringify(v)).join(' | ') || 'never';
    case 'list': return `Array<${typeToTs(t.item)}>`;
    case 'record': return `{ ${t.fields.map((f) => `${JSON.stringify(f.name)}: ${typeToTs(f.type)}`).join('; ')} }`;
    case 'optional': return `${typeToTs(t.inner)} | null`;
  }
}

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

const RESERVED = new Set(['runtime', 'options', 'default', 'class', 'function', 'return', 'new', 'delete', 'var', 'let', 'const', 'in', 'of', 'if', 'else', 'for', 'while', 'do', 'switch', 'case', 'break', 'continue', 'this', 'void', 'typeof', 'instanceof', 'try', 'catch', 'finally', 'throw', 'with', 'yield', 'await', 'enum', 'export', 'import', 'super', 'extends', 'null', 'true', 'false', 'debugger']);
function safeIdent(name: string): string {
  return RESERVED.has(name) ? `${name}_` : name;
}

/**
 * Deterministic, already formatted object-literal text (two-space indent, trailing commas): keys
 * in declaration order, undefined values dropped; lists of scalars stay on one line.
 */
function valueText(value: Value, indent: string): string {
  if (value instanceof Code) return value.render(indent);
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => valueText(v, inner)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${valueText(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${valueText(v, inner)},`).join('\n')}\n${indent}}`;
}
