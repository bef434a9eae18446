import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactModeOn, firstSentence, ROUTE_TOOL, shortenDefinition, ToolRouting } from '../../../runtime/agent/tool-routing.js';
import { countTokens } from '../../../runtime/model/tokens.js';
import { DEFAULT_TOOLS, fromPlainTool, stepDoneTool, TOOL_CATEGORIES, type ToolDefinition } from '../../../runtime/tools/index.js';
import { BUILTIN_POLICY } from '../../support/policy.js';
import { makeProject, makeRegistry, policyWith } from '../tools/helpers.js';

const names = (defs: ToolDefinition[]) => defs.map((d) => d.function.name);

function routing(opts: { compact?: () => boolean; files?: Record<string, string>; policy?: typeof BUILTIN_POLICY } = {}) {
  const tools = makeRegistry(makeProject(opts.files ?? { 'a.txt': 'hello\n' }), opts.policy ? { policy: opts.policy } : {});
  return { tools, routing: new ToolRouting(tools, opts.compact ?? (() => true)) };
}

describe('tool categories', () => {
  it('gives every default tool its category, and plan is a category', () => {
    expect(Object.fromEntries(DEFAULT_TOOLS.map((t) => [t.name, t.category]))).toEqual({
      read_file: 'read', write_file: 'write', patch: 'write', bash: 'run', search: 'search', find_files: 'search',
    });
    expect(TOOL_CATEGORIES).toEqual(['read', 'write', 'search', 'run', 'plan', 'memory', 'mcp', 'web']);
  });

  it('puts the BoneScript tools under run, and plain tools under run unless they say otherwise', async () => {
    const [{ boneCheckTool }, { boneCompileTool }] = await Promise.all([import('../../../runtime/tools/bone_check.js'), import('../../../runtime/tools/bone_compile.js')]);
    expect(fromPlainTool(boneCheckTool).category).toBe('run');
    expect(fromPlainTool(boneCompileTool).category).toBe('run');
    const plain = { name: 'note', description: 'Write a note.', parameters: { type: 'object' }, execute: async () => ({ ok: true, output: '' }) };
    expect(fromPlainTool(plain).category).toBe('run');
    expect(fromPlainTool({ ...plain, category: 'write' }).category).toBe('write');
  });

  it('the registry tells the category of each tool it has', () => {
    const { tools } = routing({ compact: () => false });
    expect(tools.categoryOf('patch')).toBe('write');
    expect(tools.categoryOf('find_files')).toBe('search');
    expect(tools.categoryOf('nope')).toBeUndefined();
  });
});

describe('two-stage routing (compact mode)', () => {
  it('offers only the meta tool at first, listing each category that has tools', () => {
    const { routing: r } = routing();
    const offered = r.offered();
    expect(names(offered)).toEqual([ROUTE_TOOL]);
    const meta = offered[0]!.function;
    expect(meta.description).toBe('Pick the tools for your next step (read: read_file; write: write_file, patch; search: search, find_files; run: bash).');
    // plan has no tool yet: not offered.
    expect(meta.parameters).toEqual({ type: 'object', properties: { category: { type: 'string', enum: ['read', 'write', 'search', 'run'] } }, required: ['category'] });
  });

  it('offers the plan tools (step_done) while a plan is in progress, after the opened categories', async () => {
    let planning = true;
    const tracker = { planning: true, open: async () => planning, finishStep: async () => ({ ok: true, message: 'checked off' }) };
    Object.defineProperty(tracker, 'planning', { get: () => planning });
    const tools = makeRegistry(makeProject({ 'a.txt': 'hello\n' }), { extraTools: [stepDoneTool(tracker)] });
    const r = new ToolRouting(tools, () => true);
    expect(names(r.offered())).toEqual([ROUTE_TOOL, 'step_done']);
    await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'read' } });
    expect(names(r.offered())).toEqual([ROUTE_TOOL, 'read_file', 'step_done']);
    // Calling step_done opens no category.
    expect((await r.registry.run({ name: 'step_done', arguments: {} })).output).toBe('checked off');
    expect(r.categories).toEqual(['read']);
    planning = false;
    expect(names(r.offered())).toEqual([ROUTE_TOOL, 'read_file']);
  });

  it('adds the schemas (short) of each category the model picks: the tool list only grows, by appending', async () => {
    const { routing: r } = routing();
    const outcome = await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'write' } });
    expect(outcome).toMatchObject({ name: ROUTE_TOOL, ok: true, filesCreated: [], filesEdited: [] });
    expect(outcome.output).toContain('write_file, patch');
    expect(r.categories).toEqual(['write']);
    const before = r.offered();
    expect(names(before)).toEqual([ROUTE_TOOL, 'write_file', 'patch']);
    await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'search' } });
    const after = r.offered();
    expect(names(after)).toEqual([ROUTE_TOOL, 'write_file', 'patch', 'search', 'find_files']);
    // What was offered before is offered again, unchanged and first: a cached prompt prefix survives longer.
    expect(after.slice(0, before.length)).toEqual(before);
    // Picking an open category again changes nothing.
    await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'write' } });
    expect(r.offered()).toEqual(after);
  });

  it('executes a direct call to a tool not offered and adds its category', async () => {
    const { routing: r } = routing();
    await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'write' } });
    const read = await r.registry.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    expect(read.ok).toBe(true);
    expect(read.output).toContain('hello');
    expect(names(r.offered())).toEqual([ROUTE_TOOL, 'write_file', 'patch', 'read_file']);
    // A failed call adds too: its retry needs the schema.
    await r.registry.run({ name: 'bash', arguments: {} });
    expect(r.categories).toEqual(['write', 'read', 'run']);
    // An unknown tool does not.
    await r.registry.run({ name: 'frobnicate', arguments: {} });
    expect(r.categories).toEqual(['write', 'read', 'run']);
  });

  it('forgives the way a category is named, and answers a wrong one with the choices', async () => {
    const { routing: r } = routing();
    expect((await r.registry.run({ name: ROUTE_TOOL, arguments: { category: ' Search ' } })).ok).toBe(true);
    expect(r.categories).toEqual(['search']);
    expect((await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'patch' } })).ok).toBe(true); // a tool name
    expect(r.categories).toEqual(['search', 'write']);
    const wrong = await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'plan' } }); // no tools in it yet
    expect(wrong.ok).toBe(false);
    expect(wrong.output).toBe("Unknown category 'plan'. Pick one of: read (read_file), write (write_file, patch), search (search, find_files), run (bash).");
    expect(r.categories).toEqual(['search', 'write']);
  });

  it('opens the declared categories (context.compact_open) from the first request, ignoring unknown names', () => {
    const tools = makeRegistry(makeProject({ 'a.txt': 'hello\n' }));
    const r = new ToolRouting(tools, () => true, ['read', 'run', 'nonsense']);
    expect(r.categories).toEqual(['read', 'run']);
    expect(names(r.offered())).toEqual([ROUTE_TOOL, 'read_file', 'bash']);
  });

  it('keeps the opened categories from task to task; reset (a cleared conversation) goes back to the declared ones', async () => {
    const tools = makeRegistry(makeProject({ 'a.txt': 'hello\n' }));
    const r = new ToolRouting(tools, () => true, ['read']);
    await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'run' } });
    expect(r.categories).toEqual(['read', 'run']);
    r.reset();
    expect(names(r.offered())).toEqual([ROUTE_TOOL, 'read_file']);
    const { routing: bare } = routing();
    await bare.registry.run({ name: ROUTE_TOOL, arguments: { category: 'run' } });
    bare.reset();
    expect(names(bare.offered())).toEqual([ROUTE_TOOL]);
  });

  it('keeps every tool callable through the registry: has(), run() and definitions() for parsing', async () => {
    const { routing: r } = routing();
    for (const t of DEFAULT_TOOLS) expect(r.registry.has(t.name)).toBe(true);
    expect(r.registry.has(ROUTE_TOOL)).toBe(true);
    expect(names(r.registry.definitions())).toEqual(['read_file', 'write_file', 'patch', 'bash', 'search', 'find_files', ROUTE_TOOL]);
    expect((await r.registry.run({ name: 'find_files', arguments: { pattern: '*.txt' } })).output).toBe('a.txt');
  });

  it('leaves out of the meta tool a category whose tools trust decay dropped', async () => {
    const policy = policyWith((p) => (p.tools.bash = { trust: { demoteAfter: 1, dropAfter: 2 } }));
    const { routing: r } = routing({ policy });
    for (let i = 0; i < 2; i++) await r.registry.run({ name: 'bash', arguments: { command: 'exit 3' } });
    const meta = r.offered().find((d) => d.function.name === ROUTE_TOOL)!;
    expect(meta.function.description).not.toContain('bash');
    expect((meta.function.parameters as { properties: { category: { enum: string[] } } }).properties.category.enum).toEqual(['read', 'write', 'search']);
  });
});

describe('compact mode off', () => {
  it('offers every tool with its full schema, and no meta tool', async () => {
    const { tools, routing: r } = routing({ compact: () => false });
    expect(r.offered()).toEqual(tools.definitions());
    expect(r.registry.has(ROUTE_TOOL)).toBe(false);
    expect(names(r.registry.definitions())).not.toContain(ROUTE_TOOL);
    expect((await r.registry.run({ name: ROUTE_TOOL, arguments: { category: 'write' } })).output).toMatch(/^Unknown tool 'use_tools'/);
  });
});

describe('shorter descriptions', () => {
  it('keeps the first sentence of a description', () => {
    expect(firstSentence('Read a file with numbered lines. Use start_line/end_line for big files.')).toBe('Read a file with numbered lines.');
    expect(firstSentence('Edit a file: replace the exact text `search` with `replace`. Read the file first.')).toBe('Edit a file: replace the exact text `search` with `replace`.');
    expect(firstSentence('Find files, e.g. *.ts or src/**. Skips ignored ones.')).toBe('Find files, e.g. *.ts or src/**.');
    expect(firstSentence('One sentence only')).toBe('One sentence only');
  });

  it('drops parameter descriptions and bounds, keeps names, types, required and enums', () => {
    const def: ToolDefinition = {
      type: 'function',
      function: {
        name: 'demo',
        description: 'Do a thing. Then more words nobody needs.',
        parameters: {
          type: 'object',
          properties: {
            description: { type: 'string', description: 'a parameter that happens to be called description' },
            mode: { type: 'string', enum: ['a', 'b'], description: 'which mode' },
            line: { type: 'integer', minimum: 1 },
            edits: { type: 'array', description: 'blocks', items: { type: 'object', properties: { search: { type: 'string', description: 'x' } }, required: ['search'] } },
          },
          required: ['mode'],
        },
      },
    };
    expect(shortenDefinition(def)).toEqual({
      type: 'function',
      function: {
        name: 'demo',
        description: 'Do a thing.',
        parameters: {
          type: 'object',
          properties: {
            description: { type: 'string' },
            mode: { type: 'string', enum: ['a', 'b'] },
            line: { type: 'integer' },
            edits: { type: 'array', items: { type: 'object', properties: { search: { type: 'string' } }, required: ['search'] } },
          },
          required: ['mode'],
        },
      },
    });
  });

  it('the short schemas cost less than the full ones, per category and all together', async () => {
    const { tools } = routing();
    const size = (defs: ToolDefinition[]) => countTokens(JSON.stringify(defs));
    for (const category of ['read', 'write', 'search', 'run'] as const) {
      const defs = tools.definitions().filter((d) => tools.categoryOf(d.function.name) === category);
      expect(size(defs.map(shortenDefinition))).toBeLessThan(size(defs));
    }
    expect(size(tools.definitions().map(shortenDefinition))).toBeLessThan(size(tools.definitions()) * 0.75);
  });
});

describe('when compact mode is on', () => {
  const config = { survivalKit: true, compact: 'auto' as const };
  const threshold = BUILTIN_POLICY.context.compactMaxWindow;

  it('is declared in agents/core.marrow as compact_at: 16384 tokens', () => {
    expect(threshold).toBe(16384);
    expect(readFileSync(join(import.meta.dirname, '..', '..', '..', 'agents', 'core.marrow'), 'utf8')).toMatch(/compact_at: 16384 tokens/);
  });

  it('follows the threshold: on up to and at it, off above', () => {
    expect(compactModeOn(config, BUILTIN_POLICY, 8192)).toBe(true);
    expect(compactModeOn(config, BUILTIN_POLICY, threshold)).toBe(true);
    expect(compactModeOn(config, BUILTIN_POLICY, threshold + 1)).toBe(false);
    expect(compactModeOn(config, BUILTIN_POLICY, 32768)).toBe(false);
    const lower = policyWith((p) => (p.context.compactMaxWindow = 4096));
    expect(compactModeOn(config, lower, 8192)).toBe(false);
    const never = policyWith((p) => (p.context.compactMaxWindow = 0));
    expect(compactModeOn(config, never, 1024)).toBe(false);
  });

  it('never with the survival kit off, even when forced', () => {
    expect(compactModeOn({ survivalKit: false, compact: 'auto' }, BUILTIN_POLICY, 8192)).toBe(false);
    expect(compactModeOn({ survivalKit: false, compact: 'true' }, BUILTIN_POLICY, 8192)).toBe(false);
  });

  it('SMALLCODE_COMPACT=true / false force it on any window', () => {
    expect(compactModeOn({ survivalKit: true, compact: 'true' }, BUILTIN_POLICY, 131072)).toBe(true);
    expect(compactModeOn({ survivalKit: true, compact: 'false' }, BUILTIN_POLICY, 4096)).toBe(false);
  });
});
