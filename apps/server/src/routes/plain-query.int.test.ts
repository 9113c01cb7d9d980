import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FhirTestServer, startFhirTestServer } from './fhir-test-server.ts';

/**
 * The JSON routes beside the FHIR API take one value per parameter (lists comma-separated) and only
 * the parameters they name (plain-query.ts): a repeated parameter, which Fastify hands over as an
 * array, and an unknown one are a 400 naming it, never a crash (500) or a silently ignored filter.
 */
describe('query strings of the JSON routes', () => {
  let t: FhirTestServer;
  beforeAll(async () => {
    t = await startFhirTestServer('pglite');
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  const routes = [
    ['/alerts', 'status=open', 'status'],
    ['/alerts', 'patient=a', 'patient'],
    ['/audit', 'patient=a', 'patient'],
    ['/twins', 'patient=a', 'patient'],
    ['/twins/p1/series', 'code=8867-4', 'code'],
    ['/twins/p1/glucose/forecast', 'horizons=30', 'horizons'],
    ['/ingest/dead-letters', 'reason=unbound-device', 'reason'],
  ] as const;

  it.each(routes)('%s?%s given twice is a 400 naming %s', async (path, pair, name) => {
    const response = await fetch(`${t.server.url}${path}?${pair}&${pair}`);
    expect(response.status).toBe(400);
    const outcome = (await response.json()) as { resourceType: string; issue: { diagnostics?: string; expression?: string[] }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(outcome)).toContain(`${name} is given more than once`);
  });

  it.each(routes)('%s with an unknown parameter is a 400 that lists what the route takes', async (path) => {
    const response = await fetch(`${t.server.url}${path}?no-such=5`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/unknown parameter no-such; this route takes /);
  });

  it('still answers the parameters a route takes', async () => {
    expect((await fetch(`${t.server.url}/alerts?status=open,acknowledged&_count=5`)).status).toBe(200);
    expect((await fetch(`${t.server.url}/ingest/dead-letters?limit=5`)).status).toBe(200);
    expect((await fetch(`${t.server.url}/twins?patient=p1,p2`)).status).toBe(200);
  });
});
