import { describe, expect, it } from 'vitest';
import type { SqlQueryable } from '../store/sql-client.ts';
import { deviceFilter } from './device-observations.ts';
import { patientKey } from './index-rows.ts';
import { storedBranch } from './search-executor.ts';
import { SearchIndexKeys } from './search-index-keys.ts';
import { searchModel } from './search-parameter-registry.ts';
import { planSearch } from './search-plan.ts';
import { parseSearchRequest } from './search-request.ts';

/** A database stand-in that numbers every registered search path. */
const fakeDb: SqlQueryable = (() => {
  let rows: { key: number; resource_type: string; expression: string; index_table: string }[] = [];
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      if (sql.startsWith('INSERT')) {
        const [types, expressions, tables] = params as [string[], string[], string[]];
        rows = types.map((t, i) => ({ key: i + 1, resource_type: t, expression: expressions[i]!, index_table: tables[i]! }));
        return [];
      }
      return rows as Row[];
    },
    async exec() {},
    async copyFrom() {},
  };
})();

const keys = await SearchIndexKeys.load(fakeDb);

function plan(type: string, query: string, seriesIndex = true) {
  return planSearch(searchModel(type)!, parseSearchRequest(type, new URLSearchParams(query)), {
    keys,
    nowMs: Date.parse('2025-01-01T00:00:00Z'),
    seriesIndex,
  });
}

/** Every parameter must appear in the SQL: PostgreSQL cannot type an unused one. */
function placeholdersUsed(sql: string, count: number) {
  for (let i = 1; i <= count; i++) expect(sql, `$${i}`).toMatch(new RegExp(`\\$${i}(?!\\d)`));
  expect(sql).not.toMatch(new RegExp(`\\$${count + 1}(?!\\d)`));
}

describe('planSearch', () => {
  it.each([
    'patient=p1&code=http://loinc.org|8867-4&date=ge2020-01-01',
    'patient=p1&code=http://loinc.org|8867-4,8310-5&date=ge2020-01-01,lt2010&category=vital-signs',
    'subject=Patient/p1&code=8867-4&date=2020&date=lt2021&_sort=-date',
    'patient=p1&code=http://loinc.org|&date=ge2020',
    'patient=p1&date=lt2020&date=gt2019',
    'date=2020&value-quantity=5.4|http://unitsofmeasure.org|mg',
    'code:not=x&status:missing=true',
    '_id=a,b&_lastUpdated=ge2024',
    'component-code-value-quantity=http://loinc.org|8480-6$gt140',
    'value-quantity=ap100',
    'patient=p1&foo=bar',
    'patient.identifier=http://h.org/mrn|1&code=x&date=ge2024',
    'subject:Patient.name=Smith&patient.organization.name=x',
    'performer.name=x&patient=p1',
    'patient.nope=x&code=y',
  ])('uses every parameter it creates: %s', (query) => {
    const p = plan('Observation', query);
    const sql = [storedBranch(p.positive, p.negative, p.resourceFilters, () => p.params.add('Observation', 'text'))];
    const device = deviceFilter(p, p.params, 0);
    if ('where' in device) sql.push(device.where);
    placeholdersUsed(sql.join('\n'), p.params.values.length);
  });

  it('scopes to one patient through the primary patient reference only', () => {
    expect(plan('Observation', 'patient=p1&code=x').patientId).toBe('p1');
    expect(plan('Observation', 'subject=Patient/p1').patientId).toBe('p1');
    expect(plan('Observation', 'subject:Patient=p1').patientId).toBe('p1');
    expect(plan('Observation', 'subject=p1').patientId).toBeUndefined();
    expect(plan('Observation', 'patient=p1,p2').patientId).toBeUndefined();
    expect(plan('Observation', 'performer=Patient/p1').patientId).toBeUndefined();
    const scoped = plan('Observation', 'patient=p1&category=x');
    expect(scoped.params.values).toContainEqual([patientKey('p1'), 0]);
  });

  it('marks the sets bounded by the patient a search is scoped to', () => {
    const bounded = (query: string) => plan('Observation', query, false).positive.map((k) => [k.code, k.patientBounded]);
    expect(bounded('patient=p1&code=x&date=ge2020&encounter=Encounter/e1')).toEqual([
      ['patient', true],
      ['code', true],
      ['date', true],
      ['encounter', false],
    ]);
    expect(bounded('code=x&date=ge2020&patient=p1,p2')).toEqual([
      ['code', false],
      ['date', false],
      ['patient', false],
    ]);
  });

  it('answers patient, code and date of one series with one set of the series index', () => {
    const sets = (query: string) => plan('Observation', query).positive.map((k) => [k.sql.split(' WHERE ')[0], k.code, k.sortable?.code]);
    const series = 'SELECT rid FROM fhir_series';
    expect(sets('patient=p1&code=http://loinc.org|8867-4&date=ge2020&encounter=Encounter/e1')).toEqual([
      [series, 'date', 'date'],
      ['SELECT rid FROM fhir_reference', 'encounter', undefined],
    ]);
    // Without a date clause the set still yields the date to sort by.
    expect(sets('subject:Patient=p1&code=8867-4')).toEqual([[series, 'code', 'date']]);
    // A second date clause stays a set of its own.
    expect(sets('patient=p1&code=x&date=ge2020&date=lt2021').map((s) => s[1])).toEqual(['date', 'date']);
    // Not of that shape: no patient scope, several patients, a code without code part, a modifier.
    for (const query of [
      'code=x&date=ge2020',
      'patient=p1,p2&code=x',
      'subject=p1&code=x',
      'patient=p1&code=http://loinc.org|',
      'patient=p1&code:not=x',
    ]) {
      expect(
        sets(query).map((s) => s[0]),
        query,
      ).not.toContain(series);
    }
    // The date clause joins the series only when every value is a date; otherwise it reports its error.
    const bad = plan('Observation', 'patient=p1&code=x&date=ge2020-13');
    expect(bad.errors).toHaveLength(1);
    expect(bad.positive.map((k) => k.sql.split(' WHERE ')[0])).toEqual([series]);
  });

  it('reports unknown parameters and unsupported modifiers as warnings, malformed values as errors', () => {
    const p = plan('Observation', 'nope=1&code:below=x&date=ge2020-13');
    expect(p.warnings).toHaveLength(2);
    expect(p.errors).toHaveLength(1);
  });
});
