// First-hour defects seen headless (issue 10), each through the real CLI against the scripted
// model server or the real compiler.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/run-cli.js';
import { makeTempProject, removeTempProject, runCli } from './helpers.js';

describe('smallcode marrow compile', () => {
  it('gives byte-identical output for identical input in separate processes', async () => {
    const dir = await makeTempProject({});
    try {
      copyFileSync(join(repoRoot, 'agents', 'core.marrow'), join(dir, 'core.marrow'));
      for (const out of ['a', 'b']) {
        const r = await runCli(['marrow', 'compile', 'core.marrow', '-o', out], { cwd: dir, timeoutMs: 60_000 });
        expect(r.code, r.stderr).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 1100)); // a clock in the output would show
      }
      const files = readdirSync(join(dir, 'a')).sort();
      expect(files).toEqual(['core.cjs', 'core.meta.json', 'core.ts']);
      expect(readdirSync(join(dir, 'b')).sort()).toEqual(files);
      for (const f of files) expect(readFileSync(join(dir, 'b', f)).equals(readFileSync(join(dir, 'a', f))), f).toBe(true);
    } finally {
      await removeTempProject(dir);
    }
  });
});
