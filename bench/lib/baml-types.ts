import type { TypeRef } from '../../runtime/cognition/types.js';

/**
 * Translates the typed records of malformed-json.jsonl into our `TypeRef`: `target_type` is a BAML
 * Rust expression (`FieldType::class("Test").as_list()`), `schema` the BAML source declaring the
 * classes and enums it names. Benchmark code: it reads only the small subset of BAML those
 * fixtures use, and says which constructs our type system cannot express instead of guessing.
 */

/** BAML's type shapes, as far as the corpus uses them. */
export type BamlType =
  | { t: 'primitive'; name: 'string' | 'int' | 'float' | 'bool' | 'null' }
  | { t: 'named'; name: string; declared?: 'class' | 'enum' }
  | { t: 'literal'; value: string | number | boolean }
  | { t: 'list'; item: BamlType }
  | { t: 'optional'; inner: BamlType }
  | { t: 'union'; members: BamlType[] }
  | { t: 'map'; key: BamlType; value: BamlType };

export interface BamlSchema {
  classes: Map<string, Array<{ name: string; type: BamlType; attributes: string[] }>>;
  enums: Map<string, Array<{ name: string; attributes: string[] }>>;
}

export type Translation =
  | { ok: true; kind: string; type: TypeRef }
  /** `unsupported`: the constructs our TypeRef lacks, e.g. `map`, `union`, `enum @alias`. */
  | { ok: false; kind: string; unsupported: string[] };

export function translateTarget(targetType: string, schemaText: string | null): Translation {
  if (!targetType.trimStart().startsWith('FieldType::')) return { ok: false, kind: 'untyped', unsupported: ['no declared type'] };
  let target: BamlType;
  let schema: BamlSchema;
  try {
    target = parseTargetType(targetType);
    schema = parseBamlSchema(schemaText);
  } catch (err) {
    return { ok: false, kind: 'unparsed', unsupported: [`unreadable type: ${(err as Error).message}`] };
  }
  const kind = kindOf(target, schema);
  const unsupported = new Set<string>();
  const type = toTypeRef(target, schema, unsupported, new Set());
  return unsupported.size || !type ? { ok: false, kind, unsupported: [...unsupported].sort() } : { ok: true, kind, type };
}

function kindOf(t: BamlType, schema: BamlSchema): string {
  switch (t.t) {
    case 'primitive': return t.name;
    case 'named': return t.declared ?? (schema.enums.has(t.name) ? 'enum' : 'class');
    case 'literal': return 'literal';
    case 'union': return t.members.every((m) => m.t === 'literal') ? 'literal union' : 'union';
    default: return t.t;
  }
}

function toTypeRef(t: BamlType, schema: BamlSchema, unsupported: Set<string>, visiting: Set<string>): TypeRef | undefined {
  switch (t.t) {
    case 'primitive':
      if (t.name === 'null') { unsupported.add('null as a type of its own'); return undefined; }
      return { kind: t.name };
    case 'literal':
      // A string literal admits exactly one value: a one-value enum is the same type.
      if (typeof t.value === 'string') return { kind: 'enum', values: [t.value] };
      unsupported.add('non-string literal');
      return undefined;
    case 'list': {
      const item = toTypeRef(t.item, schema, unsupported, visiting);
      return item && { kind: 'list', item };
    }
    case 'optional': {
      const inner = toTypeRef(t.inner, schema, unsupported, visiting);
      return inner && { kind: 'optional', inner };
    }
    case 'map':
      unsupported.add('map');
      return undefined;
    case 'union': {
      const nullable = t.members.some((m) => m.t === 'primitive' && m.name === 'null');
      const members = t.members.filter((m) => !(m.t === 'primitive' && m.name === 'null'));
      let inner: TypeRef | undefined;
      if (members.length === 1) inner = toTypeRef(members[0]!, schema, unsupported, visiting);
      else if (members.length > 1 && members.every((m) => m.t === 'literal' && typeof m.value === 'string')) {
        inner = { kind: 'enum', values: members.map((m) => String((m as { value: string }).value)) };
      } else {
        unsupported.add('union');
        return undefined;
      }
      return inner && (nullable ? { kind: 'optional', inner } : inner);
    }
    case 'named': {
      const values = schema.enums.get(t.name);
      if (values && t.declared !== 'class') {
        if (values.some((v) => v.attributes.includes('alias'))) unsupported.add('enum value @alias');
        if (values.some((v) => v.attributes.includes('skip'))) unsupported.add('enum value @skip');
        return { kind: 'enum', values: values.map((v) => v.name) };
      }
      const fields = schema.classes.get(t.name);
      if (!fields) {
        unsupported.add(`undeclared ${t.declared ?? 'type'} ${t.name}`);
        return undefined;
      }
      if (visiting.has(t.name)) {
        unsupported.add('recursive class');
        return undefined;
      }
      visiting.add(t.name);
      const out: Array<{ name: string; type: TypeRef }> = [];
      for (const field of fields) {
        if (field.attributes.includes('alias')) unsupported.add('field @alias');
        for (const attribute of field.attributes) if (attribute !== 'alias' && attribute !== 'description') unsupported.add(`field @${attribute}`);
        const type = toTypeRef(field.type, schema, unsupported, visiting);
        if (type) out.push({ name: field.name, type });
      }
      visiting.delete(t.name);
      return { kind: 'record', fields: out };
    }
  }
}

// ---- target_type: a Rust expression building a FieldType -------------------------------------

/** `FieldType::List(FieldType::Primitive(TypeValue::Int).into())` and the helper-method forms. */
export function parseTargetType(source: string): BamlType {
  const tokens = source.match(/"(?:[^"\\]|\\.)*"|::|[A-Za-z_]\w*|-?\d+(?:\.\d+)?|[()[\],.!]/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (token === undefined) throw new Error('unexpected end');
    return token;
  };
  const expect = (token: string) => {
    const got = next();
    if (got !== token) throw new Error(`expected ${token}, found ${got}`);
  };
  // `"Foo".to_string()`, `"TWO".into()`
  const stringArg = (): string => {
    const token = next();
    if (!token.startsWith('"')) throw new Error(`expected a string, found ${token}`);
    skipConversions();
    return JSON.parse(token) as string;
  };
  const skipConversions = () => {
    while (peek() === '.' && ['into', 'to_string', 'to_owned'].includes(tokens[pos + 1] ?? '')) {
      pos += 2;
      expect('(');
      expect(')');
    }
  };
  const list = (): BamlType[] => {
    expect('vec');
    expect('!');
    expect('[');
    const items: BamlType[] = [];
    while (peek() !== ']') {
      items.push(expression());
      if (peek() === ',') next();
    }
    expect(']');
    return items;
  };
  const expression = (): BamlType => {
    expect('FieldType');
    expect('::');
    const constructor = next();
    expect('(');
    let type: BamlType;
    switch (constructor.toLowerCase()) {
      case 'primitive': {
        expect('TypeValue');
        expect('::');
        const name = next().toLowerCase();
        if (!['string', 'int', 'float', 'bool', 'null'].includes(name)) throw new Error(`unknown primitive ${name}`);
        type = { t: 'primitive', name: name as 'string' };
        break;
      }
      case 'string': case 'int': case 'float': case 'bool': case 'null':
        type = { t: 'primitive', name: constructor.toLowerCase() as 'string' };
        break;
      case 'class': type = { t: 'named', name: stringArg(), declared: 'class' }; break;
      case 'enum': type = { t: 'named', name: stringArg(), declared: 'enum' }; break;
      case 'list': type = { t: 'list', item: expression() }; skipConversions(); break;
      case 'optional': type = { t: 'optional', inner: expression() }; skipConversions(); break;
      case 'union': type = { t: 'union', members: list() }; break;
      case 'map': {
        const key = expression();
        expect(',');
        type = { t: 'map', key, value: expression() };
        break;
      }
      case 'literal': {
        expect('LiteralValue');
        expect('::');
        const which = next();
        expect('(');
        if (which === 'String') type = { t: 'literal', value: stringArg() };
        else if (which === 'Int') type = { t: 'literal', value: Number(next()) };
        else if (which === 'Bool') type = { t: 'literal', value: next() === 'true' };
        else throw new Error(`unknown literal ${which}`);
        expect(')');
        break;
      }
      default:
        throw new Error(`unknown FieldType::${constructor}`);
    }
    expect(')');
    for (;;) {
      skipConversions();
      if (peek() === '.' && tokens[pos + 1] === 'as_list') type = { t: 'list', item: type };
      else if (peek() === '.' && tokens[pos + 1] === 'as_optional') type = { t: 'optional', inner: type };
      else break;
      pos += 2;
      expect('(');
      expect(')');
    }
    return type;
  };
  const type = expression();
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos]}`);
  return type;
}

// ---- schema: BAML `class X { field type @attr }` and `enum E { A @alias(..) }` ------------------

export function parseBamlSchema(text: string | null): BamlSchema {
  const schema: BamlSchema = { classes: new Map(), enums: new Map() };
  if (!text || text === 'EMPTY_FILE' || text === 'None') return schema;
  // Block strings may hold anything (quotes, braces, `//`); their content never matters here.
  const source = text.replace(/#"[\s\S]*?"#/g, '""').replace(/\/\/[^\n]*/g, '');
  for (const m of source.matchAll(/\b(class|enum)\s+(\w+)\s*\{([^}]*)\}/g)) {
    const [, keyword, name, body] = m as unknown as [string, string, string, string];
    if (keyword === 'enum') schema.enums.set(name, parseEnumBody(body));
    else schema.classes.set(name, parseClassBody(body));
  }
  return schema;
}

function parseEnumBody(body: string): Array<{ name: string; attributes: string[] }> {
  const values: Array<{ name: string; attributes: string[] }> = [];
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i]!)) { i++; continue; }
    if (body[i] === '@') {
      const attribute = readAttribute(body, i);
      if (!attribute.name.startsWith('@')) values.at(-1)?.attributes.push(attribute.name);
      i = attribute.end;
      continue;
    }
    const word = /^\w+/.exec(body.slice(i));
    if (!word) throw new Error(`unexpected ${body[i]} in an enum`);
    values.push({ name: word[0], attributes: [] });
    i += word[0].length;
  }
  return values;
}

function parseClassBody(body: string): Array<{ name: string; type: BamlType; attributes: string[] }> {
  const fields: Array<{ name: string; type: BamlType; attributes: string[] }> = [];
  for (const line of body.split('\n').map((l) => l.trim()).filter(Boolean)) {
    if (line.startsWith('@@')) continue; // class-level description: prompt text only
    const m = /^(\w+)\s+([^@]+?)\s*(@.*)?$/.exec(line);
    if (!m) throw new Error(`unreadable field: ${line}`);
    const attributes: string[] = [];
    for (let i = 0; m[3] && i < m[3].length;) {
      if (m[3][i] !== '@') { i++; continue; }
      const attribute = readAttribute(m[3], i);
      attributes.push(attribute.name);
      i = attribute.end;
    }
    fields.push({ name: m[1]!, type: parseFieldType(m[2]!), attributes });
  }
  return fields;
}

/** `@alias("k-2-3.1_1")` from `start`: its name (without `@`; `@@x` keeps one `@`) and where it ends. */
function readAttribute(text: string, start: number): { name: string; end: number } {
  const m = /^@(@?\w+)/.exec(text.slice(start));
  if (!m) throw new Error('unreadable attribute');
  let i = start + m[0].length;
  if (text[i] === '(') {
    let depth = 0;
    let quote = '';
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (quote) { if (ch === quote) quote = ''; continue; }
      if (ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) { i++; break; }
    }
  }
  return { name: m[1]!, end: i };
}

/** `int[]`, `string?`, `(int | string)[]`, `Nested | string`, `map<string, int>`, `"lit"`. */
export function parseFieldType(source: string): BamlType {
  const tokens = source.match(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|\w+|\[\]|[()|?<>,]/g) ?? [];
  let pos = 0;
  const next = () => {
    const token = tokens[pos++];
    if (token === undefined) throw new Error(`unexpected end of ${source}`);
    return token;
  };
  const union = (): BamlType => {
    const members = [postfix()];
    while (tokens[pos] === '|') { pos++; members.push(postfix()); }
    return members.length === 1 ? members[0]! : { t: 'union', members };
  };
  const postfix = (): BamlType => {
    let type = primary();
    for (;;) {
      if (tokens[pos] === '[]') type = { t: 'list', item: type };
      else if (tokens[pos] === '?') type = { t: 'optional', inner: type };
      else return type;
      pos++;
    }
  };
  const primary = (): BamlType => {
    const token = next();
    if (token === '(') {
      const inner = union();
      if (next() !== ')') throw new Error(`unbalanced parentheses in ${source}`);
      return inner;
    }
    if (token.startsWith('"')) return { t: 'literal', value: JSON.parse(token) as string };
    if (/^-?\d/.test(token)) return { t: 'literal', value: Number(token) };
    if (token === 'true' || token === 'false') return { t: 'literal', value: token === 'true' };
    if (['string', 'int', 'float', 'bool', 'null'].includes(token)) return { t: 'primitive', name: token as 'string' };
    if (token === 'map') {
      if (next() !== '<') throw new Error(`expected < after map in ${source}`);
      const key = union();
      if (next() !== ',') throw new Error(`expected , in ${source}`);
      const value = union();
      if (next() !== '>') throw new Error(`expected > in ${source}`);
      return { t: 'map', key, value };
    }
    if (/^\w+$/.test(token)) return { t: 'named', name: token };
    throw new Error(`unexpected ${token} in ${source}`);
  };
  const type = union();
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos]} in ${source}`);
  return type;
}
