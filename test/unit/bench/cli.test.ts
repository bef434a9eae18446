import { describe, expect, it } from 'vitest';
import { parseSuiteArgs, UsageError } from '../../../bench/harness/cli.js';
import { benchEnv } from '../../../bench/harness/run-task.js';
import { formatTable } from '../../../bench/harness/table.js';
import { allTasks, suiteTasks } from '../../../bench/suites/index.js';

describe('parseSuiteArgs', () => {
  it('simulates when no endpoint is configured, with no faults by default', () => {
    const opts = parseSuiteArgs([], {});
    expect(opts.target).toMatchObject({ kind: 'sim', faultRate: 0, seed: 1 });
    expect(opts.kit).toBe('on');
  });

  it('uses the configured endpoint when SMALLCODE_BASE_URL is set, unless --sim', () => {
    const env = { SMALLCODE_BASE_URL: 'http://127.0.0.1:11434/v1', SMALLCODE_MODEL: 'qwen2.5-coder:7b' };
    expect(parseSuiteArgs([], env).target).toEqual({ kind: 'endpoint', baseUrl: env.SMALLCODE_BASE_URL, model: env.SMALLCODE_MODEL, apiKey: undefined });
    expect(parseSuiteArgs(['--sim'], env).target.kind).toBe('sim');
    expect(parseSuiteArgs(['--endpoint'], {}).target).toMatchObject({ kind: 'endpoint', baseUrl: undefined });
  });

  it('refuses bad values with a message naming the option', () => {
    expect(() => parseSuiteArgs(['--fault-rate', '1.5'], {})).toThrow(/--fault-rate must be a number from 0 to 1/);
    expect(() => parseSuiteArgs(['--faults', 'greeting,sneezing'], {})).toThrow(/unknown fault kind 'sneezing'/);
    expect(() => parseSuiteArgs(['--kit', 'maybe'], {})).toThrow(UsageError);
    expect(() => parseSuiteArgs(['--endpoint', '--fault-rate', '0.3'], {})).toThrow(/simulated model only/);
  });
});

describe('suites', () => {
  it('have the promised sizes and unique ids; polyglot covers its six languages', () => {
    expect(suiteTasks('smoke')).toHaveLength(5);
    expect(suiteTasks('polyglot')).toHaveLength(19);
    expect(suiteTasks('tools')).toHaveLength(10);
    const ids = allTasks().map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(suiteTasks('polyglot').map((t) => t.language))).toEqual(new Set(['python', 'javascript', 'typescript', 'bash', 'markdown', 'json']));
    for (const t of suiteTasks('tools')) expect(t.solution.length).toBeGreaterThanOrEqual(3);
  });
});

describe('formatTable', () => {
  it('right-aligns numeric columns and left-aligns text', () => {
    expect(formatTable(['task', 'turns'], [['a', 3], ['longer', 12]]).split('\n')).toEqual(['task    turns', '------  -----', 'a           3', 'longer     12']);
  });
});

describe('benchEnv', () => {
  const user = { PATH: '/usr/bin', HOME: '/home/u', SECRET_TOKEN: 'x', SMALLCODE_THINKING_BUDGET: '100', SMALLCODE_API_KEY: 'k' };

  it('keeps the user SMALLCODE_* settings for a real endpoint, and sets the kit', () => {
    const env = benchEnv('off', user);
    expect(env).toMatchObject({ HOME: '/home/u', SMALLCODE_THINKING_BUDGET: '100', SMALLCODE_API_KEY: 'k', SMALLCODE_SURVIVAL_KIT: 'false' });
    expect(env.SECRET_TOKEN).toBeUndefined();
    expect(env.PATH).toMatch(/node_modules[/\\]\.bin.*\/usr\/bin$/);
  });

  it('leaves the user settings out of a simulated run, so it is the same on every machine', () => {
    const env = benchEnv('on', user, '/tmp/cfg');
    expect(env.SMALLCODE_THINKING_BUDGET).toBeUndefined();
    expect(env.SMALLCODE_API_KEY).toBeUndefined();
    expect(env).toMatchObject({ SMALLCODE_SURVIVAL_KIT: 'true', XDG_CONFIG_HOME: '/tmp/cfg' });
  });
});
