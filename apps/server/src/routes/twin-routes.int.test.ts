import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStore } from '@vitaltwin/platform';
import { parseCgmSensorParamsCsv, parseQuestCsv, parseUvaPadovaParamsCsv, simulateCgmDataset } from '@vitaltwin/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';

// A simulated adult's 30 hours of 5-min CGM (Dexcom-like noise) written into device_reading, and
// its logged boluses and meals posted to the FHIR API as an outside client would.
const dataDir = new URL('../../../../packages/sim/data/uva-padova/', import.meta.url);
const csv = (file: string) => readFileSync(new URL(file, dataDir), 'utf8');
const name = 'adult#002';
const truth = simulateCgmDataset(parseUvaPadovaParamsCsv(csv('vpatient_params.csv')).find((p) => p.name === name)!, {
  days: 2,
  seed: 21,
  sensor: parseCgmSensorParamsCsv(csv('sensor_params.csv')).find((s) => s.name === 'GuardianRT')!,
  therapy: parseQuestCsv(csv('Quest.csv')).find((t) => t.name === name)!,
});
const t0 = Date.UTC(2026, 2, 1);
const originMin = 30 * 60;
const iso = (min: number) => new Date(t0 + min * 60_000).toISOString();
const ucum = 'http://unitsofmeasure.org';

interface Outcome {
  resourceType: string;
  issue: { code: string; expression?: string[]; diagnostics?: string; details?: { text?: string } }[];
}

describe('/twins', () => {
  let scratch: string;
  let server: RunningServer;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-twins-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir: scratch, logLevel: 'silent' }, env: {} }));
    const readings = [];
    for (let i = 0; i < truth.cgm.timeMin.length && truth.cgm.timeMin[i]! <= originMin; i++) {
      readings.push({
        patientId: 'pt-1',
        code: '99504-3',
        timeMs: t0 + truth.cgm.timeMin[i]! * 60_000,
        value: truth.cgm.glucoseMgDl[i]!,
        unit: 'mg/dL',
      });
    }
    await new TimeSeriesStore(server.context.db).write(readings);
    const post = (resource: Record<string, unknown>) =>
      fetch(`${server.url}/fhir/${String(resource['resourceType'])}`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(resource),
      });
    const subject = { reference: 'Patient/pt-1' };
    for (const b of truth.log.boluses.filter((x) => x.timeMin <= originMin)) {
      const res = await post({
        resourceType: 'MedicationAdministration',
        status: 'completed',
        medicationCodeableConcept: { text: 'insulin lispro' },
        subject,
        effectiveDateTime: iso(b.timeMin),
        dosage: { dose: { value: b.units, unit: 'U', system: ucum, code: 'U' } },
      });
      expect(res.status).toBe(201);
    }
    for (const m of truth.log.meals.filter((x) => x.timeMin <= originMin)) {
      const res = await post({
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '9059-7' }] },
        subject,
        effectiveDateTime: iso(m.timeMin),
        valueQuantity: { value: m.grams, unit: 'g', system: ucum, code: 'g' },
      });
      expect(res.status).toBe(201);
    }
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('GET /twins/{id}/glucose/forecast returns horizons with intervals, the estimate and provenance', async () => {
    const res = await fetch(`${server.url}/twins/pt-1/glucose/forecast?horizons=30,60,120&members=100&seed=2`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      origin: { time: string; readingsUsed: number };
      forecast: { horizonMin: number; time: string; meanMgDl: number; interval80MgDl: number[]; interval95MgDl: number[] }[];
      estimate: { insulinSensitivityScale: { median: number }; effective: { insulinSensitivityMgDlPerU: number } };
      provenance: { twin: { id: string; version: string }; treatments: { boluses: number; meals: number }; seed: number };
    };
    const last = truth.cgm.timeMin.filter((t) => t <= originMin).at(-1)!;
    expect(body.origin.time).toBe(iso(last));
    expect(body.forecast.map((f) => f.horizonMin)).toEqual([30, 60, 120]);
    expect(body.forecast[0]!.time).toBe(iso(last + 30));
    for (const f of body.forecast) {
      expect(f.interval95MgDl[0]).toBeLessThan(f.interval80MgDl[0]!);
      expect(f.interval80MgDl[0]).toBeLessThan(f.meanMgDl);
      expect(f.interval80MgDl[1]).toBeGreaterThan(f.meanMgDl);
    }
    expect(Math.abs(body.forecast[0]!.meanMgDl - truth.trueGsubMgDl[last + 30]!)).toBeLessThan(40);
    expect(body.provenance.twin.id).toBe('vitaltwin-glucose-twin');
    expect(body.provenance.treatments.boluses).toBe(truth.log.boluses.filter((x) => x.timeMin <= originMin).length);
    expect(body.provenance.treatments.meals).toBeGreaterThan(0);
    expect(body.estimate.effective.insulinSensitivityMgDlPerU).toBeGreaterThan(0);
  });

  it('POST /twins/{id}/simulate returns bands and risks per option; more insulin, more hypoglycaemia risk', async () => {
    const res = await fetch(`${server.url}/twins/pt-1/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        options: [
          { label: 'bolus 2 U now', boluses: [{ inMin: 0, units: 2 }] },
          { label: 'bolus 8 U now', boluses: [{ inMin: 0, units: 8 }] },
          { label: '60 g meal in 30 min', meals: [{ inMin: 30, carbsG: 60 }] },
        ],
        horizonMin: 240,
        members: 100,
        seed: 7,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      horizonMin: number;
      outcomes: {
        label: string;
        bands: { timesMin: number[]; p50: number[] };
        risk: { pBelow70: number; minutesBelow70: number; pAbove180: number };
      }[];
      provenance: { members: number; seed: number };
    };
    expect(body.outcomes.map((o) => o.label)).toEqual(['no change', 'bolus 2 U now', 'bolus 8 U now', '60 g meal in 30 min']);
    const [none, small, large, meal] = body.outcomes;
    expect(none!.bands.timesMin).toHaveLength(49);
    expect(large!.bands.p50[36]!).toBeLessThan(small!.bands.p50[36]!);
    expect(small!.bands.p50[36]!).toBeLessThan(none!.bands.p50[36]!);
    expect(large!.risk.pBelow70).toBeGreaterThan(small!.risk.pBelow70);
    expect(meal!.risk.pAbove180).toBeGreaterThanOrEqual(none!.risk.pAbove180);
    expect(body.provenance).toMatchObject({ members: 100, seed: 7 });
  });

  it('answers OperationOutcomes: 400 with JSON paths for bad input, 404 without CGM data', async () => {
    const bad = await fetch(`${server.url}/twins/pt-1/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ options: [{ label: 'x', boluses: [{ inMin: 0, units: -1 }] }], members: 3 }),
    });
    expect(bad.status).toBe(400);
    const outcome = (await bad.json()) as Outcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue.flatMap((i) => i.expression ?? [])).toEqual(['members']);
    const badOption = await fetch(`${server.url}/twins/pt-1/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ options: [{ label: 'x', boluses: [{ inMin: 0, units: -1 }] }] }),
    });
    expect(badOption.status).toBe(400);
    expect(((await badOption.json()) as Outcome).issue.flatMap((i) => i.expression ?? [])).toEqual(['options[0].boluses[0].units']);
    const badQuery = await fetch(`${server.url}/twins/pt-1/glucose/forecast?horizons=30,abc`);
    expect(badQuery.status).toBe(400);
    const missing = await fetch(`${server.url}/twins/nobody/glucose/forecast`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Outcome).issue[0]!.code).toBe('not-found');
  });
});
