// One small fixture per language: definitions (kind, line, signature, doc), imports and calls with
// the definition they are in. The grammars load once for the whole file.
import { beforeAll, describe, expect, it } from 'vitest';
import { extractSymbols, loadGrammars, type FileSymbols } from '../../../runtime/graph/extract.js';
import { languageOf } from '../../../runtime/graph/languages.js';

let loaded: Awaited<ReturnType<typeof loadGrammars>>;
beforeAll(async () => {
  loaded = await loadGrammars();
});

const parse = (path: string, source: string): FileSymbols => extractSymbols(loaded, languageOf(path)!, source);
const def = (s: FileSymbols, name: string) => s.defs.find((d) => d.name === name);
const callerOf = (s: FileSymbols, name: string) => {
  const call = s.calls.find((c) => c.name === name);
  return call && (call.caller === undefined ? '(top)' : s.defs[call.caller]!.name);
};

describe('extractSymbols', () => {
  it('TypeScript: functions, arrow consts, classes, methods, interfaces, types, enums, namespaces, imports', () => {
    const s = parse('a.ts', "import { x, y as z } from './b';\nimport * as ns from 'n';\n/** Adds two numbers. */\nexport function add(a: number, b: number): number {\n  return x(a) + ns.q(b);\n}\nexport const LIMIT = 3;\nconst twice = (n: number) => add(n, n);\nclass Box {\n  open(): void { new Box(); }\n}\ninterface Shape { area(): number }\ntype Id = string;\nenum Color { Red }\nnamespace Geo {}\n");
    expect(def(s, 'add')).toMatchObject({ kind: 'function', line: 4, endLine: 6, signature: 'function add(a: number, b: number): number', doc: 'Adds two numbers.' });
    expect(def(s, 'LIMIT')).toMatchObject({ kind: 'constant', line: 7 });
    expect(def(s, 'twice')).toMatchObject({ kind: 'function', line: 8 });
    expect(def(s, 'open')).toMatchObject({ kind: 'method', parent: 'Box' });
    expect(s.defs.map((d) => [d.name, d.kind])).toEqual(expect.arrayContaining([['Box', 'class'], ['Shape', 'interface'], ['Id', 'type'], ['Color', 'enum'], ['Geo', 'module']]));
    expect(s.imports).toEqual([{ name: 'x', source: './b', line: 1 }, { name: 'z', source: './b', line: 1 }, { name: 'ns', source: 'n', line: 2 }]);
    expect(callerOf(s, 'x')).toBe('add');
    expect(callerOf(s, 'q')).toBe('add');
    expect(callerOf(s, 'add')).toBe('twice');
    expect(callerOf(s, 'Box')).toBe('open');
  });

  it('TSX and JavaScript', () => {
    const tsx = parse('a.tsx', 'export function App() {\n  return <div>{render()}</div>;\n}\n');
    expect(def(tsx, 'App')).toMatchObject({ kind: 'function', line: 1 });
    expect(callerOf(tsx, 'render')).toBe('App');
    const js = parse('a.js', "const fs = require('fs');\n// Reads it.\nfunction read(p) { return fs.readFileSync(p); }\nclass A { m() { read(1); } }\n");
    expect(def(js, 'read')).toMatchObject({ kind: 'function', line: 3, doc: 'Reads it.' });
    expect(callerOf(js, 'read')).toBe('m');
    // A call in a constant's initializer belongs to that constant.
    expect(callerOf(js, 'require')).toBe('fs');
  });

  it('Python: functions, methods, classes, docstrings, module constants, imports', () => {
    const s = parse('a.py', 'import os.path\nfrom pkg.mod import helper, other as alias\nLIMIT = 10\ndef run(a):\n    """Runs it."""\n    return helper(a)\nclass Job:\n    def start(self):\n        self.run_step()\n');
    expect(def(s, 'run')).toMatchObject({ kind: 'function', line: 4, signature: 'def run(a)', doc: 'Runs it.' });
    expect(def(s, 'start')).toMatchObject({ kind: 'method', parent: 'Job' });
    expect(def(s, 'LIMIT')).toMatchObject({ kind: 'constant' });
    expect(s.imports.map((i) => [i.name, i.source])).toEqual([['os', 'os.path'], ['helper', 'pkg.mod'], ['alias', 'pkg.mod']]);
    expect(callerOf(s, 'helper')).toBe('run');
    expect(callerOf(s, 'run_step')).toBe('start');
  });

  it('Go: functions, methods, structs, interfaces, constants, imports', () => {
    const s = parse('a.go', 'package m\n\nimport (\n\t"fmt"\n\tstr "strings"\n)\n\n// Greet says hello.\nfunc Greet(n string) string { return fmt.Sprint(str.ToUpper(n)) }\n\ntype User struct{}\n\nfunc (u *User) Name() string { return Greet("x") }\n\ntype Namer interface{ Name() string }\n\nconst Max = 3\n');
    expect(def(s, 'Greet')).toMatchObject({ kind: 'function', line: 9, doc: 'Greet says hello.', signature: 'func Greet(n string) string' });
    expect(def(s, 'Name')).toMatchObject({ kind: 'method' });
    expect(def(s, 'User')!.kind).toBe('class');
    expect(def(s, 'Namer')!.kind).toBe('interface');
    expect(def(s, 'Max')!.kind).toBe('constant');
    expect(s.imports.map((i) => i.name)).toEqual(['fmt', 'str']);
    expect(callerOf(s, 'Greet')).toBe('Name');
    expect(callerOf(s, 'ToUpper')).toBe('Greet');
  });

  it('Rust: functions, impl methods, structs, traits, enums, consts, modules, use lists', () => {
    const s = parse('a.rs', 'use std::collections::{HashMap, HashSet as Set};\n/// Builds it.\nfn build(n: u32) -> u32 { helper(n) }\nstruct Point {}\nimpl Point { fn len(&self) -> u32 { build(1) } }\ntrait Shape {}\nenum Kind { A }\nconst MAX: u32 = 1;\nmod util {}\n');
    expect(def(s, 'build')).toMatchObject({ kind: 'function', line: 3, doc: 'Builds it.', signature: 'fn build(n: u32) -> u32' });
    expect(def(s, 'len')!.kind).toBe('method');
    expect(s.defs.map((d) => [d.name, d.kind])).toEqual(expect.arrayContaining([['Point', 'class'], ['Shape', 'interface'], ['Kind', 'enum'], ['MAX', 'constant'], ['util', 'module']]));
    expect(s.imports.map((i) => [i.name, i.source])).toEqual([['HashMap', 'std::collections::HashMap'], ['Set', 'std::collections::HashSet']]);
    expect(callerOf(s, 'build')).toBe('len');
  });

  it('Java: classes, methods with Javadoc, interfaces, enums, static finals, imports, constructions', () => {
    const s = parse('A.java', 'import java.util.List;\n\npublic class Shop {\n  static final int MAX = 1;\n  /** Adds an item. */\n  public void add(String s) { check(s); new Item(s); }\n}\ninterface Store {}\nenum Size { S }\n');
    expect(def(s, 'add')).toMatchObject({ kind: 'method', parent: 'Shop', doc: 'Adds an item.', line: 6 });
    expect(def(s, 'MAX')!.kind).toBe('constant');
    expect(def(s, 'Store')!.kind).toBe('interface');
    expect(def(s, 'Size')!.kind).toBe('enum');
    expect(s.imports).toEqual([{ name: 'List', source: 'java.util.List', line: 1 }]);
    expect(callerOf(s, 'check')).toBe('add');
    expect(callerOf(s, 'Item')).toBe('add');
  });

  it('C and C++: functions, structs, typedefs, macros, includes, namespaces, qualified methods', () => {
    const c = parse('a.c', '#include <stdio.h>\n#include "util.h"\n#define MAX 4\n/* Sums. */\nint sum(int a) { return add(a, 1); }\nstruct Pt { int x; };\ntypedef int Id;\n');
    expect(def(c, 'sum')).toMatchObject({ kind: 'function', line: 5, doc: 'Sums.', signature: 'int sum(int a)' });
    expect(c.defs.map((d) => [d.name, d.kind])).toEqual(expect.arrayContaining([['MAX', 'constant'], ['Pt', 'class'], ['Id', 'type']]));
    expect(c.imports.map((i) => i.source)).toEqual(['stdio.h', 'util.h']);
    expect(callerOf(c, 'add')).toBe('sum');
    const cpp = parse('a.cpp', '#include <vector>\nnamespace geo { class Shape { public: int area(); }; }\nint geo::Shape::area() { return compute(); }\nint main() { return std::max(1, 2); }\n');
    expect(def(cpp, 'geo')!.kind).toBe('module');
    expect(def(cpp, 'Shape')).toMatchObject({ kind: 'class', parent: 'geo' });
    expect(def(cpp, 'area')).toMatchObject({ kind: 'method', line: 3 });
    expect(callerOf(cpp, 'compute')).toBe('area');
    expect(callerOf(cpp, 'max')).toBe('main');
  });

  it('a file that does not parse is indexed as far as it parses', () => {
    const s = parse('bad.ts', 'export function ok() { return 1; }\nfunction broken( {\n  call();\n');
    expect(s.partial).toBe(true);
    expect(def(s, 'ok')).toMatchObject({ kind: 'function', line: 1 });
  });
});
