import { describe, expect, it } from 'vitest';
import type { TrialSummary } from '../api/api-types.ts';
import { comparisonRows, endpointRows, num, pValue } from './trial-view.ts';

const summary: TrialSummary = {
  protocol: { name: 't', design: 'crossover', days: 2, seed: 1 },
  endpoints: { tir: { label: 'Time in range 70–180', unit: '%', definition: '' } },
  patients: 8,
  patientDays: 32,
  arms: [
    { name: 'a', n: 8, endpoints: { tir: { mean: 71.234, sd: 9.87, median: 70, ci95: [63.1, 79.36] } } },
    { name: 'b', n: 8, endpoints: {} },
  ],
  comparisons: [
    {
      arms: ['b', 'a'],
      endpoint: 'tir',
      paired: true,
      meanDiff: 3.456,
      ci95: [1.2, 5.71],
      ciMethod: 't',
      pValue: 0.0004,
      test: 'paired t',
      significant: true,
    },
  ],
};

describe('trial summary tables', () => {
  it('rounds to about 3 significant digits and formats small p-values', () => {
    expect([num(71.234), num(9.87), num(0.012345), num(123.4), num(0), num(Number.NaN)]).toEqual([
      '71.2',
      '9.87',
      '0.0123',
      '123',
      '0',
      '—',
    ]);
    expect([pValue(0.0004), pValue(0.0412), pValue(Number.NaN)]).toEqual(['< 0.001', '0.041', '—']);
  });

  it('lists each endpoint with every arm, a dash where an arm lacks it', () => {
    expect(endpointRows(summary)).toEqual([
      {
        endpoint: 'tir',
        label: 'Time in range 70–180',
        unit: '%',
        arms: [
          { arm: 'a', mean: '71.2', ci: '63.1 to 79.4', sd: '9.87' },
          { arm: 'b', mean: '—', ci: '—', sd: '—' },
        ],
      },
    ]);
  });

  it('reads comparisons as difference with CI and p', () => {
    expect(comparisonRows(summary)[0]).toMatchObject({ arms: 'b − a', diff: '3.46', ci: '1.20 to 5.71', p: '< 0.001', significant: true });
  });
});
