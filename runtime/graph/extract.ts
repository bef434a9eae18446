/**
 * One file's symbols from its syntax tree: definitions (with signature and doc comment),
 * imports, and call sites with the definition they are in. web-tree-sitter and the grammars are
 * loaded lazily, once per process; a grammar that fails to load is reported, never thrown past
 * `loadGrammars`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Language as TsLanguage, Node as TsNode, Parser as TsParser, Query as TsQuery } from 'web-tree-sitter';
import { importOf } from './imports.js';
import { LANGUAGES, type LanguageId, type LanguageSpec, type SymbolKind } from './languages.js';

export interface Definition {
  name: string;
  kind: SymbolKind;
  /** 1-based lines. */
  line: number;
  endLine: number;
  signature: string;
  doc?: string;
  /** The enclosing definition's name (a method's class). */
  parent?: string;
}

export interface ImportSite {
  /** The name bound in this file. */
  name: string;
  /** The module it comes from, as written. */
  source: string;
  line: number;
}

export interface CallSite {
  name: string;
  line: number;
  /** Index into `defs` of the innermost definition containing the call; absent at top level. */
  caller?: number;
}

export interface FileSymbols {
  defs: Definition[];
  imports: ImportSite[];
  calls: CallSite[];
  /** The parser recovered from syntax errors: the file is indexed as far as it parses. */
  partial?: boolean;
}

interface Loaded {
  parser: TsParser;
  languages: Map<LanguageId, { language: TsLanguage; query: TsQuery }>;
}

let loading: Promise<Loaded> | undefined;

/** Where the prebuilt grammars are (tree-sitter-wasms/out), or an error naming what is missing. */
export function grammarDir(): string {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
  if (!existsSync(dir)) throw new Error(`the tree-sitter grammars are missing (${dir})`);
  return dir;
}

/** Loads web-tree-sitter and every grammar once; rejects with what failed (the graph then turns off). */
export function loadGrammars(): Promise<Loaded> {
  loading ??= (async () => {
    const { Parser, Language, Query } = await import('web-tree-sitter');
    await Parser.init();
    const dir = grammarDir();
    const languages = new Map<LanguageId, { language: TsLanguage; query: TsQuery }>();
    for (const spec of LANGUAGES) {
      let language: TsLanguage;
      try {
        language = await Language.load(join(dir, spec.wasm));
      } catch (err) {
        throw new Error(`the ${spec.id} grammar (${spec.wasm}) did not load: ${(err as Error).message}`);
      }
      try {
        languages.set(spec.id, { language, query: new Query(language, spec.query) });
      } catch (err) {
        throw new Error(`the ${spec.id} query does not compile: ${(err as Error).message}`);
      }
    }
    return { parser: new Parser(), languages };
  })();
  loading.catch(() => undefined);
  return loading;
}

const SIGNATURE_CAP = 200;
const DOC_CAP = 400;
const CONTAINERS = new Set<SymbolKind>(['class', 'interface', 'module']);
/** Nodes wrapping a definition that its doc comment precedes. */
const WRAPPERS = new Set(['export_statement', 'decorated_definition', 'template_declaration', 'lexical_declaration', 'variable_declaration', 'const_declaration', 'var_declaration', 'type_declaration', 'field_declaration', 'declaration']);
/** Rust: functions inside these are methods. */
const RUST_IMPL = new Set(['impl_item', 'trait_item']);

interface RawDef extends Definition {
  start: number;
  end: number;
}

/** Parses one file and extracts its symbols. `loaded` comes from `loadGrammars()`. */
export function extractSymbols(loaded: Loaded, lang: LanguageSpec, source: string): FileSymbols {
  const entry = loaded.languages.get(lang.id);
  if (!entry) throw new Error(`no grammar for ${lang.id}`);
  loaded.parser.setLanguage(entry.language);
  const tree = loaded.parser.parse(source);
  if (!tree) return { defs: [], imports: [], calls: [] };
  try {
    const raw: RawDef[] = [];
    const seen = new Map<number, number>(); // node start → index in raw, so one node is one definition
    const calls: Array<{ name: string; line: number; start: number }> = [];
    const imports: ImportSite[] = [];
    for (const match of entry.query.matches(tree.rootNode)) {
      const nameNode = match.captures.find((c) => c.name === 'name')?.node;
      // C++ `ns::C::m`: the name is the last segment.
      const nameText = nameNode?.type === 'qualified_identifier' ? nameNode.text.split('::').pop()!.trim() : nameNode?.text;
      for (const capture of match.captures) {
        if (capture.name.startsWith('def.')) {
          if (!nameNode) continue;
          const node = capture.node;
          const kind = capture.name.slice(4) as SymbolKind;
          const known = seen.get(nameNode.startIndex);
          if (known !== undefined) {
            // The specific pattern (a const holding a function) wins over the generic constant.
            if (kind !== 'constant' && kind !== 'variable') raw[known]!.kind = kind;
            continue;
          }
          seen.set(nameNode.startIndex, raw.length);
          raw.push({ name: nameText!, kind, line: node.startPosition.row + 1, endLine: node.endPosition.row + 1, signature: signatureOf(node), doc: docOf(node, lang.id), start: node.startIndex, end: node.endIndex, ...(lang.id === 'rust' && kind === 'function' && hasAncestor(node, RUST_IMPL) ? { kind: 'method' as const } : {}) });
        } else if (capture.name === 'call' && nameNode) {
          calls.push({ name: nameText!, line: nameNode.startPosition.row + 1, start: capture.node.startIndex });
        } else if (capture.name === 'import') {
          const line = capture.node.startPosition.row + 1;
          for (const imp of importOf(capture.node, lang.id)) imports.push({ ...imp, line });
        }
      }
    }
    raw.sort((a, b) => a.start - b.start || b.end - a.end);
    const innermost = (start: number, exclude?: number): number | undefined => {
      let found: number | undefined;
      for (let i = 0; i < raw.length && raw[i]!.start <= start; i++) {
        if (i !== exclude && raw[i]!.end > start && (found === undefined || raw[i]!.start >= raw[found]!.start)) found = i;
      }
      return found;
    };
    for (let i = 0; i < raw.length; i++) {
      const def = raw[i]!;
      const parent = innermost(def.start, i);
      if (parent === undefined || raw[parent]!.start === def.start) continue;
      const container = raw[parent]!;
      if (CONTAINERS.has(container.kind)) def.parent = container.name;
      if (def.kind === 'function' && (container.kind === 'class' || container.kind === 'interface')) def.kind = 'method';
    }
    const defs: Definition[] = raw.map(({ start: _s, end: _e, ...def }) => (def.doc ? def : withoutDoc(def)));
    // Names of calls are unique per (line, name): a chain on one line counted once.
    const callKeys = new Set<string>();
    const callSites: CallSite[] = [];
    for (const call of calls) {
      const key = `${call.line}:${call.name}`;
      if (callKeys.has(key)) continue;
      callKeys.add(key);
      const caller = innermost(call.start);
      callSites.push(caller === undefined ? { name: call.name, line: call.line } : { name: call.name, line: call.line, caller });
    }
    return { defs, imports, calls: callSites, ...(tree.rootNode.hasError ? { partial: true } : {}) };
  } finally {
    tree.delete();
  }
}

function withoutDoc(def: Definition): Definition {
  const { doc: _doc, ...rest } = def;
  return rest;
}

function hasAncestor(node: TsNode, types: Set<string>): boolean {
  for (let p = node.parent; p; p = p.parent) if (types.has(p.type)) return true;
  return false;
}

/** The definition's head: its text up to the body, whitespace collapsed, capped. */
function signatureOf(node: TsNode): string {
  const body = node.childForFieldName('body') ?? node.childForFieldName('value')?.childForFieldName('body');
  let text = body && body.startIndex > node.startIndex ? node.text.slice(0, body.startIndex - node.startIndex) : node.text.split('\n')[0]!;
  text = text.replace(/\s+/g, ' ').trim().replace(/[\s{:=]+$/, '').trim();
  return text.length > SIGNATURE_CAP ? `${text.slice(0, SIGNATURE_CAP - 1)}…` : text;
}

/** The comment block right above the definition (or a Python docstring), without its markers. */
function docOf(node: TsNode, lang: LanguageId): string | undefined {
  if (lang === 'python') {
    const first = node.childForFieldName('body')?.namedChildren[0];
    const str = first?.type === 'expression_statement' ? first.namedChildren[0] : undefined;
    if (str?.type === 'string') return capDoc(str.text.replace(/^[rbuRBU]*("""|'''|"|')/, '').replace(/("""|'''|"|')$/, ''));
  }
  let outer = node;
  while (outer.parent && WRAPPERS.has(outer.parent.type) && outer.parent.startPosition.row >= outer.startPosition.row - 1) outer = outer.parent;
  const lines: string[] = [];
  let row = outer.startPosition.row;
  for (let prev = outer.previousSibling; prev && prev.type.includes('comment') && prev.endPosition.row >= row - 1; prev = prev.previousSibling) {
    lines.unshift(prev.text);
    row = prev.startPosition.row;
  }
  if (!lines.length) return undefined;
  const text = lines
    .join('\n')
    .split('\n')
    .map((l) => l.replace(/^\s*(\/\*\*?|\*\/|\*(?!\/)|\/\/\/?!?|#)\s?/, '').replace(/\s*\*\/\s*$/, ''))
    .filter((l) => l.trim())
    .join(' ');
  return text.trim() ? capDoc(text) : undefined;
}

function capDoc(text: string): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  return flat.length > DOC_CAP ? `${flat.slice(0, DOC_CAP - 1)}…` : flat;
}
