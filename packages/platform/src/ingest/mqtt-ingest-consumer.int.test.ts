import { randomBytes } from 'node:crypto';
import { isVitaltwinError } from '@vitaltwin/core';
import { shouldRunMqttBroker, testMqttUrl } from '@vitaltwin/platform/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/open-database.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { registerDeviceBindings } from './device-registration.ts';
import { IngestPipeline } from './ingest-pipeline.ts';
import { MqttIngestConsumer } from './mqtt-ingest-consumer.ts';
import { ingestTopic } from './topic-scheme.ts';

const runBroker = await shouldRunMqttBroker('ingest consumer on an external MQTT broker');

describe('MQTT ingest consumer: start-up errors', () => {
  it('names MQTT_URL when the broker cannot be reached', async () => {
    const db = await openDatabase({ kind: 'pglite-memory' });
    const consumer = new MqttIngestConsumer(new IngestPipeline({ db }), {
      url: 'mqtt://user:secret@127.0.0.1:1',
      clientId: 'x',
      connectTimeoutMs: 1000,
    });
    const error = await consumer.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVitaltwinError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /cannot connect to the MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\); check MQTT_URL/,
    );
    expect((error as Error).message).not.toContain('secret');
    await db.close();
  });
});

describe.runIf(runBroker)('MQTT ingest consumer on an external broker (Mosquitto)', () => {
  // A private topic root and client id, so parallel runs on the shared broker never meet.
  const tag = randomBytes(4).toString('hex');
  const topicRoot = `vt-test-${tag}`;
  const clientId = `vt-ingest-${tag}`;
  const devices = ['d1', 'd2', 'd3', 'd4'];
  const t0 = Date.UTC(2026, 10, 21, 8);
  let db: SqlClient;

  const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_reading'))[0]?.n ?? 0;
  const consumer = (pipeline: IngestPipeline) => new MqttIngestConsumer(pipeline, { url: testMqttUrl, clientId, reconnectPeriodMs: 200 });
  const pipelineOn = (database: SqlClient) =>
    new IngestPipeline({
      db: database,
      topicRoot,
      lingerMs: 2,
      timeWindow: { earliestMs: Date.UTC(2000, 0, 1), maxFutureSkewMs: 365 * 86_400_000 },
    });

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite-memory' });
    await registerDeviceBindings(
      db,
      devices.map((d, i) => ({ deviceId: d, patientId: `p${i}` })),
    );
  });
  afterAll(async () => {
    // Remove the persistent session from the shared broker: clean start with session expiry 0.
    const cleaner = await mqtt.connectAsync(testMqttUrl, { protocolVersion: 5, clientId, clean: true, reconnectPeriod: 0 });
    await cleaner.endAsync();
    await db.close();
  });

  it('loses no QoS 1 reading when the consumer crashes and restarts under load: all N stored exactly once', async () => {
    const messages = 600;
    const readingsPerMessage = 3;
    let pipeline = pipelineOn(db);
    let current = consumer(pipeline);
    await current.start();
    const publisher = await mqtt.connectAsync(testMqttUrl, { clientId: `vt-pub-${tag}`, reconnectPeriod: 0 });
    const published: Promise<unknown>[] = [];
    for (let i = 0; i < messages; i++) {
      const device = devices[i % devices.length] as string;
      const ms = t0 + Math.floor(i / devices.length) * 1000;
      const samples = Array.from({ length: readingsPerMessage }, (_, k) => ({
        code: '8867-4',
        value: 60 + k,
        unit: '/min',
        time: new Date(ms + k * 100).toISOString(),
      }));
      published.push(publisher.publishAsync(ingestTopic(device, 'compact', topicRoot), JSON.stringify({ samples }), { qos: 1 }));
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 10));
      if (i === 200) {
        // Crash: the connection drops with messages received but not yet acknowledged.
        await current.stop({ force: true });
      }
      if (i === 400) {
        // Restart with the same client id: the broker delivers what queued meanwhile and redelivers the unacknowledged.
        pipeline = pipelineOn(db);
        current = consumer(pipeline);
        await current.start();
      }
    }
    await Promise.all(published);
    await publisher.endAsync();
    const deadline = Date.now() + 30_000;
    while ((await count()) < messages * readingsPerMessage && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await current.stop();
    expect(await count()).toBe(messages * readingsPerMessage);
    const distinct = await db.query<{ n: number }>('SELECT count(DISTINCT (patient_id, code, t))::int AS n FROM device_reading');
    expect(distinct[0]?.n).toBe(messages * readingsPerMessage);
    const letters = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letter');
    expect(letters[0]?.n).toBe(0);
  });

  it('acknowledges only after the commit: a message whose store fails is redelivered and stored once', async () => {
    const before = await count();
    let failing = true;
    const flaky: SqlClient = {
      ...db,
      transaction: (work) => (failing ? Promise.reject(new Error('database unavailable')) : db.transaction(work)),
      transactionScript: (steps) => (failing ? Promise.reject(new Error('database unavailable')) : db.transactionScript(steps)),
    };
    const pipeline = pipelineOn(flaky);
    const current = consumer(pipeline);
    await current.start();
    const publisher = await mqtt.connectAsync(testMqttUrl, { clientId: `vt-pub2-${tag}`, reconnectPeriod: 0 });
    const samples = [{ code: '9279-1', value: 16, unit: '/min', time: new Date(t0).toISOString() }];
    await publisher.publishAsync(ingestTopic('d1', 'compact', topicRoot), JSON.stringify({ samples }), { qos: 1 });
    await publisher.endAsync();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await count()).toBe(before);
    expect(pipeline.metrics.storeFailures).toBeGreaterThan(0);
    failing = false;
    const deadline = Date.now() + 15_000;
    while ((await count()) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await current.stop();
    expect(await count()).toBe(before + 1);
  });
});
