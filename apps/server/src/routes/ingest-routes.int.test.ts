import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, registerDeviceBindings, simulatedDevice, simulatedPatient } from '@vitaltwin/platform';
import { shouldRunMqttBroker, testMqttUrl } from '@vitaltwin/platform/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';

const runBroker = await shouldRunMqttBroker('server ingest from an external MQTT broker');
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const hr = (ms: number, value = 72) => ({ code: '8867-4', value, unit: '/min', time: iso(ms) });
const flags = (dataDir: string) => ({ port: '0', mqttPort: '0', dataDir, logLevel: 'silent' });

interface DeadLetterPage {
  deadLetters: {
    reason: string;
    deviceId: string | null;
    topic: string | null;
    sample: number | null;
    payload: string;
    transport: string;
  }[];
  next?: string;
}

describe('device ingest through a running server (embedded broker, HTTP)', () => {
  let dataDir: string;
  let server: RunningServer;
  const count = async (deviceId: string) =>
    (await server.context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_reading WHERE device_id = $1', [deviceId]))[0]
      ?.n ?? 0;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-ingest-'));
    server = await startServer(loadServerConfig({ flags: flags(dataDir), env: {} }));
    await registerDeviceBindings(server.context.db, [
      { deviceId: 'mon-1', patientId: 'pat-1' },
      { deviceId: 'mon-2', patientId: 'pat-2' },
      { deviceId: 'web-1', patientId: 'pat-3' },
    ]);
  });
  afterAll(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores a reading published over MQTT before acknowledging it, and reports it in /metrics', async () => {
    expect(server.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const client = await mqtt.connectAsync(server.mqttUrl, { clientId: 'mon-1', reconnectPeriod: 0 });
    await client.publishAsync('vitaltwin/devices/mon-1/readings', JSON.stringify({ samples: [hr(now - 1000), hr(now, 75)] }), { qos: 1 });
    expect(await count('mon-1')).toBe(2);
    const omh = {
      header: { id: 'a1', creation_date_time: iso(now), schema_id: { namespace: 'omh', name: 'body-temperature', version: '4.0' } },
      body: { effective_time_frame: { date_time: iso(now) }, body_temperature: { value: 100.4, unit: 'F' } },
    };
    await client.publishAsync('vitaltwin/devices/mon-1/omh', JSON.stringify(omh), { qos: 1 });
    const fhir = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
      subject: { reference: 'Patient/pat-1' },
      effectiveDateTime: iso(now),
      component: [
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
          valueQuantity: { value: 118, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        },
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
          valueQuantity: { value: 76, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        },
      ],
    };
    await client.publishAsync('vitaltwin/devices/mon-1/fhir', JSON.stringify(fhir), { qos: 1 });
    expect(await count('mon-1')).toBe(5);
    const temp = await server.context.db.query<{ value: number; unit: string }>(
      "SELECT value, unit FROM device_reading WHERE code = '8310-5'",
    );
    expect(temp[0]?.unit).toBe('Cel');
    expect(temp[0]?.value).toBeCloseTo(38, 9);
    await client.endAsync();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('vitaltwin_ingest_messages_total{transport="mqtt",format="compact"} 1');
    expect(metrics).toMatch(/vitaltwin_ingest_readings_stored_total [5-9]/);
  });

  it('acknowledges a bad MQTT payload too, and shows it in /ingest/dead-letters and /metrics', async () => {
    const client = await mqtt.connectAsync(server.mqttUrl, { clientId: 'mon-2', reconnectPeriod: 0 });
    await client.publishAsync('vitaltwin/devices/mon-2/readings', '{"samples": [oops', { qos: 1 });
    await client.publishAsync('vitaltwin/devices/unknown-9/readings', JSON.stringify({ samples: [hr(now)] }), { qos: 1 });
    await client.publishAsync(
      'vitaltwin/devices/mon-2/readings',
      JSON.stringify({ samples: [hr(now), { ...hr(now), code: '8867-4', value: 999 }] }),
      { qos: 1 },
    );
    await client.endAsync();
    expect(await count('mon-2')).toBe(1);
    const page = (await (await fetch(`${server.url}/ingest/dead-letters?limit=3`)).json()) as DeadLetterPage;
    expect(page.deadLetters.map((d) => [d.reason, d.deviceId, d.sample])).toEqual([
      ['implausible', 'mon-2', 1],
      ['unknown-device', 'unknown-9', null],
      ['invalid-json', 'mon-2', null],
    ]);
    expect(page.deadLetters[2]).toMatchObject({
      transport: 'mqtt',
      topic: 'vitaltwin/devices/mon-2/readings',
      payload: '{"samples": [oops',
    });
    expect(page.next).toMatch(/before=\d+/);
    const filtered = (await (await fetch(`${server.url}/ingest/dead-letters?reason=unknown-device`)).json()) as DeadLetterPage;
    expect(filtered.deadLetters.every((d) => d.reason === 'unknown-device')).toBe(true);
    const summary = (await (await fetch(`${server.url}/ingest/dead-letters/summary`)).json()) as { byReason: Record<string, number> };
    expect(summary.byReason['invalid-json']).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('vitaltwin_ingest_dead_letters_total{reason="unknown-device"} 1');
    expect(metrics).toContain('vitaltwin_ingest_dead_letters_total{reason="implausible"} 1');
    const bad = await fetch(`${server.url}/ingest/dead-letters?reason=bogus`);
    expect(bad.status).toBe(400);
  });

  it('POST /ingest (NDJSON) answers per item: stored, duplicate, partial, dead-lettered', async () => {
    const lines = [
      JSON.stringify({ deviceId: 'web-1', samples: [hr(now - 60_000), hr(now - 30_000)] }),
      JSON.stringify({ deviceId: 'web-1', samples: [hr(now - 60_000)] }),
      JSON.stringify({ deviceId: 'web-1', samples: [hr(now - 10_000), { code: '8867-4', value: 60, unit: 'Hz', time: iso(now) }] }),
      '{"deviceId": "web-1", "samples": [',
      JSON.stringify({ samples: [hr(now)] }),
      JSON.stringify({ deviceId: 'nobody', samples: [hr(now)] }),
      '',
      JSON.stringify({
        deviceId: 'web-1',
        format: 'omh',
        payload: {
          header: { schema_id: { namespace: 'omh', name: 'heart-rate', version: '2.0' } },
          body: { effective_time_frame: { date_time: iso(now - 5000) }, heart_rate: { value: 64, unit: 'beats/min' } },
        },
      }),
    ];
    const response = await fetch(`${server.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      summary: Record<string, number>;
      results: {
        item: number;
        status: string;
        stored: number;
        duplicates: number;
        deadLettered: { reason: string; sample: number | null }[];
      }[];
    };
    expect(body.results.map((r) => [r.item, r.status, r.stored, r.duplicates, r.deadLettered.map((d) => d.reason)])).toEqual([
      [0, 'stored', 2, 0, []],
      [1, 'duplicate', 0, 1, []],
      [2, 'partial', 1, 0, ['wrong-unit']],
      [3, 'dead-lettered', 0, 0, ['invalid-json']],
      [4, 'dead-lettered', 0, 0, ['schema']],
      [5, 'dead-lettered', 0, 0, ['unknown-device']],
      [6, 'stored', 1, 0, []],
    ]);
    expect(body.summary).toEqual({ items: 7, stored: 4, duplicates: 1, deadLettered: 4 });
    expect(await count('web-1')).toBe(4);
  });

  it('POST /ingest accepts a JSON array; sending the same body again is safe (all duplicates)', async () => {
    const items = [{ deviceId: 'web-1', samples: [hr(now - 120_000), hr(now - 119_000)] }];
    const first = (await (
      await fetch(`${server.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) })
    ).json()) as {
      summary: Record<string, number>;
    };
    expect(first.summary).toMatchObject({ stored: 2, duplicates: 0 });
    const again = (await (
      await fetch(`${server.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) })
    ).json()) as {
      summary: Record<string, number>;
      results: { status: string }[];
    };
    expect(again.summary).toMatchObject({ stored: 0, duplicates: 2 });
    expect(again.results[0]?.status).toBe('duplicate');
  });

  it('binds a device as soon as its Device is written through the FHIR API (no stale cache)', async () => {
    const send = () =>
      fetch(`${server.url}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: JSON.stringify({ deviceId: 'new-mon', samples: [hr(now - 2000)] }),
      }).then((r) => r.json() as Promise<{ results: { status: string; deadLettered: { reason: string }[] }[] }>);
    expect((await send()).results[0]?.deadLettered[0]?.reason).toBe('unknown-device');
    const spec = { deviceId: 'new-mon', patientId: 'pat-new' };
    for (const resource of [simulatedPatient(spec), simulatedDevice(spec)]) {
      const put = await fetch(`${server.url}/fhir/${resource.resourceType as string}/${resource.id as string}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(resource),
      });
      expect(put.status).toBeLessThan(300);
    }
    expect((await send()).results[0]?.status).toBe('stored');
  });

  it('POST /ingest refuses a body with no items or of the wrong kind', async () => {
    const empty = await fetch(`${server.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: '\n\n',
    });
    expect(empty.status).toBe(400);
    const notJson = await fetch(`${server.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{' });
    expect(notJson.status).toBe(400);
    const scalar = await fetch(`${server.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '42' });
    expect(scalar.status).toBe(400);
  });
});

describe('MQTT ingest start-up and shutdown', () => {
  it('names --mqtt-port and MQTT_URL when the MQTT port is taken, and releases everything it opened', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    const dataDir = await mkdtemp(join(tmpdir(), 'vt-mqtt-port-'));
    await expect(startServer(loadServerConfig({ flags: { ...flags(dataDir), mqttPort: port }, env: {} }))).rejects.toThrow(
      `MQTT port 127.0.0.1:${port} is already in use (another broker?); choose another with --mqtt-port (0 = any free port), or set MQTT_URL to use that broker`,
    );
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    // The data directory was released: the same configuration now starts.
    const server = await startServer(loadServerConfig({ flags: { ...flags(dataDir), mqttPort: port }, env: {} }));
    expect(server.mqttUrl).toBe(`mqtt://127.0.0.1:${port}`);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('commits readings still in flight when the server stops (graceful shutdown flushes before the database closes)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vt-flush-'));
    const config = loadServerConfig({ flags: flags(dataDir), env: {} });
    const server = await startServer(config);
    await registerDeviceBindings(server.context.db, [{ deviceId: 'mon-9', patientId: 'pat-9' }]);
    const pending = Array.from({ length: 200 }, (_, i) =>
      server.context.ingest.ingest({
        transport: 'mqtt',
        deviceId: 'mon-9',
        format: 'compact',
        payload: JSON.stringify({ samples: [hr(now - i * 1000)] }),
        receivedAtMs: now,
      }),
    );
    await server.stop();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.stored === 1)).toBe(true);
    const db = await openDatabase({ kind: 'pglite', dataDir });
    const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM device_reading WHERE device_id = 'mon-9'");
    expect(rows[0]?.n).toBe(200);
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});

describe.runIf(runBroker)('server consuming an external broker (MQTT_URL)', () => {
  it('stores what devices publish to the external broker, under its own topic root and client id', async () => {
    const tag = randomBytes(4).toString('hex');
    const env = { MQTT_URL: testMqttUrl, MQTT_TOPIC_ROOT: `vt-srv-${tag}`, MQTT_CLIENT_ID: `vt-srv-${tag}` };
    const dataDir = await mkdtemp(join(tmpdir(), 'vt-ext-'));
    const server = await startServer(loadServerConfig({ flags: flags(dataDir), env }));
    try {
      expect(server.mqttUrl).toBe(testMqttUrl.replace(/\/$/, ''));
      await registerDeviceBindings(server.context.db, [{ deviceId: 'ext-1', patientId: 'pat-ext' }]);
      const device = await mqtt.connectAsync(testMqttUrl, { clientId: `vt-dev-${tag}`, reconnectPeriod: 0 });
      await device.publishAsync(`vt-srv-${tag}/devices/ext-1/readings`, JSON.stringify({ samples: [hr(now), hr(now - 1000)] }), { qos: 1 });
      await device.endAsync();
      const deadline = Date.now() + 10_000;
      let n = 0;
      while (n < 2 && Date.now() < deadline) {
        n =
          (await server.context.db.query<{ n: number }>("SELECT count(*)::int AS n FROM device_reading WHERE device_id = 'ext-1'"))[0]?.n ??
          0;
        if (n < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(n).toBe(2);
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
      // Drop the persistent session from the shared broker.
      const cleaner = await mqtt.connectAsync(testMqttUrl, {
        protocolVersion: 5,
        clientId: `vt-srv-${tag}`,
        clean: true,
        reconnectPeriod: 0,
      });
      await cleaner.endAsync();
    }
  });
});
