import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';

// The demo data set a newcomer sees after `npm start`: patients, live vitals, CGM and alerts.
describe('demo data set (serve --demo)', () => {
  let dataDir: string;
  let server: RunningServer;
  const config = () => loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent', demo: 'true' }, env: {} });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-demo-'));
    server = await startServer(config());
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads the Synthea patients and the extra beds, each with a bound bedside monitor', async () => {
    const bundle = (await (await fetch(`${server.url}/fhir/Patient?_summary=count`)).json()) as { total: number };
    expect(bundle.total).toBe(16);
    const emery = (await (await fetch(`${server.url}/fhir/Patient?family=Purdy`)).json()) as { entry?: { resource: { id: string } }[] };
    expect(emery.entry?.length).toBe(1);
    const devices = (await (await fetch(`${server.url}/fhir/Device?_summary=count`)).json()) as { total: number };
    expect(devices.total).toBe(18);
  });

  it('has 24 hours of vitals for every bed and 14 days of CGM for the two patients with diabetes', async () => {
    const monitorRows = await server.context.db.query<{ n: number; patients: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT patient_id)::int AS patients FROM device_reading WHERE code = '8867-4'",
    );
    expect(monitorRows[0]?.patients).toBe(16);
    expect(monitorRows[0]?.n).toBeGreaterThanOrEqual(16 * 287);
    const cgm = await server.context.db.query<{ n: number; patients: number; days: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT patient_id)::int AS patients, extract(epoch FROM max(t) - min(t))::float8 / 86400 AS days FROM device_reading WHERE code = '99504-3'",
    );
    expect(cgm[0]?.patients).toBe(2);
    expect(cgm[0]?.days).toBeGreaterThan(13);
    const carbs = (await (await fetch(`${server.url}/fhir/Observation?code=http://loinc.org|9059-7&_summary=count`)).json()) as {
      total: number;
    };
    expect(carbs.total).toBeGreaterThan(2 * 14 * 2);
  });

  it('does not load twice when started again on the same data', async () => {
    await server.stop();
    server = await startServer(config());
    const bundle = (await (await fetch(`${server.url}/fhir/Patient?_summary=count`)).json()) as { total: number };
    expect(bundle.total).toBe(16);
    const rows = await server.context.db.query<{ n: number }>(
      "SELECT count(DISTINCT patient_id)::int AS n FROM device_reading WHERE code = '99504-3'",
    );
    expect(rows[0]?.n).toBe(2);
  }, 180_000);
});
