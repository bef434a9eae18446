import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingPolicyFields, replyReserve } from '../../../runtime/agent/policy.js';
import { loadAgentLayers } from '../../../runtime/cognition/index.js';
import { BUILTIN_POLICY } from '../../support/policy.js';

describe('the policy has one source', () => {
  it('the built-in layer declares every field', () => {
    expect(missingPolicyFields(BUILTIN_POLICY)).toEqual([]);
  });

  it('names what is missing', () => {
    expect(missingPolicyFields({ context: { toolResultMaxChars: 1 } })).toEqual(expect.arrayContaining(['context.evictAt', 'loop.maxTurns', 'tools']));
  });

  it('refuses to run on a built-in layer that leaves fields undeclared, saying which', async () => {
    const builtinDir = mkdtempSync(join(tmpdir(), 'smallcode-thin-'));
    writeFileSync(join(builtinDir, 'core.marrow'), 'agent smallcode {\n  context { tool_result_max: 100 chars }\n}\n');
    const projectRoot = mkdtempSync(join(tmpdir(), 'smallcode-project-'));
    await expect(loadAgentLayers({ projectRoot, builtinDir, userConfigDir: false, env: {} })).rejects.toThrow(/do not declare context\.evictAt, .*loop\.maxTurns/);
  });
});

describe('the reply reserve', () => {
  const context = BUILTIN_POLICY.context;

  it('is reply_reserve where the window has room for it', () => {
    expect(context.replyReserveTokens).toBe(1024);
    expect(replyReserve(context, 8192)).toBe(1024);
    expect(replyReserve(context, 32_768)).toBe(1024);
    expect(replyReserve(context, 4096)).toBe(1024); // exactly the 25 % cap
  });

  it('scales down with small windows: never more than reply_reserve_max of the window', () => {
    expect(context.replyReserveMaxShare).toBe(0.25);
    expect(replyReserve(context, 2048)).toBe(512);
    expect(replyReserve(context, 3000)).toBe(750);
  });

  it('follows an override of either field', () => {
    expect(replyReserve({ ...context, replyReserveMaxShare: 0.5 }, 2048)).toBe(1024);
    expect(replyReserve({ ...context, replyReserveTokens: 300 }, 2048)).toBe(300);
  });
});
