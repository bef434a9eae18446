/**
 * Compact mode: two-stage tool routing for small context windows. Six tool schemas cost an 8k
 * window several hundred tokens on every request, so the model first sees one small meta tool
 * (`use_tools`) naming the categories; once it picks one, the requests carry that category's
 * schemas, shortened, plus the meta tool. Picking another adds its schemas: the list only grows
 * within a session, because the tool list sits at the top of the prompt a chat template renders
 * and every change to it makes a prefix-caching server prefill the whole conversation again.
 *
 * Forgiving like the rest of SmallCode: a model that calls a real tool directly (it knows them
 * from the system prompt, or guesses) gets it executed, and the current category follows that
 * tool. The decision lives here, beside the loop: tools only declare their category, and the
 * registry still offers and runs every tool.
 */
import type { SmallCodeConfig } from '../config/load.js';
import { TOOL_CATEGORIES, type ToolCategory, type ToolDefinition, type ToolOutcome, type ToolRegistry } from '../tools/index.js';
import type { AgentPolicy } from './policy.js';

/** The meta tool's name: short, and says what it does. */
export const ROUTE_TOOL = 'use_tools';

/**
 * Compact mode is part of the survival kit: on for windows up to `context.compact_at`
 * (agents/core.marrow), or always / never when SMALLCODE_COMPACT says so.
 */
export function compactModeOn(config: Pick<SmallCodeConfig, 'survivalKit' | 'compact'>, policy: AgentPolicy, window: number): boolean {
  if (!config.survivalKit || config.compact === 'false') return false;
  return config.compact === 'true' || window <= policy.context.compactMaxWindow;
}

/**
 * A schema as compact mode sends it: the first sentence of the description, and the parameters
 * without their descriptions or numeric bounds (names, types, required and enums stay: they are
 * what a call must get right).
 */
export function shortenDefinition(def: ToolDefinition): ToolDefinition {
  const { name, description, parameters } = def.function;
  const fn: ToolDefinition['function'] = { name };
  if (description) fn.description = firstSentence(description);
  if (parameters) fn.parameters = stripSchema(parameters) as Record<string, unknown>;
  return { type: 'function', function: fn };
}

export function firstSentence(text: string): string {
  // A sentence ends at . ! or ? followed by a capital or a backtick ("e.g. *.ts" does not end one).
  const end = /[.!?](?=\s+[A-Z`])/.exec(text);
  return end ? text.slice(0, end.index + 1) : text.trim();
}

const DROPPED_SCHEMA_KEYS = new Set(['description', 'minimum', 'maximum', 'default', 'examples']);

function stripSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      // Property names are data here, not schema keywords: a parameter called "description" stays.
      out[key] = Object.fromEntries(Object.entries(value).map(([name, prop]) => [name, stripSchema(prop)]));
    } else if (!DROPPED_SCHEMA_KEYS.has(key)) {
      out[key] = stripSchema(value);
    }
  }
  return out;
}

/** The routing state of one agent: which categories the model has opened, in the order it did. */
export class ToolRouting {
  private readonly opened = new Set<ToolCategory>();
  /** The registry the loop runs calls through: the tools, plus the meta tool in compact mode. */
  readonly registry: ToolRegistry;

  constructor(
    private readonly tools: ToolRegistry,
    /** Asked on every request: the window can change mid-session (/model). */
    private readonly compact: () => boolean,
    /** Categories open from the first request (context.compact_open): they never change the tool list later. */
    private readonly initial: readonly string[] = [],
  ) {
    this.open(initial);
    this.registry = this.routedRegistry();
  }

  get active(): boolean {
    return this.compact();
  }

  /** The categories whose tools are offered (none: only the meta tool). */
  get categories(): ToolCategory[] {
    return [...this.opened];
  }

  /** Offers these categories' tools from the next request on (unknown names are ignored). */
  open(categories: readonly string[]): void {
    for (const c of categories) if ((TOOL_CATEGORIES as readonly string[]).includes(c)) this.opened.add(c as ToolCategory);
  }

  /** Back to the meta tool alone (a cleared conversation: the server prefills from scratch anyway). */
  reset(): void {
    this.opened.clear();
    this.open(this.initial);
  }

  /**
   * The schemas one request carries: all of them, or in compact mode those of the opened
   * categories, short, in the order they were opened (so an opened category appends), and the
   * meta tool. Plan tools (step_done, offered only while a plan is in progress) ride along: the
   * plan shown each turn tells the model to call them.
   */
  offered(): ToolDefinition[] {
    const all = this.tools.definitions();
    if (!this.active) return all;
    const order = [...this.opened];
    const rank = (d: ToolDefinition) => {
      const category = this.tools.categoryOf(d.function.name);
      return category === 'plan' ? order.length : category ? order.indexOf(category) : -1;
    };
    const shown = all.filter((d) => rank(d) >= 0).sort((a, b) => rank(a) - rank(b));
    return [this.routeDefinition(all), ...shown.map(shortenDefinition)];
  }

  /** Tool names by category, for the categories that have tools now (trust decay may have dropped some). */
  private byCategory(all = this.tools.definitions()): Map<ToolCategory, string[]> {
    const groups = new Map<ToolCategory, string[]>();
    for (const category of TOOL_CATEGORIES) {
      const names = all.map((d) => d.function.name).filter((n) => this.tools.categoryOf(n) === category);
      if (names.length) groups.set(category, names);
    }
    return groups;
  }

  private routeDefinition(all: ToolDefinition[]): ToolDefinition {
    const groups = this.byCategory(all);
    const listing = [...groups].map(([category, names]) => `${category}: ${names.join(', ')}`).join('; ');
    return {
      type: 'function',
      function: {
        name: ROUTE_TOOL,
        description: `Pick the tools for your next step (${listing}).`,
        parameters: { type: 'object', properties: { category: { type: 'string', enum: [...groups.keys()] } }, required: ['category'] },
      },
    };
  }

  /** The meta tool's answer: switches the category and names the tools it brings. */
  private route(args: Record<string, unknown>, started: number): ToolOutcome {
    const groups = this.byCategory();
    const asked = String(args.category ?? '').trim().toLowerCase();
    // A tool name where a category belongs still says what the model wants.
    const category = (groups.has(asked as ToolCategory) ? asked : this.tools.categoryOf(asked)) as ToolCategory | undefined;
    const done = (ok: boolean, output: string): ToolOutcome => ({ name: ROUTE_TOOL, ok, output, ms: Math.round(performance.now() - started), filesCreated: [], filesEdited: [] });
    if (!category || !groups.has(category)) {
      const choices = [...groups].map(([c, names]) => `${c} (${names.join(', ')})`).join(', ');
      return done(false, `Unknown category '${String(args.category ?? '')}'. Pick one of: ${choices}.`);
    }
    this.opened.add(category);
    return done(true, `Tools now available: ${groups.get(category)!.join(', ')}. Call one of them (${ROUTE_TOOL} again for another category).`);
  }

  private routedRegistry(): ToolRegistry {
    const { tools } = this;
    return {
      // Every tool stays callable in compact mode; only what each request *offers* is narrowed.
      definitions: () => (this.active ? [...tools.definitions(), this.routeDefinition(tools.definitions())] : tools.definitions()),
      callable: () => (this.active ? [...tools.callable(), this.routeDefinition(tools.definitions())] : tools.callable()),
      has: (name) => tools.has(name) || (name === ROUTE_TOOL && this.active),
      categoryOf: (name) => tools.categoryOf(name),
      beginTurn: (turn) => tools.beginTurn(turn),
      // The opened categories stay: the tool list only grows within a session (prefix caching).
      beginTask: () => {
        tools.beginTask();
      },
      run: async (call, opts) => {
        if (call.name === ROUTE_TOOL && this.active) return this.route(call.arguments ?? {}, performance.now());
        const outcome = await tools.run(call, opts);
        // A direct call outside the opened categories opens its own: its retry needs those schemas.
        const category = tools.categoryOf(call.name);
        if (category && category !== 'plan') this.opened.add(category);
        return outcome;
      },
      dispose: () => tools.dispose(),
    };
  }
}
