/**
 * examples/shop.bone tried as an attacker would, against a running server (SQLite or PostgreSQL):
 * every caller holds a valid token, and may still touch only its own rows, change what the
 * capabilities manage only through them, and see only the events of rows it may read. Also the
 * answers both databases must give alike for bad input.
 */
import crypto from 'node:crypto';
import { expect } from 'vitest';
import { client, type Reply } from './generated-project.js';
import { token } from './shop-checks.js';

function expectError(reply: Reply, status: number, code?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(typeof reply.body?.error?.message).toBe('string');
  if (code) expect(reply.body.error.code).toBe(code);
}

function created(reply: Reply): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

/** What a database would say about itself: never in a response body. */
const DATABASE_TEXT = /constraint failed|violates|duplicate key|sqlite|postgres|relation "|SQLSTATE|invalid input syntax|"_?[a-z]+"\."/i;

export async function exerciseShopSecurity(baseUrl: string): Promise<void> {
  const call = client(baseUrl);
  const admin = token('admin-sec', ['admin']);

  // Two buyers who sign up themselves: a buyer's record is the caller's own (id = token subject).
  const aliceId = crypto.randomUUID();
  const bobId = crypto.randomUUID();
  const alice = token(aliceId, ['buyer']);
  const bob = token(bobId, ['buyer']);
  const aliceRow = created(await call('POST', '/buyers', { token: alice, body: { name: 'Alice', email: 'alice@sec.example' } }));
  expect(aliceRow).toMatchObject({ id: aliceId, balance: 0 });
  created(await call('POST', '/buyers', { token: bob, body: { name: 'Bob', email: 'bob@sec.example' } }));
  expectError(await call('POST', '/buyers', { token: alice, body: { name: 'Alice 2', email: 'alice2@sec.example' } }), 409, 'duplicate'); // one record each
  // balance is changed by pay_order: a buyer cannot sign up rich, nor top up directly.
  const rich = await call('POST', '/buyers', { token: token(crypto.randomUUID(), ['buyer']), body: { name: 'Rich', email: 'rich@sec.example', balance: 1_000_000 } });
  expectError(rich, 403, 'forbidden');
  expect(rich.body.error.details).toMatchObject({ field: 'balance', capabilities: ['pay_order'] });
  expectError(await call('PATCH', `/buyers/${aliceId}`, { token: alice, body: { balance: 999 } }), 403, 'forbidden');
  expect((await call('PATCH', `/buyers/${aliceId}`, { token: alice, body: { name: 'Alice A.' } })).body.name).toBe('Alice A.');
  // The back office (crud: all for admin) may set it.
  for (const id of [aliceId, bobId]) expect((await call('PATCH', `/buyers/${id}`, { token: admin, body: { balance: 1000 } })).status).toBe(200);

  // Bob cannot see, change or delete Alice's record.
  expectError(await call('GET', `/buyers/${aliceId}`, { token: bob }), 404, 'not_found');
  expectError(await call('PATCH', `/buyers/${aliceId}`, { token: bob, body: { name: 'Mallory' } }), 404, 'not_found');
  expectError(await call('DELETE', `/buyers/${aliceId}`, { token: bob }), 404, 'not_found'); // balance is managed: no DELETE route at all
  const bobsList = await call('GET', '/buyers?limit=100', { token: bob });
  expect(bobsList.body.items.map((b: { id: string }) => b.id)).toEqual([bobId]);

  // A seller and a live listing, through the capabilities.
  const sellerId = crypto.randomUUID();
  const seller = token(sellerId, ['seller']);
  created(await call('POST', '/sellers', { token: seller, body: { name: 'Sam', email: 'sam@sec.example' } }));
  const listing = created(await call('POST', '/listings', { token: seller, body: { seller_id: sellerId, title: 'Kettle', price: 10, tags: [] } }));
  expectError(await call('POST', '/listings', { token: seller, body: { seller_id: sellerId, title: 'Stocked', price: 10, stock: 50, tags: [] } }), 403, 'forbidden'); // stock: restock
  expectError(await call('POST', '/listings', { token: bob, body: { seller_id: sellerId, title: 'Fake', price: 1, tags: [] } }), 403, 'forbidden'); // not Bob's seller row
  expect((await call('POST', '/capabilities/restock', { token: seller, body: { seller_id: sellerId, listing_id: listing.id, amount: 20 } })).status).toBe(200);
  expect((await call('POST', '/capabilities/publish-listing', { token: seller, body: { seller_id: sellerId, listing_id: listing.id } })).status).toBe(200);
  // Alice's orders are hers; Bob cannot create one in her name.
  const newOrder = async (buyerId: string, who: string) =>
    created(await call('POST', '/orders', { token: who, body: { buyer_id: buyerId, listing_id: listing.id, quantity: 1, total: 1 } }));
  expectError(await call('POST', '/orders', { token: bob, body: { buyer_id: aliceId, listing_id: listing.id, quantity: 1, total: 1 } }), 403, 'forbidden');
  const aliceOrder = await newOrder(aliceId, alice);
  const bobOrder = await newOrder(bobId, bob);

  // Read, update, delete and transition of another caller's row: not found (not even confirmed to exist).
  expectError(await call('GET', `/orders/${aliceOrder.id}`, { token: bob }), 404, 'not_found');
  expect((await call('GET', '/orders?limit=100', { token: bob })).body.items.map((o: { id: string }) => o.id)).toEqual([bobOrder.id]);
  expectError(await call('PATCH', `/orders/${aliceOrder.id}`, { token: bob, body: { note: 'mine now' } }), 404, 'not_found');
  expectError(await call('DELETE', `/orders/${aliceOrder.id}`, { token: bob }), 404, 'not_found');
  expectError(await call('POST', `/orders/${aliceOrder.id}/transition`, { token: bob, body: { to: 'delivered' } }), 404, 'not_found');
  // Reassigning one's own order to someone else is refused too.
  expectError(await call('PATCH', `/orders/${bobOrder.id}`, { token: bob, body: { buyer_id: aliceId } }), 403, 'forbidden');

  // State changes only through capabilities: paying by PATCH or /transition is refused, nothing charged.
  const patched = await call('PATCH', `/orders/${aliceOrder.id}`, { token: alice, body: { state: 'paid' } });
  expectError(patched, 403, 'forbidden');
  expect(patched.body.error.details).toMatchObject({ state: 'paid', capabilities: ['pay_order'] });
  expectError(await call('POST', `/orders/${aliceOrder.id}/transition`, { token: alice, body: { to: 'paid' } }), 403, 'forbidden');
  expectError(await call('POST', `/orders/${aliceOrder.id}/transition`, { token: alice, body: { to: 'cancelled' } }), 403, 'forbidden'); // cancel_order
  expect((await call('GET', `/orders/${aliceOrder.id}`, { token: alice })).body.state).toBe('pending');
  expect((await call('GET', `/buyers/${aliceId}`, { token: alice })).body.balance).toBe(1000);

  // Through the capability it works, and the idempotency key is Alice's alone.
  const place = (orderId: string, buyerId: string, who: string, key: string) =>
    call('POST', '/capabilities/place-order', { token: who, body: { buyer_id: buyerId, listing_id: listing.id, order_id: orderId, quantity: 2 }, headers: { 'idempotency-key': key } });
  const key = `shared-${crypto.randomUUID()}`;
  const alicePlaced = await place(aliceOrder.id, aliceId, alice, key);
  expect(alicePlaced.status, JSON.stringify(alicePlaced.body)).toBe(200);
  const bobReplaysAlice = await place(aliceOrder.id, aliceId, bob, key); // Bob sends Alice's body with her key
  expect(bobReplaysAlice.headers.get('idempotent-replay')).toBeNull();
  expectError(bobReplaysAlice, 403, 'forbidden'); // caller.id == buyer.id: never Alice's cached answer
  const bobPlaced = await place(bobOrder.id, bobId, bob, key); // Bob reuses the key: his own call runs
  expect(bobPlaced.status, JSON.stringify(bobPlaced.body)).toBe(200);
  expect(bobPlaced.headers.get('idempotent-replay')).toBeNull();
  expect(bobPlaced.body.order.id).toBe(bobOrder.id);
  expect((await place(aliceOrder.id, aliceId, alice, key)).headers.get('idempotent-replay')).toBe('true');

  // Concurrent calls with one key: one runs, the others replay its answer (both databases alike).
  const payKey = `pay-${crypto.randomUUID()}`;
  const payments = await Promise.all(
    Array.from({ length: 5 }, () => call('POST', '/capabilities/pay-order', { token: alice, body: { buyer_id: aliceId, order_id: aliceOrder.id }, headers: { 'idempotency-key': payKey } })),
  );
  expect(payments.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
  expect(payments.filter((p) => p.headers.get('idempotent-replay') !== 'true')).toHaveLength(1);
  expect((await call('GET', `/buyers/${aliceId}`, { token: alice })).body.balance).toBe(1000 - 20);

  // The events feed: Alice sees her order's events, Bob his, neither the other's; the back office all.
  const eventIds = async (who: string) => ((await call('GET', '/events?limit=100', { token: who })).body.items as Array<{ id: string; payload: { order_id?: string } }>);
  const aliceEvents = await eventIds(alice);
  const bobEvents = await eventIds(bob);
  expect(aliceEvents.some((e) => e.payload.order_id === aliceOrder.id)).toBe(true);
  expect(aliceEvents.some((e) => e.payload.order_id === bobOrder.id)).toBe(false);
  expect(bobEvents.some((e) => e.payload.order_id === aliceOrder.id)).toBe(false);
  expect(bobEvents.some((e) => e.payload.order_id === bobOrder.id)).toBe(true);
  const all = await eventIds(admin);
  expect(all.filter((e) => e.payload.order_id === aliceOrder.id || e.payload.order_id === bobOrder.id).length).toBe(3); // 2 OrderPlaced + 1 PaymentCaptured
  // A token whose subject is not a uuid owns nothing (and breaks no uuid column on PostgreSQL).
  expect((await call('GET', '/orders', { token: token('not-a-uuid', ['buyer']) })).body.items).toEqual([]);

  // The same answer on both databases for the same bad input.
  const nul = await call('POST', '/buyers', { token: token(crypto.randomUUID(), ['buyer']), body: { name: 'Nul\u0000Byte', email: 'nul@sec.example' } });
  expectError(nul, 400, 'validation_failed');
  expect(nul.body.error.details.fields).toEqual([{ field: 'name', message: 'must not contain a NUL character' }]);
  const far = await call('GET', '/orders?offset=1e300', { token: admin });
  expect(far.status, JSON.stringify(far.body)).toBe(200);
  expect(far.body.items).toEqual([]);
  expect((await call('GET', '/events?offset=1e300', { token: admin })).body.items).toEqual([]);
  // Characters are counted as characters: 100 emoji fit `name.length in 1..100`, 101 do not.
  const emoji = '\u{1F600}';
  expect((await call('PATCH', `/buyers/${aliceId}`, { token: alice, body: { name: emoji.repeat(100) } })).status).toBe(200);
  expectError(await call('PATCH', `/buyers/${aliceId}`, { token: alice, body: { name: emoji.repeat(101) } }), 400, 'validation_failed');
  // Database errors answer with our words, never the database's.
  const duplicate = await call('POST', '/sellers', { token: admin, body: { name: 'Dup', email: 'sam@sec.example' } });
  expectError(duplicate, 409, 'duplicate');
  expect(JSON.stringify(duplicate.body)).not.toMatch(DATABASE_TEXT);
  const dangling = await call('POST', '/orders', { token: admin, body: { buyer_id: aliceId, listing_id: crypto.randomUUID(), quantity: 1, total: 1 } });
  expectError(dangling, 409, 'reference_conflict');
  expect(JSON.stringify(dangling.body)).not.toMatch(DATABASE_TEXT);

  // Bad tokens count against the client address's rate limit (api_limits: 200 per 1m); last, as it locks the address out.
  let limited: Reply | undefined;
  for (let i = 0; i < 260 && !limited; i++) {
    const reply = await call('GET', '/orders', { token: `${admin.slice(0, -6)}forged` });
    if (reply.status === 429) limited = reply;
    else expectError(reply, 401, 'invalid_token');
  }
  expect(limited, 'bad tokens were never rate limited').toBeDefined();
  expectError(limited!, 429, 'rate_limited');
}
