/**
 * What a user relies on from a generated shop backend, as HTTP calls against a running server.
 * Shared by the SQLite and PostgreSQL runs. The system is the back end's fixture
 * (test/unit/bone/emit/shop-ir.ts): Seller, Buyer, Listing (jwt, draft → active → sold_out |
 * archived, title 1..200 chars, price > 0, category in books/home/other), place_order(buyer,
 * listing, quantity) requiring caller == buyer, an active listing and enough stock.
 */
import jwt from 'jsonwebtoken';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { client, type Reply } from './generated-project.js';

export const JWT_SECRET = 'bone-e2e-secret';

export function token(subject: string, roles: string[] = ['buyer']): string {
  return jwt.sign({ roles }, JWT_SECRET, { subject, algorithm: 'HS256', expiresIn: '10m' });
}

function expectError(reply: Reply, status: number, code?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(typeof reply.body?.error?.message).toBe('string');
  expect(reply.body.error).toHaveProperty('details');
  if (code) expect(reply.body.error.code).toBe(code);
}

export async function exerciseShop(baseUrl: string): Promise<void> {
  const call = client(baseUrl);
  const admin = token('admin-1', ['admin']);

  // CRUD on an open entity.
  const seller = await call('POST', '/sellers', { body: { name: 'Ann', email: `ann-${Date.now()}@example.com` } });
  expect(seller.status, JSON.stringify(seller.body)).toBe(201);
  const buyerReply = await call('POST', '/buyers', { body: { name: 'Bob', balance: 1000 } });
  expect(buyerReply.status).toBe(201);
  const buyer = buyerReply.body;
  const bobToken = token(buyer.id, ['buyer']);

  // A protected entity: 401 without a token, 403 with a role the policy does not list.
  expectError(await call('GET', '/listings'), 401, 'unauthorized');
  expectError(await call('GET', '/listings', { token: token('x', ['guest']) }), 403, 'forbidden');
  expectError(await call('GET', '/listings', { token: 'not.a.jwt' }), 401, 'invalid_token');

  const create = (body: Record<string, unknown>) => call('POST', '/listings', { token: admin, body });
  const valid = { seller_id: seller.body.id, title: 'A book', price: 25, stock: 5, category: 'books' };
  const created = await create(valid);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const listing = created.body;
  expect(listing).toMatchObject({ ...valid, state: 'draft' });
  expect(listing.id).toMatch(/^[0-9a-f-]{36}$/);

  // Constraints: 400 with one entry per offending field.
  const bad = await create({ ...valid, price: 0, category: 'cars', title: '' });
  expectError(bad, 400, 'validation_failed');
  const fields = (bad.body.error.details.fields as Array<{ field: string; message: string }>).map((f) => f.field).sort();
  expect(fields).toEqual(['category', 'price', 'title']);
  expectError(await create({ ...valid, seller_id: '00000000-0000-4000-8000-000000000000' }), 409, 'reference_conflict');
  expectError(await create({ ...valid, colour: 'red' }), 400, 'validation_failed');

  // Read, list with pagination and filters, update.
  expect((await call('GET', `/listings/${listing.id}`, { token: admin })).body).toEqual(listing);
  await create({ ...valid, title: 'Second', category: 'home' });
  await create({ ...valid, title: 'Third', category: 'home' });
  const page = await call('GET', '/listings?limit=2&offset=0', { token: admin });
  expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
  expect(page.body.items).toHaveLength(2);
  const next = await call('GET', '/listings?limit=2&offset=2', { token: admin });
  expect(next.body.items).toHaveLength(1);
  const homes = await call('GET', '/listings?category=home', { token: admin });
  expect(homes.body.total).toBe(2);
  const renamed = await call('PATCH', `/listings/${listing.id}`, { token: admin, body: { title: 'A better book' } });
  expect(renamed.status).toBe(200);
  expect(renamed.body.title).toBe('A better book');
  expectError(await call('PATCH', `/listings/${listing.id}`, { token: admin, body: { price: -3 } }), 400, 'validation_failed');
  expectError(await call('GET', '/listings/00000000-0000-4000-8000-00000000dead', { token: admin }), 404, 'not_found');
  expectError(await call('GET', '/listings/not-a-uuid', { token: admin }), 404, 'not_found');

  // The state machine: draft → sold_out is illegal (409), draft → active is fine.
  const illegal = await call('POST', `/listings/${listing.id}/transition`, { token: admin, body: { to: 'sold_out' } });
  expectError(illegal, 409, 'illegal_transition');
  expect(illegal.body.error.details).toMatchObject({ from: 'draft', to: 'sold_out', allowed: ['active'] });
  expectError(await call('PATCH', `/listings/${listing.id}`, { token: admin, body: { state: 'archived' } }), 409, 'illegal_transition');

  // A capability whose `requires` fails names the condition: the listing is still a draft (409).
  const order = (body: Record<string, unknown>, as = bobToken, headers?: Record<string, string>) => call('POST', '/capabilities/place-order', { token: as, body, headers });
  const notActive = await order({ buyer_id: buyer.id, listing_id: listing.id, quantity: 2 });
  expectError(notActive, 409, 'requires_failed');
  expect(notActive.body.error.details.condition).toBe('listing.state == "active"');

  expect((await call('POST', `/listings/${listing.id}/transition`, { token: admin, body: { to: 'active' } })).body.state).toBe('active');

  // Not enough stock: 422 naming the condition; someone else ordering for Bob: 403.
  const tooMany = await order({ buyer_id: buyer.id, listing_id: listing.id, quantity: 50 });
  expectError(tooMany, 422, 'requires_failed');
  expect(tooMany.body.error.details.condition).toBe('listing.stock >= quantity');
  const impostor = await order({ buyer_id: buyer.id, listing_id: listing.id, quantity: 1 }, token('mallory', ['buyer']));
  expectError(impostor, 403);
  expect(impostor.body.error.details.condition).toBe('caller.id == buyer.id');
  expectError(await order({ buyer_id: buyer.id, listing_id: listing.id }), 400, 'validation_failed');
  expectError(await call('POST', '/capabilities/place-order', { body: { buyer_id: buyer.id, listing_id: listing.id, quantity: 1 } }), 401);

  // Success: effects applied together, the event is in the outbox.
  const placed = await order({ buyer_id: buyer.id, listing_id: listing.id, quantity: 2 }, bobToken, { 'idempotency-key': 'order-1' });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  expect(placed.body.listing.stock).toBe(3);
  expect(placed.body.buyer.balance).toBe(1000 - 2 * 25);
  expect(placed.body.events).toHaveLength(1);
  expect(placed.body.events[0]).toMatchObject({ event: 'OrderPlaced', payload: { listing_id: listing.id, quantity: 2 } });
  expect((await call('GET', `/listings/${listing.id}`, { token: admin })).body.stock).toBe(3);
  expect((await call('GET', `/buyers/${buyer.id}`)).body.balance).toBe(950);
  const events = await call('GET', '/events?event=OrderPlaced', { token: admin });
  expect(events.body.items.map((e: { id: string }) => e.id)).toContain(placed.body.events[0].id);

  // The same Idempotency-Key replays the first answer and changes nothing.
  const replay = await order({ buyer_id: buyer.id, listing_id: listing.id, quantity: 2 }, bobToken, { 'idempotency-key': 'order-1' });
  expect(replay.status).toBe(200);
  expect(replay.headers.get('idempotent-replay')).toBe('true');
  expect(replay.body).toEqual(placed.body);
  expect((await call('GET', `/listings/${listing.id}`, { token: admin })).body.stock).toBe(3);

  // Effects that would break a constraint roll back as a whole: balance would go negative.
  const poorReply = await call('POST', '/buyers', { body: { name: 'Poor', balance: 10 } });
  const poor = poorReply.body;
  const broke = await order({ buyer_id: poor.id, listing_id: listing.id, quantity: 1 }, token(poor.id, ['buyer']));
  expectError(broke, 400, 'validation_failed');
  expect(broke.body.error.details.fields[0].field).toBe('balance');
  expect((await call('GET', `/listings/${listing.id}`, { token: admin })).body.stock).toBe(3);

  // A saga: the step fails (quantity too large), nothing is left half done.
  const saga = await call('POST', '/flows/checkout', { token: bobToken, body: { buyer: buyer.id, listing: listing.id, quantity: 99 } });
  expect(saga.status).toBe(409);
  expect(saga.body).toMatchObject({ flow: 'checkout', status: 'compensated', error: { step: 'reserve', code: 'requires_failed' } });

  // A WebSocket channel: messages are broadcast to every participant.
  await exerciseChannel(baseUrl.replace(/^http/, 'ws') + `/channels/lobby?token=${bobToken}`);

  // Delete: 204, then 404; a row still referenced cannot be deleted (409).
  expectError(await call('DELETE', `/sellers/${seller.body.id}`), 409, 'reference_conflict');
  expect((await call('DELETE', `/listings/${listing.id}`, { token: admin })).status).toBe(204);
  expectError(await call('GET', `/listings/${listing.id}`, { token: admin }), 404, 'not_found');
  expectError(await call('GET', '/no/such/route'), 404, 'not_found');
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
  const received = new Promise<Record<string, unknown>>((resolve) => bob.once('message', (data) => resolve(JSON.parse(data.toString()))));
  alice.send(JSON.stringify({ text: 'hello' }));
  expect(await received).toMatchObject({ channel: 'lobby', data: { text: 'hello' } });
  alice.close();
  bob.close();
}
