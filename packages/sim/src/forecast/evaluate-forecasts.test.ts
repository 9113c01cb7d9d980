import { describe, expect, it } from 'vitest';
import { averageForecastEvaluations } from './average-forecast-evaluations.ts';
import { evaluateForecasts } from './evaluate-forecasts.ts';
import type { Forecaster, ForecastOutput, GlucoseSeries } from './forecaster.ts';
import { glucoseSeries } from './forecaster.ts';
import { baselineForecasterFactories, createForecasters } from './forecaster-registry.ts';
import { createPersistenceForecaster } from './persistence.ts';

/** Forecasts `value` everywhere, or NaN while the history is shorter than `warmup`. */
function constant(id: string, value: number, warmup = 0): Forecaster {
  return {
    id,
    forecast(history: GlucoseSeries, _horizonsMin: readonly number[], out: ForecastOutput): void {
      out.pointMgDl.fill(history.timeMin.length > warmup ? value : Number.NaN);
    },
  };
}

/** 5-min series over `hours`, optionally with a gap [gapFrom, gapTo) in minutes. */
function series(hours: number, value: (t: number) => number, gap?: [number, number]): GlucoseSeries {
  const t: number[] = [];
  for (let m = 0; m <= hours * 60; m += 5) if (!gap || m < gap[0] || m >= gap[1]) t.push(m);
  return glucoseSeries(t, t.map(value));
}

/** Brute-force oracle: origins i with a reading at t_i + h (exact times here). O(n²), tests only. */
function pairsByBruteForce(s: GlucoseSeries, h: number): number {
  let pairs = 0;
  for (let i = 0; i < s.timeMin.length; i++) if (s.timeMin.some((t) => t === s.timeMin[i]! + h)) pairs += 1;
  return pairs;
}

describe('evaluateForecasts', () => {
  it('scores persistence on a ramp of 1 mg/dL per minute exactly: error −h at every horizon', () => {
    const s = series(10, (t) => 100 + t);
    const e = evaluateForecasts(s, [createPersistenceForecaster()]);
    expect(e.horizonsMin).toEqual([30, 60, 120]);
    const [h30, h60, h120] = e.forecasters[0]!.horizons;
    expect(h30!.n).toBe(121 - 6);
    expect(h30!.rmseMgDl).toBeCloseTo(30, 10);
    expect(h30!.biasMgDl).toBeCloseTo(-30, 10);
    expect(h60!.maeMgDl).toBeCloseTo(60, 10);
    expect(h120!.n).toBe(121 - 24);
  });

  it('skips pairs whose reference falls in a gap (count checked against a brute-force oracle)', () => {
    const s = series(12, () => 120, [200, 380]);
    const e = evaluateForecasts(s, [constant('c', 100)]);
    e.horizonsMin.forEach((h, k) => {
      expect(e.pairsWithReference[k]).toBe(pairsByBruteForce(s, h));
      expect(e.forecasters[0]!.horizons[k]!.n).toBe(pairsByBruteForce(s, h));
    });
    expect(e.forecasters[0]!.horizons[0]!.rmseMgDl).toBe(20);
  });

  it('accepts references within ±2.5 min of origin + h and no further', () => {
    // Readings at 0, 32 (2 min late) and 63.5 (3.5 min late for h = 60 from 0).
    const s = glucoseSeries([0, 32, 63.5], [100, 110, 120]);
    const e = evaluateForecasts(s, [constant('c', 100)], { horizonsMin: [30, 60] });
    expect(e.pairsWithReference).toEqual([2, 0]); // 0→32 and 32→63.5 (31.5 apart) for h = 30; none for 60
  });

  it('never shows a forecaster anything after the origin', () => {
    const seen: Array<[number, number]> = [];
    const spy: Forecaster = {
      id: 'spy',
      forecast(history, _h, out) {
        seen.push([history.timeMin.length, history.timeMin[history.timeMin.length - 1]!]);
        out.pointMgDl.fill(100);
      },
    };
    const s = series(1, () => 100);
    evaluateForecasts(s, [spy], { originStride: 2 });
    expect(seen).toEqual(Array.from({ length: 7 }, (_, k) => [2 * k + 1, 10 * k]));
  });

  it('common alignment scores every forecaster on the same pairs; each alignment does not', () => {
    const s = series(6, () => 100);
    const forecasters = [constant('early', 100), constant('late', 90, 20)];
    const common = evaluateForecasts(s, forecasters, { horizonsMin: [30] });
    const each = evaluateForecasts(s, forecasters, { horizonsMin: [30], alignment: 'each' });
    const pairs = common.pairsWithReference[0]!;
    expect(common.forecasters.map((f) => f.horizons[0]!.n)).toEqual([pairs - 20, pairs - 20]);
    expect(common.forecasters[1]!.horizons[0]!.missingForecasts).toBe(20);
    expect(each.forecasters.map((f) => f.horizons[0]!.n)).toEqual([pairs, pairs - 20]);
  });

  it('averages per-subject results (per patient, then mean)', () => {
    const a = evaluateForecasts(
      series(4, () => 100),
      [constant('c', 110)],
      { horizonsMin: [30] },
    );
    const b = evaluateForecasts(
      series(8, () => 100),
      [constant('c', 130)],
      { horizonsMin: [30] },
    );
    const [avg] = averageForecastEvaluations([a, b]);
    expect(avg!.horizons[0]!.rmseMgDl).toBe(20); // (10 + 30)/2, not weighted by pairs
    expect(avg!.horizons[0]!.n).toBe(a.forecasters[0]!.horizons[0]!.n + b.forecasters[0]!.horizons[0]!.n);
    expect(avg!.horizons[0]!.subjects).toBe(2);
    expect(() =>
      averageForecastEvaluations([
        a,
        evaluateForecasts(
          series(4, () => 100),
          [constant('d', 1)],
          { horizonsMin: [30] },
        ),
      ]),
    ).toThrow(RangeError);
  });
});

describe('forecaster registry', () => {
  it('builds the baselines by id (persistence, ar2, oref0) and names the known ids for an unknown one', () => {
    expect(Object.keys(baselineForecasterFactories)).toEqual(['persistence', 'ar2', 'oref0']);
    expect(createForecasters(['oref0', 'persistence', 'ar2']).map((f) => f.id)).toEqual(['oref0', 'persistence', 'ar2']);
    expect(() => createForecasters(['twin'])).toThrow(/unknown forecaster "twin"; known: persistence, ar2, oref0/);
    expect(() => createForecasters(['toString'])).toThrow(/unknown forecaster/);
  });

  it('lets callers extend the table with their own factories', () => {
    const [f] = createForecasters(['twin'], {}, { ...baselineForecasterFactories, twin: () => constant('twin', 1) });
    expect(f!.id).toBe('twin');
  });
});
