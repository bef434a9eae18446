import { mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import type { AgentPolicy } from '../../../runtime/agent/policy.js';
import { BUILTIN_POLICY } from '../../support/policy.js';
import { createToolRegistry, type ToolRegistry, type ToolRegistryOptions } from '../../../runtime/tools/index.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A real temporary project folder with the given files; removed after the test. */
export function makeProject(files: Record<string, string> = {}): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'smallcode-tools-')));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** A folder outside the project (for symlink escapes); removed after the test. */
export function makeOutsideDir(files: Record<string, string> = {}): string {
  return makeProject(files);
}

export function policyWith(change: (p: AgentPolicy) => void): AgentPolicy {
  const p = structuredClone(BUILTIN_POLICY);
  change(p);
  return p;
}

/** A registry on `root` with the default policy (or overrides); disposed after the test. */
export function makeRegistry(root: string, overrides: Partial<ToolRegistryOptions> = {}): ToolRegistry {
  const registry = createToolRegistry({ root, policy: BUILTIN_POLICY, sessionId: 'test-session', ...overrides });
  cleanups.push(() => registry.dispose());
  return registry;
}
