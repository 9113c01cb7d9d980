import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuleOutcome } from '@vitaltwin/core';
import { type TestEngine, testEngines } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { type DeviceReading, TimeSeriesStore } from '../store/time-series-store.ts';
import { alertSeverityExtension, alertTransitionExtension } from './alert-communication.ts';
import { directSink } from './fhir-resource-sink.ts';
import { monitoringCodes as c } from './monitoring-codes.ts';
import { createMonitoring, type MonitoringRuntime } from './monitoring-runtime.ts';

const engines = await testEngines('FHIR Subscription delivery');
const t0 = Date.UTC(2026, 10, 21, 8, 0, 0);

interface Hook {
  path: string;
  body: Record<string, unknown> | null;
  auth: string | undefined;
}

describe.each(engines.map((e) => [e.name, e] as [string, TestEngine]))('rest-hook Subscriptions on %s', (_name, engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let runtime: MonitoringRuntime;
  let server: Server;
  let base: string;
  const received: Hook[] = [];
  /** Status codes the receiver answers with, in order; 200 once the list is used up. */
  const answers: number[] = [];
  const fire = (patientId: string, severity: 'high' | 'critical'): RuleOutcome => ({
    status: 'firing',
    intent: { dedupKey: `${patientId}:news2`, patientId, kind: 'news2', severity, summary: `NEWS2 ${severity}`, atMs: t0, details: {} },
  });
  const subscription = async (id: string) =>
    (
      await db.query<{ content: { status: string; error?: string } }>(
        `SELECT content FROM fhir_resource WHERE resource_type = 'Subscription' AND id = $1`,
        [id],
      )
    )[0]?.content;
  const settle = async () => {
    await runtime.monitor.idle();
    await runtime.scores.flush();
    await runtime.delivery.idle();
    await runtime.subscriptions.settled();
  };

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>),
          auth: req.headers.authorization,
        });
        res.writeHead(answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await directSink(db).upsert([
      {
        resourceType: 'Subscription',
        id: 'alerts-p1',
        status: 'requested',
        reason: 'page the ward team',
        criteria: 'Communication?category=alert&patient=p1',
        channel: {
          type: 'rest-hook',
          endpoint: `${base}/alerts`,
          payload: 'application/fhir+json',
          header: ['Authorization: Bearer ward-token'],
        },
      },
      {
        resourceType: 'Subscription',
        id: 'news2-scores',
        status: 'requested',
        reason: 'NEWS2 scores to the EHR',
        criteria: 'Observation?code=http://snomed.info/sct|1104051000000101',
        channel: { type: 'rest-hook', endpoint: `${base}/scores`, payload: 'application/fhir+json' },
      },
      {
        resourceType: 'Subscription',
        id: 'bad-criteria',
        status: 'requested',
        reason: 'not servable',
        criteria: 'Patient?name=smith',
        channel: { type: 'rest-hook', endpoint: `${base}/never` },
      },
    ]);
    runtime = createMonitoring({ db, clock: { nowMs: () => t0 }, delivery: { baseDelayMs: 10, maxAttempts: 3 } });
    await runtime.start();
    await runtime.subscriptions.settled();
  });
  afterAll(async () => {
    await runtime.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dispose();
  });

  it('activates servable Subscriptions and puts the others in error with the reason', async () => {
    expect(await subscription('alerts-p1')).toMatchObject({ status: 'active' });
    expect(await subscription('bad-criteria')).toMatchObject({
      status: 'error',
      error: expect.stringContaining('Patient is not supported'),
    });
  });

  it('POSTs an alert as a Communication, retrying after a 500, only for the subscribed patient', async () => {
    answers.push(500);
    await runtime.alerts.apply([fire('p1', 'high'), fire('p2', 'high')]);
    await settle();
    const hooks = received.filter((r) => r.path === '/alerts');
    expect(hooks).toHaveLength(2); // the failed attempt and the retry
    const comm = hooks[1]?.body as {
      resourceType: string;
      subject: { reference: string };
      priority: string;
      extension: { url: string; valueCode: string }[];
    };
    expect(hooks[1]?.auth).toBe('Bearer ward-token');
    expect(comm).toMatchObject({ resourceType: 'Communication', subject: { reference: 'Patient/p1' }, priority: 'asap' });
    expect(comm.extension).toEqual(
      expect.arrayContaining([
        { url: alertTransitionExtension, valueCode: 'opened' },
        { url: alertSeverityExtension, valueCode: 'high' },
      ]),
    );
    expect(await subscription('alerts-p1')).toMatchObject({ status: 'active' });
  });

  it('records status error after the last retry fails, and active again after the next success', async () => {
    answers.push(500, 500, 500);
    await runtime.alerts.apply([fire('p1', 'critical')]); // escalation: notified
    await settle();
    const failed = await subscription('alerts-p1');
    expect(failed).toMatchObject({ status: 'error', error: expect.stringContaining('failed after 3 attempts: HTTP 500') });
    const [open] = await runtime.alerts.list({ patientIds: ['p1'] });
    await runtime.alerts.acknowledge(open?.id as string, 'nurse', t0);
    await settle();
    const recovered = await subscription('alerts-p1');
    expect(recovered?.status).toBe('active');
    expect(recovered?.error).toBeUndefined();
  });

  it('POSTs stored NEWS2 score Observations to an Observation?code= Subscription', async () => {
    const r = (code: string, value: number, unit: string): DeviceReading => ({
      patientId: 'p3',
      code,
      timeMs: t0,
      value,
      unit,
      deviceId: 'm3',
    });
    const readings = [
      r(c.respiratoryRate, 16, '/min'),
      r(c.spo2, 97, '%'),
      r(c.systolicBp, 120, 'mm[Hg]'),
      r(c.heartRate, 80, '/min'),
      r(c.temperature, 37, 'Cel'),
    ];
    await new TimeSeriesStore(db).write(readings);
    runtime.monitor.enqueue({ readings });
    await settle();
    const scores = received
      .filter((h) => h.path === '/scores')
      .map((h) => h.body as { code: { text: string }; valueQuantity: { value: number } });
    expect(scores.map((s) => [s.code.text, s.valueQuantity.value])).toEqual([['NEWS2 total score', 0]]);
    expect(received.some((h) => h.path === '/never')).toBe(false);
  });
});
