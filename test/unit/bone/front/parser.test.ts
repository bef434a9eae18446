import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBone } from '../../../../compiler/bone/index.js';
import { declaration, parse } from './helpers.js';

describe('bone parser: declarations', () => {
  it('reads a system with its domain', () => {
    const { system, diagnostics } = parse('system Shop {\n  domain: marketplace\n}');
    expect(diagnostics).toEqual([]);
    expect(system.name.text).toBe('Shop');
    expect(system.domain?.text).toBe('marketplace');
  });

  it('reads an entity with every clause', () => {
    const entity = declaration(`system S {
      entity Listing {
        owns: [seller_id: uuid, title: string, price: uint, stock: uint = 0, tags: list<string>, meta: map<string, uint>, note: string?]
        constraints: [title.length in 1..200, price > 0, category in ["books", "home"]]
        states: draft -> active -> sold_out | archived
        auth: jwt
        relation seller: belongs_to Seller [1..*]
        index: [seller_id, [seller_id, price]]
        derived value: price * stock
      }
    }`, 'entity');
    expect(entity.fields.map((f) => f.name.text)).toEqual(['seller_id', 'title', 'price', 'stock', 'tags', 'meta', 'note']);
    expect(entity.fields[3]!.default).toMatchObject({ kind: 'number', value: 0 });
    expect(entity.fields[5]!.type.args.map((a) => a.name.text)).toEqual(['string', 'uint']);
    expect(entity.fields[6]!.type.optionalSuffix).toBe(true);
    expect(entity.constraints.map((c) => c.kind)).toEqual(['in', 'binary', 'in']);
    expect(entity.states[0]!.groups.map((g) => g.map((s) => s.name.text))).toEqual([['draft'], ['active'], ['sold_out', 'archived']]);
    expect(entity.auth?.text).toBe('jwt');
    expect(entity.relations[0]).toMatchObject({ name: { text: 'seller' }, kind: { text: 'belongs_to' }, target: { text: 'Seller' }, cardinality: { min: 1, max: '*' } });
    expect(entity.indexes.map((i) => i.fields.map((f) => f.text))).toEqual([['seller_id'], ['seller_id', 'price']]);
    expect(entity.derived[0]).toMatchObject({ name: { text: 'value' }, expr: { kind: 'binary', op: '*' } });
  });

  it('reads state guards and the list form of states', () => {
    const entity = declaration(`system S { entity A {
      owns: [stock: uint]
      states: [draft -> active when stock > 0 | archived, active -> draft]
    } }`, 'entity');
    expect(entity.states).toHaveLength(2);
    expect(entity.states[0]!.groups[1]![0]!.guard).toMatchObject({ kind: 'binary', op: '>' });
    expect(entity.states[0]!.groups[1]![1]!.guard).toBeUndefined();
  });

  it('reads a capability with every clause', () => {
    const cap = declaration(`system S {
      capability place_order(buyer: Buyer, listing: Listing, quantity: uint) {
        requires: [caller.id == buyer.id, listing.state == "active"]
        effects: [listing.stock -= quantity, buyer.balance += 1, listing.title = "x", listing.tags <<= "t", listing.tags.append("u")]
        emits: OrderPlaced
        sync: transactional
        timeout: 30s
        retry: { max_attempts: 3, backoff: exponential, interval: 1s }
        idempotent: false
        returns: uint
      }
    }`, 'capability');
    expect(cap.params.map((p) => `${p.name.text}:${p.type.name.text}`)).toEqual(['buyer:Buyer', 'listing:Listing', 'quantity:uint']);
    expect(cap.requires).toHaveLength(2);
    expect(cap.effects.map((e) => e.op)).toEqual(['-=', '+=', '=', '<<=', undefined]);
    expect(cap.effects[4]!.target).toMatchObject({ kind: 'call', callee: [{ text: 'listing' }, { text: 'tags' }, { text: 'append' }] });
    expect(cap.emits.map((e) => e.event.text)).toEqual(['OrderPlaced']);
    expect(cap.sync?.text).toBe('transactional');
    expect(cap.timeout).toMatchObject({ kind: 'duration', ms: 30_000 });
    expect(cap.retry).toMatchObject({ kind: 'settings', settings: [{ key: { text: 'max_attempts' } }, { key: { text: 'backoff' } }, { key: { text: 'interval' } }] });
    expect(cap.idempotent).toMatchObject({ kind: 'bool', value: false });
    expect(cap.returns?.name.text).toBe('uint');
  });

  it('reads pipelines (sequential and parallel) and algorithms', () => {
    const cap = declaration(`system S {
      capability fulfil(order: Order) {
        pipeline: {
          validate(order)
          reserve(order) as reservation
          notify(order, reservation)
          on_error: rollback
        }
        algorithm: shortest_path using { graph: roads, source: order, k: 3 }
      }
    }`, 'capability');
    expect(cap.pipeline?.parallel).toBe(false);
    expect(cap.pipeline?.steps.map((s) => `${s.call.callee.text}${s.as ? ` as ${s.as.text}` : ''}`)).toEqual(['validate', 'reserve as reservation', 'notify']);
    expect(cap.pipeline?.onError?.action.text).toBe('rollback');
    expect(cap.algorithm?.name.text).toBe('shortest_path');
    expect(cap.algorithm?.using?.settings.map((s) => s.key.text)).toEqual(['graph', 'source', 'k']);
    const parallel = declaration('system S { capability g(d: D) { parallel: { a(d) b(d) } returns: json } }', 'capability');
    expect(parallel.pipeline?.parallel).toBe(true);
  });

  it('reads events, stores, channels and policies on one line each', () => {
    const source = `system S {
      event OrderPlaced { payload: { order_id: uuid, total: uint }  delivery: at_least_once  ttl: 30d }
      store ListingStore { engine: postgresql  schema: { id: uuid, seller_id: uuid }  partition: seller_id  replicas: 1 }
      channel lobby { transport: websocket  ordering: causal  participants: set<Player>  persistence: last_100 }
      policy api_limits { rate_limit: 200 per 1m  access: [buyer, seller, admin]  audit: true  encryption: both }
    }`;
    const { system, diagnostics } = parse(source);
    expect(diagnostics).toEqual([]);
    const [event, store, channel, policy] = system.declarations as [any, any, any, any];
    expect(event.payload.map((f: any) => f.name.text)).toEqual(['order_id', 'total']);
    expect(event.options.map((o: any) => o.key.text)).toEqual(['delivery', 'ttl']);
    expect(store.schema).toHaveLength(2);
    expect(store.options.map((o: any) => o.key.text)).toEqual(['engine', 'partition', 'replicas']);
    expect(channel.participants.name.text).toBe('set');
    expect(policy.rateLimit.count).toMatchObject({ kind: 'number', value: 200 });
    expect(policy.rateLimit.window).toMatchObject({ kind: 'duration', ms: 60_000 });
    expect(policy.access.map((n: any) => n.text)).toEqual(['buyer', 'seller', 'admin']);
  });

  it('reads flows, constraints, extension points and imports', () => {
    const { system, diagnostics, ast } = parse(`import Core from "./core.bone"
    system S {
      import { Seller, Buyer } from "./people.bone"
      flow checkout {
        step reserve: place_order(buyer, listing, quantity)  compensate: cancel_order(order)
        step pay: process_payment(order, buyer)
      }
      constraint price_cap: Listing.price <= 1000000
      extension_point calculate_fee(order: Order) { returns: uint  stable: true  default: 0 }
    }`);
    expect(diagnostics).toEqual([]);
    expect(ast.imports[0]).toMatchObject({ names: [{ text: 'Core' }], from: { value: './core.bone' } });
    const [imp, flow, constraint, ext] = system.declarations as [any, any, any, any];
    expect(imp.names.map((n: any) => n.text)).toEqual(['Seller', 'Buyer']);
    expect(flow.steps.map((s: any) => [s.name.text, s.call.callee.text, s.compensate?.callee.text])).toEqual([
      ['reserve', 'place_order', 'cancel_order'],
      ['pay', 'process_payment', undefined],
    ]);
    expect(constraint.expr).toMatchObject({ kind: 'binary', op: '<=' });
    expect(ext.params[0].name.text).toBe('order');
    expect(ext.returns.name.text).toBe('uint');
    expect(ext.options.map((o: any) => o.key.text)).toEqual(['stable', 'default']);
  });

  it('parses the design note sample: no syntax error, its `…` placeholder is a warning', () => {
    const sample = readFileSync(new URL('./fixtures/design-sample.bone', import.meta.url), 'utf8');
    expect(parse(sample).diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning BS012']);
  });

  it('parses upstream-style files (aligned fields, comment banners, flows with literals, field annotations)', () => {
    const upstream = readFileSync(new URL('./fixtures/upstream-style.bone', import.meta.url), 'utf8');
    expect(parse(upstream).diagnostics).toEqual([]);
  });
});

describe('bone parser: expressions', () => {
  const expr = (text: string) => declaration(`system S { constraint c: ${text} }`, 'constraint').expr;

  it('gives and/or/not lower precedence than comparison and arithmetic', () => {
    expect(expr('a.x + 1 * 2 > 3 and not b.y == 1 or c.z')).toMatchObject({
      kind: 'binary', op: 'or',
      left: {
        kind: 'binary', op: 'and',
        left: { kind: 'binary', op: '>', left: { kind: 'binary', op: '+', right: { kind: 'binary', op: '*' } } },
        right: { kind: 'unary', op: 'not', operand: { kind: 'binary', op: '==' } },
      },
      right: { kind: 'path' },
    });
  });

  it('reads ranges, lists, negated membership, contains and calls', () => {
    expect(expr('A.x in 1..100')).toMatchObject({ kind: 'in', target: { value: 1 }, rangeEnd: { value: 100 }, negated: false });
    expect(expr('A.x not in ["a", "b"]')).toMatchObject({ kind: 'in', target: { kind: 'list' }, negated: true });
    expect(expr('A.tags contains "x"')).toMatchObject({ kind: 'binary', op: 'contains' });
    expect(expr('A.at < now()')).toMatchObject({ right: { kind: 'call', callee: [{ text: 'now' }], args: [] } });
    expect(expr('A.x >= -5')).toMatchObject({ right: { kind: 'number', value: -5 } });
    expect(expr('A.f == 1.5 && A.s != null || !A.b')).toMatchObject({ kind: 'binary', op: 'or' });
  });

  it('reads literals: strings with escapes, durations, floats', () => {
    expect(expr('A.s == "a\\"b"')).toMatchObject({ right: { kind: 'string', value: 'a"b' } });
    expect(expr("A.s == 'single'")).toMatchObject({ right: { kind: 'string', value: 'single' } });
    expect(expr('A.t > 100ms')).toMatchObject({ right: { kind: 'duration', ms: 100 } });
    expect(expr('A.t > 1.5h')).toMatchObject({ right: { kind: 'duration', ms: 5_400_000 } });
    expect(expr('A.f > 0.25')).toMatchObject({ right: { kind: 'number', value: 0.25, isFloat: true } });
  });
});

describe('bone parser: keywords stay usable as names', () => {
  it('accepts keyword-like and keyword-prefixed field, parameter and state names', () => {
    const { system, diagnostics } = parse(`system S {
      entity Thing {
        owns: [status: string, index: uint, state_label: string, all_items: list<string>, allowed: bool,
               owns: uint, entity: string, indexes: uint, payload: json, step: uint, stable: bool, default: string]
        constraints: [status in ["a", "b"], index >= 0, owns > 1]
        states: index -> payload | step
        index: [status, index]
      }
      capability go(channel: string, event: string, from: string) { requires: [channel.length > 0] }
    }`);
    expect(diagnostics).toEqual([]);
    const entity = system.declarations[0] as any;
    expect(entity.fields.map((f: any) => f.name.text)).toEqual([
      'status', 'index', 'state_label', 'all_items', 'allowed', 'owns', 'entity', 'indexes', 'payload', 'step', 'stable', 'default',
    ]);
    expect(entity.states[0].groups.flat().map((s: any) => s.name.text)).toEqual(['index', 'payload', 'step']);
    expect((system.declarations[1] as any).params.map((p: any) => p.name.text)).toEqual(['channel', 'event', 'from']);
  });

  it('does not split names that start with a reserved word (order, notes, instock, android, nullable, truth)', () => {
    const { system, diagnostics } = parse('system S { entity A { owns: [order: uint, notes: string, instock: bool, android: bool, nullable: bool, truth: bool, contains_x: uint] constraints: [order > 0 and instock or not android] } }');
    expect(diagnostics).toEqual([]);
    const entity = system.declarations[0] as any;
    expect(entity.fields.map((f: any) => f.name.text)).toEqual(['order', 'notes', 'instock', 'android', 'nullable', 'truth', 'contains_x']);
    expect(entity.constraints[0]).toMatchObject({ kind: 'binary', op: 'or', left: { op: 'and' }, right: { kind: 'unary', op: 'not', operand: { kind: 'path', parts: [{ text: 'android' }] } } });
  });

  it('keeps reserved expression words out of names with a precise message', () => {
    const { diagnostics } = parse('system S { entity A { owns: [and: uint] } }');
    expect(diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`)).toEqual([
      "1:30 BS013 'and' is a reserved word and cannot be used as a name: rename it (e.g. 'and_')",
    ]);
  });
});

describe('bone parser: forgiving spellings that models and people write', () => {
  it('accepts semicolons after clauses, quoted field names, quoted auth/sync values and quoted durations', () => {
    const result = checkBone([
      'system Shop {',
      '  entity Listing {',
      '    owns: [title: string, "price": uint];',
      '    auth: "jwt";',
      '  };',
      '  capability buy(listing: Listing) {',
      '    requires: [listing.price > 0];',
      '    sync: "eventual";',
      '    timeout: "30s";',
      '  }',
      '}',
    ].join('\n'), 'forgiving.bone');
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.entities[0]).toMatchObject({ auth: 'jwt', fields: [{ name: 'title' }, { name: 'price' }] });
    expect(result.ir?.capabilities[0]).toMatchObject({ sync: 'eventual', timeoutMs: 30_000 });
  });
});

describe('bone parser: comments', () => {
  it('skips // and /* */ comments anywhere', () => {
    const { diagnostics, system } = parse(`// header
    system /* inline */ S { // trailing
      /* block
         over lines */
      entity A { owns: [x: uint] } // done
    }`);
    expect(diagnostics).toEqual([]);
    expect(system.declarations).toHaveLength(1);
  });
});

describe('bone parser: errors and recovery', () => {
  it('reports three mistakes at their positions and keeps the rest of the tree', () => {
    const { diagnostics, system } = parse([
      'system T {',
      '  entity A {',
      '    owns: [name string, age: uint]',
      '    ownz: [x: uint]',
      '  }',
      '  capability go(a: A) {',
      '    requires: [a.age > ]',
      '    sync: eventual',
      '  }',
      '  event E { payload: { x: uint } ttl: 1d }',
      '}',
    ].join('\n'));
    expect(diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`)).toEqual([
      "3:17 BS004 expected ':' but found 'string'",
      "4:5 BS010 unknown clause 'ownz' in an entity (did you mean 'owns'?); expected owns, constraints, states, auth, owner, relation, index, derived or '}'",
      "7:24 BS011 expected an expression but found ']'",
    ]);
    expect(system.declarations.map((d) => d.kind)).toEqual(['entity', 'capability', 'event']);
    expect((system.declarations[1] as any).sync.text).toBe('eventual');
  });

  it('reports a missing closing brace at the end of the file', () => {
    const { diagnostics } = parse('system S {\n  entity A { owns: [x: uint] }\n');
    expect(diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`)).toEqual([
      "2:31 BS004 expected '}' but found end of file",
    ]);
  });

  it('reports lexical errors: a stray character, an unterminated string and comment', () => {
    const { diagnostics } = parse('system S {\n  entity A { owns: [x: uint] } $\n  constraint c: A.x == "open\n}\n/* never closed');
    expect(diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`)).toEqual(expect.arrayContaining([
      '2:32 BS001', '3:24 BS002', '5:1 BS003',
    ]));
  });

  it('names an unknown top-level declaration and suggests the closest', () => {
    const { diagnostics } = parse('system S {\n  entiy A { }\n}');
    expect(diagnostics[0]).toMatchObject({ code: 'BS010', message: expect.stringContaining("unknown clause 'entiy' in the system (did you mean 'entity'?)") });
  });

  it('reports input after the system', () => {
    const { diagnostics } = parse('system S { }\n}');
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["BS006 unexpected '}' after the end of the system"]);
  });
});
