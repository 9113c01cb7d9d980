import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemporaryPostgres, shouldRunPostgres } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from './config/server-config.ts';
import { type RunningServer, startServer } from './start-server.ts';

const runPostgres = await shouldRunPostgres('server start-up');

describe('server on embedded PGlite', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-server-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
  });
  afterAll(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz with version, database engine and uptime', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', version: '0.1.0', database: { engine: 'pglite', ok: true } });
    expect((body.database as { version: string }).version).toMatch(/^PostgreSQL \d+/);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('answers an unknown route with a FHIR OperationOutcome and 404', async () => {
    const response = await fetch(`${server.url}/no-such-thing?name=Smith`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    const body = (await response.json()) as { resourceType: string; issue: { code: string; diagnostics: string }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]?.code).toBe('not-found');
    // The query string (which may hold identifiers) is not echoed back.
    expect(JSON.stringify(body)).not.toContain('Smith');
  });

  it('refuses a second process-level open of the same data directory while running', async () => {
    await expect(
      startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} })),
    ).rejects.toThrow();
  });
});

describe('server lifecycle', () => {
  it('stops gracefully, releases the data directory, and starts again on the same data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vt-restart-'));
    const config = loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} });
    const first = await startServer(config);
    const created = await fetch(`${first.url}/fhir/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Keep' }] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await first.stop();
    const second = await startServer(config);
    const read = await fetch(`${second.url}/fhir/Patient/${id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { name: { family: string }[] }).name[0]?.family).toBe('Keep');
    await second.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('names the port when it is taken', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vt-port-'));
    const first = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
    const port = new URL(first.url).port;
    const other = await mkdtemp(join(tmpdir(), 'vt-port2-'));
    await expect(
      startServer(loadServerConfig({ flags: { port, mqttPort: '0', dataDir: other, logLevel: 'silent' }, env: {} })),
    ).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use; choose another with --port`);
    await first.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(other, { recursive: true, force: true });
  });
});

describe.runIf(runPostgres)('server on PostgreSQL', () => {
  it('serves /healthz reporting the postgres engine', async () => {
    const temp = await createTemporaryPostgres();
    const server = await startServer(
      loadServerConfig({ flags: { port: '0', mqttPort: '0', logLevel: 'silent' }, env: { DATABASE_URL: temp.url } }),
    );
    try {
      const body = (await (await fetch(`${server.url}/healthz`)).json()) as { database: { engine: string; version: string } };
      expect(body.database.engine).toBe('postgres');
      expect(body.database.version).toMatch(/^PostgreSQL 1\d/);
    } finally {
      await server.stop();
      await temp.drop();
    }
  });
});
