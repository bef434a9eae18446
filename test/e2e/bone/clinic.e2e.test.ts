/**
 * examples/clinic.bone end to end, as its callers would use it and as an attacker would try it:
 * patients see only their own records and appointments, `@sensitive` fields reach only the owner
 * or the front desk, appointments move only through the capabilities their roles may call, and
 * the events feed follows the same rules — on SQLite and, when configured, PostgreSQL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBoneFile } from '../../../compiler/bone/compile.js';
import { client, ensureDependencies, startProject, type Reply } from './generated-project.js';
import { createDatabase, dropDatabase, PG_SKIP_REASON, PG_URL } from './postgres.js';
import { JWT_SECRET, token } from './shop-checks.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bone-e2e-clinic-'));
const out = path.join(root, 'clinic');
const CLINIC = path.resolve(import.meta.dirname, '../../../examples/clinic.bone');

beforeAll(async () => {
  const result = await compileBoneFile(CLINIC, { outDir: out });
  expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
  ensureDependencies(out);
}, 300_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function expectError(reply: Reply, status: number, code?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  if (code) expect(reply.body.error.code).toBe(code);
}

function created(reply: Reply): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

async function exerciseClinic(baseUrl: string): Promise<void> {
  const call = client(baseUrl);
  const nurse = token(crypto.randomUUID(), ['nurse']); // front_desk: crud [create, read, update]

  // The front desk registers a doctor (any id); a patient registers their own record (id = token subject).
  const doctor = created(await call('POST', '/doctors', { token: nurse, body: { name: 'Dr Who', specialty: 'general', license_number: `L-${crypto.randomUUID()}` } }));
  const doctorToken = token(doctor.id, ['doctor']);
  const patients = [crypto.randomUUID(), crypto.randomUUID()];
  const [pat, other] = patients.map((id) => token(id, ['patient']));
  for (const [i, id] of patients.entries()) {
    const record = created(await call('POST', '/patients', { token: i === 0 ? pat : other, body: { full_name: `Patient ${i}`, email: `p${i}-${id}@clinic.example`, date_of_birth: '1990-01-01T00:00:00.000Z', allergies: [], insurance_id: `INS-${i}` } }));
    expect(record.id).toBe(id);
  }
  const [patId, otherId] = patients as [string, string];

  // @sensitive insurance_id: the owner and the front desk see it on a single read; nobody sees it in lists.
  expect((await call('GET', `/patients/${patId}`, { token: pat })).body.insurance_id).toBe('INS-0');
  expect((await call('GET', `/patients/${patId}`, { token: nurse })).body.insurance_id).toBe('INS-0');
  expectError(await call('GET', `/patients/${patId}`, { token: other }), 404, 'not_found');
  expectError(await call('GET', `/patients/${patId}`, { token: doctorToken }), 404, 'not_found');
  const listed = await call('GET', '/patients?limit=100', { token: nurse });
  expect(listed.body.items.length).toBeGreaterThanOrEqual(2);
  expect(listed.body.items.every((p: Record<string, unknown>) => !('insurance_id' in p))).toBe(true);
  expect((await call('GET', '/patients?limit=100', { token: other })).body.items.map((p: { id: string }) => p.id)).toEqual([otherId]);
  // allergies are recorded by record_allergy: not directly, even on one's own record.
  expectError(await call('PATCH', `/patients/${patId}`, { token: pat, body: { allergies: ['none'] } }), 403, 'forbidden');

  // A patient books with the doctor; owner: [patient_id, doctor_id] — both see it, the other patient does not.
  const booking = { doctor_id: doctor.id, starts_at: '2030-05-01T09:00:00.000Z', reason: 'check-up' };
  expectError(await call('POST', '/appointments', { token: other, body: { ...booking, patient_id: patId } }), 403, 'forbidden'); // not in another's name
  const appointment = created(await call('POST', '/appointments', { token: pat, body: { ...booking, patient_id: patId } }));
  expect((await call('GET', `/appointments/${appointment.id}`, { token: doctorToken })).status).toBe(200);
  expectError(await call('GET', `/appointments/${appointment.id}`, { token: other }), 404, 'not_found');
  expectError(await call('PATCH', `/appointments/${appointment.id}`, { token: other, body: { reason: 'hijacked' } }), 404, 'not_found');

  // confirmed is confirm_appointment's: neither patient confirms it through /transition or PATCH.
  for (const who of [other, pat]) {
    const moved = await call('POST', `/appointments/${appointment.id}/transition`, { token: who, body: { to: 'confirmed' } });
    expectError(moved, 403, 'forbidden');
    expect(moved.body.error.details.capabilities).toEqual(['confirm_appointment']);
  }
  expectError(await call('PATCH', `/appointments/${appointment.id}`, { token: pat, body: { state: 'confirmed' } }), 403, 'forbidden');
  // …and the capability refuses the patient role (staff_only), and any doctor but this one.
  expectError(await call('POST', '/capabilities/confirm-appointment', { token: pat, body: { doctor_id: doctor.id, appointment_id: appointment.id } }), 403, 'forbidden');
  const otherDoctor = created(await call('POST', '/doctors', { token: nurse, body: { name: 'Dr No', specialty: 'cardiology', license_number: `L-${crypto.randomUUID()}` } }));
  expectError(await call('POST', '/capabilities/confirm-appointment', { token: token(otherDoctor.id, ['doctor']), body: { doctor_id: doctor.id, appointment_id: appointment.id } }), 403, 'forbidden');
  expect((await call('GET', `/appointments/${appointment.id}`, { token: pat })).body.state).toBe('requested');

  // The doctor confirms; the event reaches the patient's feed, not the other patient's.
  const key = `confirm-${crypto.randomUUID()}`;
  const confirmed = await call('POST', '/capabilities/confirm-appointment', { token: doctorToken, body: { doctor_id: doctor.id, appointment_id: appointment.id }, headers: { 'idempotency-key': key } });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect(confirmed.body.appointment.state).toBe('confirmed');
  const eventId = confirmed.body.events[0].id as string;
  const feed = async (who: string) => ((await call('GET', '/events?limit=100', { token: who })).body.items as Array<{ id: string }>).map((e) => e.id);
  expect(await feed(pat)).toContain(eventId);
  expect(await feed(doctorToken)).toContain(eventId);
  expect(await feed(other)).not.toContain(eventId);
  // The other doctor reusing the key on their own appointment is not served this answer.
  const theirs = created(await call('POST', '/appointments', { token: other, body: { ...booking, doctor_id: otherDoctor.id, patient_id: otherId } }));
  const reused = await call('POST', '/capabilities/confirm-appointment', { token: token(otherDoctor.id, ['doctor']), body: { doctor_id: otherDoctor.id, appointment_id: theirs.id }, headers: { 'idempotency-key': key } });
  expect(reused.status, JSON.stringify(reused.body)).toBe(200);
  expect(reused.headers.get('idempotent-replay')).toBeNull();
  expect(reused.body.appointment.id).toBe(theirs.id);

  // A prescription belongs to whoever owns its appointment (owned via appointment_id).
  const prescription = created(await call('POST', '/prescriptions', { token: nurse, body: { appointment_id: appointment.id, medication: 'Aspirin', dosage: '1/day' } }));
  expect((await call('GET', `/prescriptions/${prescription.id}`, { token: pat })).status).toBe(200);
  expectError(await call('GET', `/prescriptions/${prescription.id}`, { token: other }), 404, 'not_found');
  expectError(await call('POST', `/prescriptions/${prescription.id}/transition`, { token: pat, body: { to: 'issued' } }), 403, 'forbidden'); // prescribe
}

describe('examples/clinic.bone, generated', () => {
  it('keeps patients to their own records on SQLite', async () => {
    const server = await startProject(out, { DATABASE_URL: path.join(root, 'clinic.db'), JWT_SECRET });
    try {
      await exerciseClinic(server.url);
    } finally {
      await server.stop();
    }
  }, 120_000);

  describe.skipIf(!PG_URL)(`on PostgreSQL${PG_URL ? '' : ` — skipped: ${PG_SKIP_REASON}`}`, () => {
    let database = '';
    afterAll(async () => {
      if (database) await dropDatabase(database);
    });

    it('keeps patients to their own records with the same answers', async () => {
      const { name, url } = await createDatabase('bone_e2e_clinic');
      database = name;
      const server = await startProject(out, { DATABASE_URL: url, JWT_SECRET });
      try {
        await exerciseClinic(server.url);
      } finally {
        await server.stop();
      }
    }, 120_000);
  });
});
