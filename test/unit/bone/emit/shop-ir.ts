/**
 * A hand-built IR for a small shop — the back end's own fixture, independent of the parser:
 * sellers, buyers, listings with a state machine and constraints, a capability with requires,
 * effects and an event, a flow, a channel, a rate-limit/audit policy and an extension point.
 */
import type { BoneExpr, BoneField, BoneFieldCheck, BoneSystem, BoneType, IrLocation } from '../../../../compiler/bone/ir.js';

const loc: IrLocation = { line: 1, column: 1, endLine: 1, endColumn: 1 };
const uint: BoneType = { kind: 'scalar', scalar: 'uint' };
const str: BoneType = { kind: 'scalar', scalar: 'string' };
const uuid: BoneType = { kind: 'scalar', scalar: 'uuid' };
const bool: BoneType = { kind: 'scalar', scalar: 'bool' };

const lit = (value: string | number | boolean): BoneExpr => ({ kind: 'literal', value, type: typeof value === 'number' ? uint : typeof value === 'boolean' ? bool : str, text: JSON.stringify(value), loc });
const self = (field: string, type: BoneType = uint): BoneExpr => ({ kind: 'ref', scope: 'self', path: [field], type, text: field, loc });
const param = (name: string, path: string[], type: BoneType): BoneExpr & { kind: 'ref' } => ({ kind: 'ref', scope: 'param', name, path, type, text: [name, ...path].join('.'), loc });
const caller = (member: string): BoneExpr => ({ kind: 'ref', scope: 'caller', path: [member], type: uuid, text: `caller.${member}`, loc });
const bin = (op: '==' | '>=' | '>' | '<=' | '*' | '-', left: BoneExpr, right: BoneExpr, text: string): BoneExpr => ({ kind: 'binary', op, left, right, type: bool, text, loc });

function field(name: string, type: BoneType, extra: Partial<BoneField> = {}): BoneField {
  return { name, column: name, type, nullable: type.kind === 'optional', unique: false, checks: [], loc, ...extra };
}

export interface ShopOptions {
  /** Add a `rating` field to Seller and a Review entity (a schema change). */
  withReviews?: boolean;
  /** Rate limit (requests per window) of the api policy. */
  rateLimit?: number;
}

/** No owners, nothing managed, nothing granted (the entities here use `auth: none`). */
function noAccess(): BoneSystem['entities'][number]['access'] {
  return { owners: [], ownerSource: 'none', managedFields: [], managedStates: [], grants: [] };
}

export function shopIr(options: ShopOptions = {}): BoneSystem {
  const titleChecks: BoneFieldCheck[] = [{ kind: 'minLength', value: 1 }, { kind: 'maxLength', value: 200 }];
  const priceChecks: BoneFieldCheck[] = [{ kind: 'min', value: 0, exclusive: true }];
  const categoryChecks: BoneFieldCheck[] = [{ kind: 'oneOf', values: ['books', 'home', 'other'] }];
  const system: BoneSystem = {
    irVersion: 1,
    name: 'Shop',
    domain: 'marketplace',
    file: 'shop.bone',
    imports: [],
    entities: [
      {
        name: 'Seller',
        tableName: 'sellers',
        singularName: 'seller',
        fields: [field('name', str, { checks: [{ kind: 'minLength', value: 1 }] }), field('email', str, { unique: true }), ...(options.withReviews ? [field('rating', uint, { default: lit(0) })] : [])],
        constraints: [],
        auth: 'none',
        relations: [],
        indexes: [],
        derived: [],
        access: noAccess(),
        loc,
      },
      {
        name: 'Buyer',
        tableName: 'buyers',
        singularName: 'buyer',
        fields: [field('name', str), field('balance', uint, { default: lit(0) })],
        constraints: [],
        auth: 'none',
        relations: [],
        indexes: [],
        derived: [],
        access: noAccess(),
        loc,
      },
      {
        name: 'Listing',
        tableName: 'listings',
        singularName: 'listing',
        fields: [
          field('seller_id', uuid, { references: 'Seller' }),
          field('title', str, { checks: titleChecks }),
          field('price', uint, { checks: priceChecks }),
          field('stock', uint, { default: lit(0) }),
          field('category', str, { checks: categoryChecks }),
        ],
        constraints: [
          { expr: { kind: 'inRange', operand: { kind: 'length', operand: self('title', str), type: uint, text: 'title.length', loc }, min: lit(1), max: lit(200), negated: false, type: bool, text: 'title.length in 1..200', loc }, text: 'title.length in 1..200', loc },
          { expr: bin('>', self('price'), lit(0), 'price > 0'), text: 'price > 0', loc },
          { expr: bin('<=', self('stock'), lit(100000), 'stock <= 100000'), text: 'stock <= 100000', loc },
        ],
        states: {
          states: ['draft', 'active', 'sold_out', 'archived'],
          initial: 'draft',
          terminal: ['sold_out', 'archived'],
          transitions: [
            { from: 'draft', to: 'active', loc },
            { from: 'active', to: 'sold_out', loc },
            { from: 'active', to: 'archived', loc },
          ],
          loc,
        },
        auth: 'jwt',
        relations: [{ name: 'seller', kind: 'belongs_to', target: 'Seller', foreignKey: { entity: 'Listing', field: 'seller_id', declared: true }, cardinality: { min: 1, max: 1 }, loc }],
        indexes: [{ name: 'idx_listings_seller_id_category', fields: ['seller_id', 'category'], unique: false, loc }],
        derived: [],
        access: noAccess(),
        loc,
      },
      ...(options.withReviews
        ? [
            {
              name: 'Review',
              tableName: 'reviews',
              singularName: 'review',
              fields: [field('listing_id', uuid, { references: 'Listing' }), field('stars', uint, { checks: [{ kind: 'min', value: 1, exclusive: false }, { kind: 'max', value: 5, exclusive: false }] as BoneFieldCheck[] })],
              constraints: [],
              auth: 'none' as const,
              relations: [],
              indexes: [],
              derived: [],
              access: noAccess(),
              loc,
            },
          ]
        : []),
    ],
    capabilities: [
      {
        name: 'place_order',
        params: [
          { name: 'buyer', type: { kind: 'entity', entity: 'Buyer' }, entity: 'Buyer', loc },
          { name: 'listing', type: { kind: 'entity', entity: 'Listing' }, entity: 'Listing', loc },
          { name: 'quantity', type: uint, loc },
        ],
        requires: [
          { expr: bin('==', caller('id'), param('buyer', ['id'], uuid), 'caller.id == buyer.id'), text: 'caller.id == buyer.id', loc },
          { expr: bin('==', param('listing', ['state'], str), lit('active'), 'listing.state == "active"'), text: 'listing.state == "active"', loc },
          { expr: bin('>=', param('listing', ['stock'], uint), param('quantity', [], uint), 'listing.stock >= quantity'), text: 'listing.stock >= quantity', loc },
        ],
        effects: [
          { target: param('listing', ['stock'], uint), op: '-=', value: param('quantity', [], uint), text: 'listing.stock -= quantity', loc },
          { target: param('buyer', ['balance'], uint), op: '-=', value: bin('*', param('listing', ['price'], uint), param('quantity', [], uint), 'listing.price * quantity'), text: 'buyer.balance -= listing.price * quantity', loc },
        ],
        emits: ['OrderPlaced'],
        sync: 'transactional',
        timeoutMs: 30_000,
        retry: { maxAttempts: 3, backoff: 'exponential', intervalMs: 1000 },
        idempotent: true,
        writes: ['Listing', 'Buyer'],
        loc,
      },
      {
        name: 'restock',
        params: [
          { name: 'listing', type: { kind: 'entity', entity: 'Listing' }, entity: 'Listing', loc },
          { name: 'amount', type: uint, loc },
        ],
        requires: [{ expr: bin('>', param('amount', [], uint), lit(0), 'amount > 0'), text: 'amount > 0', loc }],
        effects: [{ target: param('listing', ['stock'], uint), op: '+=', value: param('amount', [], uint), text: 'listing.stock += amount', loc }],
        emits: [],
        sync: 'transactional',
        idempotent: false,
        writes: ['Listing'],
        loc,
      },
    ],
    events: [
      {
        name: 'OrderPlaced',
        payload: [
          { name: 'order_id', type: uuid, nullable: false, loc },
          { name: 'listing_id', type: uuid, nullable: false, loc },
          { name: 'quantity', type: uint, nullable: false, loc },
        ],
        delivery: 'at_least_once',
        ttlMs: 30 * 86_400_000,
        loc,
      },
    ],
    stores: [],
    channels: [{ name: 'lobby', transport: 'websocket', ordering: 'causal', persistence: { kind: 'last', count: 100 }, loc }],
    policies: [{ name: 'api_limits', rateLimit: { count: options.rateLimit ?? 1000, windowMs: 60_000 }, access: ['buyer', 'seller', 'admin'], audit: true, encryption: 'both', loc }],
    flows: [
      {
        name: 'checkout',
        steps: [
          {
            name: 'reserve',
            call: { capability: 'place_order', args: ['buyer', 'listing', 'quantity'].map((v) => ({ kind: 'ref', scope: 'flow', name: v, path: [], type: uint, text: v, loc }) as BoneExpr) },
            compensate: { capability: 'restock', args: ['listing', 'quantity'].map((v) => ({ kind: 'ref', scope: 'flow', name: v, path: [], type: uint, text: v, loc }) as BoneExpr) },
            loc,
          },
        ],
        variables: ['buyer', 'listing', 'quantity'],
        loc,
      },
    ],
    constraints: [],
    extensionPoints: [{ name: 'calculate_fee', params: [{ name: 'listing', type: { kind: 'entity', entity: 'Listing' }, entity: 'Listing', loc }], returns: uint, stable: false, default: lit(0), loc }],
  };
  return system;
}
