import { isVitaltwinError } from '@vitaltwin/core';
import { testEngines } from '@vitaltwin/platform/testing';
import { populationNominalPatient, type SimulatedCgmDataset, simulateCgmDataset, uvaPatientsOfGroup } from '@vitaltwin/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirRepository } from '../fhir/fhir-repository.ts';
import { loadUvaPadovaData } from '../sim-data/uva-padova-data.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { GlucoseTwinService } from './glucose-twin.ts';
import { cgmReadingCodes } from './twin-inputs.ts';

const engines = await testEngines('glucose twin service');
const data = loadUvaPadovaData();
const patients = data.patients.map((p) => p.params);
const sensor = data.sensors.find((s) => s.name === 'GuardianRT')!;
const name = 'adult#003';
const truth: SimulatedCgmDataset = simulateCgmDataset(patients.find((p) => p.name === name)!, {
  days: 2,
  seed: 17,
  sensor,
  therapy: data.patients.find((p) => p.params.name === name)!.therapy,
});
const t0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const iso = (min: number) => new Date(t0 + min * 60_000).toISOString();
const ucum = 'http://unitsofmeasure.org';

/** The simulated record as FHIR resources: insulin boluses and basal, LOINC 9059-7 carbohydrate. */
function treatmentResources(patientId: string): Record<string, unknown>[] {
  const subject = { reference: `Patient/${patientId}` };
  const med = { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '86009', display: 'insulin lispro' }] };
  return [
    ...truth.log.basal.map((b) => ({
      resourceType: 'MedicationAdministration',
      status: 'in-progress',
      medicationCodeableConcept: med,
      subject,
      effectivePeriod: { start: iso(b.timeMin) },
      dosage: { rateQuantity: { value: b.uPerH, unit: 'U/h', system: ucum, code: 'U/h' } },
    })),
    ...truth.log.boluses.map((b) => ({
      resourceType: 'MedicationAdministration',
      status: 'completed',
      medicationCodeableConcept: med,
      subject,
      effectiveDateTime: iso(b.timeMin),
      dosage: { dose: { value: b.units, unit: 'U', system: ucum, code: 'U' } },
    })),
    ...truth.log.meals.map((m) => ({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '9059-7', display: 'Carbohydrate intake Estimated' }] },
      subject,
      effectiveDateTime: iso(m.timeMin),
      valueQuantity: { value: m.grams, unit: 'g', system: ucum, code: 'g' },
    })),
  ];
}

async function writeCgm(db: SqlClient, patientId: string, fromMin: number, toMin: number): Promise<void> {
  const readings = [];
  for (let i = 0; i < truth.cgm.timeMin.length; i++) {
    const t = truth.cgm.timeMin[i]!;
    if (t < fromMin || t >= toMin) continue;
    readings.push({
      patientId,
      code: cgmReadingCodes.mass,
      timeMs: t0 + t * 60_000,
      value: truth.cgm.glucoseMgDl[i]!,
      unit: 'mg/dL',
      deviceId: 'cgm-1',
    });
  }
  await new TimeSeriesStore(db).write(readings);
}

describe.each(engines)('GlucoseTwinService on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let service: GlucoseTwinService;
  const origin = 36 * 60;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    const repo = await FhirRepository.open(db);
    for (const r of treatmentResources('p1')) await repo.create(String(r['resourceType']), r);
    await writeCgm(db, 'p1', 0, origin + 1);
    service = new GlucoseTwinService({
      db,
      nominal: populationNominalPatient(uvaPatientsOfGroup(patients, 'adult'), { exclude: [name] }),
    });
  }, 120_000);
  afterAll(async () => {
    await dispose();
  });

  it('forecasts from device_reading CGM and FHIR treatments, with intervals and provenance', async () => {
    const result = await service.forecast('p1', { horizonsMin: [30, 60, 120], members: 100, seed: 3 });
    const last = truth.cgm.timeMin.filter((t) => t <= origin).at(-1)!;
    expect(result.origin.time).toBe(iso(last));
    expect(result.provenance.treatments.boluses).toBe(truth.log.boluses.length);
    expect(result.provenance.treatments.meals).toBe(truth.log.meals.length);
    expect(result.provenance.twin.id).toBe('vitaltwin-glucose-twin');
    expect(result.forecast.map((f) => f.time)).toEqual([30, 60, 120].map((h) => iso(last + h)));
    for (const f of result.forecast) {
      expect(f.interval95MgDl[0]).toBeLessThan(f.interval80MgDl[0]);
      expect(f.interval80MgDl[0]).toBeLessThan(f.medianMgDl);
      expect(f.interval80MgDl[1]).toBeGreaterThan(f.medianMgDl);
      expect(f.interval95MgDl[1]).toBeGreaterThan(f.interval80MgDl[1]);
    }
    // Against what the (simulated) sensor read 30 min later: within 40 mg/dL.
    const actual30 = truth.trueGsubMgDl[last + 30]!;
    expect(Math.abs(result.forecast[0]!.meanMgDl - actual30)).toBeLessThan(40);
  });

  it('assimilates new readings incrementally and simulates what-if options', async () => {
    const before = (await service.forecast('p1')).origin.readingsUsed;
    await writeCgm(db, 'p1', origin + 1, origin + 61);
    const result = await service.simulate('p1', {
      options: [
        { label: 'bolus 2 U now', boluses: [{ inMin: 0, units: 2 }] },
        { label: 'bolus 6 U now', boluses: [{ inMin: 0, units: 6 }] },
      ],
      horizonMin: 240,
      members: 80,
      seed: 5,
    });
    expect(result.origin.readingsUsed).toBeGreaterThan(before);
    expect(result.outcomes.map((o) => o.label)).toEqual(['no change', 'bolus 2 U now', 'bolus 6 U now']);
    const [none, two, six] = result.outcomes;
    expect(two!.bands.p50[24]!).toBeLessThan(none!.bands.p50[24]!);
    expect(six!.bands.p50[24]!).toBeLessThan(two!.bands.p50[24]!);
    expect(six!.risk.pBelow70).toBeGreaterThanOrEqual(two!.risk.pBelow70);
    expect(result.provenance.members).toBe(80);
  });

  it('answers a clear error for unknown patients and invalid options', async () => {
    const missing = await service.forecast('nobody').catch((e: unknown) => e);
    expect(isVitaltwinError(missing) && missing.code).toBe('VT_ERR_NOT_FOUND');
    const invalid = await service
      .simulate('p1', { options: [{ label: 'x', boluses: [{ inMin: -5, units: 1 }] }] })
      .catch((e: unknown) => e);
    expect(isVitaltwinError(invalid) && invalid.code).toBe('VT_ERR_INVALID_INPUT');
    expect(isVitaltwinError(invalid) && invalid.problems[0]!.expression).toBe('options[0].boluses[0].inMin');
  });

  it('rebuilds the twin when a treatment is added', async () => {
    const first = await service.forecast('p1', { seed: 9 });
    const repo = await FhirRepository.open(db);
    await repo.create('MedicationAdministration', {
      resourceType: 'MedicationAdministration',
      status: 'completed',
      medicationCodeableConcept: { text: 'insulin lispro' },
      subject: { reference: 'Patient/p1' },
      effectiveDateTime: new Date(Date.parse(first.origin.time) - 20 * 60_000).toISOString(),
      dosage: { dose: { value: 5, unit: 'U', system: ucum, code: 'U' } },
    });
    const second = await service.forecast('p1', { seed: 9 });
    expect(second.provenance.treatments.boluses).toBe(first.provenance.treatments.boluses + 1);
    expect(second.forecast[1]!.meanMgDl).toBeLessThan(first.forecast[1]!.meanMgDl);
  });
});
