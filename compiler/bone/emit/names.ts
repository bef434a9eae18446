/** Identifier spellings the generated code uses, derived from `.bone` names. */

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function snakeCase(name: string): string {
  return words(name).join('_');
}

export function kebabCase(name: string): string {
  return words(name).join('-');
}

export function camelCase(name: string): string {
  const [first = '', ...rest] = words(name);
  return first + rest.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

export function pascalCase(name: string): string {
  return words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await async arguments eval').split(' '),
);

/** A TypeScript identifier for a `.bone` name that may collide with a keyword. */
export function safeIdentifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return RESERVED.has(id) || /^\d/.test(id) ? `${id}_` : id;
}

/** A property key usable in an object literal / after a dot, quoted when it must be. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : tsLiteral(name);
}

export function propertyAccess(object: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${object}.${name}` : `${object}[${tsLiteral(name)}]`;
}

/** SQL identifiers are always double-quoted: `order`, `user`, `group` are reserved words. */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A TypeScript literal in the house style of the generated code: single-quoted strings, arrays
 * and plain objects spelled out. Deterministic (object keys in insertion order).
 */
export function tsLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length ? `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${tsLiteral(v)}`).join(', ')} }` : '{}';
}
