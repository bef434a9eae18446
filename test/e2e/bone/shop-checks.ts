/**
 * What a user relies on from the backend generated for examples/shop.bone, as HTTP calls against
 * a running server. Shared by the SQLite and PostgreSQL runs; every check names the `.bone` rule
 * it exercises.
 */
import jwt from 'jsonwebtoken';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { client, type Reply } from './generated-project.js';

export const JWT_SECRET = 'bone-e2e-secret';

export function token(subject: string, roles: string[]): string {
  return jwt.sign({ roles }, JWT_SECRET, { subject, algorithm: 'HS256', expiresIn: '10m' });
}

function expectError(reply: Reply, status: number, code?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(typeof reply.body?.error?.message).toBe('string');
  expect(reply.body.error).toHaveProperty('details');
  if (code) expect(reply.body.error.code).toBe(code);
}

function expectCreated(reply: Reply): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

export async function exerciseShop(baseUrl: string): Promise<void> {
  const call = client(baseUrl);
  const admin = token('admin-1', ['admin']);
  const as = (who: string) => ({ token: who });

  // auth: jwt on every entity — 401 without a token or with a bad one.
  expectError(await call('GET', '/sellers'), 401, 'unauthorized');
  expectError(await call('GET', '/sellers', { token: 'not.a.jwt' }), 401, 'invalid_token');

  // CRUD with defaults and the initial state.
  const seller = expectCreated(await call('POST', '/sellers', { ...as(admin), body: { name: 'Ann', email: 'ann@example.com' } }));
  expect(seller).toMatchObject({ name: 'Ann', balance: 0, rating: 0, state: 'active' });
  const sellerToken = token(seller.id, ['seller']);
  const buyer = expectCreated(await call('POST', '/buyers', { ...as(admin), body: { name: 'Bob', email: 'bob@example.com', balance: 1000 } }));
  const buyerToken = token(buyer.id, ['buyer']);

  const listingBody = { seller_id: seller.id, title: 'A book', price: 25, tags: [] as string[] };
  const listing = expectCreated(await call('POST', '/listings', { ...as(admin), body: listingBody }));
  expect(listing).toMatchObject({ ...listingBody, stock: 0, category: 'other', description: null, state: 'draft' });

  // constraints: [title.length in 1..200, price > 0, category in [...]] → 400 naming each field.
  const bad = await call('POST', '/listings', { ...as(admin), body: { ...listingBody, title: '', price: 0, category: 'cars' } });
  expectError(bad, 400, 'validation_failed');
  expect((bad.body.error.details.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['category', 'price', 'title']);
  expectError(await call('POST', '/listings', { ...as(admin), body: { ...listingBody, colour: 'red' } }), 400, 'validation_failed');
  expectError(await call('POST', '/sellers', { ...as(admin), body: { name: 'Ann 2', email: 'ann@example.com' } }), 409, 'duplicate'); // email.unique
  expectError(await call('POST', '/listings', { ...as(admin), body: { ...listingBody, seller_id: '00000000-0000-4000-8000-000000000000' } }), 409, 'reference_conflict');

  // Read, paginate, filter, update.
  expect((await call('GET', `/listings/${listing.id}`, as(admin))).body).toEqual(listing);
  expectCreated(await call('POST', '/listings', { ...as(admin), body: { ...listingBody, title: 'Lamp', category: 'home' } }));
  expectCreated(await call('POST', '/listings', { ...as(admin), body: { ...listingBody, title: 'Rug', category: 'home' } }));
  const page = await call('GET', '/listings?limit=2&offset=0', as(admin));
  expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
  expect(page.body.items).toHaveLength(2);
  expect((await call('GET', '/listings?limit=2&offset=2', as(admin))).body.items).toHaveLength(1);
  expect((await call('GET', '/listings?category=home', as(admin))).body.total).toBe(2);
  const renamed = await call('PATCH', `/listings/${listing.id}`, { ...as(admin), body: { title: 'A better book', description: 'Signed' } });
  expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
  expect(renamed.body).toMatchObject({ title: 'A better book', description: 'Signed' });
  expectError(await call('PATCH', `/listings/${listing.id}`, { ...as(admin), body: { price: 2_000_000 } }), 400, 'validation_failed'); // price <= 1000000
  expectError(await call('GET', '/listings/00000000-0000-4000-8000-00000000dead', as(admin)), 404, 'not_found');
  expectError(await call('GET', '/listings/not-a-uuid', as(admin)), 404, 'not_found');

  // states: draft -> active when stock > 0 -> sold_out | archived.
  const illegal = await call('POST', `/listings/${listing.id}/transition`, { ...as(admin), body: { to: 'sold_out' } });
  expectError(illegal, 409, 'illegal_transition');
  expect(illegal.body.error.details).toMatchObject({ from: 'draft', to: 'sold_out', allowed: ['active'] });
  expectError(await call('POST', `/listings/${listing.id}/transition`, { ...as(admin), body: { to: 'active' } }), 409, 'guard_failed'); // stock is 0

  // publish_listing requires listing.stock > 0 → 422 naming the condition; nothing changes.
  const early = await call('POST', '/capabilities/publish-listing', { ...as(sellerToken), body: { seller_id: seller.id, listing_id: listing.id } });
  expectError(early, 422, 'requires_failed');
  expect(early.body.error.details.condition).toBe('listing.stock > 0');
  // caller.id == seller.id: someone else's token is refused.
  const notTheSeller = await call('POST', '/capabilities/restock', { ...as(buyerToken), body: { seller_id: seller.id, listing_id: listing.id, amount: 5 } });
  expectError(notTheSeller, 403);
  expect(notTheSeller.body.error.details.condition).toBe('caller.id == seller.id');

  const restocked = await call('POST', '/capabilities/restock', { ...as(sellerToken), body: { seller_id: seller.id, listing_id: listing.id, amount: 5 } });
  expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
  expect(restocked.body.listing.stock).toBe(5);
  const published = await call('POST', '/capabilities/publish-listing', { ...as(sellerToken), body: { seller_id: seller.id, listing_id: listing.id } });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  expect(published.body.listing.state).toBe('active');

  // place_order: requires a pending order of this buyer, an active listing and enough stock.
  const newOrder = async (quantity = 1) =>
    expectCreated(await call('POST', '/orders', { ...as(admin), body: { buyer_id: buyer.id, listing_id: listing.id, quantity, total: 1 } }));
  const order = await newOrder();
  expect(order.state).toBe('pending');
  const placeOrder = (body: Record<string, unknown>, who = buyerToken, headers?: Record<string, string>) =>
    call('POST', '/capabilities/place-order', { token: who, body, headers });
  const tooMany = await placeOrder({ buyer_id: buyer.id, listing_id: listing.id, order_id: order.id, quantity: 50 });
  expectError(tooMany, 422, 'requires_failed');
  expect(tooMany.body.error.details.condition).toBe('listing.stock >= quantity');
  expectError(await placeOrder({ buyer_id: buyer.id, listing_id: listing.id, order_id: order.id, quantity: 1 }, sellerToken), 403, 'forbidden'); // access: [buyer, admin]
  expectError(await call('POST', '/capabilities/place-order', { body: { buyer_id: buyer.id, listing_id: listing.id, order_id: order.id, quantity: 1 } }), 401);
  expectError(await placeOrder({ buyer_id: buyer.id, listing_id: listing.id, order_id: order.id }), 400, 'validation_failed');
  expectError(await placeOrder({ buyer_id: buyer.id, listing_id: listing.id, order_id: '00000000-0000-4000-8000-000000000000', quantity: 1 }), 404, 'not_found');

  // Success: every effect lands together and OrderPlaced is in the outbox.
  const placed = await placeOrder({ buyer_id: buyer.id, listing_id: listing.id, order_id: order.id, quantity: 2 }, buyerToken, { 'idempotency-key': 'order-1' });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  expect(placed.body.listing.stock).toBe(3);
  expect(placed.body.order).toMatchObject({ quantity: 2, total: 50 });
  expect(placed.body.events[0]).toMatchObject({ event: 'OrderPlaced', payload: { order_id: order.id, buyer_id: buyer.id, listing_id: listing.id, quantity: 2, total: 50 } });
  expect((await call('GET', `/listings/${listing.id}`, as(admin))).body.stock).toBe(3);
  const outbox = await call('GET', '/events?event=OrderPlaced', as(admin));
  expect(outbox.body.items.map((e: { id: string }) => e.id)).toEqual([placed.body.events[0].id]);

  // idempotent: the same Idempotency-Key replays the answer and changes nothing.
  const replay = await placeOrder({ buyer_id: buyer.id, listing_id: listing.id, order_id: order.id, quantity: 2 }, buyerToken, { 'idempotency-key': 'order-1' });
  expect(replay.status).toBe(200);
  expect(replay.headers.get('idempotent-replay')).toBe('true');
  expect(replay.body).toEqual(placed.body);
  expect((await call('GET', `/listings/${listing.id}`, as(admin))).body.stock).toBe(3);

  // pay_order moves the order to paid; paying twice fails its state requirement (409).
  const paid = await call('POST', '/capabilities/pay-order', { ...as(buyerToken), body: { buyer_id: buyer.id, order_id: order.id } });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  expect(paid.body.buyer.balance).toBe(950);
  expect(paid.body.order.state).toBe('paid');
  const twice = await call('POST', '/capabilities/pay-order', { ...as(buyerToken), body: { buyer_id: buyer.id, order_id: order.id } });
  expectError(twice, 409, 'requires_failed');
  expect(twice.body.error.details.condition).toBe('order.state == "pending"');

  // The checkout saga: pay fails for a buyer without money → reserve is compensated (stock back, order cancelled).
  const poor = expectCreated(await call('POST', '/buyers', { ...as(admin), body: { name: 'Poor', email: 'poor@example.com', balance: 10 } }));
  const poorToken = token(poor.id, ['buyer']);
  const poorOrder = expectCreated(await call('POST', '/orders', { ...as(admin), body: { buyer_id: poor.id, listing_id: listing.id, quantity: 1, total: 1 } }));
  const saga = await call('POST', '/flows/checkout', { ...as(poorToken), body: { buyer: poor.id, listing: listing.id, order: poorOrder.id, quantity: 1 } });
  expect(saga.status, JSON.stringify(saga.body)).toBe(409);
  expect(saga.body.error).toMatchObject({ step: 'pay', code: 'requires_failed' });
  // Compensations run in reverse order: cancel_order(order, listing) gives the stock back.
  expect(saga.body.steps.map((s: { step: string; status: string }) => `${s.step}:${s.status}`)).toEqual(['reserve:done', 'pay:failed', 'reserve:compensated']);
  expect(saga.body.status).toBe('compensated');
  expect((await call('GET', `/listings/${listing.id}`, as(admin))).body.stock).toBe(3);
  expect((await call('GET', `/orders/${poorOrder.id}`, as(admin))).body.state).toBe('cancelled');
  const cancelled = await call('GET', '/events?event=OrderCancelled', as(admin));
  expect(cancelled.body.items[0].payload).toMatchObject({ order_id: poorOrder.id, listing_id: listing.id, quantity: 1 });
  // A step's role check holds inside a saga too (checkout_limits: access [buyer, admin]).
  const bySeller = await call('POST', '/flows/checkout', { ...as(sellerToken), body: { buyer: buyer.id, listing: listing.id, order: poorOrder.id, quantity: 1 } });
  expect(bySeller.status).toBe(409);
  expect(bySeller.body.error).toMatchObject({ step: 'reserve', code: 'forbidden' });
  // …and completes for a buyer who can pay.
  const goodOrder = await newOrder();
  const done = await call('POST', '/flows/checkout', { ...as(buyerToken), body: { buyer: buyer.id, listing: listing.id, order: goodOrder.id, quantity: 1 } });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  expect(done.body.status).toBe('completed');
  expect((await call('GET', `/orders/${goodOrder.id}`, as(admin))).body.state).toBe('paid');

  // extension_point shipping_fee(order) { default: 0 }: callable over HTTP.
  const fee = await call('POST', '/extensions/shipping-fee', { ...as(admin), body: { order_id: order.id } });
  expect(fee.status, JSON.stringify(fee.body)).toBe(200);
  expect(fee.body).toEqual({ value: 0 });
  expectError(await call('POST', '/extensions/shipping-fee', { ...as(admin), body: { order_id: '00000000-0000-4000-8000-000000000000' } }), 404, 'not_found');

  // channel order_updates: a WebSocket message reaches every participant.
  await exerciseChannel(`${baseUrl.replace(/^http/, 'ws')}/channels/order-updates?token=${buyerToken}`);

  // Delete: a referenced seller cannot go (409); a listing without orders can (204, then 404).
  expectError(await call('DELETE', `/sellers/${seller.id}`, as(admin)), 409, 'reference_conflict');
  const spare = expectCreated(await call('POST', '/listings', { ...as(admin), body: { ...listingBody, title: 'Spare' } }));
  expect((await call('DELETE', `/listings/${spare.id}`, as(admin))).status).toBe(204);
  expectError(await call('GET', `/listings/${spare.id}`, as(admin)), 404, 'not_found');
  expectError(await call('GET', '/no/such/route'), 404, 'not_found');

  // checkout_limits: rate_limit 20 per 1m on pay_order → 429 with Retry-After (last: it locks Bob out).
  let limited: Reply | undefined;
  for (let i = 0; i < 25 && !limited; i++) {
    const reply = await call('POST', '/capabilities/pay-order', { ...as(buyerToken), body: { buyer_id: buyer.id, order_id: order.id } });
    if (reply.status === 429) limited = reply;
  }
  expect(limited, 'no 429 within 25 calls').toBeDefined();
  expectError(limited!, 429, 'rate_limited');
  expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
}

async function exerciseChannel(url: string): Promise<void> {
  const open = (u: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(u);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const alice = await open(url);
  const bob = await open(url);
  const received = new Promise<Record<string, unknown>>((resolve) => bob.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)));
  alice.send(JSON.stringify({ text: 'shipped' }));
  expect(await received).toMatchObject({ channel: 'order_updates', data: { text: 'shipped' } });
  // persistence: last_100 — someone joining later is sent what they missed.
  const late = new WebSocket(url);
  const replayed = await new Promise<Record<string, unknown>>((resolve, reject) => {
    late.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
    late.once('error', reject);
  });
  expect(replayed).toMatchObject({ channel: 'order_updates', seq: 1, data: { text: 'shipped' } });
  // Joining needs a valid token (the system uses auth: jwt).
  const refused = await new Promise<number>((resolve) => {
    const anonymous = new WebSocket(url.replace(/\?token=.*$/, ''));
    anonymous.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    anonymous.once('open', () => resolve(101));
  });
  expect(refused).toBe(401);
  for (const ws of [alice, bob, late]) ws.close();
}
