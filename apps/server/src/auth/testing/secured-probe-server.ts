import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Role, roleDefinitions } from '@vitaltwin/core';
import { openDatabase, type SqlClient } from '@vitaltwin/platform';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { loadServerConfig } from '../../config/server-config.ts';
import { installErrorHandler } from '../../error-handler.ts';
import { installSecurity } from '../install-security.ts';
import { authOf } from '../request-auth.ts';
import { createServerSecurity, type ServerSecurity } from '../server-security.ts';

/**
 * Test support: a running HTTP server with the real security wiring (installSecurity: headers,
 * CORS, the auth hooks, /auth, /audit, /admin) in front of probe routes for every URL family. The
 * probes answer with what the handler saw (authorised patient, query), and the FHIR probes serve
 * a small fixed store while IGNORING search parameters, so a test can tell what the security
 * layer itself enforces. Patients p1 and p2; Observations o1 (p1) and o2 (p2); alerts a1, a2.
 */
export interface ProbeServer {
  readonly url: string;
  readonly db: SqlClient;
  readonly security: ServerSecurity;
  readonly app: FastifyInstance;
  token(role: Role | 'device', extra?: { patientId?: string; deviceId?: string; ttlSec?: number; scope?: string }): Promise<string>;
  close(): Promise<void>;
}

export const probeResources: readonly Record<string, unknown>[] = [
  {
    resourceType: 'Patient',
    id: 'p1',
    name: [{ family: 'Probe-One', given: ['Ada'] }],
    birthDate: '1970-02-03',
    telecom: [{ system: 'phone', value: '555-0101' }],
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-01-0101' }],
  },
  { resourceType: 'Patient', id: 'p2', name: [{ family: 'Probe-Two', given: ['Bob'] }], birthDate: '1980-04-05' },
  {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { text: 'glucose' },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2024-01-01T08:00:00Z',
  },
  {
    resourceType: 'Observation',
    id: 'o2',
    status: 'final',
    code: { text: 'glucose' },
    subject: { reference: 'Patient/p2' },
    effectiveDateTime: '2024-01-02T08:00:00Z',
  },
  { resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Doctor' }] },
];

async function seed(db: SqlClient): Promise<void> {
  for (const r of probeResources) {
    const patient =
      r.resourceType === 'Patient' ? r.id : ((r.subject as { reference?: string } | undefined)?.reference?.split('/')[1] ?? null);
    await db.query(
      `INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, deleted, patient_id, content)
       VALUES ($1, $2, 1, now(), false, $3, $4)`,
      [r.resourceType, r.id, patient, JSON.stringify(r)],
    );
  }
  for (const [id, patient] of [
    ['a1', 'p1'],
    ['a2', 'p2'],
  ] as const) {
    await db.query(
      `INSERT INTO alert (id, patient_id, kind, severity, peak_severity, status, dedup_key, title, opened_at, updated_at, last_fired_at)
       VALUES ($1, $2, 'news2', 'high', 'high', 'open', $1, 'NEWS2 7', now(), now(), now())`,
      [id, patient],
    );
  }
}

function probeRoutes(app: FastifyInstance): void {
  const echo = async (request: FastifyRequest) => ({
    probe: true,
    patientId: authOf(request)?.patientId ?? null,
    query: request.query,
    url: request.url,
  });
  const byKey = new Map(probeResources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  app.get('/fhir/$export', async (_request, reply) => {
    reply.type('application/fhir+ndjson');
    return `${probeResources.map((r) => JSON.stringify(r)).join('\n')}\n`;
  });
  app.get<{ Params: { type: string; id: string } }>('/fhir/:type/:id', async (request, reply) => {
    const r = byKey.get(`${request.params.type}/${request.params.id}`);
    reply.type('application/fhir+json');
    if (!r) return reply.code(404).send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    return JSON.stringify(r);
  });
  app.get<{ Params: { type: string } }>('/fhir/:type', async (request, reply) => {
    reply.type('application/fhir+json');
    const entry = probeResources
      .filter((r) => r.resourceType === request.params.type)
      .map((resource) => ({ fullUrl: `http://x/fhir/${resource.resourceType}/${resource.id}`, resource }));
    return JSON.stringify({
      resourceType: 'Bundle',
      type: 'searchset',
      total: entry.length,
      entry,
      meta: { tag: [{ code: request.url }] },
    });
  });
  app.post<{ Params: { type: string } }>('/fhir/:type', async (request, reply) =>
    reply.code(201).type('application/fhir+json').send(JSON.stringify(request.body)),
  );
  app.post('/fhir/:type/_search', echo);
  for (const path of ['/ingest', '/trials', '/alerts/:id/acknowledge', '/twins/:patientId/forecast']) app.post(path, echo);
  for (const path of [
    '/alerts',
    '/alerts/:id',
    '/twins/:patientId',
    '/trials',
    '/trials/:id',
    '/events',
    '/ingest/dead-letters',
    '/metrics',
    '/healthz',
  ])
    app.get(path, echo);
}

export async function startProbeServer(options: { corsOrigins?: string } = {}): Promise<ProbeServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-probe-'));
  const db = await openDatabase({ kind: 'pglite-memory' });
  await seed(db);
  const config = loadServerConfig({
    flags: { auth: 'on', dataDir, logLevel: 'silent', ...(options.corsOrigins ? { corsOrigin: options.corsOrigins } : {}) },
    env: {},
  });
  const logger = pino({ level: 'silent' });
  const security = await createServerSecurity(config, db, logger);
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  installErrorHandler(app);
  await installSecurity(app, { config, db, security });
  probeRoutes(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const services = security.services;
  if (services === undefined) throw new Error('auth is on: services expected');
  return {
    url,
    db,
    security,
    app,
    async token(role, extra = {}) {
      const { parseScopes } = await import('@vitaltwin/core');
      const scopes = extra.scope ? parseScopes(extra.scope).scopes : roleDefinitions[role].ceiling;
      const { token } = await services.tokens.issue(
        {
          sub: `test:${role}`,
          role,
          scopes,
          ...(extra.patientId ? { patientId: extra.patientId } : {}),
          ...(extra.deviceId ? { deviceId: extra.deviceId } : {}),
        },
        extra.ttlSec ?? 300,
      );
      return token;
    },
    async close() {
      await app.close();
      await security.audit.close();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
