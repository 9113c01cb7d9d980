import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStore } from '@vitaltwin/platform';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import type { ServerContext } from '../server-context.ts';
import { type RunningServer, startServer } from '../start-server.ts';
import { webRoutes } from './web-routes.ts';

interface WardRow {
  id: string;
  name: string;
  vitals: Record<string, { value: number }>;
  news2: Record<string, unknown> | null;
  glucose: { mgDl: number }[];
  alerts: Record<string, unknown>;
}

// The web app's read models over HTTP, against a real server (PGlite, auth off): two monitored
// patients written as device readings, their NEWS2 scored as the monitor scores it (RCP 2017
// Chart 1 bands, worked by hand below), and the chart series bucket-averaged past maxPoints.
describe('/twins ward summary and series', () => {
  let scratch: string;
  let server: RunningServer;
  const nowMs = Date.now();
  const min = 60_000;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-ward-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir: scratch, logLevel: 'silent' }, env: {} }));
    const put = (resource: Record<string, unknown>) =>
      fetch(`${server.url}/fhir/${String(resource['resourceType'])}/${String(resource['id'])}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(resource),
      });
    await put({ resourceType: 'Patient', id: 'w1', name: [{ use: 'official', family: 'Ash', given: ['Ann'] }], birthDate: '1950-02-03' });
    await put({ resourceType: 'Patient', id: 'w2', name: [{ text: 'Bob Birch' }] });
    await put({ resourceType: 'Patient', id: 'w3', name: [{ family: 'Unmonitored' }] });
    const r = (patientId: string, code: string, ageMin: number, value: number, unit: string) => ({
      patientId,
      code,
      timeMs: nowMs - ageMin * min,
      value,
      unit,
      deviceId: `${patientId}-mon`,
    });
    const readings = [
      // w1: RR 26 → 3, SpO2 93 → 2, SBP 95 → 2, HR 125 → 2, T 38.5 → 1; air 0, Alert 0: NEWS2 10, high.
      r('w1', '9279-1', 2, 26, '/min'),
      r('w1', '2708-6', 2, 93, '%'),
      r('w1', '8480-6', 10, 95, 'mm[Hg]'),
      r('w1', '8462-4', 10, 60, 'mm[Hg]'),
      r('w1', '8867-4', 2, 125, '/min'),
      r('w1', '8310-5', 30, 38.5, 'Cel'),
      // w2: all normal, but the heart rate is 20 min old (outside its 15 min window): partial score 0.
      r('w2', '9279-1', 1, 16, '/min'),
      r('w2', '2708-6', 1, 97, '%'),
      r('w2', '8480-6', 5, 125, 'mm[Hg]'),
      r('w2', '8867-4', 20, 70, '/min'),
      r('w2', '8310-5', 5, 36.8, 'Cel'),
      // w2 CGM every 5 min for 2 h; the last hour is returned.
      ...Array.from({ length: 25 }, (_, i) => r('w2', '99504-3', 120 - i * 5, 100 + i, 'mg/dL')),
      // w1 heart rate every 10 s for the last hour, for bucketing.
      ...Array.from({ length: 360 }, (_, i) => r('w1', '8867-4', 60 - i / 6 + 3, 80 + (i % 2), '/min')),
    ];
    await new TimeSeriesStore(server.context.db).write(readings);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('summarises every patient: latest vitals, NEWS2 now, recent CGM, alert counts', async () => {
    const res = await fetch(`${server.url}/twins`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { patients: WardRow[] };
    expect(body.patients.map((p) => [p.id, p.name])).toEqual([
      ['w1', 'Ann Ash'],
      ['w2', 'Bob Birch'],
      ['w3', 'Unmonitored'],
    ]);
    const [w1, w2, w3] = body.patients;
    expect(w1?.vitals['8867-4']?.value).toBe(125);
    expect(w1?.news2).toMatchObject({
      total: 10,
      complete: true,
      clinicalRisk: 'high',
      redFlag: true,
      assumedAir: true,
      assumedAlert: true,
    });
    expect(w2?.news2).toMatchObject({ total: null, complete: false, partialTotal: 0, clinicalRisk: null });
    expect(w2?.vitals['8867-4']?.value).toBe(70);
    expect(w2?.glucose).toHaveLength(12);
    expect(w2?.glucose.at(-1)?.mgDl).toBe(124);
    expect(w3).toMatchObject({ vitals: {}, news2: null, glucose: [], alerts: { open: 0, acknowledged: 0, highestSeverity: null } });
  });

  it('restricts to ?patient= and rejects malformed ids', async () => {
    const one = (await (await fetch(`${server.url}/twins?patient=Patient/w2`)).json()) as { patients: { id: string }[] };
    expect(one.patients.map((p) => p.id)).toEqual(['w2']);
    const bad = await fetch(`${server.url}/twins?patient=w1;drop`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });

  it('returns chart series in columns, bucket-averaged past maxPoints, with the newest reading unaveraged', async () => {
    const from = new Date(nowMs - 2 * 3_600_000).toISOString();
    const to = new Date(nowMs + min).toISOString();
    const res = await fetch(`${server.url}/twins/w1/series?code=8867-4,8310-5,2708-6&from=${from}&to=${to}&maxPoints=60`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      series: { code: string; timesMs: number[]; values: number[]; bucketReadings: number; latest: { value: number } }[];
    };
    expect(body.series.map((s) => s.code)).toEqual(['8867-4', '8310-5', '2708-6']);
    const hr = body.series[0]!;
    // 2 h / 60 points = 2-min buckets: 12 readings of 80/81 alternating average to 80.5 (± 0.5 at the edges).
    expect(hr.timesMs.length).toBeLessThanOrEqual(61);
    expect(hr.bucketReadings).toBeGreaterThanOrEqual(12);
    for (const v of hr.values.slice(1, -2)) expect(Math.abs(v - 80.5)).toBeLessThanOrEqual(0.5);
    expect(hr.latest.value).toBe(125);
    expect(hr.timesMs).toEqual([...hr.timesMs].sort((a, b) => a - b));
    expect(body.series[1]).toMatchObject({ timesMs: [nowMs - 30 * min], values: [38.5], bucketReadings: 1 });
    const bad = await fetch(`${server.url}/twins/w1/series?code=8867-4&from=2026-13-01`);
    expect(bad.status).toBe(400);
  });
});

describe('web app routes', () => {
  let dist: string;
  const app = Fastify();

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'vt-web-dist-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>app shell</title>');
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    await webRoutes(app, {} as ServerContext, dist);
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('redirects / to the app and serves the shell for client routes, never cached', async () => {
    const root = await app.inject({ url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/app/');
    for (const url of ['/app/', '/app/ward', '/app/patients/p-1?view=glucose']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('app shell');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('caches hashed assets for a year and 404s missing files', async () => {
    const js = await app.inject({ url: '/app/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject({ url: '/app/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/app/ward' })).statusCode).toBe(404);
  });

  it('says how to build when the app is not built', async () => {
    const bare = Fastify();
    await webRoutes(bare, {} as ServerContext, join(dist, 'nowhere'));
    const res = await bare.inject({ url: '/app/ward' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build -w @vitaltwin/web');
    await bare.close();
  });
});
