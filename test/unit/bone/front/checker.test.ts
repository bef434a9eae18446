import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BONE_DIAGNOSTIC_CODES, BoneDiagnostics, checkBone, formatBoneDiagnostics } from '../../../../compiler/bone/index.js';
import { DIAGNOSTIC_CASES } from './diagnostic-cases.js';
import { check, codesAt } from './helpers.js';

/** Files the import cases read; nothing touches the real disk. */
const VIRTUAL_FILES: Record<string, string> = {
  '/virtual/people.bone': 'system People { entity Seller { owns: [name: string] } }',
  '/virtual/loop.bone': 'system Loop { import * from "./test.bone"\n entity L { owns: [x: uint] } }',
};
const checkCase = (source: string) =>
  checkBone(source, '/virtual/test.bone', { readFile: (path) => VIRTUAL_FILES[path], fileExists: () => false });

describe('bone checker: one case per diagnostic code', () => {
  for (const c of DIAGNOSTIC_CASES) {
    it(`${c.code} ${c.title}`, () => {
      const result = checkCase(c.source);
      const found = result.diagnostics.filter((d) => d.code === c.code).map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`);
      expect(found[0]).toBe(c.expected);
      const severity = Object.values(BoneDiagnostics).find((t) => t.code === c.code)!.severity;
      if (severity === 'error') expect(result.ir).toBeUndefined();
    });
  }

  it('covers every code in the catalogue (BS009 unreadable file and BS900 internal error are in api.test.ts)', () => {
    const covered = new Set(DIAGNOSTIC_CASES.map((c) => c.code));
    const missing = BONE_DIAGNOSTIC_CODES.filter((code) => !covered.has(code) && code !== 'BS900' && code !== 'BS009');
    expect(missing).toEqual([]);
  });

  it('documents every code in docs/bonescript.md', () => {
    const docs = readFileSync(new URL('../../../../docs/bonescript.md', import.meta.url), 'utf8');
    expect(BONE_DIAGNOSTIC_CODES.filter((code) => !docs.includes(`### ${code} `))).toEqual([]);
  });

  it('gives every catalogue entry a unique code', () => {
    expect(new Set(BONE_DIAGNOSTIC_CODES).size).toBe(BONE_DIAGNOSTIC_CODES.length);
  });
});

describe('bone checker: behaviour', () => {
  it('reports all errors at once, in file order', () => {
    const result = check([
      '  entity Listing { owns: [price: uint, title: string] constraints: [price > "x"] }',
      '  capability buy(l: Listing) { effects: [l.title += 1] emits: Bought }',
      '  flow f { step s: bye(l) }',
    ].join('\n'));
    expect(codesAt(result)).toEqual(['2:69 BS040', '3:42 BS042', '3:63 BS034', '4:20 BS035']);
    expect(result.ir).toBeUndefined();
  });

  it('drops semantic noise from a declaration with a syntax error, but keeps other declarations\' errors', () => {
    const result = check([
      '  entity A {',
      '    owns: [x: uint, y: strng',
      '    states: draft -> live',
      '  }',
      '  entity B { owns: [z: strng] }',
    ].join('\n'));
    expect(codesAt(result)).toEqual(['4:5 BS014', '6:24 BS030']);
  });

  it('accepts declarations in any order (types may name entities declared later)', () => {
    const result = check('  capability c(o: Order) { requires: [o.total > 0] }\n  entity Order { owns: [total: uint] }');
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.capabilities[0]?.params[0]).toMatchObject({ name: 'o', entity: 'Order' });
  });

  it('lets constraints and capabilities declared earlier read derived fields', () => {
    const result = check([
      '  capability c(o: Order) { requires: [o.total > 0] }',
      '  entity Order { owns: [price: uint, quantity: uint] constraints: [total <= 1000] derived total: price * quantity }',
    ].join('\n'));
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.entities[0]?.derived[0]).toMatchObject({ name: 'total', type: { kind: 'scalar', scalar: 'uint' } });
  });

  it('takes `id: uuid` (and created_at/updated_at with their own types) written out as the implicit column', () => {
    const result = check('  entity A { owns: [id: uuid, ref: uuid, name: string, created_at: timestamp] constraints: [id != ref] }\n  capability c(a: A) { requires: [a.id != a.ref] }');
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.entities[0]?.fields.map((f) => f.name)).toEqual(['ref', 'name']);
    // Anything that is not a plain restatement stays reserved.
    for (const field of ['id: uint', 'id: optional<uuid>', 'id: uuid = uuid()', 'updated_at: string', 'id: uuid @sensitive']) {
      expect(codesAt(check(`  entity A { owns: [${field}, name: string] }`)), field).toEqual(['2:21 BS023']);
    }
  });

  it('knows the implicit fields: id, created_at, updated_at, state, relation members and foreign keys', () => {
    const result = check([
      '  entity Seller { owns: [name: string] }',
      '  entity Listing { owns: [price: uint] states: draft -> live relation seller: belongs_to Seller }',
      '  capability c(l: Listing, s: Seller) {',
      '    requires: [l.id != s.id, l.seller_id == s.id, l.seller == s, l.state == "draft", l.created_at < now()]',
      '    effects: [l.seller_id = s.id, l.state = "live"]',
      '  }',
    ].join('\n'));
    expect(result.diagnostics).toEqual([]);
  });

  it('reads a belongs_to relation member as its foreign key (compared by id)', () => {
    const result = check([
      '  entity Seller { owns: [name: string] }',
      '  entity Listing { owns: [price: uint] relation seller: belongs_to Seller }',
      '  capability c(l: Listing, s: Seller) { requires: [l.seller == s, l.seller.id == s.id] effects: [l.seller = s] }',
    ].join('\n'));
    expect(result.diagnostics).toEqual([]);
    const cap = result.ir!.capabilities[0]!;
    expect(cap.requires.map((r) => r.expr)).toMatchObject([
      { left: { kind: 'ref', name: 'l', path: ['seller_id'], type: { kind: 'entity', entity: 'Seller' } } },
      { left: { kind: 'ref', name: 'l', path: ['seller_id'] }, right: { path: ['id'] } },
    ]);
    expect(cap.effects[0]?.target).toMatchObject({ path: ['seller_id'] });
  });

  it('checks state names in requires, effects and in-lists, with a suggestion', () => {
    const result = check([
      '  entity O { owns: [n: uint] states: pending -> paid -> shipped }',
      '  capability c(o: O) { requires: [o.state in ["pendng", "paid"]] effects: [o.state = "shiped"] }',
    ].join('\n'));
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      "entity 'O' has no state 'pendng' (did you mean 'pending'?)",
      "entity 'O' has no state 'shiped' (did you mean 'shipped'?)",
    ]);
  });

  it('treats `a -> b | c` as a branch and cycles as reachable', () => {
    const result = check('  entity D { owns: [n: uint] states: available -> assigned -> delivering -> available | offline }');
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.entities[0]?.states?.transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      'available->assigned', 'assigned->delivering', 'delivering->available', 'delivering->offline',
    ]);
    expect(result.ir?.entities[0]?.states?.terminal).toEqual(['offline']);
  });

  it('type-checks arithmetic, comparisons and effects across parameters', () => {
    const ok = check([
      '  entity Buyer { owns: [balance: uint] }',
      '  entity Listing { owns: [price: uint, stock: uint, rating: float] }',
      '  capability buy(b: Buyer, l: Listing, q: uint) {',
      '    requires: [b.balance >= l.price * q, l.rating > 0.5 or q == 1, not (q > l.stock)]',
      '    effects: [l.stock -= q, b.balance -= l.price * q, l.rating = 4]',
      '  }',
    ].join('\n'));
    expect(ok.diagnostics).toEqual([]);
    const bad = check('  entity L { owns: [price: uint, at: timestamp] }\n  capability c(l: L) { requires: [l.price == l.at] }');
    expect(bad.diagnostics.map((d) => d.message)).toEqual(["cannot compare 'l.price' (uint) with 'l.at' (timestamp) using '=='"]);
  });

  it('rejects a bare effect target with a hint at the entity-parameter form', () => {
    const result = check('  entity P { owns: [hp: uint] }\n  capability register(name: string) { effects: [hp = 100] }');
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "BS048 effect target 'hp' must be a field of an entity parameter, e.g. 'listing.stock'",
    ]);
    expect(formatBoneDiagnostics(result)).toContain('hint: effects change stored rows: take the entity as a parameter');
  });

  it('lists the available types when an unknown type has no close match', () => {
    const result = check('  entity A { owns: [x: decimal] }');
    expect(result.diagnostics[0]).toMatchObject({ code: 'BS030', message: "unknown type 'decimal'", hint: expect.stringContaining('string, uint, int, float') });
  });

  it('accepts a stable extension point with a default or an existing implementation file', () => {
    const withDefault = check('  extension_point fee(x: uint) { returns: uint  stable: true  default: 0 }');
    expect(withDefault.diagnostics).toEqual([]);
    const withFile = check('  extension_point fee(x: uint) { returns: uint  stable: true  implementation: "ext/fee.ts" }', {
      fileExists: (path) => path.endsWith('/ext/fee.ts'),
    });
    expect(withFile.diagnostics).toEqual([]);
    expect(withFile.ir?.extensionPoints[0]).toMatchObject({ name: 'fee', stable: true, implementation: 'ext/fee.ts' });
  });

  it('accepts a stable extension point implemented in the previous output (as the compiler reports it)', () => {
    const body = '  extension_point fee(x: uint) { returns: uint  stable: true }';
    expect(check(body).diagnostics.map((d) => d.code)).toEqual(['BS102']);
    expect(check(body, { extensionImplemented: (name) => name === 'fee' }).diagnostics).toEqual([]);
  });

  it('calls extension points from expressions with their return type', () => {
    const result = check([
      '  entity O { owns: [total: uint] }',
      '  extension_point fee(o: O) { returns: uint  default: 0 }',
      '  capability c(o: O) { requires: [fee(o) < o.total] effects: [o.total += fee(o)] }',
    ].join('\n'));
    expect(result.diagnostics).toEqual([]);
  });

  it('merges imported declarations into the system and the IR', () => {
    const files: Record<string, string> = { '/app/people.bone': 'system People {\n  entity Seller { owns: [name: string] }\n  entity Admin { owns: [name: string] }\n}' };
    const result = checkBone('import { Seller } from "./people"\nsystem Shop {\n  entity Listing { owns: [x: uint] relation seller: belongs_to Seller }\n}', '/app/shop.bone', {
      readFile: (path) => files[path],
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.entities.map((e) => e.name)).toEqual(['Listing', 'Seller']);
    expect(result.ir?.imports).toMatchObject([{ names: ['Seller'], from: './people' }]);
  });

  it('stops an import cycle back to the importing file', () => {
    const files: Record<string, string> = { '/app/b.bone': 'system B { import * from "./a.bone"\n entity Bee { owns: [x: uint] } }' };
    const result = checkBone('system A {\n  import * from "./b.bone"\n  entity Ant { owns: [x: uint] }\n}', '/app/a.bone', { readFile: (path) => files[path] });
    expect(result.diagnostics.map((d) => `${d.span.file} ${d.code}`)).toEqual(['/app/b.bone BS112']);
    expect(result.ir?.entities.map((e) => e.name)).toEqual(['Ant', 'Bee']);
  });

  it('reports errors inside an imported file against that file, with its code frame', () => {
    const files: Record<string, string> = { '/app/people.bone': 'system People {\n  entity Seller { owns: [name: strin] }\n}' };
    const result = checkBone('system Shop {\n  import * from "./people.bone"\n}', '/app/shop.bone', { readFile: (path) => files[path] });
    expect(result.diagnostics.map((d) => `${d.span.file}:${d.span.start.line}:${d.span.start.column} ${d.code}`)).toEqual(['/app/people.bone:2:32 BS030']);
    expect(formatBoneDiagnostics(result)).toContain('> 2 |   entity Seller { owns: [name: strin] }');
  });

  it('checks event arguments against the payload, positionally', () => {
    const result = check([
      '  event Paid { payload: { order_id: uuid, total: uint } }',
      '  entity O { owns: [total: uint] }',
      '  capability a(o: O) { emits: Paid(o.id, "lots") }',
      '  capability b(o: O) { emits: Paid(o.id, o.total, 3) }',
    ].join('\n'));
    expect(result.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`)).toEqual([
      `4:42 BS106 argument "lots" does not fit parameter 'total' of 'Paid', which is uint`,
      "5:31 BS036 'Paid' takes 2 argument(s) but is given 3",
    ]);
  });

  it('warnings alone still yield the IR', () => {
    const result = check('  entity A { owns: [x: uint] states: [a -> b, a -> b] }');
    expect(result.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(result.ir).toBeDefined();
  });
});
