import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingPolicyFields } from '../../../runtime/agent/policy.js';
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
