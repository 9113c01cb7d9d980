import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChain } from '@vitaltwin/platform';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';

/** The whole product with authentication on: first-start admin, login, refresh, clients, FHIR. */
describe('server with authentication on', () => {
  let dataDir: string;
  let server: RunningServer;
  let admin: { access_token: string; refresh_token: string };

  const post = (path: string, body: unknown, token?: string, type = 'application/json') =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-auth-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent', auth: 'on' }, env: {} }));
  });
  afterAll(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates an administrator on first start and lets it log in', async () => {
    const first = server.context.security?.bootstrap;
    expect(first?.username).toBe('admin');
    const response = await post('/auth/login', { username: 'admin', password: first?.password });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    admin = (await response.json()) as typeof admin;
    expect(admin).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const keys = (await (await get('/.well-known/jwks.json')).json()) as { keys: { kty: string }[] };
    expect(keys.keys[0]?.kty).toBe('OKP');
    const mode = (await readFile(join(dataDir, 'keys', 'jwt-signing-ed25519.pem')).then(() => 'present')) as string;
    expect(mode).toBe('present');
  });

  it('keeps public routes open and closes the rest', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/fhir/metadata')).status).toBe(200);
    expect((await get('/fhir/Patient')).status).toBe(401);
    expect((await get('/ingest/dead-letters')).status).toBe(401);
  });

  it('refuses wrong passwords with one answer for unknown users and wrong passwords, and audits them', async () => {
    const unknown = await post('/auth/login', { username: 'nobody', password: 'whatever-long-enough' });
    const wrong = await post('/auth/login', 'username=admin&password=wrong-password-x', undefined, 'application/x-www-form-urlencoded');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
    await server.context.security?.audit.flush();
    const rows = await server.context.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_event WHERE action = 'login' AND outcome = '4'",
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('rotates refresh tokens and refuses a replayed one', async () => {
    const first = await post('/auth/refresh', { refresh_token: admin.refresh_token });
    expect(first.status).toBe(200);
    const next = (await first.json()) as typeof admin;
    expect(next.refresh_token).not.toBe(admin.refresh_token);
    const replay = await post(
      '/auth/token',
      `grant_type=refresh_token&refresh_token=${encodeURIComponent(admin.refresh_token)}`,
      undefined,
      'application/x-www-form-urlencoded',
    );
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    // The replay revoked the family, including the legitimate successor.
    expect((await post('/auth/refresh', { refresh_token: next.refresh_token })).status).toBe(400);
  });

  it('keeps a patient user to their own record on the real FHIR API', async () => {
    const fhir = async (body: object) => {
      const response = await post('/fhir/Patient', body, admin.access_token, 'application/fhir+json');
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const own = await fhir({ resourceType: 'Patient', name: [{ family: 'Own' }] });
    const other = await fhir({ resourceType: 'Patient', name: [{ family: 'Other' }] });
    for (const [patient, value] of [
      [own, 100],
      [other, 200],
    ] as const) {
      const response = await post(
        '/fhir/Observation',
        {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '2339-0' }] },
          subject: { reference: `Patient/${patient}` },
          valueQuantity: { value },
        },
        admin.access_token,
        'application/fhir+json',
      );
      expect(response.status).toBe(201);
    }
    const created = await post(
      '/admin/users',
      { username: 'pat', password: 'a patient password', role: 'patient', patient: own },
      admin.access_token,
    );
    expect(created.status).toBe(201);
    const login = (await (await post('/auth/login', { username: 'pat', password: 'a patient password' })).json()) as {
      access_token: string;
      patient: string;
    };
    expect(login.patient).toBe(own);
    expect((await get(`/fhir/Patient/${own}`, login.access_token)).status).toBe(200);
    expect((await get(`/fhir/Patient/${other}`, login.access_token)).status).toBe(404);
    const search = (await (await get('/fhir/Observation?code=2339-0', login.access_token)).json()) as {
      entry?: { resource: { subject: { reference: string } } }[];
    };
    expect(search.entry?.map((e) => e.resource.subject.reference)).toEqual([`Patient/${own}`]);
    expect((await get(`/fhir/Observation?subject=Patient/${other}`, login.access_token)).status).toBe(404);
  });

  it("ends a user's access token as soon as an administrator disables the user, and after a restart too", async () => {
    const patch = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.access_token}` },
        body: JSON.stringify(body),
      });
    expect(
      (await post('/admin/users', { username: 'rena', password: 'a clinician password', role: 'clinician' }, admin.access_token)).status,
    ).toBe(201);
    const login = (await (await post('/auth/login', { username: 'rena', password: 'a clinician password' })).json()) as {
      access_token: string;
    };
    // A second token that this process has not verified yet, as every token is after a restart.
    const unseen = (await (await post('/auth/login', { username: 'rena', password: 'a clinician password' })).json()) as {
      access_token: string;
    };
    expect((await get('/alerts', login.access_token)).status).toBe(200);
    expect((await patch('/admin/users/rena', { disabled: true })).status).toBe(200);
    expect((await get('/alerts', login.access_token)).status).toBe(401);
    expect((await get('/alerts', unseen.access_token)).status).toBe(401);
    const again = (await (await post('/auth/login', { username: 'rena', password: 'a clinician password' })).json()) as { error?: string };
    expect(again.error).toBe('invalid_grant');
    expect((await patch('/admin/users/rena', { disabled: false })).status).toBe(200);
    const fresh = (await (await post('/auth/login', { username: 'rena', password: 'a clinician password' })).json()) as {
      access_token: string;
    };
    expect((await get('/alerts', fresh.access_token)).status).toBe(200);
  });

  it('issues device tokens by client credentials that can only ingest for their device', async () => {
    const created = await post('/admin/clients', { role: 'device', device: 'cgm-9' }, admin.access_token);
    expect(created.status).toBe(201);
    const { clientId, clientSecret } = (await created.json()) as { clientId: string; clientSecret: string };
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const tokenResponse = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: 'grant_type=client_credentials',
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: token, scope } = (await tokenResponse.json()) as { access_token: string; scope: string };
    expect(scope).toBe('system/DeviceReading.c');
    const reading = { deviceId: 'cgm-9', samples: [{ code: '2339-0', value: 100, unit: 'mg/dL', time: '2025-01-01T00:00:00Z' }] };
    expect((await post('/ingest', [reading], token)).status).not.toBe(403);
    expect((await post('/ingest', [{ ...reading, deviceId: 'cgm-8' }], token)).status).toBe(403);
    expect((await get('/fhir/Observation', token)).status).toBe(403);
    const bad = await post('/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: 'nope' });
    expect(bad.status).toBe(401);
  });

  it('makes devices log in to the embedded MQTT broker with their client secret', async () => {
    const created = await post('/admin/clients', { role: 'device', device: 'cgm-mqtt' }, admin.access_token);
    const { clientSecret } = (await created.json()) as { clientSecret: string };
    const options = { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4 as const };
    await expect(mqtt.connectAsync(server.mqttUrl, options)).rejects.toThrow(/Bad username or password/i);
    const device = await mqtt.connectAsync(server.mqttUrl, { ...options, username: 'cgm-mqtt', password: clientSecret });
    const reading = JSON.stringify({ samples: [{ code: '2339-0', value: 101, unit: 'mg/dL', time: '2025-01-01T00:05:00Z' }] });
    await device.publishAsync('vitaltwin/devices/cgm-mqtt/readings', reading, { qos: 1 });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish('vitaltwin/devices/cgm-9/readings', reading, { qos: 1 });
    await closed;
    await device.endAsync(true);
  });

  it('keeps an intact audit hash chain', async () => {
    await server.context.security?.audit.flush();
    const report = await verifyAuditChain(server.context.db);
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(10);
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(hasOpenssl())('server over TLS', () => {
  it('serves HTTPS with HSTS when given a certificate and key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vt-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      {
        stdio: 'ignore',
      },
    );
    const server = await startServer(
      loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir: dir, logLevel: 'silent', tlsCert: cert, tlsKey: key }, env: {} }),
    );
    try {
      expect(server.url).toMatch(/^https:\/\//);
      const ca = await readFile(cert);
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = httpsRequest(`${server.url}/healthz`, { ca }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        });
        req.on('error', reject);
        req.end();
      });
      expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('auth off', () => {
  it('refuses to serve on a non-loopback address, even with a hand-built configuration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vt-noauth-'));
    const config = loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir: dir, logLevel: 'silent' }, env: {} });
    try {
      await expect(startServer({ ...config, host: '0.0.0.0' })).rejects.toThrow(
        'auth is off: refusing to serve on 0.0.0.0; bind to 127.0.0.1 or use --auth on',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
