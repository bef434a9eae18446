/** How each BoneScript type becomes a TypeScript type, a zod schema, SQL columns and a row codec. */
import type { BoneFieldCheck, BoneScalarKind, BoneType } from '../ir.js';
import { tsLiteral } from './names.js';

export type Dialect = 'sqlite' | 'postgres';

/** The stored form a value needs converting from/to (the generated `lib/rows.ts` knows these). */
export type Codec = 'plain' | 'bool' | 'json' | 'number' | 'timestamp' | 'bytes';

export function unwrapOptional(type: BoneType): BoneType {
  return type.kind === 'optional' ? unwrapOptional(type.inner) : type;
}

export function tsType(type: BoneType): string {
  switch (type.kind) {
    case 'scalar':
      return SCALAR_TS[type.scalar];
    case 'entity':
      return 'string';
    case 'list':
    case 'set':
      return `Array<${tsType(type.element)}>`;
    case 'map':
      return `Record<string, ${tsType(type.value)}>`;
    case 'optional':
      return `${tsType(type.inner)} | null`;
    case 'null':
      return 'null';
    case 'unknown':
      return 'unknown';
  }
}

const SCALAR_TS: Record<BoneScalarKind, string> = {
  string: 'string',
  uint: 'number',
  int: 'number',
  float: 'number',
  bool: 'boolean',
  timestamp: 'string',
  uuid: 'string',
  bytes: 'string',
  json: 'unknown',
};

const SCALAR_ZOD: Record<BoneScalarKind, string> = {
  // PostgreSQL cannot store NUL in text; refused on both databases alike.
  string: "z.string().refine((value) => !value.includes('\\u0000'), { error: 'must not contain a NUL character' })",
  uint: 'z.number().int().nonnegative()',
  int: 'z.number().int()',
  float: 'z.number()',
  bool: 'z.boolean()',
  timestamp: 'z.iso.datetime({ offset: true })',
  uuid: 'z.uuid()',
  bytes: 'z.base64()',
  json: 'z.json()',
};

/** The zod schema of a value of this type, without field checks and without optionality. */
export function zodType(type: BoneType): string {
  switch (type.kind) {
    case 'scalar':
      return SCALAR_ZOD[type.scalar];
    case 'entity':
      return 'z.uuid()';
    case 'list':
      return `z.array(${zodType(type.element)})`;
    case 'set':
      return `z.array(${zodType(type.element)}).refine((items) => new Set(items.map((item) => JSON.stringify(item))).size === items.length, { error: 'must not contain duplicates' })`;
    case 'map':
      return `z.record(z.string(), ${zodType(type.value)})`;
    case 'optional':
      return zodType(type.inner);
    case 'null':
      return 'z.null()';
    case 'unknown':
      return 'z.unknown()';
  }
}

/** `1 character`, `200 characters`. */
function count(n: number, unit: 'items' | 'characters'): string {
  return `${n} ${n === 1 ? unit.slice(0, -1) : unit}`;
}

function isStringy(type: BoneType): boolean {
  const t = unwrapOptional(type);
  return t.kind === 'scalar' && (t.scalar === 'string' || t.scalar === 'uuid' || t.scalar === 'bytes' || t.scalar === 'timestamp');
}

function isCollection(type: BoneType): boolean {
  const t = unwrapOptional(type);
  return t.kind === 'list' || t.kind === 'set';
}

/** The field's checks as zod refinements with messages a user can act on. */
export function zodChecks(type: BoneType, checks: readonly BoneFieldCheck[]): string {
  const parts: string[] = [];
  const unit = isCollection(type) ? 'items' : 'characters';
  for (const check of checks) {
    switch (check.kind) {
      case 'min':
        parts.push(check.exclusive ? `.gt(${check.value}, { error: 'must be > ${check.value}' })` : `.gte(${check.value}, { error: 'must be >= ${check.value}' })`);
        break;
      case 'max':
        parts.push(check.exclusive ? `.lt(${check.value}, { error: 'must be < ${check.value}' })` : `.lte(${check.value}, { error: 'must be <= ${check.value}' })`);
        break;
      // Strings count characters (code points), not UTF-16 units: an emoji is one character.
      case 'minLength':
        if (isCollection(type)) parts.push(`.min(${check.value}, { error: 'must have at least ${count(check.value, unit)}' })`);
        else if (isStringy(type)) parts.push(`.refine((value) => [...value].length >= ${check.value}, { error: 'must have at least ${count(check.value, unit)}' })`);
        break;
      case 'maxLength':
        if (isCollection(type)) parts.push(`.max(${check.value}, { error: 'must have at most ${count(check.value, unit)}' })`);
        else if (isStringy(type)) parts.push(`.refine((value) => [...value].length <= ${check.value}, { error: 'must have at most ${count(check.value, unit)}' })`);
        break;
      case 'notEqual':
        parts.push(`.refine((value) => value !== ${tsLiteral(check.value)}, { error: ${tsLiteral(`must not be ${JSON.stringify(check.value)}`)} })`);
        break;
      case 'oneOf':
        break; // handled by zodFieldSchema (a literal union gives a precise TypeScript type)
    }
  }
  return parts.join('');
}

export function zodFieldSchema(type: BoneType, checks: readonly BoneFieldCheck[]): string {
  const oneOf = checks.find((c): c is Extract<BoneFieldCheck, { kind: 'oneOf' }> => c.kind === 'oneOf');
  const inner = unwrapOptional(type);
  if (oneOf && oneOf.values.length > 0) {
    const allowed = oneOf.values.map((v) => tsLiteral(v)).join(', ');
    const message = tsLiteral(`must be one of ${oneOf.values.map((v) => JSON.stringify(v)).join(', ')}`);
    const base = oneOf.values.every((v) => typeof v === 'string')
      ? `z.enum([${allowed}], { error: ${message} })`
      : `z.union([${oneOf.values.map((v) => `z.literal(${tsLiteral(v)})`).join(', ')}], { error: ${message} })`;
    return base + zodChecks(type, checks.filter((c) => c.kind !== 'minLength' && c.kind !== 'maxLength'));
  }
  return zodType(inner) + zodChecks(type, checks);
}

/** The TS type of a field, narrowed to the literal union when a `oneOf` check restricts it. */
export function tsFieldType(type: BoneType, checks: readonly BoneFieldCheck[]): string {
  const oneOf = checks.find((c): c is Extract<BoneFieldCheck, { kind: 'oneOf' }> => c.kind === 'oneOf');
  const base = oneOf && oneOf.values.length > 0 ? oneOf.values.map((v) => tsLiteral(v)).join(' | ') : tsType(unwrapOptional(type));
  return type.kind === 'optional' ? `${base} | null` : base;
}

export function codecOf(type: BoneType): Codec {
  const t = unwrapOptional(type);
  if (t.kind === 'scalar') {
    if (t.scalar === 'bool') return 'bool';
    if (t.scalar === 'json') return 'json';
    if (t.scalar === 'uint' || t.scalar === 'int' || t.scalar === 'float') return 'number';
    if (t.scalar === 'timestamp') return 'timestamp';
    if (t.scalar === 'bytes') return 'bytes';
    return 'plain';
  }
  if (t.kind === 'list' || t.kind === 'set' || t.kind === 'map') return 'json';
  return 'plain';
}

export function sqlType(type: BoneType, dialect: Dialect): string {
  const t = unwrapOptional(type);
  if (t.kind === 'entity') return dialect === 'sqlite' ? 'TEXT' : 'UUID';
  if (t.kind === 'list' || t.kind === 'set' || t.kind === 'map' || t.kind === 'unknown' || t.kind === 'null') return dialect === 'sqlite' ? 'TEXT' : 'JSONB';
  if (t.kind !== 'scalar') return 'TEXT';
  const sqlite: Record<BoneScalarKind, string> = {
    string: 'TEXT', uint: 'INTEGER', int: 'INTEGER', float: 'REAL', bool: 'INTEGER',
    timestamp: 'TEXT', uuid: 'TEXT', bytes: 'BLOB', json: 'TEXT',
  };
  const postgres: Record<BoneScalarKind, string> = {
    string: 'TEXT', uint: 'BIGINT', int: 'BIGINT', float: 'DOUBLE PRECISION', bool: 'BOOLEAN',
    timestamp: 'TIMESTAMPTZ', uuid: 'UUID', bytes: 'BYTEA', json: 'JSONB',
  };
  return (dialect === 'sqlite' ? sqlite : postgres)[t.scalar];
}

/** A value of the type that fits no constraint in particular: the "zero" used to backfill rows. */
export function zeroValue(type: BoneType): string | number | boolean {
  const t = unwrapOptional(type);
  if (t.kind === 'scalar') {
    if (t.scalar === 'bool') return false;
    if (t.scalar === 'uint' || t.scalar === 'int' || t.scalar === 'float') return 0;
    if (t.scalar === 'timestamp') return '1970-01-01T00:00:00.000Z';
    if (t.scalar === 'uuid') return '00000000-0000-0000-0000-000000000000';
    if (t.scalar === 'json') return 'null';
    return '';
  }
  if (t.kind === 'list' || t.kind === 'set') return '[]';
  if (t.kind === 'map') return '{}';
  return '';
}
