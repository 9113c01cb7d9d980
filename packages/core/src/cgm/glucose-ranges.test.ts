import { describe, expect, it } from 'vitest';
import { glucoseBand, timeInRanges } from './glucose-ranges.ts';
import { glycemiaRiskIndex } from './glycemia-risk-index.ts';

describe('consensus glucose bands: edges 54 / 70 / 180 / 250 (Battelino 2019; clinical-references)', () => {
  it.each([
    [53.9, 'veryLow'],
    [54, 'low'], // < 54 is strict
    [69.9, 'low'],
    [70, 'inRange'], // TIR is inclusive at 70 ...
    [180, 'inRange'], // ... and at 180
    [180.1, 'high'],
    [250, 'high'], // > 250 is strict
    [250.1, 'veryHigh'],
    [39, 'veryLow'], // Low sentinel
    [401, 'veryHigh'], // High sentinel
  ] as const)('%f mg/dL → %s', (g, band) => {
    expect(glucoseBand(g)).toBe(band);
  });

  it('counts one reading exactly on each edge into the band the conventions say', () => {
    const r = timeInRanges([54, 70, 180, 250]);
    expect(r).toEqual({
      veryLowPercent: 0,
      lowPercent: 25,
      inRangePercent: 50,
      highPercent: 25,
      veryHighPercent: 0,
      below70Percent: 25,
      above180Percent: 25,
    });
  });

  it('time-weights when given weights', () => {
    // 60 within range for 10 min, 200 for 30 min → TIR 25 %.
    expect(timeInRanges([100, 200], [10, 30]).inRangePercent).toBe(25);
  });
});

describe('Glycemia Risk Index (Klonoff 2023)', () => {
  it('combines the banded percentages with weights 3.0/2.4/1.6/0.8', () => {
    const g = glycemiaRiskIndex({ veryLowPercent: 1, lowPercent: 4, highPercent: 20, veryHighPercent: 5 });
    expect(g.hypoComponent).toBeCloseTo(1 + 0.8 * 4, 12); // 4.2
    expect(g.hyperComponent).toBeCloseTo(5 + 0.5 * 20, 12); // 15
    expect(g.gri).toBeCloseTo(3 * 1 + 2.4 * 4 + 1.6 * 5 + 0.8 * 20, 12); // 36.6
  });

  it('is capped at 100', () => {
    expect(glycemiaRiskIndex({ veryLowPercent: 50, lowPercent: 0, highPercent: 0, veryHighPercent: 50 }).gri).toBe(100);
  });
});
