import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBone, checkBoneFile, formatBoneDiagnostics } from '../../../../compiler/bone/index.js';

const shop = readFileSync(new URL('../../../../examples/shop.bone', import.meta.url), 'utf8');

describe('bone front-end API', () => {
  it('checkBoneFile reads a file and returns the IR', async () => {
    const result = await checkBoneFile(new URL('../../../../examples/todo.bone', import.meta.url).pathname);
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.name).toBe('Todo');
    expect(result.source).toContain('system Todo');
  });

  it('checkBoneFile turns a missing file into BS009, not an exception', async () => {
    const result = await checkBoneFile('/definitely/not/here.bone');
    expect(result.ir).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['BS009 cannot read /definitely/not/here.bone: no such file']);
    expect(formatBoneDiagnostics(result)).toBe('/definitely/not/here.bone:1:1: error BS009: cannot read /definitely/not/here.bone: no such file');
  });

  it('resolves imports and implementation files relative to the .bone file on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bone-front-'));
    writeFileSync(join(dir, 'people.bone'), 'system People { entity Seller { owns: [name: string] } }\n');
    writeFileSync(join(dir, 'fee.ts'), 'export const fee = () => 0;\n');
    writeFileSync(join(dir, 'app.bone'), [
      'import * from "./people.bone"',
      'system App {',
      '  entity Listing { owns: [price: uint] relation seller: belongs_to Seller }',
      '  extension_point fee(l: Listing) { returns: uint  stable: true  implementation: "fee.ts" }',
      '}',
    ].join('\n'));
    const result = await checkBoneFile(join(dir, 'app.bone'));
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.entities.map((e) => e.name)).toEqual(['Listing', 'Seller']);
  });

  it('formats diagnostics as file:line:col: severity CODE: message with a code frame and a caret run', () => {
    const result = checkBone('system S {\n  entity A { owns: [price: uint] constraints: [price > "x"] }\n}\n', 'app.bone');
    expect(formatBoneDiagnostics(result)).toBe([
      `app.bone:2:48: error BS040: cannot compare 'price' (uint) with string "x" using '>'`,
      '  1 | system S {',
      '> 2 |   entity A { owns: [price: uint] constraints: [price > "x"] }',
      '    |                                                ^^^^^^^^^^^',
      '  3 | }',
    ].join('\n'));
  });

  it('never throws and never fails internally on truncated or mangled input', () => {
    const inputs: string[] = ['', '{', '}}}', 'system', 'system {', '"', '/*', 'system S { entity', '\u0000\u0001', 'system S { entity A { owns: [x: list<list<'];
    for (let cut = 0; cut < shop.length; cut += 97) inputs.push(shop.slice(0, cut));
    for (let at = 0; at < shop.length; at += 211) inputs.push(shop.slice(0, at) + shop.slice(at + 13));
    for (const input of inputs) {
      const result = checkBone(input, 'fuzz.bone');
      expect(result.diagnostics.filter((d) => d.code === 'BS900')).toEqual([]);
      if (input !== shop) expect(result.ir === undefined || result.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
    }
  });

  it('turns an unexpected failure inside the front end into BS900 instead of throwing', () => {
    const result = checkBone('system S { import * from "./x.bone" }', 'app.bone', { readFile: () => { throw new Error('disk on fire'); } });
    expect(result.ir).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['BS900 internal compiler error: disk on fire — please report this with the .bone file']);
  });

  it('reports positions inside multi-line sources correctly (CRLF line endings too)', () => {
    const result = checkBone('system S {\r\n  entity A {\r\n    owns: [x: strng]\r\n  }\r\n}\r\n', 'crlf.bone');
    expect(result.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`)).toEqual(['3:15 BS030']);
  });
});
