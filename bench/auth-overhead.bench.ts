// Cost of authentication + audit on FHIR reads: the same FHIR routes on the same embedded PGlite
// database, served twice in one process, once bare (no security hooks) and once with the full
// security layer (bearer-token check, policy, authorisation decision, audit record per read).
// Requests alternate between the variants one by one, so machine noise hits all alike; the figure is
// the ratio of median latencies. A patient-token variant adds the row lookup patient tokens need.
// Prints one JSON line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { roleDefinitions } from '@vitaltwin/core';
import { FhirRepository, openDatabase } from '@vitaltwin/platform';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { installSecurity } from '../apps/server/src/auth/install-security.ts';
import { createServerSecurity } from '../apps/server/src/auth/server-security.ts';
import { loadServerConfig } from '../apps/server/src/config/server-config.ts';
import { installErrorHandler } from '../apps/server/src/error-handler.ts';
import { fhirRoutes } from '../apps/server/src/routes/fhir-routes.ts';
import type { ServerContext } from '../apps/server/src/server-context.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const block = 50;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-bench-auth-'));
  const db = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'db') });
  const logger = pino({ level: 'silent' });
  const config = loadServerConfig({ flags: { dataDir, logLevel: 'silent', auth: 'on' }, env: {} });
  const security = await createServerSecurity(config, db, logger);
  const fhir = await FhirRepository.open(db);
  // What the FHIR routes and the security layer read of the server's context (server-context.ts).
  const context = {
    config,
    db,
    fhir,
    security,
    version: 'bench',
    startedAtMs: Date.now(),
    onShutdown: () => undefined,
  } as unknown as ServerContext;

  const build = async (secured: boolean): Promise<{ app: FastifyInstance; url: string }> => {
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
    installErrorHandler(app);
    if (secured) await installSecurity(app, context);
    await fhirRoutes(app, context);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
  };
  const bare = await build(false);
  const secured = await build(true);
  const services = security.services;
  if (!services) throw new Error('auth on expected');

  // Data: one patient with 50 glucose Observations, created through the bare API.
  const post = async (body: object) => {
    const response = await fetch(`${bare.url}/fhir/${(body as { resourceType: string }).resourceType}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(body),
    });
    return ((await response.json()) as { id: string }).id;
  };
  const patientId = await post({ resourceType: 'Patient', name: [{ family: 'Bench' }] });
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    ids.push(
      await post({
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '2339-0' }] },
        subject: { reference: `Patient/${patientId}` },
        effectiveDateTime: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
        valueQuantity: { value: 90 + i, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
      }),
    );
  }
  const clinician = (
    await services.tokens.issue({ sub: 'bench:clinician', role: 'clinician', scopes: roleDefinitions.clinician.ceiling }, 3600)
  ).token;
  const patient = (
    await services.tokens.issue({ sub: 'bench:patient', role: 'patient', scopes: roleDefinitions.patient.ceiling, patientId }, 3600)
  ).token;

  const times = { bare: [] as number[], clinician: [] as number[], patient: [] as number[] };
  const read = async (url: string, token: string | undefined, i: number): Promise<number> => {
    const t0 = performance.now();
    const response = await fetch(
      `${url}/fhir/Observation/${ids[i % ids.length]}`,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    await response.arrayBuffer();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`read answered ${response.status}`);
    return ms;
  };
  // Warm-up: JIT, connection pools, caches (token cache included: a client reuses its token).
  for (let i = 0; i < 200; i++) {
    await read(bare.url, undefined, i);
    await read(secured.url, clinician, i);
    await read(secured.url, patient, i);
  }
  // The variants take turns request by request, so a burst of load elsewhere hits all three.
  for (let i = 0; i < rounds * block; i++) {
    times.bare.push(await read(bare.url, undefined, i));
    times.clinician.push(await read(secured.url, clinician, i));
    times.patient.push(await read(secured.url, patient, i));
  }
  await security.audit.flush();
  const audited = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'read'"))[0]?.n ?? 0;

  const quantile = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  };
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const p50 = { bare: quantile(times.bare, 0.5), clinician: quantile(times.clinician, 0.5), patient: quantile(times.patient, 0.5) };
  process.stdout.write(
    `${JSON.stringify({
      bench: 'auth-overhead',
      endpoint: 'GET /fhir/Observation/{id} (PGlite)',
      requestsPerVariant: times.bare.length,
      p50MsBare: round3(p50.bare),
      p50MsClinicianToken: round3(p50.clinician),
      p50MsPatientToken: round3(p50.patient),
      p95MsBare: round3(quantile(times.bare, 0.95)),
      p95MsClinicianToken: round3(quantile(times.clinician, 0.95)),
      overheadP50Pct: Math.round((p50.clinician / p50.bare - 1) * 1000) / 10,
      overheadP50PctPatientToken: Math.round((p50.patient / p50.bare - 1) * 1000) / 10,
      auditedReads: audited,
    })}\n`,
  );
  await bare.app.close();
  await secured.app.close();
  await security.audit.close();
  await fhir.close();
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
}

await main();
