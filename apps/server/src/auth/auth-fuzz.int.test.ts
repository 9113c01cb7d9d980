import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProbeServer, startProbeServer } from './testing/secured-probe-server.ts';

/**
 * Fuzzing the security layer (fast-check): forged, mangled and random tokens never get access;
 * random bodies, paths and queries never produce a 500; a patient token never sees the other
 * patient's data, whatever URL it sends.
 */
const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
const b64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 200 });
const json = fc.jsonValue({ maxDepth: 4 });

describe('fuzzed tokens and bodies', () => {
  let server: ProbeServer;
  let clinician: string;
  let patient: string;
  let device: string;
  beforeAll(async () => {
    server = await startProbeServer();
    clinician = await server.token('clinician');
    patient = await server.token('patient', { patientId: 'p1' });
    device = await server.token('device', { deviceId: 'dev-1' });
  });
  afterAll(async () => server.close());

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('never grants access to a forged, altered or random token', async () => {
    const [header, payload, signature] = clinician.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = fc.oneof(
      printable.map((s) => `Bearer ${s}`),
      printable,
      fc.tuple(b64url, b64url, b64url).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
      // The valid token with one character changed.
      fc
        .tuple(fc.nat({ max: clinician.length - 1 }), fc.constantFrom(...'AZaz09-_'))
        .map(([i, ch]) => `Bearer ${clinician.slice(0, i)}${ch}${clinician.slice(i + 1)}`),
      // Elevated claims under the original signature.
      fc
        .record({
          role: fc.constantFrom('admin', 'patient', 'x'),
          patient: fc.constantFrom('p1', 'p2'),
          scope: fc.constantFrom('system/*.cruds', 'system/AuditEvent.rs'),
        })
        .map((extra) => `Bearer ${header}.${b64({ ...claims, ...extra })}.${signature}`),
      // Unsigned ("alg": "none", RFC 7519 §6) and other algorithms.
      fc
        .constantFrom('none', 'HS256', 'RS256', 'ES256')
        .map((alg) => `Bearer ${b64({ alg, typ: 'at+jwt' })}.${b64({ ...claims, role: 'admin' })}.`),
    );
    await fc.assert(
      fc.asyncProperty(
        forged,
        fc.constantFrom('/fhir/Patient/p2', '/audit', '/admin/users', '/alerts?patient=p2'),
        async (authorization, path) => {
          if (authorization === `Bearer ${clinician}`) return;
          const response = await fetch(`${server.url}${path}`, { headers: { authorization } });
          await response.arrayBuffer();
          expect(response.status).toBe(401);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers random bodies on every write endpoint without a 500', async () => {
    const endpoints = fc.constantFrom(
      { path: '/auth/login', token: undefined },
      { path: '/auth/token', token: undefined },
      { path: '/auth/refresh', token: undefined },
      { path: '/fhir/Observation', token: 'clinician' },
      { path: '/fhir', token: 'clinician' },
      { path: '/ingest', token: 'device' },
      { path: '/alerts/a1/acknowledge', token: 'clinician' },
    );
    const body = fc.oneof(
      json.map((v) => ({ type: 'application/json', text: JSON.stringify(v) })),
      printable.map((text) => ({ type: 'application/json', text })),
      printable.map((text) => ({ type: 'application/x-www-form-urlencoded', text })),
      fc
        .dictionary(
          fc.constantFrom('grant_type', 'client_id', 'client_secret', 'refresh_token', 'username', 'password', 'scope'),
          printable,
        )
        .map((d) => ({
          type: 'application/x-www-form-urlencoded',
          text: new URLSearchParams(d).toString(),
        })),
      printable.map((text) => ({ type: 'text/plain', text })),
    );
    await fc.assert(
      fc.asyncProperty(endpoints, body, async (endpoint, { type, text }) => {
        const token = endpoint.token === 'clinician' ? clinician : endpoint.token === 'device' ? device : undefined;
        const response = await fetch(`${server.url}${endpoint.path}`, {
          method: 'POST',
          headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: text,
        });
        const reply = await response.text();
        expect(response.status, `${endpoint.path} ${text}`).toBeLessThan(500);
        if (endpoint.path.startsWith('/auth') && response.ok) expect(reply).toContain('access_token');
        if (endpoint.path === '/ingest' && response.ok) {
          const items: unknown =
            type === 'application/json'
              ? JSON.parse(text)
              : text
                  .split('\n')
                  .filter((l) => l.trim() !== '')
                  .map((l) => JSON.parse(l) as unknown);
          for (const item of Array.isArray(items) ? items : [items]) expect((item as { deviceId?: string }).deviceId).toBe('dev-1');
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never shows a patient the other patient's data, whatever the URL", async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'Patient',
        'Observation',
        'Practitioner',
        'p1',
        'p2',
        'o1',
        'o2',
        'pr1',
        '_history',
        '_search',
        '$everything',
        '$export',
        'metadata',
        '..',
        '%2e%2e',
        'Patient%2Fp2',
      ),
      b64url.filter((s) => s.length > 0),
    );
    const param = fc.tuple(
      fc.constantFrom(
        'subject',
        'patient',
        'subject:Patient',
        '_id',
        '_revinclude',
        '_include',
        'subject.name',
        '_has:Observation:subject:code',
        'code',
        '_type',
        'x',
      ),
      fc.constantFrom('p2', 'Patient/p2', 'p1,p2', 'Patient/p1', 'Observation:subject', '*', ''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/fhir', '/alerts', '/twins', '/events'),
        fc.array(segment, { maxLength: 4 }),
        fc.array(param, { maxLength: 3 }),
        async (base, segments, params) => {
          const query = new URLSearchParams(params).toString();
          const url = `${server.url}${base}${segments.length ? `/${segments.join('/')}` : ''}${query ? `?${query}` : ''}`;
          const response = await fetch(url, { headers: { authorization: `Bearer ${patient}` } });
          const text = await response.text();
          expect(response.status, url).toBeLessThan(500);
          expect(text, url).not.toContain('Probe-Two');
          expect(text, url).not.toMatch(/"id":"o2"|"patientId":"p2"|"patient":"p2"/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
