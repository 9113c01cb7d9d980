import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';

/**
 * Bulk export with authentication on: the manifest says an access token is required, files need
 * one, and a job answers only the caller who started it.
 */
type Manifest = { requiresAccessToken: boolean; output: { type: string; url: string; count: number }[] };

describe('bulk $export with authentication on', () => {
  let dataDir: string;
  let server: RunningServer;
  const tokens: Record<string, string> = {};

  const call = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(path.startsWith('http') ? path : `${server.url}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  const login = async (username: string, password: string) => {
    const response = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const runExport = async (path: string, token: string): Promise<{ status: string; manifest: Manifest }> => {
    const start = await call(path, token, { headers: { prefer: 'respond-async' } });
    expect(start.status).toBe(202);
    const status = start.headers.get('content-location')!;
    for (let i = 0; i < 300; i++) {
      const poll = await call(status, token);
      if (poll.status === 200) return { status, manifest: (await poll.json()) as Manifest };
      expect(poll.status).toBe(202);
      await poll.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('export did not finish');
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-export-auth-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent', auth: 'on' }, env: {} }));
    tokens['admin'] = await login('admin', server.context.security!.bootstrap!.password);
    const patient = (id: string) => ({ resourceType: 'Patient', id, name: [{ family: `Export-${id}` }] });
    const obs = (id: string, p: string) => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { text: 'hr' },
      subject: { reference: `Patient/${p}` },
    });
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [patient('pa'), patient('pb'), obs('oa', 'pa'), obs('ob', 'pb')].map((r) => ({
        resource: r,
        request: { method: 'PUT', url: `${r.resourceType}/${r.id}` },
      })),
    };
    const loaded = await call('/fhir', tokens['admin'], {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(bundle),
    });
    expect(loaded.status).toBe(200);
    for (const [username, role, extra] of [
      ['res1', 'researcher', {}],
      ['pat1', 'patient', { patient: 'pa' }],
    ] as const) {
      const created = await call('/admin/users', tokens['admin'], {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'correct-horse-battery-9', role, ...extra }),
      });
      expect(created.status).toBe(201);
      tokens[username] = await login(username, 'correct-horse-battery-9');
    }
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('needs a token for kick-off and files, and says so in the manifest', async () => {
    expect((await call('/fhir/$export', undefined, { headers: { prefer: 'respond-async' } })).status).toBe(401);
    const { manifest } = await runExport('/fhir/$export?_type=Patient,Observation', tokens['admin']!);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.output.map((o) => [o.type, o.count])).toEqual([
      ['Patient', 2],
      ['Observation', 2],
    ]);
    expect((await call(manifest.output[0]!.url, undefined)).status).toBe(401);
    expect((await call(manifest.output[0]!.url, tokens['admin'])).status).toBe(200);
  });

  it('answers a job only to the caller who started it', async () => {
    const { status, manifest } = await runExport('/fhir/$export?_type=Patient', tokens['admin']!);
    expect((await call(status, tokens['res1'])).status).toBe(404);
    expect((await call(manifest.output[0]!.url, tokens['res1'])).status).toBe(404);
    expect((await call(status, tokens['res1'], { method: 'DELETE' })).status).toBe(404);
    expect((await call(status, tokens['admin'])).status).toBe(200);
  });

  it('is refused to roles without export rights (patients); a researcher may start one', async () => {
    expect((await call('/fhir/Patient/$export', tokens['pat1'], { headers: { prefer: 'respond-async' } })).status).toBe(403);
    const start = await call('/fhir/$export?_type=Patient', tokens['res1'], { headers: { prefer: 'respond-async' } });
    expect(start.status).toBe(202);
  });

  it('refuses a researcher _typeFilter searches by identifying elements or chains', async () => {
    for (const filter of [
      'Patient?name=Export-pa',
      'Observation?subject.name=Export-pa',
      'Patient?identifier=x',
      'Patient?_has:Observation:patient:code=x',
    ]) {
      const start = await call(`/fhir/$export?_typeFilter=${encodeURIComponent(filter)}`, tokens['res1'], {
        headers: { prefer: 'respond-async' },
      });
      expect(start.status, filter).toBe(403);
    }
    const allowed = await call(`/fhir/$export?_typeFilter=${encodeURIComponent('Patient?gender=female')}`, tokens['res1'], {
      headers: { prefer: 'respond-async' },
    });
    expect(allowed.status).toBe(202);
  });

  // The response guard (auth/response-guards.ts) de-identifies what researchers receive; the manifest
  // itself holds only URLs and counts and passes unchanged.
  it('gives a researcher the manifest and de-identified NDJSON files', async () => {
    const { manifest } = await runExport('/fhir/$export?_type=Patient', tokens['res1']!);
    expect(manifest.output.map((o) => [o.type, o.count])).toEqual([['Patient', 2]]);
    const file = await call(manifest.output[0]!.url, tokens['res1']);
    expect(file.status).toBe(200);
    const text = await file.text();
    const patients = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; name?: unknown });
    expect(patients).toHaveLength(2);
    // Names are removed and ids are pseudonymous (HIPAA Safe Harbor).
    expect(text).not.toContain('Export-pa');
    expect(patients.map((p) => p.id)).not.toContain('pa');
  });
});
