import { type TestEngine, testEngines } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBus, type SequencedEvent } from '../events/event-bus.ts';
import { registerDeviceBindings } from '../ingest/device-registration.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { type DeviceReading, TimeSeriesStore } from '../store/time-series-store.ts';
import { directSink } from './fhir-resource-sink.ts';
import { monitoringCodes as c } from './monitoring-codes.ts';
import { createMonitoring, type MonitoringRuntime } from './monitoring-runtime.ts';
import { spo2Scale2FlagCode } from './spo2-scale-flags.ts';

const engines = await testEngines('patient monitor');
const t0 = Date.UTC(2026, 10, 21, 8, 0, 0);
const min = 60_000;

/** One set of the five measured NEWS2 vital signs at `timeMs`. */
function vitals(
  patientId: string,
  timeMs: number,
  v: { rr: number; spo2: number; sbp: number; hr: number; temp: number },
  deviceId = `mon-${patientId}`,
): DeviceReading[] {
  const r = (code: string, value: number, unit: string): DeviceReading => ({ patientId, code, timeMs, value, unit, deviceId });
  return [
    r(c.respiratoryRate, v.rr, '/min'),
    r(c.spo2, v.spo2, '%'),
    r(c.systolicBp, v.sbp, 'mm[Hg]'),
    r(c.heartRate, v.hr, '/min'),
    r(c.temperature, v.temp, 'Cel'),
  ];
}
const cgm = (patientId: string, startMs: number, values: number[]): DeviceReading[] =>
  values.map((value, i) => ({
    patientId,
    code: c.cgmGlucose,
    timeMs: startMs + i * 5 * min,
    value,
    unit: 'mg/dL',
    deviceId: `cgm-${patientId}`,
  }));

describe.each(engines.map((e) => [e.name, e] as [string, TestEngine]))('patient monitor on %s', (_name, engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let series: TimeSeriesStore;
  let clock = t0;
  let events: SequencedEvent[];
  let runtime: MonitoringRuntime;
  const fakeTimer = {
    intervals: [] as number[],
    setInterval: (_run: () => void, ms: number) => fakeTimer.intervals.push(ms),
    clearInterval: () => undefined,
  };

  /** Stores readings and hands them to the monitor the way ingest's onReadingsStored does. */
  async function ingest(readings: DeviceReading[]) {
    await series.write(readings);
    runtime.monitor.enqueue({ readings });
    await runtime.monitor.idle();
    await runtime.scores.flush();
  }
  const alertsOf = (patientId: string) => runtime.alerts.list({ patientIds: [patientId] });
  const alertEvents = (patientId: string) =>
    events
      .filter((e) => e.type === 'alert' && e.patientId === patientId)
      .map((e) => e.data as { transition: string; alert: { kind: string; severity: string } });

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    series = new TimeSeriesStore(db);
    const bus = new EventBus();
    events = [];
    bus.subscribe({}, (e) => events.push(e));
    runtime = createMonitoring({
      db,
      events: bus,
      clock: { nowMs: () => clock },
      timer: fakeTimer,
      config: { sweepIntervalSec: 30, staleAfterMin: 20, scoreRefreshSec: 60, scoreMinIntervalSec: 10 },
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await dispose();
  });
  beforeEach(() => {
    events.length = 0;
  });

  it('runs the sweeper at the configured interval', () => {
    expect(fakeTimer.intervals).toEqual([30_000]);
  });

  it('opens a NEWS2 alert at 5 and escalates it at 7 (3 → 5 → 7), storing each score', async () => {
    // RR 21 → 2, HR 95 → 1: total 3, no single red score → routine, no alert (RCP 2017 Chart 3).
    clock = t0;
    await ingest(vitals('n1', t0, { rr: 21, spo2: 97, sbp: 120, hr: 95, temp: 37 }));
    expect(await alertsOf('n1')).toEqual([]);
    // + SpO2 95 → 1, temperature 38.5 → 1: total 5 → "urgent response", severity high.
    clock = t0 + 5 * min;
    await ingest(vitals('n1', clock, { rr: 22, spo2: 95, sbp: 120, hr: 95, temp: 38.5 }));
    // RR 24 → 2, SpO2 94 → 1, SBP 105 → 1, HR 115 → 2, temperature 38.5 → 1: total 7 → "emergency response".
    clock = t0 + 10 * min;
    await ingest(vitals('n1', clock, { rr: 24, spo2: 94, sbp: 105, hr: 115, temp: 38.5 }));
    const alerts = await alertsOf('n1');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'news2', status: 'open', severity: 'critical', peakSeverity: 'critical', escalations: 1 });
    expect(alerts[0]?.details).toMatchObject({ total: 7, assumedAir: true, assumedAlert: true });
    expect(alerts[0]?.summary).toContain('assumed: air, Alert');
    expect(alertEvents('n1').map((e) => [e.transition, e.alert.severity])).toEqual([
      ['opened', 'high'],
      ['escalated', 'critical'],
    ]);
    const scores = events.filter((e) => e.type === 'score' && e.patientId === 'n1').map((e) => (e.data.news2 as { total: number }).total);
    expect(scores).toEqual([3, 5, 7]);
    const stored = await db.query<{ total: number; note: string }>(
      `SELECT (content->'valueQuantity'->>'value')::int AS total, content->'note'->0->>'text' AS note FROM fhir_resource
        WHERE resource_type = 'Observation' AND patient_id = 'n1' AND (content->'code'->'coding')::jsonb @> '[{"code":"news2-total"}]' ORDER BY 1`,
    );
    expect(stored.map((s) => s.total)).toEqual([3, 5, 7]);
    expect(stored[0]?.note).toContain('on air');
  });

  it('resolves the NEWS2 alert when a complete set is back below every trigger', async () => {
    clock = t0 + 20 * min;
    await ingest(vitals('n1', clock, { rr: 16, spo2: 97, sbp: 120, hr: 80, temp: 37 }));
    expect((await alertsOf('n1'))[0]).toMatchObject({ status: 'resolved', resolution: 'condition-cleared' });
  });

  it('scores oxygen and ACVPU reported by the device instead of assuming air and Alert', async () => {
    clock = t0;
    const extra: DeviceReading[] = [
      { patientId: 'o1', code: c.oxygenFlow, timeMs: t0, value: 2, unit: 'L/min', deviceId: 'mon-o1' },
      { patientId: 'o1', code: c.acvpu, timeMs: t0, value: 1, unit: '{ACVPU}', deviceId: 'mon-o1' },
    ];
    await ingest([...vitals('o1', t0, { rr: 16, spo2: 97, sbp: 120, hr: 80, temp: 37 }), ...extra]);
    const score = events.find((e) => e.type === 'score' && e.patientId === 'o1')?.data as {
      news2: { total: number; redFlag: boolean };
      assumedAir: boolean;
      assumedAlert: boolean;
    };
    // Oxygen → 2 (air-or-oxygen row), new confusion → 3 (red score): total 5.
    expect(score).toMatchObject({ news2: { total: 5, redFlag: true }, assumedAir: false, assumedAlert: false });
    expect((await alertsOf('o1'))[0]).toMatchObject({ severity: 'high', details: { total: 5, redFlag: true } });
  });

  it('scores SpO2 on scale 2 for a patient with the documented scale-2 Flag', async () => {
    await directSink(db).upsert([
      {
        resourceType: 'Flag',
        id: 'flag-s2',
        status: 'active',
        code: { coding: [{ ...spo2Scale2FlagCode }] },
        subject: { reference: 'Patient/s2' },
      },
    ]);
    clock = t0 + 10 * min; // past the Flag cache lifetime (30 s) since the last lookup
    const onOxygen: DeviceReading = { patientId: 's2', code: c.oxygenFlow, timeMs: clock, value: 1, unit: 'L/min', deviceId: 'mon-s2' };
    await ingest([...vitals('s2', clock, { rr: 16, spo2: 95, sbp: 120, hr: 80, temp: 37 }), onOxygen]);
    const score = events.find((e) => e.type === 'score' && e.patientId === 's2')?.data as { news2: { total: number; spo2Scale: number } };
    // Scale 2, on oxygen: SpO2 95 → 2; oxygen → 2. Scale 1 would give 1 + 2.
    expect(score.news2).toMatchObject({ spo2Scale: 2, total: 4 });
  });

  it('stores each score when it changes (held within 10 s of the last), unchanged ones once per refresh interval', async () => {
    const set = { rr: 16, spo2: 97, sbp: 120, hr: 80, temp: 37 };
    const stored = async () =>
      (
        await db.query<{ code: string }>(
          `SELECT content->'code'->'coding'->-1->>'code' AS code FROM fhir_resource
            WHERE resource_type = 'Observation' AND patient_id = 't1' ORDER BY last_updated, code`,
        )
      ).map((r) => r.code);
    clock = t0;
    await ingest(vitals('t1', t0, set));
    clock = t0 + 20_000;
    await ingest(vitals('t1', clock, set));
    expect(await stored()).toEqual(['mews-total', 'news2-total', 'qsofa-total']);
    // HR 95: the NEWS2 pulse score 0 → 1; MEWS (51–100 → 0) and qSOFA do not change.
    clock = t0 + 30_000;
    await ingest(vitals('t1', clock, { ...set, hr: 95 }));
    expect((await stored()).slice(3)).toEqual(['news2-total']);
    // HR 115 five seconds later: NEWS2 and MEWS change, but are held until 10 s after the last store.
    clock = t0 + 35_000;
    await ingest(vitals('t1', clock, { ...set, hr: 115 }));
    expect(await stored()).toHaveLength(4);
    clock = t0 + 41_000;
    runtime.scores.releaseDue();
    await runtime.scores.flush();
    expect((await stored()).slice(4)).toEqual(['mews-total', 'news2-total']);
    // Unchanged for a minute: all three are stored again as still holding.
    clock = t0 + 102_000;
    await ingest(vitals('t1', clock, { ...set, hr: 115 }));
    expect(await stored()).toHaveLength(9);
  });

  it('raises an urgent low below 54 mg/dL from CGM readings', async () => {
    clock = t0 + 16 * min;
    await ingest(cgm('g1', t0, [80, 70, 60, 50]));
    const low = (await alertsOf('g1')).find((a) => a.kind === 'glucose-low');
    expect(low).toMatchObject({ severity: 'critical', deviceId: 'cgm-g1', details: { glucoseMgDl: 50, thresholdMgDl: 54 } });
  });

  it('raises "low soon" when the AR2 forecast falls below 70 mg/dL within 30 minutes', async () => {
    clock = t0 + 16 * min;
    await ingest(cgm('g2', t0, [100, 90, 80, 72]));
    // Oracle (Nightscout AR2, clinical-references.md): y = ln(BG/140), y' = −0.723·y_prev + 1.716·y_curr.
    const y = -0.723 * Math.log(80 / 140) + 1.716 * Math.log(72 / 140);
    const expected = Math.round(140 * Math.exp(y)); // 67 mg/dL, 5 min ahead
    const alerts = await alertsOf('g2');
    expect(alerts.map((a) => a.kind)).toEqual(['glucose-predicted-low']);
    expect(alerts[0]).toMatchObject({ severity: 'medium', details: { predictedMgDl: expected, predictedInMin: 5, thresholdMgDl: 70 } });
  });

  it('raises a fall alert for a fall event reported by a device', async () => {
    clock = t0;
    await ingest([{ patientId: 'f1', code: c.fall, timeMs: t0, value: 0.9, unit: '1', deviceId: 'watch-f1' }]);
    expect((await alertsOf('f1'))[0]).toMatchObject({ kind: 'fall', severity: 'high', deviceId: 'watch-f1', details: { confidence: 0.9 } });
  });

  it('sweeps for stale devices and resolves the alert once the device reports again', async () => {
    await registerDeviceBindings(db, [{ deviceId: 'mon-st1', patientId: 'st1' }]);
    clock = t0;
    await ingest(vitals('st1', t0, { rr: 16, spo2: 97, sbp: 120, hr: 80, temp: 37 }, 'mon-st1'));
    clock = t0 + 15 * min;
    await runtime.sweeper.sweep();
    expect(await alertsOf('st1')).toEqual([]);
    clock = t0 + 21 * min;
    await runtime.sweeper.sweep();
    expect((await alertsOf('st1'))[0]).toMatchObject({
      kind: 'stale-data',
      status: 'open',
      deviceId: 'mon-st1',
      details: { silentMin: 21, staleAfterMin: 20 },
    });
    await ingest(vitals('st1', clock, { rr: 16, spo2: 97, sbp: 120, hr: 80, temp: 37 }, 'mon-st1'));
    await runtime.sweeper.sweep();
    expect((await alertsOf('st1'))[0]).toMatchObject({ kind: 'stale-data', status: 'resolved' });
  });

  it('sweeps for missed medication doses and resolves once the administration is charted', async () => {
    const sink = directSink(db);
    await sink.upsert([
      {
        resourceType: 'MedicationRequest',
        id: 'mr-1',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/m1' },
        medicationCodeableConcept: { text: 'metformin 500 mg' },
        authoredOn: '2026-11-01',
        dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', timeOfDay: ['08:00:00'] } } }],
      },
    ]);
    clock = t0 + 2 * 60 * min; // 10:00, the 08:00 dose is 2 h late (grace 60 min)
    await runtime.sweeper.sweep();
    const [alert] = await alertsOf('m1');
    expect(alert).toMatchObject({ kind: 'medication-overdue', status: 'open', details: { medicationRequestId: 'mr-1', overdueCount: 1 } });
    await sink.upsert([
      {
        resourceType: 'MedicationAdministration',
        id: 'ma-1',
        status: 'completed',
        medicationCodeableConcept: { text: 'metformin 500 mg' },
        subject: { reference: 'Patient/m1' },
        request: { reference: 'MedicationRequest/mr-1' },
        effectiveDateTime: '2026-11-21T09:40:00Z',
      },
    ]);
    await runtime.sweeper.sweep();
    expect((await alertsOf('m1'))[0]).toMatchObject({ status: 'resolved', resolution: 'condition-cleared' });
  });
});
