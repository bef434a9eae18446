/**
 * One minimal `.bone` source per diagnostic code, with the diagnostic it must produce
 * (`line:col message`). checker.test.ts runs them all and checks that the catalogue is covered.
 */
export interface DiagnosticCase {
  code: string;
  title: string;
  source: string;
  /** `line:col message` of the diagnostic with `code`. */
  expected: string;
}

const system = (body: string): string => `system Test {\n${body}\n}\n`;

export const DIAGNOSTIC_CASES: DiagnosticCase[] = [
  // ─── lexing and syntax ───
  { code: 'BS001', title: 'unexpected character', source: system('  entity A { owns: [x: uint] } $'), expected: "2:32 unexpected character '$'" },
  { code: 'BS002', title: 'unterminated string', source: system('  constraint c: A.x == "open'), expected: "2:24 unterminated string: add the closing \"" },
  { code: 'BS003', title: 'unterminated comment', source: system('  /* never closed'), expected: "2:3 unterminated comment: '/*' has no closing '*/'" },
  { code: 'BS004', title: 'expected token', source: system('  entity A { owns [x: uint] }'), expected: "2:19 expected ':' but found '['" },
  { code: 'BS005', title: 'unexpected token', source: system('  entity A { states: -> b }'), expected: "2:22 unexpected '->' after 'states:'; expected '[' or identifier" },
  { code: 'BS006', title: 'input after the system', source: 'system S { }\nentity A { }', expected: "2:1 unexpected 'entity' after the end of the system" },
  { code: 'BS007', title: 'no system', source: '// nothing here\n', expected: "1:1 no 'system' declaration: a .bone file describes one system, e.g. `system Shop { … }`" },
  { code: 'BS008', title: 'two systems', source: 'system A { }\nsystem B { }\n', expected: "2:8 more than one 'system' in one file: 'B' is already declared at line 1" },
  { code: 'BS010', title: 'unknown clause', source: system('  entity A { owns: [x: uint] requirez: [x > 1] }'), expected: "2:30 unknown clause 'requirez' in an entity; expected owns, constraints, states, auth, owner, relation, index, derived or '}'" },
  { code: 'BS011', title: 'expected expression', source: system('  constraint c: A.x > '), expected: "3:1 expected an expression but found '}'" },
  { code: 'BS012', title: 'placeholder', source: system('  event E { payload: { … } }'), expected: "2:24 placeholder '…' is ignored: write the declarations it stands for" },
  { code: 'BS014', title: 'unclosed list', source: system('  entity A {\n    owns: [x: uint, y: uint\n    auth: jwt\n  }'), expected: "4:5 'auth' starts a new clause, but the list before it is still open: add ']' before it" },
  { code: 'BS015', title: 'unclosed declaration', source: system('  entity A {\n    owns: [x: uint]\n\n  event E { payload: { x: uint } }'), expected: "5:3 'event' starts a new declaration, but an entity before it is still open: add '}' before it" },
  { code: 'BS013', title: 'reserved word as a name', source: system('  entity A { owns: [in: uint] }'), expected: "2:21 'in' is a reserved word and cannot be used as a name: rename it (e.g. 'in_')" },
  // ─── names ───
  { code: 'BS020', title: 'duplicate declaration', source: system('  entity A { owns: [x: uint] }\n  event A { payload: { x: uint } }'), expected: "3:9 duplicate name 'A': an entity with this name is declared at line 2" },
  { code: 'BS021', title: 'duplicate field', source: system('  entity A { owns: [x: uint, x: string] }'), expected: "2:30 duplicate field 'x' in entity 'A' (first declared at line 2)" },
  { code: 'BS022', title: 'duplicate clause', source: system('  entity A {\n    owns: [x: uint]\n    auth: jwt\n    auth: none\n  }'), expected: "5:5 duplicate clause 'auth' in entity 'A' (first at line 4)" },
  { code: 'BS023', title: 'reserved field', source: system('  entity A { owns: [id: uint, name: string] }'), expected: "2:21 field name 'id' is reserved: every entity gets 'id' (uuid) automatically" },
  { code: 'BS024', title: 'duplicate parameter', source: system('  capability c(a: uint, a: string) { }'), expected: "2:25 duplicate parameter 'a' in capability 'c'" },
  // ─── references ───
  { code: 'BS030', title: 'unknown type', source: system('  entity A { owns: [x: strng] }'), expected: "2:24 unknown type 'strng' (did you mean 'string'?)" },
  { code: 'BS031', title: 'unknown entity', source: system('  entity Listing { owns: [price: uint] }\n  constraint c: Listin.price < 10'), expected: "3:17 unknown entity 'Listin' (did you mean 'Listing'?)" },
  { code: 'BS032', title: 'unknown field', source: system('  entity A { owns: [price: uint] }\n  capability c(a: A) { requires: [a.prise > 0] }'), expected: "3:37 entity 'A' has no field 'prise' (did you mean 'price'?)" },
  { code: 'BS033', title: 'unknown name', source: system('  capability c(quantity: uint) { requires: [quantiy > 0] }'), expected: "2:45 unknown name 'quantiy' (did you mean 'quantity'?)" },
  { code: 'BS034', title: 'undeclared event', source: system('  event OrderPlaced { payload: { id: uuid } }\n  capability c() { emits: OrderPlacd }'), expected: "3:27 'c' emits undeclared event 'OrderPlacd' (did you mean 'OrderPlaced'?)" },
  { code: 'BS035', title: 'flow calls unknown capability', source: system('  capability pay(o: uint) { }\n  flow f { step s: pai(o) }'), expected: "3:20 flow 'f' calls unknown capability 'pai' (did you mean 'pay'?)" },
  { code: 'BS036', title: 'wrong argument count', source: system('  capability pay(o: uint, amount: uint) { }\n  flow f { step s: pay(o) }'), expected: "3:20 'pay' takes 2 argument(s) but is given 1" },
  { code: 'BS037', title: 'unknown member', source: system('  capability c() { requires: [caller.rol == "admin"] }'), expected: "2:38 'caller' has no member 'rol' (did you mean 'role'?)" },
  { code: 'BS038', title: 'unknown function', source: system('  entity A { owns: [at: timestamp = nw()] }'), expected: "2:37 unknown function 'nw' (did you mean 'now'?)" },
  { code: 'BS039', title: 'reading through a relation', source: system('  entity Seller { owns: [name: string] }\n  entity L { owns: [x: uint] relation seller: belongs_to Seller }\n  capability c(l: L) { requires: [l.seller.name == "x"] }'), expected: "4:37 cannot read through relation 'seller' in an expression — compare 'seller_id' instead" },
  // ─── types ───
  { code: 'BS040', title: 'comparison type mismatch', source: system('  entity A { owns: [price: uint] constraints: [price > "x"] }'), expected: "2:48 cannot compare 'price' (uint) with string \"x\" using '>'" },
  { code: 'BS041', title: 'arithmetic on a non-number', source: system('  entity A { owns: [title: string, n: uint] constraints: [n * title > 1] }'), expected: "2:59 operator '*' needs numbers, but 'title' is string" },
  { code: 'BS042', title: '+= on a string', source: system('  entity A { owns: [title: string] }\n  capability c(a: A) { effects: [a.title += 1] }'), expected: "3:34 '+=' needs a numeric field, but 'a.title' is string" },
  { code: 'BS043', title: 'effect value of the wrong type', source: system('  entity A { owns: [count: uint] }\n  capability c(a: A) { effects: [a.count = "many"] }'), expected: "3:44 cannot assign string to 'a.count', which is uint" },
  { code: 'BS044', title: 'condition is not boolean', source: system('  entity A { owns: [count: uint] constraints: [count + 1] }'), expected: "2:48 a condition must be true or false, but this is uint" },
  { code: 'BS045', title: '.length of a number', source: system('  entity A { owns: [count: uint] constraints: [count.length > 1] }'), expected: "2:54 '.length' needs a string or a collection, but 'count' is uint" },
  { code: 'BS046', title: 'generic arity', source: system('  entity A { owns: [m: map<string>] }'), expected: "2:24 'map' takes 2 type argument(s): write map<string, uint>" },
  { code: 'BS047', title: 'default of the wrong type', source: system('  entity A { owns: [done: bool = "no"] }'), expected: "2:34 default value \"no\" does not fit field 'done', which is bool" },
  { code: 'BS048', title: 'effect target is not an entity field', source: system('  capability c(n: uint) { effects: [n = 1] }'), expected: "2:37 effect target 'n' must be a field of an entity parameter, e.g. 'listing.stock'" },
  { code: 'BS049', title: 'append to a non-list', source: system('  entity A { owns: [title: string] }\n  capability c(a: A) { effects: [a.title <<= "x"] }'), expected: "3:34 'append' needs a list or set field, but 'a.title' is string" },
  { code: 'BS050', title: 'negative uint', source: system('  entity A { owns: [stock: uint = -1] }'), expected: "2:35 'stock' is a uint and cannot be negative (-1)" },
  { code: 'BS051', title: 'and on a non-boolean', source: system('  entity A { owns: [n: uint, ok: bool] constraints: [ok and n] }'), expected: "2:61 'and' needs true/false operands, but this is uint" },
  { code: 'BS052', title: 'in-list item of the wrong type', source: system('  entity A { owns: [category: string] constraints: [category in ["a", 2]] }'), expected: "2:71 'in' list item uint 2 does not match 'category', which is string" },
  // ─── state machines ───
  { code: 'BS060', title: 'unknown state', source: system('  entity A { owns: [x: uint] states: draft -> active }\n  capability c(a: A) { effects: [a.state = "actve"] }'), expected: "3:44 entity 'A' has no state 'actve' (did you mean 'active'?)" },
  { code: 'BS061', title: 'unreachable state', source: system('  entity A { owns: [x: uint] states: draft | legacy -> active }'), expected: "2:46 state 'legacy' of entity 'A' can never be reached from the initial state 'draft'" },
  { code: 'BS062', title: 'state of an entity without states', source: system('  entity A { owns: [x: uint] }\n  capability c(a: A) { requires: [a.state == "x"] }'), expected: "3:37 entity 'A' has no 'states' clause, so it has no 'state' to read or set" },
  { code: 'BS063', title: 'duplicate transition', source: system('  entity A { owns: [x: uint] states: [a -> b, a -> b] }'), expected: "2:52 transition a -> b is declared twice" },
  { code: 'BS064', title: 'no transition into the assigned state', source: system('  entity O { owns: [x: uint] states: pending -> paid }\n  capability reset(o: O) { effects: [o.state = "pending"] }'), expected: "3:38 no transition of entity 'O' leads to state 'pending', so this effect can never succeed" },
  { code: 'BS065', title: 'no transition from the required state', source: system('  entity O { owns: [x: uint] states: pending -> paid -> shipped }\n  capability ship(o: O) { requires: [o.state == "pending"] effects: [o.state = "shipped"] }'), expected: "3:70 entity 'O' cannot move from 'pending' to 'shipped': no such transition, so this capability would always be refused" },
  { code: 'BS066', title: 'guard on the first state of a chain', source: system('  entity A { owns: [n: uint] states: draft when n > 0 -> live }'), expected: "2:49 this guard is never checked: no transition in this chain leads into 'draft' (a guard applies to the transitions into its state)" },
  // ─── relations ───
  { code: 'BS070', title: 'relation to a missing entity', source: system('  entity A { owns: [x: uint] relation owner: belongs_to Sellr }\n  entity Seller { owns: [y: uint] }'), expected: "2:57 relation 'owner' points to unknown entity 'Sellr' (did you mean 'Seller'?)" },
  { code: 'BS071', title: 'unknown relation kind', source: system('  entity A { owns: [x: uint] relation b: belongs Seller }\n  entity Seller { owns: [y: uint] }'), expected: "2:42 unknown relation kind 'belongs': use has_one, has_many, belongs_to or many_to_many" },
  { code: 'BS072', title: 'empty cardinality', source: system('  entity A { owns: [x: uint] relation s: has_many Seller [3..1] }\n  entity Seller { owns: [y: uint] }'), expected: "2:58 cardinality [3..1] is empty: the minimum is larger than the maximum" },
  { code: 'BS073', title: 'foreign key of the wrong type', source: system('  entity A { owns: [seller_id: uint] relation seller: belongs_to Seller }\n  entity Seller { owns: [y: uint] }'), expected: "2:21 foreign key 'seller_id' of relation 'seller' must be uuid, but it is uint" },
  { code: 'BS074', title: 'owner field that holds no caller id', source: system('  entity A { owns: [seller: string] auth: jwt owner: seller }'), expected: "2:54 owner field 'seller' of entity 'A' must hold a caller id (uuid or an entity reference), but it is string" },
  // ─── clause values ───
  { code: 'BS080', title: 'invalid option value', source: system('  entity A { owns: [x: uint] auth: jwtt }'), expected: "2:36 'jwtt' is not a valid auth mode (did you mean 'jwt'?): use jwt, oauth2, api_key, session or none" },
  { code: 'BS081', title: 'expected a duration', source: system('  capability c() { timeout: 30 }'), expected: "2:29 'timeout' needs a duration such as 30s, 5m or 100ms, not '30'" },
  { code: 'BS082', title: 'expected a count', source: system('  policy p { rate_limit: 0 per 1m }'), expected: "2:26 'rate_limit' needs a whole number of at least 1, not '0'" },
  { code: 'BS083', title: 'expected a boolean', source: system('  capability c() { idempotent: yes }'), expected: "2:32 'idempotent' needs true or false, not 'yes'" },
  { code: 'BS084', title: 'unknown setting', source: system('  capability c() { retry: { max_attempts: 3, jitter: 1s } }'), expected: "2:46 unknown setting 'jitter' in retry" },
  { code: 'BS085', title: 'partition not in schema', source: system('  store S { engine: postgresql  schema: { id: uuid }  partition: seller_id }'), expected: "2:66 store 'S' partitions by 'seller_id', which is not in its schema" },
  // ─── constraints ───
  { code: 'BS090', title: 'empty range', source: system('  entity A { owns: [title: string] constraints: [title.length in 200..1] }'), expected: "2:66 range 200..1 is empty: nothing can satisfy it" },
  { code: 'BS091', title: 'global constraint without an entity', source: system('  constraint c: 1 < 2'), expected: "2:14 global constraint 'c' must read at least one entity field, e.g. 'Listing.price <= 1000'" },
  { code: 'BS092', title: 'impossible comparison', source: system('  entity A { owns: [stock: uint] constraints: [stock < 0] }'), expected: "2:48 'stock < 0' can never hold: 'stock' is a uint, never below 0" },
  // ─── flows, extension points, imports ───
  { code: 'BS100', title: 'empty flow', source: system('  flow f { }'), expected: "2:8 flow 'f' has no steps" },
  { code: 'BS101', title: 'unknown compensation', source: system('  capability pay(o: uint) { }\n  flow f { step s: pay(o) compensate: refnd(o) }'), expected: "3:39 step 's' compensates with unknown capability 'refnd'" },
  { code: 'BS102', title: 'stable extension point not implemented', source: system('  extension_point fee(x: uint) { returns: uint  stable: true }'), expected: "2:19 stable extension point 'fee' is not implemented: give it 'default: <value>' or 'implementation: \"path/to/fee.ts\"'" },
  { code: 'BS103', title: 'implementation file missing', source: system('  extension_point fee(x: uint) { returns: uint  implementation: "ext/fee.ts" }'), expected: "2:65 implementation file 'ext/fee.ts' of extension point 'fee' does not exist" },
  { code: 'BS104', title: 'stable extension point without returns', source: system('  extension_point fee(x: uint) { stable: true  default: 0 }'), expected: "2:19 stable extension point 'fee' must declare 'returns: <type>'" },
  { code: 'BS105', title: 'saga variable used with two types', source: system('  entity O { owns: [x: uint] }\n  capability a(o: O) { }\n  capability b(o: uint) { }\n  flow f { step one: a(order) step two: b(order) }'), expected: "5:43 saga variable 'order' is O for 'a' but uint for 'b'" },
  { code: 'BS106', title: 'literal argument of the wrong type', source: system('  capability notify(text: string) { }\n  flow f { step say: notify(42) }'), expected: "3:29 argument 42 does not fit parameter 'text' of 'notify', which is string" },
  { code: 'BS110', title: 'import not found', source: system('  import Core from "./core.bone"'), expected: "2:20 cannot import from './core.bone': no such file" },
  { code: 'BS111', title: 'imported name missing', source: system('  import { Sellr } from "./people.bone"'), expected: "2:12 './people.bone' does not declare 'Sellr' (did you mean 'Seller'?)" },
  { code: 'BS112', title: 'import cycle', source: system('  import * from "./loop.bone"'), expected: "1:29 './test.bone' is already being imported (import cycle); its declarations are included once" },
];
