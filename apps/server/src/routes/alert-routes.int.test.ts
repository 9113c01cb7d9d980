import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';
import { readSseUntil } from './testing/sse-reader.ts';

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('end to end: MQTT vitals → NEWS2 → alert on /events and /alerts', () => {
  let dataDir: string;
  let server: RunningServer;
  const put = (path: string, body: unknown) =>
    fetch(`${server.url}/fhir/${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-alerts-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
    const patient = await put('Patient/pat-e2e', {
      resourceType: 'Patient',
      id: 'pat-e2e',
      name: [{ family: 'Test', given: ['Monitor'] }],
    });
    expect(patient.status).toBeLessThan(300);
    const device = await put('Device/mon-e2e', {
      resourceType: 'Device',
      id: 'mon-e2e',
      status: 'active',
      patient: { reference: 'Patient/pat-e2e' },
    });
    expect(device.status).toBeLessThan(300);
  });
  afterAll(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers a NEWS2 emergency alert published over MQTT on /events and lists it at /alerts', async () => {
    const stream = await fetch(`${server.url}/events?patient=pat-e2e&types=alert,score`);
    let alertAt = Number.NaN;
    const seen = new Set<string>();
    // The alert comes first; the score Observation is written in the background just after.
    const received = readSseUntil(stream, (e) => {
      if (e.event === 'alert' && Number.isNaN(alertAt)) alertAt = performance.now();
      seen.add(e.event);
      return seen.has('alert') && seen.has('score');
    });
    await new Promise((r) => setTimeout(r, 50)); // let the subscription register after the headers
    const client = await mqtt.connectAsync(server.mqttUrl, { clientId: 'mon-e2e', reconnectPeriod: 0 });
    const time = new Date().toISOString();
    const s = (code: string, value: number, unit: string) => ({ code, value, unit, time });
    // RR 26 → 3, SpO2 93 → 2, SBP 95 → 2, HR 118 → 2, 38.6 °C → 1, oxygen 2 L/min → 2, ACVPU V → 3: NEWS2 15.
    const samples = [
      s('9279-1', 26, '/min'),
      s('2708-6', 93, '%'),
      s('8480-6', 95, 'mm[Hg]'),
      s('8867-4', 118, '/min'),
      s('8310-5', 38.6, 'Cel'),
      s('3151-8', 2, 'L/min'),
      s('1104441000000107', 2, '{ACVPU}'),
    ];
    const published = performance.now();
    await client.publishAsync('vitaltwin/devices/mon-e2e/readings', JSON.stringify({ samples }), { qos: 1 });
    const events = await received;
    const latencyMs = alertAt - published;
    await client.endAsync();
    // Information only (no timed assertion): publish → alert frame on the SSE stream.
    console.info(`publish-to-alert latency (MQTT QoS 1 → /events): ${latencyMs.toFixed(1)} ms`);

    const alert = events.find((e) => e.event === 'alert')?.data.data as {
      transition: string;
      notify: boolean;
      alert: { id: string; kind: string; severity: string; details: Record<string, unknown> };
    };
    expect(alert).toMatchObject({ transition: 'opened', notify: true, alert: { kind: 'news2', severity: 'critical' } });
    // Oxygen and ACVPU came from the device, so nothing was assumed.
    expect(alert.alert.details).toMatchObject({ total: 15, redFlag: true });
    expect(alert.alert.details.assumedAir).toBeUndefined();
    expect(events.find((e) => e.event === 'score')?.data.data).toMatchObject({
      news2: { total: 15 },
      assumedAir: false,
      assumedAlert: false,
    });

    const listed = await json(await fetch(`${server.url}/alerts?patient=pat-e2e&status=open`));
    expect((listed.alerts as { id: string }[]).map((a) => a.id)).toEqual([alert.alert.id]);
    const observationId = alert.alert.details.observationId as string;
    const observation = await fetch(`${server.url}/fhir/Observation/${observationId}`);
    expect(observation.status).toBe(200);
    expect(await json(observation)).toMatchObject({ valueQuantity: { value: 15 }, subject: { reference: 'Patient/pat-e2e' } });
  });

  it('acknowledges and resolves with who and a note; 409 and 404 as OperationOutcome', async () => {
    const [open] = (await json(await fetch(`${server.url}/alerts?patient=Patient/pat-e2e&kind=news2`))).alerts as { id: string }[];
    const id = (open as { id: string }).id;
    const post = (path: string, body?: unknown) =>
      fetch(
        `${server.url}${path}`,
        body === undefined
          ? { method: 'POST' }
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
    const ack = await post(`/alerts/${id}/acknowledge`, { by: 'nurse-7', note: 'reviewing now' });
    expect(ack.status).toBe(200);
    expect(await json(ack)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'nurse-7', acknowledgeNote: 'reviewing now' });
    const again = await post(`/alerts/${id}/acknowledge`);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'conflict' }] });
    const resolved = await post(`/alerts/${id}/resolve`);
    expect(await json(resolved)).toMatchObject({ status: 'resolved', resolvedBy: 'local', resolution: 'manual' });
    const missing = await fetch(`${server.url}/alerts/no-such-alert`);
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    expect((await post(`/alerts/${id}/resolve`, { by: '' })).status).toBe(400);
    expect((await json(await fetch(`${server.url}/alerts/${id}`))).status).toBe('resolved');
  });

  it('activates a Subscription created through the FHIR API at once, and refuses one it cannot serve', async () => {
    const sub = (id: string, criteria: string) => ({
      resourceType: 'Subscription',
      id,
      status: 'requested',
      reason: 'ward pager',
      criteria,
      channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:9/hook', payload: 'application/fhir+json' },
    });
    expect((await put('Subscription/pager', sub('pager', 'Communication?category=alert&severity=critical'))).status).toBeLessThan(300);
    expect((await put('Subscription/odd', sub('odd', 'Encounter?status=arrived'))).status).toBeLessThan(300);
    // Status is written back in the background right after the write that triggered the refresh.
    const statusOf = async (id: string) =>
      (await json(await fetch(`${server.url}/fhir/Subscription/${id}`))) as { status: string; error?: string };
    const settled = async () => (await statusOf('odd')).status !== 'requested' && (await statusOf('pager')).status !== 'requested';
    for (let i = 0; i < 50 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await statusOf('pager')).toMatchObject({ status: 'active' });
    expect(await statusOf('odd')).toMatchObject({ status: 'error', error: expect.stringContaining('Encounter is not supported') });
  });

  it('validates list parameters and pages with next', async () => {
    expect((await fetch(`${server.url}/alerts?status=closed`)).status).toBe(400);
    expect((await fetch(`${server.url}/alerts?kind=news3`)).status).toBe(400);
    expect((await fetch(`${server.url}/alerts?since=yesterday`)).status).toBe(400);
    expect((await fetch(`${server.url}/alerts?_count=0`)).status).toBe(400);
    const page = await json(await fetch(`${server.url}/alerts?_count=1&since=2000-01-01`));
    expect(page.alerts).toHaveLength(1);
    expect(page.next).toMatch(/^\/alerts\?.*_before=/);
    const after = await json(await fetch(`${server.url}${page.next as string}`));
    expect(Array.isArray(after.alerts)).toBe(true);
  });
});
