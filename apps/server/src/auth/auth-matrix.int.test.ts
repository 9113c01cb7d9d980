import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProbeServer, startProbeServer } from './testing/secured-probe-server.ts';

/**
 * The authorisation matrix: every role (and no token) × every URL family × own / other patient,
 * against a running server with the real security wiring. `ok` = 2xx (the probe route ran);
 * numbers are the exact status the security layer must answer.
 */
type Who = 'anonymous' | 'admin' | 'clinician' | 'patient' | 'researcher' | 'device';
type Expect = 'ok' | 401 | 403 | 404;
const who: readonly Who[] = ['anonymous', 'admin', 'clinician', 'patient', 'researcher', 'device'];

interface Case {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  readonly body?: unknown;
  /** Expected per caller; callers not listed get 403 (and anonymous 401). */
  readonly expect: Partial<Record<Who, Expect>>;
}

const allOk: Partial<Record<Who, Expect>> = {
  anonymous: 'ok',
  admin: 'ok',
  clinician: 'ok',
  patient: 'ok',
  researcher: 'ok',
  device: 'ok',
};

const cases: readonly Case[] = [
  { name: 'health is public', path: '/healthz', expect: allOk },
  { name: 'FHIR metadata is public', path: '/fhir/metadata', expect: allOk },
  // FHIR: the patient's own record vs another patient's.
  { name: 'read own Patient', path: '/fhir/Patient/p1', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  { name: 'read other Patient', path: '/fhir/Patient/p2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  { name: 'read own Observation', path: '/fhir/Observation/o1', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  { name: 'read other Observation', path: '/fhir/Observation/o2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  { name: 'read missing Observation', path: '/fhir/Observation/nope', expect: { admin: 404, clinician: 404, patient: 404 } },
  {
    name: 'search Observations',
    path: '/fhir/Observation?code=glucose',
    expect: { admin: 'ok', clinician: 'ok', patient: 'ok', researcher: 'ok' },
  },
  {
    name: 'search other patient Observations',
    path: '/fhir/Observation?subject=Patient/p2',
    expect: { admin: 'ok', clinician: 'ok', patient: 404, researcher: 403 },
  },
  {
    name: 'search own Observations',
    path: '/fhir/Observation?patient=p1',
    expect: { admin: 'ok', clinician: 'ok', patient: 'ok', researcher: 403 },
  },
  {
    name: 'search with _revinclude',
    path: '/fhir/Practitioner?_revinclude=Observation:performer',
    expect: { admin: 'ok', clinician: 'ok', patient: 403, researcher: 'ok' },
  },
  // Chains and _has range over every patient's rows, and can select by identifying elements.
  {
    name: 'chained search',
    path: '/fhir/Observation?subject:Patient.name=Probe',
    expect: { admin: 'ok', clinician: 'ok', patient: 403, researcher: 403 },
  },
  {
    name: 'reverse-chained search',
    path: '/fhir/Practitioner?_has:Observation:performer:code=glucose',
    expect: { admin: 'ok', clinician: 'ok', patient: 403, researcher: 403 },
  },
  {
    name: 'search Patients by name',
    path: '/fhir/Patient?name=Probe',
    expect: { admin: 'ok', clinician: 'ok', patient: 'ok', researcher: 403 },
  },
  {
    name: 'POST _search',
    method: 'POST',
    path: '/fhir/Observation/_search',
    expect: { admin: 'ok', clinician: 'ok', patient: 403, researcher: 403 },
  },
  { name: 'read Practitioner', path: '/fhir/Practitioner/pr1', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  {
    name: 'create Observation',
    method: 'POST',
    path: '/fhir/Observation',
    body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p1' } },
    expect: { admin: 'ok', clinician: 'ok' },
  },
  // $submit-cgm-bundle writes the bundle's Observations: it needs create, like a transaction.
  {
    name: 'submit a CGM bundle',
    method: 'POST',
    path: '/fhir/$submit-cgm-bundle',
    body: { resourceType: 'Bundle', type: 'batch', entry: [] },
    expect: { admin: 'ok', clinician: 'ok' },
  },
  { name: 'read AuditEvents as FHIR', path: '/fhir/AuditEvent', expect: { admin: 'ok' } },
  { name: 'bulk export', path: '/fhir/$export', expect: { admin: 'ok', researcher: 'ok' } },
  // Device ingest.
  {
    name: 'ingest own device',
    method: 'POST',
    path: '/ingest',
    body: [{ deviceId: 'dev-1', samples: [] }],
    expect: { admin: 'ok', device: 'ok' },
  },
  {
    name: 'ingest other device',
    method: 'POST',
    path: '/ingest',
    body: [{ deviceId: 'dev-2', samples: [] }],
    expect: { admin: 'ok', device: 403 },
  },
  { name: 'dead letters', path: '/ingest/dead-letters', expect: { admin: 'ok' } },
  // Alerts, twins, events: patient-scoped Vitaltwin families.
  { name: 'list alerts', path: '/alerts', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  { name: 'list other patient alerts', path: '/alerts?patient=p2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  { name: 'read own alert', path: '/alerts/a1', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  { name: 'read other alert', path: '/alerts/a2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  { name: 'own alert naming another patient', path: '/alerts/a1?patient=p2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  { name: 'acknowledge alert', method: 'POST', path: '/alerts/a1/acknowledge', body: {}, expect: { admin: 'ok', clinician: 'ok' } },
  { name: 'own twin', path: '/twins/p1', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  { name: 'other twin', path: '/twins/p2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  { name: 'own twin naming another patient', path: '/twins/p1?patient=p2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  { name: 'own twin naming itself', path: '/twins/p1?patient=p1', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  {
    name: 'forecast own twin',
    method: 'POST',
    path: '/twins/p1/forecast',
    body: {},
    expect: { admin: 'ok', clinician: 'ok', patient: 'ok' },
  },
  { name: 'own events', path: '/events?patient=p1', expect: { admin: 'ok', clinician: 'ok', patient: 'ok' } },
  { name: 'other events', path: '/events?patient=p1,p2', expect: { admin: 'ok', clinician: 'ok', patient: 404 } },
  // Non-patient families.
  { name: 'start trial', method: 'POST', path: '/trials', body: {}, expect: { admin: 'ok', clinician: 'ok', researcher: 'ok' } },
  { name: 'read trial', path: '/trials/t1', expect: { admin: 'ok', clinician: 'ok', researcher: 'ok' } },
  { name: 'audit trail', path: '/audit', expect: { admin: 'ok' } },
  { name: 'metrics', path: '/metrics', expect: { admin: 'ok' } },
  { name: 'user administration', path: '/admin/users', expect: { admin: 'ok' } },
  { name: 'unlisted family', path: '/no-such-family', expect: { admin: 404, clinician: 404 } },
];

describe('authorisation matrix against a running server', () => {
  let server: ProbeServer;
  const tokens = new Map<Who, string>();
  beforeAll(async () => {
    server = await startProbeServer();
    tokens.set('admin', await server.token('admin'));
    tokens.set('clinician', await server.token('clinician'));
    tokens.set('patient', await server.token('patient', { patientId: 'p1' }));
    tokens.set('researcher', await server.token('researcher'));
    tokens.set('device', await server.token('device', { deviceId: 'dev-1' }));
  });
  afterAll(async () => server.close());

  const call = (caller: Who, c: Pick<Case, 'method' | 'path' | 'body'>) =>
    fetch(`${server.url}${c.path}`, {
      method: c.method ?? 'GET',
      headers: {
        ...(caller === 'anonymous' ? {} : { authorization: `Bearer ${tokens.get(caller)}` }),
        ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
    });

  for (const c of cases) {
    it(`${c.name}: ${c.method ?? 'GET'} ${c.path}`, async () => {
      const got: Record<string, Expect | number> = {};
      const want: Record<string, Expect> = {};
      for (const caller of who) {
        const expected = c.expect[caller] ?? (caller === 'anonymous' ? 401 : 403);
        const response = await call(caller, c);
        await response.arrayBuffer();
        want[caller] = expected;
        got[caller] = response.ok ? 'ok' : response.status;
        if (response.status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="vitaltwin"/);
      }
      expect(got).toEqual(want);
    });
  }

  it('restricts a patient search to the patient, even when the route ignores the parameter', async () => {
    const response = await call('patient', { path: '/fhir/Observation?code=glucose' });
    const bundle = (await response.json()) as { entry: { resource: { id: string } }[]; meta: { tag: { code: string }[] } };
    expect(bundle.entry.map((e) => e.resource.id)).toEqual(['o1']);
    // The handler saw the compartment parameter added to the URL.
    expect(bundle.meta.tag[0]?.code).toContain('subject=Patient%2Fp1');
    const patients = (await (await call('patient', { path: '/fhir/Patient' })).json()) as { entry: { resource: { id: string } }[] };
    expect(patients.entry.map((e) => e.resource.id)).toEqual(['p1']);
  });

  it('hands the authorised patient to non-FHIR handlers and rewrites their query', async () => {
    const alerts = (await (await call('patient', { path: '/alerts' })).json()) as { patientId: string; query: Record<string, string> };
    expect(alerts).toMatchObject({ patientId: 'p1', query: { patient: 'p1' } });
    const events = (await (await call('patient', { path: '/events' })).json()) as { query: Record<string, string> };
    expect(events.query.patient).toBe('p1');
    const clinician = (await (await call('clinician', { path: '/alerts' })).json()) as { patientId: string | null; query: object };
    expect(clinician).toMatchObject({ patientId: null, query: {} });
  });

  it('de-identifies what researchers receive, searches and bulk export alike', async () => {
    const response = await call('researcher', { path: '/fhir/Patient' });
    const text = await response.text();
    for (const identifying of ['Probe-One', 'Ada', '555-0101', '999-01-0101', '1970-02-03', '"p1"', 'Patient/p1'])
      expect(text).not.toContain(identifying);
    expect(text).toContain('PSEUDED');
    const exported = await (await call('researcher', { path: '/fhir/$export' })).text();
    expect(exported.trim().split('\n')).toHaveLength(5);
    for (const identifying of ['Probe-One', 'Probe-Two', '999-01-0101', 'Patient/p1']) expect(exported).not.toContain(identifying);
    // An administrator's export is not altered.
    expect(await (await call('admin', { path: '/fhir/$export' })).text()).toContain('Probe-One');
  });

  it('answers 401 with invalid_token for expired and malformed tokens', async () => {
    const expired = await server.token('clinician', { ttlSec: -10 });
    for (const token of [expired, 'not-a-jwt', `${tokens.get('clinician')}x`]) {
      const response = await fetch(`${server.url}/fhir/Patient/p1`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
    const response = await fetch(`${server.url}/fhir/Patient/p1`, { headers: { authorization: `Bearer ${expired}` } });
    expect(response.headers.get('www-authenticate')).toContain('expired');
  });

  it('honours narrowed token scopes', async () => {
    const labOnly = await server.token('clinician', { scope: 'user/Observation.rs' });
    const headers = { authorization: `Bearer ${labOnly}` };
    expect((await fetch(`${server.url}/fhir/Observation/o2`, { headers })).status).toBe(200);
    const patient = await fetch(`${server.url}/fhir/Patient/p2`, { headers });
    expect(patient.status).toBe(403);
    expect(patient.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  it('asks write scopes of operations that write, whatever their method suggests', async () => {
    const readOnly = await server.token('clinician', { scope: 'user/*.rs' });
    const headers = { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post('/fhir/$submit-cgm-bundle', { resourceType: 'Bundle', type: 'batch', entry: [] })).status).toBe(403);
    expect((await post('/fhir/Observation/$validate', { resourceType: 'Observation' })).status).toBe(403);
    expect((await fetch(`${server.url}/fhir/Observation/o2`, { headers })).status).toBe(200);
  });

  it('audits reads, writes and denials with actor, patient and outcome; writes before the response', async () => {
    const before = await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'create'");
    const created = await call('clinician', {
      method: 'POST',
      path: '/fhir/Observation',
      body: { resourceType: 'Observation', subject: { reference: 'Patient/p2' } },
    });
    expect(created.status).toBe(201);
    // No flush, no wait: the write's audit record is already committed.
    const after = await server.db.query<{ n: number; patient_id: string }>(
      "SELECT count(*)::int AS n, max(patient_id) AS patient_id FROM audit_event WHERE action = 'create'",
    );
    expect(after[0]?.n).toBe((before[0]?.n ?? 0) + 1);
    await call('patient', { path: '/fhir/Observation/o2' });
    await server.security.audit.flush();
    const rows = await server.db.query<{
      actor: string;
      action: string;
      entity: string;
      patient_id: string;
      outcome: string;
      source: string;
    }>(
      "SELECT actor, action, entity, patient_id, outcome, source FROM audit_event WHERE entity = 'Observation/o2' ORDER BY seq DESC LIMIT 1",
    );
    expect(rows[0]).toEqual({
      actor: 'test:patient',
      action: 'read',
      entity: 'Observation/o2',
      patient_id: 'p2',
      outcome: '4',
      source: '127.0.0.1',
    });
    const search = (await (await call('admin', { path: '/audit?patient=p2&action=read' })).json()) as {
      entry: { resource: { outcome: string } }[];
    };
    expect(search.entry.length).toBeGreaterThan(0);
  });

  it('sends security headers and CORS only for configured origins', async () => {
    const response = await call('anonymous', { path: '/healthz' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/fhir/Patient/p1`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(403);
  });

  it('allows a configured origin', async () => {
    const cors = await startProbeServer({ corsOrigins: 'https://app.example' });
    try {
      const preflight = await fetch(`${cors.url}/fhir/Patient/p1`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    } finally {
      await cors.close();
    }
  });
});
