import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';
import { readSseEvents } from './testing/sse-reader.ts';

describe('GET /events (Server-Sent Events)', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-events-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', dataDir, logLevel: 'silent', mqttPort: '0' }, env: {} }));
  });
  afterAll(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams the events of the chosen patient and types as they are published', async () => {
    const response = await fetch(`${server.url}/events?patient=p1&types=alert`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const received = readSseEvents(response, 2);
    const bus = server.context.events;
    // Give the subscription a moment to be registered after the headers were sent.
    await new Promise((r) => setTimeout(r, 50));
    bus.publish({ type: 'alert', patientId: 'p2', timeMs: 1, data: { title: 'other patient' } });
    bus.publish({ type: 'score', patientId: 'p1', timeMs: 2, data: { news2: 5 } });
    bus.publish({ type: 'alert', patientId: 'p1', timeMs: 3, data: { title: 'NEWS2 7' } });
    bus.publish({ type: 'alert', patientId: 'p1', timeMs: 4, data: { title: 'urgent low' } });
    const events = await received;
    expect(events.map((e) => [e.event, e.data.patientId, (e.data.data as { title: string }).title])).toEqual([
      ['alert', 'p1', 'NEWS2 7'],
      ['alert', 'p1', 'urgent low'],
    ]);
  });

  it('replays missed events to a client that reconnects with Last-Event-ID', async () => {
    const bus = server.context.events;
    bus.publish({ type: 'alert', patientId: 'p9', timeMs: 10, data: { n: 1 } });
    const last = bus.since(0, { patientIds: ['p9'] }).at(-1)!.id;
    bus.publish({ type: 'alert', patientId: 'p9', timeMs: 11, data: { n: 2 } });
    bus.publish({ type: 'alert', patientId: 'p9', timeMs: 12, data: { n: 3 } });
    const response = await fetch(`${server.url}/events?patient=p9`, { headers: { 'last-event-id': String(last) } });
    const events = await readSseEvents(response, 2);
    expect(events.map((e) => (e.data.data as { n: number }).n)).toEqual([2, 3]);
  });

  it('rejects an unknown event type with an OperationOutcome', async () => {
    const response = await fetch(`${server.url}/events?types=alert,gossip`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issue: { diagnostics: string }[] };
    expect(body.issue[0]?.diagnostics).toContain('unknown event type gossip');
  });

  it('lets the server stop while a stream is open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vt-events-stop-'));
    const other = await startServer(loadServerConfig({ flags: { port: '0', dataDir: dir, logLevel: 'silent', mqttPort: '0' }, env: {} }));
    const response = await fetch(`${other.url}/events`);
    expect(response.status).toBe(200);
    await other.stop();
    await rm(dir, { recursive: true, force: true });
  });
});
