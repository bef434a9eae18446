import { describe, expect, it } from 'vitest';
import { translateTarget } from '../../../bench/lib/baml-types.js';

const categories = '// Enums\nenum Category {\nONE\nTWO\n}';

describe('BAML target types translated to TypeRef (bench:parser)', () => {
  it('translates primitives and the list/optional helpers', () => {
    expect(translateTarget('FieldType::Primitive(TypeValue::String)', null)).toEqual({ ok: true, kind: 'string', type: { kind: 'string' } });
    expect(translateTarget('FieldType::List(FieldType::Primitive(TypeValue::Int).into())', 'None')).toEqual({ ok: true, kind: 'list', type: { kind: 'list', item: { kind: 'int' } } });
    expect(translateTarget('FieldType::string().as_optional()', 'EMPTY_FILE')).toEqual({ ok: true, kind: 'optional', type: { kind: 'optional', inner: { kind: 'string' } } });
  });

  it('resolves classes and enums from the schema, including nested classes and nullable fields', () => {
    const schema = 'class Test {\n  key string\n  array int[]\n  note string | null @description(#"\n    say "hi" {\n  "#)\n  object Foo?\n}\n\nclass Foo {\n  kind Category\n}\n' + categories;
    expect(translateTarget('FieldType::class("Test").as_list()', schema)).toEqual({ ok: true, kind: 'list', type: { kind: 'list', item: { kind: 'record', fields: [
      { name: 'key', type: { kind: 'string' } },
      { name: 'array', type: { kind: 'list', item: { kind: 'int' } } },
      { name: 'note', type: { kind: 'optional', inner: { kind: 'string' } } },
      { name: 'object', type: { kind: 'optional', inner: { kind: 'record', fields: [{ name: 'kind', type: { kind: 'enum', values: ['ONE', 'TWO'] } }] } } },
    ] } } });
  });

  it('runs string literals as one-value enums and a union of them as an enum', () => {
    expect(translateTarget('FieldType::Literal(LiteralValue::String("TWO".into()))', 'EMPTY_FILE')).toEqual({ ok: true, kind: 'literal', type: { kind: 'enum', values: ['TWO'] } });
    const union = 'FieldType::Union(vec![\n  FieldType::Literal(LiteralValue::String("TWO".into())),\n  FieldType::Literal(LiteralValue::String("THREE".into())),\n])';
    expect(translateTarget(union, null)).toEqual({ ok: true, kind: 'literal union', type: { kind: 'enum', values: ['TWO', 'THREE'] } });
  });

  it('names what TypeRef cannot express instead of guessing', () => {
    expect(translateTarget('FieldType::map(FieldType::string(), FieldType::string()).into()', null)).toEqual({ ok: false, kind: 'map', unsupported: ['map'] });
    expect(translateTarget('FieldType::Enum("Category".to_string())', 'enum Category {\n  ONE @alias(k1) @description("une")\n  TWO\n}')).toEqual({ ok: false, kind: 'enum', unsupported: ['enum value @alias'] });
    expect(translateTarget('FieldType::class("T")', 'class T {\n  v int | string\n  w string @alias(blah)\n}')).toEqual({ ok: false, kind: 'class', unsupported: ['field @alias', 'union'] });
    expect(translateTarget('FieldType::class("Missing")', 'class T {\n  v int\n}')).toEqual({ ok: false, kind: 'class', unsupported: ['undeclared class Missing'] });
    expect(translateTarget('tool arguments object', null)).toEqual({ ok: false, kind: 'untyped', unsupported: ['no declared type'] });
    expect(translateTarget('FieldType::Tuple(FieldType::int())', null)).toMatchObject({ ok: false, kind: 'unparsed' });
  });
});
