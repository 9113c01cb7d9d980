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

function plan(type: string, query: string) {
  return planSearch(searchModel(type)!, parseSearchRequest(type, new URLSearchParams(query)), {
    keys,
    nowMs: Date.parse('2025-01-01T00:00:00Z'),
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
    'patient=p1&date=lt2020&date=gt2019',
    'date=2020&value-quantity=5.4|http://unitsofmeasure.org|mg',
    'code:not=x&status:missing=true',
    '_id=a,b&_lastUpdated=ge2024',
    'component-code-value-quantity=http://loinc.org|8480-6$gt140',
    'value-quantity=ap100',
    'patient=p1&foo=bar',
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
    const scoped = plan('Observation', 'patient=p1&code=x');
    expect(scoped.params.values).toContainEqual([patientKey('p1'), 0]);
  });

  it('marks the sets bounded by the patient a search is scoped to', () => {
    const bounded = (query: string) => plan('Observation', query).positive.map((k) => [k.code, k.patientBounded]);
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

  it('reports unknown parameters and unsupported modifiers as warnings, malformed values as errors', () => {
    const p = plan('Observation', 'nope=1&code:below=x&date=ge2020-13');
    expect(p.warnings).toHaveLength(2);
    expect(p.errors).toHaveLength(1);
  });
});
