import type { Coding, Observation, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { testEngines } from '../testing/test-databases.ts';
import { deviceReadingTag } from './device-observations.ts';
import { FhirRepository } from './fhir-repository.ts';

/**
 * `_tag`, `_security`, `_profile` and `_source` (FHIR R4 Resource-* search parameters) against an
 * oracle written from the spec's token and uri matching rules (search 3.1.1.4.4, 3.1.1.4.7;
 * references.html#canonical), on resources with every shape of meta, and on device readings,
 * which carry one tag.
 */
const sys = 'http://example.org/tags';
const usCore = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab';
const metas: Resource['meta'][] = [
  undefined,
  { tag: [{ system: sys, code: 'a' }] },
  { tag: [{ system: sys, code: 'b' }, { code: 'a' }] },
  {
    tag: [{ system: 'http://other.org', code: 'a' }],
    security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
  },
  { profile: [usCore] },
  { profile: [`${usCore}|5.0.1`, 'http://example.org/StructureDefinition/x'], source: 'http://ehr.example.org/feed' },
  { profile: [`${usCore}-extra`], source: 'http://other.example.org' },
  { tag: [], profile: [] },
];
const patient = 'mp-p1';
const stored: Observation[] = metas.map((meta, i) => ({
  resourceType: 'Observation',
  id: `mp-${i}`,
  ...(meta ? { meta } : {}),
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: `2024-01-0${(i % 9) + 1}T00:00:00Z`,
}));

const hasCoding = (codings: Coding[] | undefined, system: string | undefined, code: string | undefined) =>
  (codings ?? []).some(
    (c) =>
      (system === undefined || (system === '' ? c.system === undefined : c.system === system)) && (code === undefined || c.code === code),
  );
const hasProfile = (o: Observation, url: string) => (o.meta?.profile ?? []).some((p) => p === url || p.startsWith(`${url}|`));

const cases: [string, (o: Observation) => boolean][] = [
  [`_tag=${sys}|a`, (o) => hasCoding(o.meta?.tag, sys, 'a')],
  ['_tag=a', (o) => hasCoding(o.meta?.tag, undefined, 'a')],
  ['_tag=|a', (o) => hasCoding(o.meta?.tag, '', 'a')],
  [`_tag=${sys}|`, (o) => hasCoding(o.meta?.tag, sys, undefined)],
  [`_tag=${sys}|a,${sys}|b`, (o) => hasCoding(o.meta?.tag, sys, 'a') || hasCoding(o.meta?.tag, sys, 'b')],
  [`_tag:not=${sys}|a`, (o) => !hasCoding(o.meta?.tag, sys, 'a')],
  ['_tag:missing=true', (o) => (o.meta?.tag ?? []).length === 0],
  ['_tag:missing=false', (o) => (o.meta?.tag ?? []).length > 0],
  ['_security=R', (o) => hasCoding(o.meta?.security, undefined, 'R')],
  [`_profile=${usCore}`, (o) => hasProfile(o, usCore)],
  [`_profile=${usCore}|5.0.1`, (o) => hasProfile(o, `${usCore}|5.0.1`)],
  ['_profile:missing=true', (o) => (o.meta?.profile ?? []).length === 0],
  ['_source=http://ehr.example.org/feed', (o) => o.meta?.source === 'http://ehr.example.org/feed'],
];

describe.each(await testEngines('meta search parameters'))('_tag, _security, _profile, _source on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    for (const o of stored) await repo.update('Observation', o.id!, o);
    await new TimeSeriesStore(db).write([
      { patientId: patient, code: '8867-4', timeMs: Date.UTC(2024, 0, 5), value: 70, unit: '/min', deviceId: 'w' },
    ]);
  });
  afterAll(async () => {
    await repo.close();
    await dispose();
  });

  it.each(cases)('%s matches what the spec says', async (query, expected) => {
    const result = await repo.search('Observation', new URLSearchParams(`patient=${patient}&${query}&_count=100`));
    const ids = result.matches.map((r) => r.id).filter((id) => !id?.startsWith('dr-'));
    expect(ids.sort()).toEqual(
      stored
        .filter(expected)
        .map((o) => o.id)
        .sort(),
    );
    expect(result.warnings.filter((w) => !w.startsWith('device readings'))).toEqual([]);
  });

  it('finds device readings by their tag, and only by it', async () => {
    const readings = async (query: string) =>
      (await repo.search('Observation', new URLSearchParams(`patient=${patient}&${query}`))).matches.filter((r) => r.id?.startsWith('dr-'));
    expect(await readings(`_tag=${deviceReadingTag.system}|${deviceReadingTag.code}`)).toHaveLength(1);
    expect(await readings(`_tag=${deviceReadingTag.code}`)).toHaveLength(1);
    expect(await readings(`_tag=${sys}|a`)).toHaveLength(0);
    expect(await readings(`_profile=${usCore}`)).toHaveLength(0);
  });

  it('reports modifiers it does not support instead of ignoring them silently', async () => {
    const result = await repo.search('Observation', new URLSearchParams(`patient=${patient}&_profile:below=${usCore}`));
    expect(result.warnings.join(' ')).toMatch(/modifier :below is not supported on uri parameter _profile/);
    await expect(repo.search('Observation', new URLSearchParams('_tag=|'))).rejects.toMatchObject({
      code: 'VT_ERR_INVALID_INPUT',
      problems: [{ message: expect.stringMatching(/expected \[system\]\|\[code\]/) }],
    });
  });
});
