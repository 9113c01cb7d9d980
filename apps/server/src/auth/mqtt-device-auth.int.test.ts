import { createServer, type Server } from 'node:net';
import { AuditLog, ClientStore, openDatabase, type SqlClient } from '@vitaltwin/platform';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceBrokerHooks } from './mqtt-device-auth.ts';

// A broker with the device hooks in front of a pass-through publish hook, and real MQTT clients.
describe('device credentials on the embedded MQTT broker', () => {
  let db: SqlClient;
  let broker: Aedes;
  let server: Server;
  let url: string;
  let secret: string;
  let audit: AuditLog;
  const published: string[] = [];

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite-memory' });
    const clients = new ClientStore(db);
    ({ secret } = await clients.add({ role: 'device', deviceId: 'cgm-1' }));
    await clients.add({ role: 'device', deviceId: 'cgm-2' });
    audit = new AuditLog(db, { flushIntervalMs: 1 });
    // Stands in for the ingest hook: records what the device hooks let through.
    const ingest: Parameters<ReturnType<typeof deviceBrokerHooks>>[0] = (_client, packet, callback) => {
      published.push(packet.topic);
      callback(null);
    };
    broker = await Aedes.createBroker({ authorizePublish: ingest, ...deviceBrokerHooks({ clients, audit })(ingest) });
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  });

  const connect = (username?: string, password?: string) =>
    mqtt.connectAsync(url, { username, password, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4 });

  it('refuses a connection without or with wrong credentials', async () => {
    await expect(connect()).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect('cgm-1', 'wrong')).rejects.toThrow(/Bad username or password/i);
    await expect(connect('cgm-2', secret)).rejects.toThrow(/Bad username or password/i);
    await audit.flush();
    const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'login' AND outcome = '4'");
    expect(rows[0]?.n).toBe(3);
  });

  it('lets a device publish to its own topics only', async () => {
    const client = await connect('cgm-1', secret);
    await client.publishAsync('vitaltwin/devices/cgm-1/readings', '{"samples":[]}', { qos: 1 });
    expect(published).toContain('vitaltwin/devices/cgm-1/readings');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('vitaltwin/devices/cgm-2/readings', '{"samples":[]}', { qos: 1 });
    await closed;
    expect(published).not.toContain('vitaltwin/devices/cgm-2/readings');
    await client.endAsync(true);
  });

  it('grants subscriptions to its own subtree only', async () => {
    const client = await connect('cgm-1', secret);
    const granted = await client.subscribeAsync('vitaltwin/devices/cgm-1/#');
    expect(granted.map((g) => g.qos)).toEqual([0]);
    // mqtt.js rejects a SUBACK holding the failure code 0x80.
    await expect(client.subscribeAsync('vitaltwin/devices/+/readings')).rejects.toThrow(/Subscribe error/);
    await expect(client.subscribeAsync('#')).rejects.toThrow(/Subscribe error/);
    await client.endAsync();
  });
});
