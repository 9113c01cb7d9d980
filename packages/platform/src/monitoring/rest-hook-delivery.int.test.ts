import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelayMs, type DeliveryOutcome, RestHookDelivery, type RestHookTarget } from './rest-hook-delivery.ts';

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A local HTTP receiver whose answer for each request `script` decides (status code, or 'hang'). */
function receiver(script: (n: number, path: string) => number | 'hang') {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const answer = script(received.filter((r) => r.path === req.url).length, req.url ?? '');
      if (answer === 'hang') return;
      res.writeHead(answer, answer === 503 ? { 'retry-after': '0' } : {}).end();
    });
  });
  return { server, received };
}

describe('rest-hook delivery', () => {
  const hub = receiver((n, path) => {
    if (path === '/flaky') return n === 1 ? 500 : 200;
    if (path === '/down') return 500;
    if (path === '/gone') return 404;
    if (path === '/slow') return 'hang';
    return 200;
  });
  let base: string;
  const target = (path: string, payload: string | null = 'application/fhir+json'): RestHookTarget => ({
    subscriptionId: `sub${path.replace('/', '-')}`,
    endpoint: `${base}${path}`,
    headers: [['Authorization', 'Bearer abc']],
    payload,
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => hub.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(hub.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hub.server.closeAllConnections();
    await new Promise<void>((resolve) => hub.server.close(() => resolve()));
  });

  it('retries after a 500 and delivers the resource with the channel headers on the next attempt', async () => {
    const outcomes: DeliveryOutcome[] = [];
    const delivery = new RestHookDelivery({ baseDelayMs: 10, onOutcome: (_t, o) => outcomes.push(o) });
    expect(delivery.enqueue(target('/flaky'), { resourceType: 'Communication', id: 'c1' })).toBe(true);
    await delivery.idle();
    expect(outcomes).toEqual([{ ok: true, attempts: 2 }]);
    const posts = hub.received.filter((r) => r.path === '/flaky');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.headers).toMatchObject({ authorization: 'Bearer abc', 'content-type': 'application/fhir+json' });
    expect(JSON.parse(posts[1]?.body ?? '')).toEqual({ resourceType: 'Communication', id: 'c1' });
    expect(delivery.retries).toBe(1);
  });

  it('sends an empty notification when the channel has no payload type', async () => {
    const delivery = new RestHookDelivery();
    delivery.enqueue(target('/empty', null), { resourceType: 'Observation' });
    await delivery.idle();
    expect(hub.received.find((r) => r.path === '/empty')?.body).toBe('');
  });

  it('gives up after maxAttempts on a receiver that keeps failing, and at once on a 404', async () => {
    const outcomes: [string, DeliveryOutcome][] = [];
    const delivery = new RestHookDelivery({ baseDelayMs: 5, maxAttempts: 3, onOutcome: (t, o) => outcomes.push([t.subscriptionId, o]) });
    delivery.enqueue(target('/down'), {});
    delivery.enqueue(target('/gone'), {});
    await delivery.idle();
    expect(Object.fromEntries(outcomes)).toEqual({
      'sub-down': { ok: false, attempts: 3, error: 'HTTP 500', permanent: false },
      'sub-gone': { ok: false, attempts: 1, error: 'HTTP 404', permanent: true },
    });
    expect(hub.received.filter((r) => r.path === '/down')).toHaveLength(3);
  });

  it('reports a receiver that cannot be reached as a connection error', async () => {
    const outcomes: DeliveryOutcome[] = [];
    const delivery = new RestHookDelivery({ baseDelayMs: 5, maxAttempts: 2, onOutcome: (_t, o) => outcomes.push(o) });
    delivery.enqueue({ ...target('/x'), endpoint: 'http://127.0.0.1:1/hook' }, {});
    await delivery.idle();
    expect(outcomes[0]).toMatchObject({ ok: false, attempts: 2, permanent: false });
    expect((outcomes[0] as { error: string }).error).toMatch(/^cannot connect/);
  });

  it('bounds its queue: beyond maxQueue notifications are dropped, never waited for', async () => {
    const delivery = new RestHookDelivery({ maxQueue: 2, concurrency: 1, timeoutMs: 200, maxAttempts: 1 });
    expect(delivery.enqueue(target('/slow'), {})).toBe(true);
    expect(delivery.enqueue(target('/slow'), {})).toBe(true);
    expect(delivery.enqueue(target('/slow'), {})).toBe(false);
    expect(delivery.dropped).toBe(1);
    expect(delivery.pending).toBe(2);
    await delivery.idle();
    expect(delivery.failed).toBe(2);
  });

  it('backs off exponentially with equal jitter, capped, honouring Retry-After', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, 1000, 60_000, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, 1000, 60_000, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelayMs(10, 1000, 60_000, 1)).toBe(60_000);
    expect(backoffDelayMs(1, 1000, 60_000, 0, 30_000)).toBe(30_000);
    expect(backoffDelayMs(1, 1000, 60_000, 0, 600_000)).toBe(60_000);
  });
});
