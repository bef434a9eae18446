/** The names an import statement binds and the module they come from, per language. */
import type { Node as TsNode } from 'web-tree-sitter';
import type { LanguageId } from './languages.js';

export interface ImportedName {
  name: string;
  source: string;
}

const STRING_TYPES = new Set(['string', 'string_literal', 'interpreted_string_literal', 'raw_string_literal', 'system_lib_string']);

function unquote(text: string): string {
  return text.replace(/^[`'"<]|[`'">]$/g, '');
}

function descendants(node: TsNode, types: Set<string>, out: TsNode[] = []): TsNode[] {
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (types.has(child.type)) out.push(child);
    else descendants(child, types, out);
  }
  return out;
}

const lastSegment = (path: string): string => path.split(/[/.:]+/).filter(Boolean).pop() ?? path;

export function importOf(node: TsNode, lang: LanguageId): ImportedName[] {
  switch (lang) {
    case 'typescript':
    case 'tsx':
    case 'javascript': {
      const source = unquote(node.childForFieldName('source')?.text ?? '');
      const clause = node.namedChildren.find((c) => c?.type === 'import_clause');
      if (!clause) return source ? [{ name: lastSegment(source), source }] : [];
      const names: ImportedName[] = [];
      for (const part of clause.namedChildren) {
        if (!part) continue;
        if (part.type === 'identifier') names.push({ name: part.text, source });
        else if (part.type === 'namespace_import') names.push({ name: part.namedChildren.at(-1)?.text ?? part.text, source });
        else if (part.type === 'named_imports')
          for (const spec of part.namedChildren) {
            if (spec?.type !== 'import_specifier') continue;
            names.push({ name: (spec.childForFieldName('alias') ?? spec.childForFieldName('name'))?.text ?? spec.text, source });
          }
      }
      return names;
    }
    case 'python': {
      if (node.type === 'import_from_statement') {
        const source = node.childForFieldName('module_name')?.text ?? '';
        return node
          .childrenForFieldName('name')
          .filter((n): n is TsNode => Boolean(n))
          .map((n) => ({ name: (n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : lastSegment(n.text)) ?? n.text, source }));
      }
      return node.namedChildren
        .filter((n): n is TsNode => Boolean(n))
        .map((n) => (n.type === 'aliased_import' ? { name: n.childForFieldName('alias')?.text ?? n.text, source: n.childForFieldName('name')?.text ?? n.text } : { name: n.text.split('.')[0]!, source: n.text }));
    }
    case 'go': {
      const source = unquote(node.childForFieldName('path')?.text ?? '');
      const alias = node.childForFieldName('name')?.text;
      return source ? [{ name: alias ?? lastSegment(source), source }] : [];
    }
    case 'rust': {
      const arg = node.childForFieldName('argument');
      if (!arg) return [];
      const text = arg.text.replace(/\s+as\s+/g, ' as ').replace(/\s*(::|,|\{|\})\s*/g, '$1');
      const bound = (part: string): string => / as (\w+)$/.exec(part)?.[1] ?? lastSegment(part);
      const brace = text.indexOf('{');
      if (brace < 0) return [{ name: bound(text), source: text.replace(/ as \w+$/, '') }];
      const base = text.slice(0, brace).replace(/::$/, '');
      return text
        .slice(brace + 1, text.lastIndexOf('}'))
        .split(',')
        .filter((p) => p && !p.includes('{') && p !== 'self')
        .map((p) => ({ name: bound(p), source: `${base}::${p.replace(/ as \w+$/, '')}` }));
    }
    case 'java': {
      const text = node.text.replace(/^import\s+(static\s+)?/, '').replace(/;\s*$/, '').trim();
      return [{ name: lastSegment(text), source: text }];
    }
    case 'c':
    case 'cpp': {
      const path = node.childForFieldName('path');
      const source = path && STRING_TYPES.has(path.type) ? unquote(path.text) : (descendants(node, STRING_TYPES)[0]?.text ?? '');
      return source ? [{ name: source, source }] : [];
    }
  }
}
