import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBone } from '../../../../compiler/bone/index.js';
import type { BoneSystem } from '../../../../compiler/bone/ir.js';
import { check } from './helpers.js';

const root = new URL('../../../../', import.meta.url);
/** Checks an example by its repository-relative path, so the IR's `file` is stable. */
function example(name: string): BoneSystem {
  const path = `examples/${name}.bone`;
  const result = checkBone(readFileSync(new URL(path, root), 'utf8'), path);
  expect(result.diagnostics).toEqual([]);
  return result.ir!;
}
const irOf = (body: string): BoneSystem => {
  const result = check(body);
  expect(result.diagnostics).toEqual([]);
  return result.ir!;
};

describe('bone lowering: examples', () => {
  it.each(['shop', 'clinic', 'todo'])('examples/%s.bone checks clean and lowers', (name) => {
    const ir = example(name);
    expect(ir.irVersion).toBe(1);
    expect(ir.entities.length).toBeGreaterThan(0);
  });

  it('matches the golden IR of examples/shop.bone (UPDATE_GOLDEN=1 rewrites it)', () => {
    const golden = new URL('./golden/shop.ir.json', import.meta.url);
    const actual = `${JSON.stringify(example('shop'), null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  it('is deterministic and plain JSON: two runs give identical text, and a JSON round trip changes nothing', () => {
    const first = JSON.stringify(example('shop'));
    const second = JSON.stringify(example('shop'));
    expect(second).toBe(first);
    expect(JSON.stringify(JSON.parse(first))).toBe(first);
  });

  it('lowers the shop: tables, checks, relations, states, capabilities, flow, policies', () => {
    const ir = example('shop');
    expect(ir).toMatchObject({ name: 'Shop', domain: 'marketplace', file: 'examples/shop.bone' });
    expect(ir.entities.map((e) => [e.name, e.tableName])).toEqual([['Seller', 'sellers'], ['Buyer', 'buyers'], ['Listing', 'listings'], ['Order', 'orders']]);
    const listing = ir.entities.find((e) => e.name === 'Listing')!;
    const field = (name: string) => listing.fields.find((f) => f.name === name)!;
    expect(field('title').checks).toEqual([{ kind: 'minLength', value: 1 }, { kind: 'maxLength', value: 200 }]);
    expect(field('price').checks).toEqual([{ kind: 'min', value: 0, exclusive: true }, { kind: 'max', value: 1000000, exclusive: false }]);
    expect(field('category').checks).toEqual([{ kind: 'oneOf', values: ['books', 'home', 'electronics', 'other'] }]);
    expect(field('category').default).toMatchObject({ kind: 'literal', value: 'other' });
    expect(field('description')).toMatchObject({ nullable: true, type: { kind: 'optional' } });
    expect(field('seller_id').references).toBe('Seller');
    expect(listing.relations).toMatchObject([{ name: 'seller', kind: 'belongs_to', target: 'Seller', foreignKey: { entity: 'Listing', field: 'seller_id', declared: true }, cardinality: { min: 1, max: 1 } }]);
    expect(listing.states?.initial).toBe('draft');
    expect(listing.states?.transitions.map((t) => `${t.from}->${t.to}${t.guard ? ` when ${t.guard.text}` : ''}`)).toEqual([
      'draft->active when stock > 0', 'active->sold_out', 'active->archived', 'sold_out->active when stock > 0',
    ]);
    expect(listing.indexes.map((i) => i.name)).toEqual(['idx_listings_seller_id', 'idx_listings_category']);
    const seller = ir.entities.find((e) => e.name === 'Seller')!;
    expect(seller.fields.find((f) => f.name === 'email')?.unique).toBe(true);
    expect(seller.relations[0]).toMatchObject({ kind: 'has_many', target: 'Listing', foreignKey: { entity: 'Listing', field: 'seller_id', declared: true } });
    const order = ir.entities.find((e) => e.name === 'Order')!;
    expect(order.indexes.map((i) => i.fields)).toEqual([['buyer_id'], ['listing_id', 'buyer_id']]);

    const place = ir.capabilities.find((c) => c.name === 'place_order')!;
    expect(place).toMatchObject({ sync: 'transactional', timeoutMs: 30_000, idempotent: true, emits: ['OrderPlaced'], writes: ['Listing', 'Order'] });
    expect(place.retry).toEqual({ maxAttempts: 3, backoff: 'exponential', intervalMs: 1000 });
    expect(place.requires[0]?.text).toBe('caller.id == buyer.id');
    expect(place.requires[0]?.expr).toMatchObject({ kind: 'binary', left: { kind: 'ref', scope: 'caller', path: ['id'] }, right: { kind: 'ref', scope: 'param', name: 'buyer', path: ['id'], entity: 'Buyer' } });
    expect(place.effects.map((e) => [e.target.name, e.target.path, e.op])).toEqual([['listing', ['stock'], '-='], ['order', ['quantity'], '='], ['order', ['total'], '=']]);
    const tag = ir.capabilities.find((c) => c.name === 'tag_listing')!;
    expect(tag.effects[0]).toMatchObject({ op: 'append', target: { path: ['tags'] }, value: { kind: 'ref', name: 'tag' } });
    expect(tag.requires[2]?.expr).toMatchObject({ kind: 'unary', op: 'not', operand: { kind: 'contains' } });

    expect(ir.flows[0]).toMatchObject({ name: 'checkout', variables: ['buyer', 'listing', 'order', 'quantity'] });
    expect(ir.flows[0]?.variableTypes).toEqual({
      buyer: { kind: 'entity', entity: 'Buyer' }, listing: { kind: 'entity', entity: 'Listing' },
      order: { kind: 'entity', entity: 'Order' }, quantity: { kind: 'scalar', scalar: 'uint' },
    });
    expect(ir.flows[0]?.steps.map((s) => [s.name, s.call.capability, s.compensate?.capability])).toEqual([
      ['reserve', 'place_order', 'cancel_order'], ['pay', 'pay_order', 'cancel_order'],
    ]);
    expect(ir.policies).toMatchObject([
      { name: 'api_limits', rateLimit: { count: 200, windowMs: 60_000 }, access: [], audit: true, encryption: 'in_transit' },
      { name: 'back_office', access: ['admin'] },
      { name: 'checkout_limits', rateLimit: { count: 20, windowMs: 60_000 }, access: ['buyer', 'admin'], appliesTo: ['place_order', 'pay_order'] },
    ]);
    expect(ir.channels[0]).toMatchObject({ name: 'order_updates', transport: 'websocket', persistence: { kind: 'last', count: 100 }, participants: { kind: 'set', element: { kind: 'entity', entity: 'Buyer' } } });
    expect(ir.events.map((e) => [e.name, e.delivery, e.ttlMs])).toEqual([
      ['OrderPlaced', 'at_least_once', 2_592_000_000], ['PaymentCaptured', 'exactly_once', 7_776_000_000],
      ['OrderCancelled', 'at_least_once', 2_592_000_000], ['ListingSoldOut', 'at_most_once', 86_400_000],
    ]);
    expect(ir.constraints[0]).toMatchObject({ name: 'order_total_cap', entities: ['Order'], condition: { text: 'Order.total <= 10000000' } });
    expect(ir.extensionPoints[0]).toMatchObject({ name: 'shipping_fee', stable: true, returns: { kind: 'scalar', scalar: 'uint' }, default: { value: 0 } });
  });

  it('lowers the clinic: many_to_many join table, derived fields, sensitive fields, emits with arguments', () => {
    const ir = example('clinic');
    const doctor = ir.entities.find((e) => e.name === 'Doctor')!;
    expect(doctor.relations.find((r) => r.kind === 'many_to_many')).toMatchObject({
      target: 'Location', cardinality: { min: 1, max: '*' }, joinTable: { name: 'doctors_clinics', sourceKey: 'doctor_id', targetKey: 'location_id' },
    });
    expect(doctor.relations.find((r) => r.kind === 'has_many')?.foreignKey).toEqual({ entity: 'Appointment', field: 'doctor_id', declared: true });
    const appointment = ir.entities.find((e) => e.name === 'Appointment')!;
    expect(appointment.derived[0]).toMatchObject({ name: 'ends_at', type: { kind: 'scalar', scalar: 'timestamp' } });
    expect(appointment.auth).toBe('jwt');
    expect(ir.entities.find((e) => e.name === 'Patient')!.fields.find((f) => f.name === 'insurance_id')).toMatchObject({ sensitive: true, nullable: true });
    expect(ir.capabilities.find((c) => c.name === 'prescribe')).toMatchObject({
      emits: ['PrescriptionIssued'], retry: { maxAttempts: 2 },
      emitPayloads: { PrescriptionIssued: { prescription_id: { kind: 'ref', name: 'prescription', path: ['id'] } } },
    });
  });
});

describe('bone lowering: details', () => {
  it('names tables in snake_case plural', () => {
    const ir = irOf('  entity OrderItem { owns: [x: uint] }\n  entity Category { owns: [x: uint] }\n  entity Box { owns: [x: uint] }\n  entity Person { owns: [x: uint] }');
    expect(ir.entities.map((e) => [e.tableName, e.singularName])).toEqual([['order_items', 'order_item'], ['categories', 'category'], ['boxes', 'box'], ['persons', 'person']]);
  });

  it('adds undeclared foreign keys for belongs_to and has_many', () => {
    const ir = irOf('  entity Team { owns: [name: string] relation members: has_many Player }\n  entity Player { owns: [name: string] relation team: belongs_to Team }');
    expect(ir.entities[0]?.relations[0]?.foreignKey).toEqual({ entity: 'Player', field: 'team_id', declared: false });
    expect(ir.entities[1]?.relations[0]?.foreignKey).toEqual({ entity: 'Player', field: 'team_id', declared: false });
  });

  it('digests reversed and exclusive comparisons and length bounds into field checks', () => {
    const ir = irOf('  entity A { owns: [n: int, s: string, k: string] constraints: [0 < n, n < 10, s.length >= 2, s.length < 9, k != "x"] }');
    const checks = Object.fromEntries(ir.entities[0]!.fields.map((f) => [f.name, f.checks]));
    expect(checks).toEqual({
      n: [{ kind: 'min', value: 0, exclusive: true }, { kind: 'max', value: 10, exclusive: true }],
      s: [{ kind: 'minLength', value: 2 }, { kind: 'maxLength', value: 8 }],
      k: [{ kind: 'notEqual', value: 'x' }],
    });
  });

  it('lowers channel filters and sizes, and store retention', () => {
    const ir = irOf([
      '  entity Player { owns: [role: string] }',
      '  channel staff { transport: websocket  participants: set<Player>  max_size: 500  filter: participant.role in ["admin", "mod"] }',
      '  store sessions { engine: redis  retention: 2h }',
    ].join('\n'));
    expect(ir.channels[0]).toMatchObject({ maxSize: 500, filter: { text: 'participant.role in ["admin", "mod"]', expr: { kind: 'inList', operand: { kind: 'ref', scope: 'param', name: 'participant', path: ['role'], entity: 'Player' } } } });
    expect(ir.stores[0]).toMatchObject({ engine: 'redis', retentionMs: 7_200_000 });
    const bad = check('  entity Player { owns: [role: string] }\n  channel c { participants: set<Player>  filter: participant.rank > 1 }');
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['BS032']);
  });

  it('lowers pipelines, algorithms and store/entity pairing', () => {
    const ir = irOf([
      '  entity Order { owns: [n: uint] }',
      '  store OrderStore { engine: postgres  schema: { id: uuid, n: uint }  partition: id  replicas: 2 }',
      '  capability fulfil(order: Order, k: uint) {',
      '    pipeline: { check(order) reserve(order) as slot notify(order, slot) on_error: compensate(undo(order)) }',
      '    algorithm: rank_by using { items: order, k: k, order: "desc", limit: 10 }',
      '  }',
    ].join('\n'));
    const cap = ir.capabilities[0]!;
    expect(cap.pipeline).toMatchObject({
      steps: [{ name: 'check', call: 'check' }, { name: 'slot', call: 'reserve' }, { name: 'notify', args: [{ scope: 'param' }, { scope: 'step', name: 'slot' }] }],
      onError: 'compensate', onErrorCall: { call: 'undo' },
    });
    expect(cap.algorithm).toEqual({ name: 'rank_by', using: { items: 'order', k: 'k', order: 'desc', limit: 10 }, paramBindings: { items: 'order', k: 'k' } });
    expect(ir.stores[0]).toMatchObject({ name: 'OrderStore', engine: 'postgresql', entity: 'Order', partition: 'id', replicas: 2 });
  });
});
