import { createServer, type Server } from 'node:net';
import type { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/open-database.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { registerDeviceBindings } from './device-registration.ts';
import { createIngestBroker } from './embedded-ingest-broker.ts';
import { IngestPipeline } from './ingest-pipeline.ts';

const t0 = Date.UTC(2026, 10, 21, 9);
const payload = (ms: number, value = 70) =>
  JSON.stringify({ samples: [{ code: '8867-4', value, unit: '/min', time: new Date(ms).toISOString() }] });

describe('embedded broker: QoS 1 acknowledged only once durable', () => {
  let db: SqlClient;
  let failing = false;
  let pipeline: IngestPipeline;
  let broker: Aedes;
  let server: Server;
  let url: string;

  const count = async () =>
    (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM device_reading WHERE device_id = 'd1'"))[0]?.n ?? 0;

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite-memory' });
    await registerDeviceBindings(db, [{ deviceId: 'd1', patientId: 'p1' }]);
    // The same database, with a switch that makes every write transaction fail (database down).
    const flaky: SqlClient = {
      ...db,
      transaction: (work) => (failing ? Promise.reject(new Error('database unavailable')) : db.transaction(work)),
      transactionScript: (steps) => (failing ? Promise.reject(new Error('database unavailable')) : db.transactionScript(steps)),
    };
    pipeline = new IngestPipeline({
      db: flaky,
      lingerMs: 1,
      timeWindow: { earliestMs: Date.UTC(2000, 0, 1), maxFutureSkewMs: 365 * 86_400_000 },
    });
    broker = await createIngestBroker(pipeline);
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await pipeline.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  });

  it('has the reading in the database when the PUBACK arrives', async () => {
    const client = await mqtt.connectAsync(url, { clientId: 'dev-a', reconnectPeriod: 0 });
    for (let i = 0; i < 5; i++) {
      await client.publishAsync('vitaltwin/devices/d1/readings', payload(t0 + i * 1000), { qos: 1 });
      expect(await count()).toBe(i + 1);
    }
    await client.endAsync();
  });

  it('withholds the PUBACK while the database is down; the device resends after reconnecting and the reading is stored once', async () => {
    const before = await count();
    failing = true;
    const client = await mqtt.connectAsync(url, { clientId: 'dev-b', clean: false, reconnectPeriod: 200 });
    let acked = false;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const published = client.publishAsync('vitaltwin/devices/d1/readings', payload(t0 + 60_000), { qos: 1 }).then(() => {
      acked = true;
    });
    // The broker answers the failed store by closing the connection, without a PUBACK.
    await closed;
    expect(acked).toBe(false);
    expect(await count()).toBe(before);
    failing = false;
    await published;
    expect(await count()).toBe(before + 1);
    await client.endAsync();
  });

  it('acknowledges a burst of concurrent QoS 1 messages, each stored exactly once', async () => {
    const before = await count();
    const client = await mqtt.connectAsync(url, { clientId: 'dev-c', reconnectPeriod: 0 });
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        client.publishAsync('vitaltwin/devices/d1/readings', payload(t0 + 3_600_000 + i * 1000), { qos: 1 }),
      ),
    );
    expect(await count()).toBe(before + 400);
    expect(pipeline.metrics.batches).toBeLessThan(400);
    await client.endAsync();
  });

  it('forwards other topics like any broker and keeps them out of the store', async () => {
    const sub = await mqtt.connectAsync(url, { clientId: 'sub', reconnectPeriod: 0 });
    await sub.subscribeAsync('ward/chat', { qos: 1 });
    const got = new Promise<string>((resolve) => sub.once('message', (_t, m) => resolve(m.toString())));
    const pub = await mqtt.connectAsync(url, { clientId: 'pub', reconnectPeriod: 0 });
    await pub.publishAsync('ward/chat', 'hello', { qos: 1 });
    expect(await got).toBe('hello');
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });
});
