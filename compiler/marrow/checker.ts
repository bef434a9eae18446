import { existsSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { join } from 'node:path';
import { didYouMean, type DiagnosticBag, type SourceSpan } from '../common/index.js';
import { FACTS, GUARD_ACTIONS, GUARD_EVENTS, HEURISTICS, KNOWN_TOOLS, PLAN_STEP_CHECKS, VALIDATORS, factSpec } from '../../runtime/cognition/facts.js';
import type { FactSpec, FactType, GuardEvent, TypeRef } from '../../runtime/cognition/types.js';
import { pathOf, type Expr } from './ast.js';
import { describe, literalValue } from './bind.js';
import { MS } from './diagnostics.js';
import type { Program, PromptDecl } from './program.js';

/** Names declared by lower layers (e.g. the built-in agents) that an override file may use. */
export interface ExternalNames {
  models?: string[];
  prompts?: Array<{ name: string; params: Array<{ name: string; type: TypeRef }>; returns: TypeRef }>;
  routers?: string[];
}

export interface CheckOptions {
  /** Folders holding `<template>.hbs` (and `steer/<name>.hbs`); empty = do not check templates. */
  templateDirs?: string[];
  external?: ExternalNames;
}

type ExprType = FactType | 'error';

/**
 * Cross-declaration checks: every name resolves (models, routers, prompts, templates on disk,
 * tools, facts), guard and router expressions type-check against runtime/cognition/facts.ts,
 * router tiers ascend, cache keys read parameters, on_invalid chains make sense.
 */
export function checkProgram(program: Program, options: CheckOptions, diagnostics: DiagnosticBag): void {
  new Checker(program, options, diagnostics).run();
}

class Checker {
  private readonly models: string[];
  private readonly routers: string[];
  private readonly prompts: Map<string, { params: Array<{ name: string; type: TypeRef }>; returns: TypeRef }>;

  constructor(private readonly program: Program, private readonly options: CheckOptions, private readonly diagnostics: DiagnosticBag) {
    const ext = options.external ?? {};
    this.models = [...new Set([...(ext.models ?? []), ...program.models.map((m) => m.name)])];
    this.routers = [...new Set([...(ext.routers ?? []), ...program.routers.map((r) => r.name)])];
    this.prompts = new Map();
    for (const p of ext.prompts ?? []) this.prompts.set(p.name, p);
    for (const p of program.prompts) this.prompts.set(p.name, p);
  }

  run(): void {
    const p = this.program;
    if (p.models.length === 0 && (this.options.external?.models ?? []).length === 0 && p.prompts.length > 0) {
      this.diagnostics.report(MS.noModels, p.prompts[0]!.span, []);
    }
    if (p.defaultModel && !this.models.includes(p.defaultModel.name)) {
      this.diagnostics.report(MS.unknownDefaultModel, p.defaultModel.span, [p.defaultModel.name, didYouMean(p.defaultModel.name, this.models)]);
    }
    for (const router of p.routers) this.router(router);
    for (const prompt of p.prompts) this.prompt(prompt);
    for (const guard of p.guards) this.guard(guard);
    for (const tool of p.tools) {
      if (!(KNOWN_TOOLS as readonly string[]).includes(tool.name)) {
        this.diagnostics.report(MS.unknownTool, tool.span, [tool.name, didYouMean(tool.name, KNOWN_TOOLS)], 'a policy for a tool the runtime does not have is ignored');
      }
    }
    if (p.compress) this.compressPrompt(p.compress.name, p.compress.span);
    if (p.plan) {
      if (p.plan.when) this.expectType(p.plan.when, 'bool', 'plan', 'plan');
      for (const check of p.plan.validate) {
        if (!(PLAN_STEP_CHECKS as readonly string[]).includes(check.name)) {
          this.diagnostics.report(MS.unknownPlanStep, check.span, [check.name, didYouMean(check.name, PLAN_STEP_CHECKS)]);
        }
      }
      if (p.plan.prompt) this.promptRef(p.plan.prompt.name, p.plan.prompt.span);
    }
  }

  private modelRef(name: string, span: SourceSpan): void {
    if (!this.models.includes(name)) this.diagnostics.report(MS.unknownModel, span, [name, didYouMean(name, this.models)]);
  }

  private promptRef(name: string, span: SourceSpan): boolean {
    if (this.prompts.has(name)) return true;
    this.diagnostics.report(MS.unknownPrompt, span, [name, didYouMean(name, this.prompts.keys())]);
    return false;
  }

  private router(router: Program['routers'][number]): void {
    if (router.by) this.expectType(router.by, 'float', undefined, `router '${router.name}'`);
    else this.diagnostics.report(MS.missingField, router.span, [`router '${router.name}'`, 'by']);
    if (router.fallback) this.modelRef(router.fallback.name, router.fallback.span);
    let previous: { name: string; max: number } | undefined;
    router.tiers.forEach((tier, i) => {
      this.modelRef(tier.model.name, tier.model.span);
      if (tier.max === undefined) {
        if (i !== router.tiers.length - 1) this.diagnostics.report(MS.tierWithoutMax, tier.span, [tier.name]);
        return;
      }
      if (previous && tier.max <= previous.max) {
        this.diagnostics.report(MS.tiersNotAscending, tier.span, [tier.name, tier.max, previous.name, previous.max]);
      }
      previous = { name: tier.name, max: tier.max };
    });
  }

  private templateExists(relative: string): string | undefined {
    const dirs = this.options.templateDirs ?? [];
    if (dirs.length === 0) return 'unchecked';
    return dirs.map((d) => join(d, relative)).find((p) => existsSync(p));
  }

  private checkTemplate(relative: string, span: SourceSpan): void {
    if (this.templateExists(relative)) return;
    const looked = (this.options.templateDirs ?? []).map((d) => join(d, relative)).join(', ');
    this.diagnostics.report(MS.templateNotFound, span, [relative.replace(/\.hbs$/, ''), looked], 'create the .hbs file or fix the name');
  }

  /** A misspelt `{{mesage}}` renders as nothing at run time; say so at compile time. */
  private checkTemplateVariables(prompt: PromptDecl): void {
    const path = this.templateExists(`${prompt.template!.name}.hbs`);
    if (!path || path === 'unchecked') return;
    let ast: hbs.AST.Program;
    try {
      ast = Handlebars.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      this.diagnostics.report(MS.syntaxError, prompt.template!.span, [`template '${prompt.template!.name}' does not parse: ${(err as Error).message.split('\n')[0]}`]);
      return;
    }
    const provided = [...prompt.params.map((p) => p.name), ...TEMPLATE_BUILTINS];
    const reported = new Set<string>();
    for (const name of templateVariables(ast)) {
      if (provided.includes(name) || reported.has(name)) continue;
      reported.add(name);
      this.diagnostics.report(MS.templateVariable, prompt.template!.span, [prompt.template!.name, name, prompt.name, didYouMean(name, provided)]);
    }
  }

  private prompt(prompt: PromptDecl): void {
    const where = `prompt '${prompt.name}'`;
    if (prompt.model && prompt.router) this.diagnostics.report(MS.modelAndRouter, prompt.span, [prompt.name]);
    if (prompt.model) this.modelRef(prompt.model.name, prompt.model.span);
    if (prompt.router && !this.routers.includes(prompt.router.name)) {
      this.diagnostics.report(MS.unknownRouter, prompt.router.span, [prompt.router.name, didYouMean(prompt.router.name, this.routers)]);
    }
    if (prompt.template) {
      this.checkTemplate(`${prompt.template.name}.hbs`, prompt.template.span);
      this.checkTemplateVariables(prompt);
    }
    const paramNames = prompt.params.map((p) => p.name);
    const seen = new Set<string>();
    for (const param of prompt.params) {
      if (seen.has(param.name)) this.diagnostics.report(MS.duplicateField, param.span, [param.name]);
      seen.add(param.name);
    }
    if (prompt.cache) {
      for (const key of prompt.cache.key) {
        const path = pathOf(key);
        const head = path?.split('.')[0];
        if (head !== undefined && paramNames.includes(head)) {
          if (!prompt.cache.keyParams.includes(path!)) prompt.cache.keyParams.push(path!);
        } else if (head !== undefined) {
          this.diagnostics.report(MS.unknownParameter, key.span, [head, didYouMean(head, paramNames)]);
        }
      }
      if (prompt.cache.keyParams.length === 0 && !this.diagnostics.items.some((d) => d.code === MS.unknownParameter.code && d.span.start.offset >= prompt.cache!.span.start.offset && d.span.end.offset <= prompt.cache!.span.end.offset)) {
        this.diagnostics.report(MS.cacheKeyReadsNoParameter, prompt.cache.span, [prompt.name], `use hash(${paramNames.join(', ') || 'param'})`);
      }
    }
    for (const v of prompt.validate) {
      if (!(VALIDATORS as readonly string[]).includes(v.name)) this.diagnostics.report(MS.unknownValidator, v.span, [v.name, didYouMean(v.name, VALIDATORS)]);
    }
    let ended: string | undefined;
    for (const strategy of prompt.onInvalid) {
      if (ended) this.diagnostics.report(MS.unreachableStrategy, strategy.span, [strategy.kind, ended]);
      if (strategy.kind === 'escalate' && !prompt.router) {
        this.diagnostics.report(MS.signatureMismatch, strategy.span, [`${where} cannot escalate without a router (set 'router:' instead of 'model:')`]);
      }
      if (strategy.kind === 'fallback') {
        const target = strategy.target;
        if (target.kind === 'heuristic' && !(HEURISTICS as readonly string[]).includes(prompt.name)) {
          this.diagnostics.report(MS.unknownHeuristic, strategy.span, [prompt.name, HEURISTICS.join(', ')]);
        } else if (target.kind === 'prompt' && this.promptRef(target.name, strategy.span)) {
          const other = this.prompts.get(target.name)!;
          if (JSON.stringify(other.returns) !== JSON.stringify(prompt.returns)) {
            this.diagnostics.report(MS.signatureMismatch, strategy.span, [`fallback prompt '${target.name}' returns ${typeText(other.returns)}, but ${where} returns ${typeText(prompt.returns)}`]);
          }
        } else if (target.kind === 'value' && !valueFits(target.value, prompt.returns)) {
          this.diagnostics.report(MS.typeMismatch, strategy.span, [`a fallback value of type ${typeText(prompt.returns)}`, JSON.stringify(target.value)]);
        }
      }
      if (strategy.kind === 'fallback' || strategy.kind === 'fail') ended ??= strategy.kind;
    }
  }

  private compressPrompt(name: string, span: SourceSpan): void {
    if (!this.promptRef(name, span)) return;
    const prompt = this.prompts.get(name)!;
    const first = prompt.params[0];
    if (!first || first.type.kind !== 'string' || prompt.returns.kind !== 'string') {
      this.diagnostics.report(MS.signatureMismatch, span, [`the compress prompt '${name}' must take the history as its first parameter (history: string) and return string`]);
    }
  }

  private guard(guard: Program['guards'][number]): void {
    const event = guard.on.name as GuardEvent;
    const validEvent = (GUARD_EVENTS as readonly string[]).includes(event);
    if (!validEvent) this.diagnostics.report(MS.unknownEvent, guard.on.span, [guard.on.name, didYouMean(guard.on.name, GUARD_EVENTS)]);
    if (guard.when) this.expectType(guard.when, 'bool', validEvent ? event : undefined, `guard '${guard.name}'`);
    const then = guard.then;
    if (!then) return;
    const action = GUARD_ACTIONS.find((a) => a.name === then.name);
    if (!action) {
      this.diagnostics.report(MS.unknownAction, then.span, [then.name, didYouMean(then.name, GUARD_ACTIONS.map((a) => a.name))]);
      return;
    }
    if (then.args.length !== action.params.length) {
      const shape = `${action.name}(${action.params.map((p) => p.name).join(', ')})`;
      this.diagnostics.report(MS.badArguments, then.span, [`action '${action.name}' takes ${action.params.length} argument(s): ${shape}`]);
      return;
    }
    action.params.forEach((param, i) => {
      const arg = then.args[i]!;
      const span = then.argSpans[i]!;
      if (param.type === 'int' ? typeof arg !== 'number' : typeof arg !== 'string') {
        this.diagnostics.report(MS.typeMismatch, span, [param.type === 'int' ? 'a number' : 'a string', JSON.stringify(arg)]);
        return;
      }
      if (param.type === 'template') this.checkTemplate(`steer/${arg}.hbs`, span);
      if (param.type === 'tool' && !(KNOWN_TOOLS as readonly string[]).includes(String(arg))) {
        this.diagnostics.report(MS.unknownTool, span, [String(arg), didYouMean(String(arg), KNOWN_TOOLS)]);
      }
    });
  }

  private expectType(expr: Expr, expected: 'bool' | 'float', event: GuardEvent | undefined, where: string): void {
    const actual = this.typeOf(expr, event);
    if (actual === 'error') return;
    const ok = expected === 'float' ? actual === 'int' || actual === 'float' : actual === expected;
    if (!ok) this.diagnostics.report(MS.typeMismatch, expr.span, [`${expected === 'bool' ? 'a true/false condition' : 'a number'} in ${where}`, `${article(actual)} ${actual}`]);
  }

  /** Types an expression against the published facts; reports and returns 'error' on failure. */
  typeOf(expr: Expr, event: GuardEvent | undefined): ExprType {
    switch (expr.type) {
      case 'Number': return Number.isInteger(expr.value) ? 'int' : 'float';
      case 'Percent': return 'float';
      case 'Duration': return 'int';
      case 'String': return 'string';
      case 'Bool': return 'bool';
      case 'Regex': return 'regex';
      case 'Sized': return this.typeOf(expr.value, event);
      case 'Missing': return 'error';
      case 'Name': case 'Member': {
        const fact = this.fact(expr, event);
        if (!fact) return 'error';
        if (fact.params) {
          const shape = `${fact.name}(${fact.params.map((p) => (p.passing === 'option' ? `${p.name}: …` : p.name)).join(', ')})`;
          this.diagnostics.report(MS.badArguments, expr.span, [`fact '${fact.name}' takes arguments: ${shape}`]);
          return 'error';
        }
        return fact.type;
      }
      case 'Call': {
        const fact = this.fact(expr.callee, event);
        if (!fact) return 'error';
        if (!fact.params) {
          this.diagnostics.report(MS.badArguments, expr.span, [`fact '${fact.name}' is a value, not a function; write '${fact.name}'`]);
          return 'error';
        }
        let ok = true;
        let misnamed = false;
        const given = new Map<string, Expr>();
        let position = 0;
        for (const arg of expr.args) {
          const param = arg.name ? fact.params.find((p) => p.name === arg.name) : fact.params[position++];
          if (!param) {
            ok = false;
            misnamed = true;
            this.diagnostics.report(MS.badArguments, arg.nameSpan ?? arg.span, [arg.name
              ? `fact '${fact.name}' has no parameter '${arg.name}'${didYouMean(arg.name, fact.params.map((p) => p.name))}`
              : `fact '${fact.name}' takes at most ${fact.params.length} argument(s)`]);
            continue;
          }
          given.set(param.name, arg.value);
          const t = this.typeOf(arg.value, event);
          if (t === 'error') { ok = false; continue; }
          const fits = t === param.type || (param.type === 'float' && t === 'int');
          if (!fits) {
            ok = false;
            this.diagnostics.report(MS.typeMismatch, arg.value.span, [`${article(param.type)} ${param.type} for '${param.name}'`, `${article(t)} ${t}`]);
          }
        }
        for (const param of fact.params) {
          if (param.required && !given.has(param.name) && !misnamed) {
            ok = false;
            this.diagnostics.report(MS.badArguments, expr.span, [`fact '${fact.name}' needs '${param.name}'`]);
          }
        }
        return ok ? fact.type : 'error';
      }
      case 'Unary': {
        const t = this.typeOf(expr.operand, event);
        if (t === 'error') return t;
        if (expr.operator === 'not') return this.require(expr.operand, t, ['bool'], "'not'") ? 'bool' : 'error';
        return this.require(expr.operand, t, ['int', 'float'], `'${expr.operator}'`) ? t : 'error';
      }
      case 'Binary': {
        const l = this.typeOf(expr.left, event);
        const r = this.typeOf(expr.right, event);
        if (l === 'error' || r === 'error') return 'error';
        const op = expr.operator;
        if (op === 'and' || op === 'or') {
          const ok = this.require(expr.left, l, ['bool'], `'${op}'`) && this.require(expr.right, r, ['bool'], `'${op}'`);
          return ok ? 'bool' : 'error';
        }
        if (op === '==' || op === '!=') {
          const numeric = (t: ExprType) => t === 'int' || t === 'float';
          if (l !== r && !(numeric(l) && numeric(r))) {
            this.diagnostics.report(MS.typeMismatch, expr.right.span, [`${article(l)} ${l} to compare with`, `${article(r)} ${r}`]);
            return 'error';
          }
          return 'bool';
        }
        const ok = this.require(expr.left, l, ['int', 'float'], `'${op}'`) && this.require(expr.right, r, ['int', 'float'], `'${op}'`);
        if (!ok) return 'error';
        if (['<', '>', '<=', '>='].includes(op)) return 'bool';
        return l === 'float' || r === 'float' || op === '/' ? 'float' : 'int';
      }
      case 'Null': case 'List': case 'Object':
        this.diagnostics.report(MS.typeMismatch, expr.span, ['a fact, a comparison or a literal', describe(expr)]);
        return 'error';
    }
  }

  private require(expr: Expr, actual: ExprType, allowed: FactType[], operator: string): boolean {
    if (allowed.includes(actual as FactType)) return true;
    this.diagnostics.report(MS.typeMismatch, expr.span, [`${allowed.map((a) => `${article(a)} ${a}`).join(' or ')} for ${operator}`, `${article(actual)} ${actual}`]);
    return false;
  }

  private fact(expr: Expr, event: GuardEvent | undefined): FactSpec | undefined {
    const path = pathOf(expr);
    if (path === undefined) {
      this.diagnostics.report(MS.typeMismatch, expr.span, ['a fact such as session.turn', describe(expr)]);
      return undefined;
    }
    const fact = factSpec(path);
    if (!fact) {
      this.diagnostics.report(MS.unknownFact, expr.span, [path, didYouMean(path, FACTS.map((f) => f.name))]);
      return undefined;
    }
    if (fact.events && event && !fact.events.includes(event)) {
      this.diagnostics.report(MS.factNotOnEvent, expr.span, [path, event, fact.events.join(', ')]);
      return undefined;
    }
    if (fact.events && !event) {
      this.diagnostics.report(MS.factNotOnEvent, expr.span, [path, 'a router', fact.events.join(', ')]);
      return undefined;
    }
    return fact;
  }
}

/** What the runtime adds to every template's context besides the prompt's arguments. */
const TEMPLATE_BUILTINS = ['output_format', 'constraints'];
const HELPERS = new Set(['each', 'if', 'unless', 'with', 'lookup', 'log']);

/** Top-level variable names a template reads (block contents under `each`/`with` are skipped: they read the item). */
function templateVariables(program: hbs.AST.Program): string[] {
  const out: string[] = [];
  const pathHead = (node: hbs.AST.Node | undefined) => {
    if (node?.type !== 'PathExpression') return;
    const path = node as hbs.AST.PathExpression;
    if (path.data || path.depth > 0 || path.original.startsWith('this')) return;
    const head = path.parts[0];
    if (head && !HELPERS.has(head)) out.push(head);
  };
  const visit = (p: hbs.AST.Program | undefined, scoped: boolean) => {
    for (const statement of p?.body ?? []) {
      if (statement.type === 'MustacheStatement') {
        const m = statement as hbs.AST.MustacheStatement;
        if (!scoped) pathHead(m.path);
        if (!scoped) m.params.forEach((x) => pathHead(x));
      } else if (statement.type === 'BlockStatement') {
        const b = statement as hbs.AST.BlockStatement;
        if (!scoped) b.params.forEach((x) => pathHead(x));
        const helper = (b.path as hbs.AST.PathExpression).original;
        visit(b.program, scoped || helper === 'each' || helper === 'with');
        visit(b.inverse, scoped);
      }
    }
  };
  visit(program, false);
  return out;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

export function typeText(t: TypeRef): string {
  switch (t.kind) {
    case 'enum': return `enum(${t.values.map((v) => JSON.stringify(v)).join(', ')})`;
    case 'list': return `list<${typeText(t.item)}>`;
    case 'record': return `{ ${t.fields.map((f) => `${f.name}: ${typeText(f.type)}`).join(', ')} }`;
    case 'optional': return `${typeText(t.inner)}?`;
    default: return t.kind;
  }
}

function valueFits(value: unknown, t: TypeRef): boolean {
  switch (t.kind) {
    case 'string': return typeof value === 'string';
    case 'int': return Number.isInteger(value);
    case 'float': return typeof value === 'number';
    case 'bool': return typeof value === 'boolean';
    case 'enum': return typeof value === 'string' && t.values.includes(value);
    case 'list': return Array.isArray(value) && value.every((v) => valueFits(v, t.item));
    case 'optional': return value === null || valueFits(value, t.inner);
    case 'record': return false;
  }
}

export { literalValue };
