import { describe, expect, it } from 'vitest';
import { findDeclarations, fitDeclarations, type Declaration } from '../../../runtime/tools/outline.js';

/** The line numbers findDeclarations reports for `source` in a file named `file`. */
const declared = (file: string, source: string) => findDeclarations(source.split('\n'), file).map((d) => d.line);

describe('findDeclarations', () => {
  it('TypeScript: functions, classes, methods, interfaces, types, exported consts; not statements or calls', () => {
    const source = [
      "import { x } from './x.js';", //                                  1
      'export interface Options {', //                                   2
      '  verbose: boolean;', //                                          3
      '}', //                                                            4
      'type Mode = "a" | "b";', //                                       5
      'export const LIMIT = 3;', //                                      6
      'const helper = (a: number): number => a + 1;', //                 7
      'export class Runner {', //                                        8
      '  constructor(private readonly opts: Options) {}', //             9
      '  async run(task: string): Promise<{ ok: boolean }> {', //        10
      '    if (task) {', //                                              11
      '    } else if (x(task)) {', //                                    12
      "    describe('x', () => {", //                                    13
      '    this.items.forEach((item) => {', //                           14
      '    for (const item of items) {', //                              15
      '    return { ok: true };', //                                     16
      '  }', //                                                          17
      '  private record(', //                                            18
      '    entries: string[],', //                                       19
      '  ): void {', //                                                  20
      '  get size(): number {', //                                       21
      '}', //                                                            22
      'export default async function main() {', //                       23
      '// function commentedOut() {', //                                 24
    ].join('\n');
    expect(declared('src/run.ts', source)).toEqual([2, 5, 6, 7, 8, 9, 10, 18, 21, 23]);
  });

  it('Python: classes and (async) defs at any depth, not comments or control flow', () => {
    const source = ['import os', 'class Parser(Base):', '    def __init__(self):', '        if self.x:', '            pass', '    async def parse(self) -> list:', '# def not_this():', 'def main():'].join('\n');
    expect(declared('parser.py', source)).toEqual([2, 3, 6, 8]);
  });

  it('Go and Rust: func (with receivers), type; fn, struct, enum, trait, impl<T>, pub const', () => {
    const go = ['package main', 'type Server struct {', 'func (s *Server) Start() error {', '\tif s.port == 0 {', '\tfor i := 0; i < 3; i++ {', 'func main() {'].join('\n');
    expect(declared('main.go', go)).toEqual([2, 3, 6]);
    const rust = ['use std::io;', 'pub struct Point { x: i32 }', 'enum Color { Red }', 'pub trait Shape {', 'impl<T> Shape for W<T> {', '    pub fn area(&self) -> f64 {', '        match self {', 'pub(crate) async fn run() {}', 'pub const MAX: usize = 3;'].join('\n');
    expect(declared('lib.rs', rust)).toEqual([2, 3, 4, 5, 6, 8, 9]);
  });

  it('Java, C#, C and C++: declarations with modifiers and return types, braces on the same or the next line', () => {
    const java = ['public class Calc {', '    public static int add(int a, int b) {', '        synchronized (this) {', '    protected List<String> names()', '    {', '    int prototype(int a);'].join('\n');
    expect(declared('Calc.java', java)).toEqual([1, 2, 4]);
    const csharp = ['namespace App {', '  public record Person(string Name);', '  public sealed class Service {', '    public async Task<int> RunAsync(CancellationToken token) {', '      using (var x = y) {'].join('\n');
    expect(declared('Service.cs', csharp)).toEqual([1, 2, 3, 4]);
    const c = ['#include <stdio.h>', 'struct node {', 'static int helper(int x)', '{', 'int main(int argc, char **argv) {', '  if (argc > 1) {', '  printf("%d", helper(argc));'].join('\n');
    expect(declared('main.c', c)).toEqual([2, 3, 5]);
    expect(declared('shape.cpp', ['namespace geo {', 'double Circle::area() const {', '  return 3.14;'].join('\n'))).toEqual([1, 2]);
  });

  it('shell functions, SQL definitions, Markdown headings outside code fences, top-level config keys', () => {
    expect(declared('deploy.sh', ['#!/bin/bash', 'set -e', 'build() {', 'function deploy {', 'my-tool() { :; }', 'echo done'].join('\n'))).toEqual([3, 4, 5]);
    expect(declared('schema.sql', ['CREATE TABLE users (', '  id int', ');', 'create or replace view active as', 'select 1;'].join('\n'))).toEqual([1, 4]);
    expect(declared('README.md', ['# Title', 'A class of problems.', '## Usage', '```bash', '# a comment, not a heading', '```', '### Options'].join('\n'))).toEqual([1, 3, 7]);
    expect(declared('notes.txt', ['class notes', 'type of thing'].join('\n'))).toEqual([]);
    expect(declared('ci.yml', ['name: ci', 'on:', '  push:', '# comment', 'jobs:', '  - item'].join('\n'))).toEqual([1, 2, 5]);
    expect(declared('package.json', ['{', '  "name": "x",', '  "scripts": {', '    "build": "tsup"', '  }', '}'].join('\n'))).toEqual([2, 3]);
  });
});

describe('fitDeclarations', () => {
  const d = (line: number, indent: number): Declaration => ({ line, indent, text: `${' '.repeat(indent)}decl${line}` });
  const render = (x: Declaration) => `${x.line}\t${x.text}`;

  it('keeps everything that fits', () => {
    const all = [d(1, 0), d(2, 2), d(3, 0)];
    expect(fitDeclarations(all, 1000, render)).toEqual({ shown: all, left: 0 });
  });

  it('drops the most nested declarations first, then cuts the list', () => {
    const all = [d(1, 0), d(2, 4), d(3, 2), d(4, 4), d(5, 0)];
    expect(fitDeclarations(all, 40, render).shown.map((x) => x.line)).toEqual([1, 3, 5]);
    expect(fitDeclarations(all, 20, render)).toEqual({ shown: [all[0], all[4]], left: 3 });
    expect(fitDeclarations(all, 10, render)).toEqual({ shown: [all[0]], left: 4 });
    expect(fitDeclarations(all, 0, render)).toEqual({ shown: [], left: 5 });
  });
});
