/**
 * Every example in examples/ (and fixtures/kitchen-sink.bone) compiles into a project with a valid
 * OpenAPI 3 document whose own `npm test` — tsc --noEmit, then its generated tests — passes
 * (shop.e2e.test.ts drives shop.bone deeper).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBoneFile } from '../../../compiler/bone/compile.js';
import { ensureDependencies, runProjectTests } from './generated-project.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../../examples');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bone-e2e-examples-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const bone = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.bone')).sort().map((f) => path.join(dir, f));
const files = [...bone(EXAMPLES), ...bone(FIXTURES)];
const names = files.map((f) => path.relative(path.resolve(import.meta.dirname, '../../..'), f));

describe('examples/*.bone, generated', () => {
  it.each(names)('%s compiles, type-checks and passes its own tests', async (name) => {
    const out = path.join(root, path.basename(name, '.bone'));
    const result = await compileBoneFile(files[names.indexOf(name)]!, { outDir: out });
    expect(result.ok, JSON.stringify(result.diagnostics, null, 2)).toBe(true);
    await SwaggerParser.validate(path.join(out, 'openapi.yaml'));
    // shop.bone's project is type-checked and tested by shop.e2e.test.ts.
    if (name === 'examples/shop.bone') return;
    ensureDependencies(out);
    const tests = runProjectTests(out); // its `npm test`: tsc --noEmit, then the generated tests

    expect(tests.ok, tests.output.slice(-4000)).toBe(true);
    expect(tests.output).toMatch(/# pass [1-9]/);
  }, 300_000);
});
