import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { mqttSocketServer } from './start-mqtt-ingest.ts';

/**
 * A publisher that sends many QoS 1 messages on one connection (a gateway) while the ingest hook
 * holds them until a "commit": how many commits does it take to get them all acknowledged? Each
 * socket read the broker makes is one round of held messages, so the count measures how much one
 * read carries.
 */
async function commitRounds(makeServer: (handle: Aedes['handle']) => Server, messages: number): Promise<number> {
  let held: (() => void)[] = [];
  let rounds = 0;
  const broker = await Aedes.createBroker({
    authorizePublish: (_client, _packet, callback) => {
      held.push(() => callback(null));
    },
  });
  // The "store" commits every 20 ms whatever is held.
  const committer = setInterval(() => {
    if (held.length === 0) return;
    rounds += 1;
    const now = held;
    held = [];
    for (const release of now) release();
  }, 20);
  const server = makeServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, {
    reconnectPeriod: 0,
  });
  try {
    const sample = `{"code":"8867-4","value":72,"unit":"/min","time":"2026-11-21T10:00:00.000Z"}`;
    const payload = `{"samples":[${Array.from({ length: 10 }, () => sample).join(',')}]}`;
    await Promise.all(Array.from({ length: messages }, () => client.publishAsync('vitaltwin/devices/gw-1/readings', payload, { qos: 1 })));
    return rounds;
  } finally {
    clearInterval(committer);
    await client.endAsync();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('MQTT socket server', () => {
  it('lets one socket read carry hundreds of held QoS 1 messages, where the default buffer carried about 80', async () => {
    const messages = 1200; // ≈ 1 MB of 10-reading messages
    const withDefault = await commitRounds((handle) => createServer(handle), messages);
    const tuned = await commitRounds(mqttSocketServer, messages);
    // Default buffer: a read carries what one or two 64 KiB socket reads brought (≈ 80 messages),
    // so ≈ 16 commits; 256 KiB: ≈ 300 messages a read, so ≈ 5.
    expect(withDefault).toBeGreaterThanOrEqual(12);
    expect(tuned).toBeLessThanOrEqual(7);
    expect(withDefault).toBeGreaterThanOrEqual(2 * tuned);
  });
});
