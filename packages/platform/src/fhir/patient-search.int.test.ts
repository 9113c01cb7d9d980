import type { Observation, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { testEngines } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';
import { patientKey } from './index-rows.ts';

/**
 * Searches scoped to one patient (`patient=..` with other clauses) intersect that patient's index
 * rows (search-executor.ts storedBranch). Their results, order, totals and pages must equal what a
 * plain filter over the stored Observations gives, including for a second patient whose id has the
 * same patient hint (`pk`), whose rows the intersection reads but must not return.
 */
const loinc = 'http://loinc.org';
const heartRate = '8867-4';
const respiratoryRate = '9279-1';
// Two ids with the same 32-bit FNV-1a hash, so their index rows share `pk`.
const patientA = 'pt-6yzx';
const patientB = 'pt-d6ad';
const patientC = 'pt-other';
const day = 86_400_000;
const startMs = Date.UTC(2024, 0, 1);

function observation(patient: string, i: number): Observation & { id: string } {
  const code = i % 3 === 2 ? respiratoryRate : heartRate;
  return {
    resourceType: 'Observation',
    id: `${patient}-o${i}`,
    status: i % 5 === 4 ? 'amended' : 'final',
    code: { coding: [{ system: loinc, code }] },
    subject: { reference: `Patient/${patient}` },
    encounter: { reference: `Encounter/${patient}-e${i % 4}` },
    // Distinct instants, 7 hours apart, so every sort order is total.
    effectiveDateTime: new Date(startMs + i * 7 * 3_600_000 + (patient === patientB ? 60_000 : 0)).toISOString(),
    valueQuantity: { value: 50 + ((i * 37) % 60), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

const stored: (Observation & { id: string })[] = [];
for (const patient of [patientA, patientB, patientC]) for (let i = 0; i < 60; i++) stored.push(observation(patient, i));

const codeOf = (o: Observation) => o.code.coding?.[0]?.code;
const timeOf = (o: Observation) => Date.parse(o.effectiveDateTime!);
const since = (days: number) => new Date(startMs + days * day).toISOString().slice(0, 10);

interface Case {
  readonly query: string;
  readonly expect: (o: Observation) => boolean;
  /** Expected order: by effective time, or unordered (compared as sets). */
  readonly order?: 'asc' | 'desc';
}

const of = (patient: string) => (o: Observation) => o.subject?.reference === `Patient/${patient}`;
const cases: Case[] = [
  {
    query: `patient=${patientA}&code=${loinc}|${heartRate}&date=ge${since(5)}&_sort=-date`,
    expect: (o) => of(patientA)(o) && codeOf(o) === heartRate && timeOf(o) >= startMs + 5 * day,
    order: 'desc',
  },
  {
    query: `patient=${patientB}&code=${loinc}|${heartRate}&date=ge${since(5)}&_sort=date`,
    expect: (o) => of(patientB)(o) && codeOf(o) === heartRate && timeOf(o) >= startMs + 5 * day,
    order: 'asc',
  },
  {
    query: `subject=Patient/${patientA}&code=${heartRate}&date=lt${since(9)}&_sort=-date`,
    expect: (o) => of(patientA)(o) && codeOf(o) === heartRate && timeOf(o) < startMs + 9 * day,
    order: 'desc',
  },
  {
    query: `patient=${patientA}&code=${loinc}|${heartRate}&status=final&value-quantity=gt70`,
    expect: (o) => of(patientA)(o) && codeOf(o) === heartRate && o.status === 'final' && o.valueQuantity!.value! > 70,
  },
  {
    query: `patient=${patientB}&code=${heartRate},${respiratoryRate}&encounter=Encounter/${patientB}-e1&_sort=-date`,
    expect: (o) => of(patientB)(o) && o.encounter?.reference === `Encounter/${patientB}-e1`,
    order: 'desc',
  },
  {
    query: `patient=${patientA}&code:not=${loinc}|${heartRate}&date=ge${since(2)}&_sort=-date`,
    expect: (o) => of(patientA)(o) && codeOf(o) !== heartRate && timeOf(o) >= startMs + 2 * day,
    order: 'desc',
  },
  {
    query: `patient=${patientA}&status=final&date=ge${since(3)}&date=lt${since(12)}&_sort=date`,
    expect: (o) => of(patientA)(o) && o.status === 'final' && timeOf(o) >= startMs + 3 * day && timeOf(o) < startMs + 12 * day,
    order: 'asc',
  },
];

describe.each(await testEngines('patient-scoped FHIR search'))('patient-scoped search on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    const patients = [patientA, patientB, patientC].map((id) => ({ resourceType: 'Patient' as const, id }));
    await repo.writeTransaction([...patients, ...stored].map((resource) => ({ kind: 'update' as const, resource })));
  }, 60_000);

  afterAll(async () => {
    await repo?.close();
    await dispose?.();
  });

  it('uses two patients whose ids share the patient hint', () => {
    expect(patientKey(patientA)).toBe(patientKey(patientB));
  });

  it.each(cases)('pages through $query with the right total, order and members', async (c) => {
    const expected = stored.filter(c.expect);
    if (c.order) expected.sort((a, b) => (c.order === 'asc' ? timeOf(a) - timeOf(b) : timeOf(b) - timeOf(a)));
    expect(expected.length).toBeGreaterThan(3);
    const seen: Resource[] = [];
    for (let offset = 0; ; offset += 4) {
      const page = await repo.search('Observation', new URLSearchParams(`${c.query}&_count=4&_offset=${offset}`));
      expect(page.total).toBe(expected.length);
      seen.push(...page.matches);
      expect(page.hasNext).toBe(offset + 4 < expected.length);
      if (!page.hasNext) break;
    }
    const ids = seen.map((r) => r.id);
    if (c.order) expect(ids).toEqual(expected.map((o) => o.id));
    else expect([...ids].sort()).toEqual(expected.map((o) => o.id).sort());
  });

  it('counts with _summary=count and pages without a total under _total=none', async () => {
    const query = `patient=${patientB}&code=${loinc}|${heartRate}&date=ge${since(5)}&_sort=-date`;
    const expected = stored.filter(cases[1]!.expect).length;
    expect((await repo.search('Observation', new URLSearchParams(`${query}&_summary=count`))).total).toBe(expected);
    const page = await repo.search('Observation', new URLSearchParams(`${query}&_total=none&_count=${expected - 1}`));
    expect(page.total).toBeUndefined();
    expect(page.matches).toHaveLength(expected - 1);
    expect(page.hasNext).toBe(true);
  });

  it('finds device readings by date with every prefix, at the edges of the search range', async () => {
    // Readings at whole seconds and 1 ms either side of them, over three months (three partitions).
    const base = Date.UTC(2024, 2, 30, 23, 59, 59);
    const times = [-86_400_000 * 40, -1001, -1000, -999, -1, 0, 1, 999, 1000, 1001, 86_400_000 * 40].map((d) => base + d);
    await new TimeSeriesStore(db).write(
      times.map((timeMs, i) => ({ patientId: patientC, code: heartRate, timeMs, value: 60 + i, unit: '/min', deviceId: 'watch-9' })),
    );
    // The search value 2024-03-30T23:59:59Z is the range [base, base + 1 s); a reading is [t, t + 1 ms).
    const lo = base;
    const hi = base + 1000;
    const rules: Record<string, (t: number) => boolean> = {
      eq: (t) => t >= lo && t + 1 <= hi,
      ne: (t) => !(t >= lo && t + 1 <= hi),
      gt: (t) => t + 1 > hi,
      lt: (t) => t < lo,
      ge: (t) => t + 1 > lo && (t + 1 > hi || (t >= lo && t + 1 <= hi)),
      le: (t) => t < lo || (t >= lo && t + 1 <= hi),
      sa: (t) => t >= hi,
      eb: (t) => t + 1 <= lo,
    };
    for (const [prefix, rule] of Object.entries(rules)) {
      const result = await repo.search(
        'Observation',
        new URLSearchParams(`patient=${patientC}&code=${loinc}|${heartRate}&date=${prefix}2024-03-30T23:59:59Z&_sort=date&_count=100`),
      );
      const readings = result.matches.filter((r) => r.id?.startsWith('dr-')).map((r) => Date.parse((r as Observation).effectiveDateTime!));
      expect(readings, prefix).toEqual(times.filter(rule));
      // A reading found by search is the Observation its id reads (value, unit, device, times).
      for (const r of result.matches.filter((m) => m.id?.startsWith('dr-')))
        expect(r, prefix).toEqual(await repo.read('Observation', r.id!));
    }
  });

  it('leaves out a deleted resource', async () => {
    const query = `patient=${patientC}&code=${loinc}|${heartRate}&date=ge${since(0)}&_sort=-date`;
    const before = await repo.search('Observation', new URLSearchParams(query));
    const victim = before.matches.find((r) => !r.id?.startsWith('dr-'))!.id!;
    await repo.delete('Observation', victim);
    const after = await repo.search('Observation', new URLSearchParams(query));
    expect(after.total).toBe(before.total! - 1);
    expect(after.matches.map((r) => r.id)).not.toContain(victim);
  });
});
