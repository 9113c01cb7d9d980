import { readFile } from 'node:fs/promises';
import type { Observation } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { testEngines } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';
import { patientKey } from './index-rows.ts';
import { searchModel } from './search-parameter-registry.ts';
import { seriesSpec } from './series-index.ts';

/**
 * The series index (series-index.ts) must answer exactly as the single-parameter index rows do:
 * the same members, order, total and pages for every search it takes, over Observations of every
 * shape it must handle (several codings or none, codes without a system, dateTimes of every
 * precision, Periods open at either end, no date, subjects that are Groups or absent, and two
 * patients whose ids share the patient hint `pk`). Queries are generated (fast-check, random seed).
 */
const loinc = 'http://loinc.org';
const patients = ['pt-6yzx', 'pt-d6ad', 'p3'];
const codes = ['8867-4', '9279-1', '8310-5'];

function observations(): (Observation & { id: string })[] {
  let seed = 11;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((seed / 2_147_483_648) * n);
  };
  const out: (Observation & { id: string })[] = [];
  for (let i = 0; i < 240; i++) {
    const subject = [...patients.map((p) => `Patient/${p}`), 'Group/g1', undefined][rand(5)];
    const codingCount = [1, 1, 1, 2, 0][rand(5)]!;
    const coding = Array.from({ length: codingCount }, (_, k) =>
      rand(4) === 0 ? { code: codes[(i + k) % 3]! } : { system: loinc, code: codes[(i + k) % 3]! },
    );
    const at = Date.UTC(2024, 0, 1) + rand(400) * 86_400_000 + rand(24) * 3_600_000;
    const iso = new Date(at).toISOString();
    const effective = [
      { effectiveDateTime: iso },
      { effectiveDateTime: iso },
      { effectiveDateTime: iso.slice(0, 10) },
      { effectiveDateTime: iso.slice(0, 7) },
      { effectivePeriod: { start: iso, end: new Date(at + 5 * 86_400_000).toISOString() } },
      { effectivePeriod: { start: iso } },
      { effectivePeriod: { end: iso } },
      { effectiveInstant: iso },
      {},
    ][rand(9)]!;
    out.push({
      resourceType: 'Observation',
      id: `o${i}`,
      status: 'final',
      code: codingCount === 0 ? { text: 'free text only' } : { coding },
      ...(subject ? { subject: { reference: subject } } : {}),
      ...effective,
    });
  }
  return out;
}

const day = fc.integer({ min: 0, max: 420 }).map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString());
const dateValue = fc
  .tuple(fc.constantFrom('', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'), day, fc.constantFrom(4, 7, 10, 20))
  .map(([prefix, iso, length]) => `${prefix}${length === 20 ? iso.replace('.000', '') : iso.slice(0, length)}`);
const codeValue = fc
  .tuple(fc.constantFrom(...codes), fc.constantFrom('system', 'bare', 'nosystem', 'systemonly'))
  .map(([code, form]) =>
    form === 'system' ? `${loinc}|${code}` : form === 'bare' ? code : form === 'nosystem' ? `|${code}` : `${loinc}|`,
  );
const query = fc
  .record({
    patient: fc.constantFrom(...patients, 'nobody'),
    scope: fc.constantFrom('patient=', 'subject=Patient/', 'subject:Patient='),
    codes: fc.array(codeValue, { minLength: 1, maxLength: 2 }),
    dates: fc.array(fc.array(dateValue, { minLength: 1, maxLength: 2 }), { maxLength: 2 }),
    sort: fc.constantFrom(undefined, 'date', '-date'),
    count: fc.integer({ min: 1, max: 30 }),
  })
  .map((q) => {
    const parts = [`${q.scope}${q.patient}`, `code=${q.codes.join(',')}`, ...q.dates.map((d) => `date=${d.join(',')}`)];
    if (q.sort) parts.push(`_sort=${q.sort}`);
    return { text: parts.join('&'), count: q.count };
  });

describe.each(await testEngines('FHIR series index'))('series index on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;
  const stored = observations();

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    await repo.writeTransaction(stored.map((resource) => ({ kind: 'update' as const, resource })));
  }, 60_000);

  afterAll(async () => {
    await repo?.close();
    await dispose?.();
  });

  it('stores the key its migration registered', async () => {
    const spec = seriesSpec(searchModel('Observation')!)!;
    expect(spec.path.expression).toBe('Observation.subject;Observation.code;Observation.effective');
    const rows = await db.query<{ n: number }>(`SELECT count(DISTINCT key)::int AS n FROM fhir_series`);
    expect(rows[0]!.n).toBe(1);
    expect(patientKey(patients[0]!)).toBe(patientKey(patients[1]!));
  });

  it('answers every search it takes as the single-parameter rows do, page by page', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const pages = async (seriesIndex: boolean) => {
          const ids: string[] = [];
          const totals: (number | undefined)[] = [];
          for (let offset = 0; offset < 400; offset += q.count) {
            const r = await repo.search('Observation', new URLSearchParams(`${q.text}&_count=${q.count}&_offset=${offset}`), {
              seriesIndex,
            });
            ids.push(...r.matches.map((m) => m.id!));
            totals.push(r.total);
            if (!r.hasNext) break;
          }
          return { ids, totals };
        };
        const withSeries = await pages(true);
        expect(withSeries, q.text).toEqual(await pages(false));
        if (withSeries.ids.length > 0) nonEmpty += 1;
      }),
      { numRuns: 150 },
    );
    // The generated searches must find something often enough to compare anything.
    expect(nonEmpty).toBeGreaterThan(30);
  }, 120_000);

  it('follows updates and deletions', async () => {
    const q = new URLSearchParams(`patient=${patients[2]}&code=${loinc}|${codes[0]}&_sort=-date`);
    const target = stored.find((o) => o.subject?.reference === `Patient/${patients[2]}` && o.code.coding?.length);
    expect(target).toBeDefined();
    // Move it to another patient and code, then delete it: each time both answers agree.
    await repo.update('Observation', target!.id!, { ...target!, subject: { reference: `Patient/${patients[0]}` } });
    expect((await repo.search('Observation', q)).matches.map((m) => m.id)).toEqual(
      (await repo.search('Observation', q, { seriesIndex: false })).matches.map((m) => m.id),
    );
    await repo.delete('Observation', target!.id!);
    const rows = await db.query('SELECT 1 FROM fhir_series s JOIN fhir_resource r ON r.rid = s.rid WHERE r.id = $1', [target!.id]);
    expect(rows).toHaveLength(0);
  });

  it("backfills from the single-parameter rows exactly the rows the writer derives (migration 010's INSERT)", async () => {
    const sql = await readFile(new URL('../store/migrations/010_fhir_series.sql', import.meta.url), 'utf8');
    const backfill = sql.slice(sql.indexOf('WITH k AS'));
    const snapshot = () =>
      db.query('SELECT rid, key, patient, system, code, lo, hi FROM fhir_series ORDER BY rid, key, patient, system, code, lo, hi');
    const written = await snapshot();
    expect(written.length).toBeGreaterThan(100);
    await db.exec('DELETE FROM fhir_series');
    await db.exec(backfill);
    expect(await snapshot()).toEqual(written);
  });
});
