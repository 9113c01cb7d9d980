import { describe, expect, it } from 'vitest';
import clarityExport from '../../../../../shared/data/cgm/cgmquantify_dexcom_g6_clarity_export.csv?raw';
import { cgmMetricsBySubject, computeCgmMetrics } from './cgm-metrics.ts';
import type { CgmReading } from './cgm-reading.ts';
import { parseClarityCsv } from './clarity-csv.ts';

const t0 = Date.UTC(2024, 0, 1);
const fiveMin = 300_000;

/** n readings every 5 min from t0, values from a function of the index. */
function series(n: number, value: (i: number) => number, subjectId = 's'): CgmReading[] {
  return Array.from({ length: n }, (_, i) => ({ subjectId, timeMs: t0 + i * fiveMin, glucoseMgDl: value(i) }));
}

describe('computeCgmMetrics on hand-made series', () => {
  it('constant 100 mg/dL for 14 days: mean 100, SD 0, TIR 100 %, GMI 5.702 %, sufficient', () => {
    const m = computeCgmMetrics(series(14 * 288, () => 100));
    expect(m.n).toBe(4032);
    expect(m.meanMgDl).toBe(100);
    expect(m.sdMgDl).toBe(0);
    expect(m.cvPercent).toBe(0);
    expect(m.gmiPercent).toBeCloseTo(3.31 + 2.392, 12);
    expect(m.gmiMmolMol).toBeCloseTo(12.71 + 4.70587 * (100 / 18), 10);
    expect(m.ea1cPercent).toBeCloseTo(146.7 / 28.7, 12);
    expect(m.tirPercent).toBe(100);
    expect(m.tbrBelow70Percent + m.tarAbove180Percent).toBe(0);
    expect(m.intervalMin).toBe(5);
    expect(m.daysOfData).toBe(14);
    expect(m.possibleReadings).toBe(4032);
    expect(m.sensorActivePercent).toBe(100);
    expect(m.sufficient).toBe(true);
    expect(m.gri).toBe(0);
  });

  it('half at 50, half at 200: mean 125, sample SD, TBR<54 50 %, TAR level 1 50 %, GRI 70', () => {
    const m = computeCgmMetrics(series(288, (i) => (i < 144 ? 50 : 200)));
    expect(m.meanMgDl).toBe(125);
    // Sample SD of 144×50 and 144×200: sqrt(288·75² / 287) = 75.13054840.
    expect(m.sdMgDl).toBeCloseTo(75.1305484, 6);
    expect(m.cvPercent).toBeCloseTo((100 * 75.1305484) / 125, 5);
    expect(m.tbrBelow54Percent).toBe(50);
    expect(m.tbrBelow70Percent).toBe(50);
    expect(m.tbrLevel1Percent).toBe(0);
    expect(m.tirPercent).toBe(0);
    expect(m.tarLevel1Percent).toBe(50);
    expect(m.tarAbove180Percent).toBe(50);
    expect(m.tarAbove250Percent).toBe(0);
    expect(m.griHypoComponent).toBe(50);
    expect(m.griHyperComponent).toBe(25);
    expect(m.gri).toBe(100); // 3.0·50 + 1.6·25 = 190, capped
    expect(m.lbgi).toBeCloseTo(22.50044545 / 2, 6);
    expect(m.hbgi).toBeCloseTo(11.60474812 / 2, 6);
    expect(m.sufficient).toBe(false); // one day only
  });

  it('pins the boundaries: 54, 70, 180, 250 each once', () => {
    const values = [54, 70, 180, 250];
    const m = computeCgmMetrics(series(4, (i) => values[i]!));
    expect([m.tbrBelow54Percent, m.tbrLevel1Percent, m.tbrBelow70Percent]).toEqual([0, 25, 25]);
    expect(m.tirPercent).toBe(50);
    expect([m.tarLevel1Percent, m.tarAbove180Percent, m.tarAbove250Percent]).toEqual([25, 25, 0]);
  });

  it('counts Low/High sentinels in < 54 and > 250 and in the mean', () => {
    const readings: CgmReading[] = [
      { subjectId: 's', timeMs: t0, glucoseMgDl: 39, flag: 'low' },
      { subjectId: 's', timeMs: t0 + fiveMin, glucoseMgDl: 401, flag: 'high' },
      { subjectId: 's', timeMs: t0 + 2 * fiveMin, glucoseMgDl: 100 },
      { subjectId: 's', timeMs: t0 + 3 * fiveMin, glucoseMgDl: 100 },
    ];
    const m = computeCgmMetrics(readings);
    expect([m.lowCount, m.highCount]).toEqual([1, 1]);
    expect([m.tbrBelow54Percent, m.tarAbove250Percent, m.tirPercent]).toEqual([25, 25, 50]);
    expect(m.meanMgDl).toBe(160);
  });

  it('data sufficiency: 14 days at 69 % of readings is not sufficient, 70 % is; 13 days at 100 % is not', () => {
    const day = 288;
    const keepEvery = (pct: number) => (i: number) => Math.floor(((i + 1) * pct) / 100) > Math.floor((i * pct) / 100);
    const thinned = (pct: number): CgmReading[] => {
      const all = series(14 * day, () => 120);
      // keep first and last so the period stays 14 days
      return all.filter((_, i) => i === 0 || i === all.length - 1 || keepEvery(pct)(i));
    };
    const at70 = computeCgmMetrics(thinned(70), { intervalMin: 5 });
    const at69 = computeCgmMetrics(thinned(69), { intervalMin: 5 });
    expect(at70.daysOfData).toBe(14);
    expect(at70.sensorActivePercent).toBeGreaterThanOrEqual(70);
    expect(at70.sufficient).toBe(true);
    expect(at69.sensorActivePercent).toBeLessThan(70);
    expect(at69.sufficient).toBe(false);
    expect(computeCgmMetrics(series(13 * day, () => 120)).sufficient).toBe(false);
  });

  it('gaps lower sensor-active %, explicit periods set the denominator', () => {
    const readings = series(288, () => 120).filter((_, i) => i < 100 || i >= 244); // 144 missing of 288
    const m = computeCgmMetrics(readings);
    expect(m.possibleReadings).toBe(288);
    expect(m.sensorActivePercent).toBe(50);
    const twoDays = computeCgmMetrics(readings, { periodStartMs: t0, periodEndMs: t0 + 2 * 86_400_000 });
    expect(twoDays.possibleReadings).toBe(576);
    expect(twoDays.sensorActivePercent).toBe(25);
  });

  it('drops duplicate instants and time-weights irregular sampling', () => {
    const base = series(4, () => 100);
    const dup = computeCgmMetrics([...base, { ...base[1]!, glucoseMgDl: 300 }]);
    expect(dup.n).toBe(4);
    expect(dup.duplicatesDropped).toBe(1);
    // 1-min readings at 200 for 20 min then 5-min readings at 100 for 2 h: counts would say 20/44
    // readings high (45 %), time says 20 min of 140 (14.3 %).
    const oneMin = Array.from({ length: 20 }, (_, i) => ({ subjectId: 's', timeMs: t0 + i * 60_000, glucoseMgDl: 200 }));
    const fiveMinLater = Array.from({ length: 24 }, (_, i) => ({
      subjectId: 's',
      timeMs: t0 + 20 * 60_000 + i * fiveMin,
      glucoseMgDl: 100,
    }));
    const irregular = computeCgmMetrics([...oneMin, ...fiveMinLater], { intervalMin: 5 });
    expect(irregular.weighting).toBe('time');
    expect(irregular.tarAbove180Percent).toBeCloseTo((100 * 20) / 140, 10);
    expect(computeCgmMetrics([...oneMin, ...fiveMinLater], { intervalMin: 5, weighting: 'count' }).tarAbove180Percent).toBeCloseTo(
      (100 * 20) / 44,
      10,
    );
  });

  it('splits subjects and refuses mixed input to the single-subject function', () => {
    const mixed = [...series(3, () => 100, 'a'), ...series(2, () => 200, 'b')];
    expect(cgmMetricsBySubject(mixed).map((m) => [m.subjectId, m.n, m.meanMgDl])).toEqual([
      ['a', 3, 100],
      ['b', 2, 200],
    ]);
    expect(() => computeCgmMetrics(mixed)).toThrow(/one subject/);
    expect(() => computeCgmMetrics([])).toThrow(/at least one reading/);
  });
});

describe('computeCgmMetrics on the real Dexcom G6 export', () => {
  // Oracle: an independent Python script (csv module + statistics.stdev) over the EGV rows of the
  // same file; tolerance 1e-9 relative for means/percentages, 1e-6 for the risk indices.
  const m = computeCgmMetrics(parseClarityCsv(clarityExport).readings);

  it('matches the independent computation', () => {
    expect(m.n).toBe(2148);
    expect(m.meanMgDl).toBeCloseTo(111.89664804469274, 9);
    expect(m.sdMgDl).toBeCloseTo(28.79970384772694, 9);
    expect(m.cvPercent).toBeCloseTo(25.73777173041325, 9);
    expect(m.gmiPercent).toBeCloseTo(5.98656782122905, 9);
    expect(m.tbrBelow54Percent).toBeCloseTo(0.37243947858473, 9); // 8 readings
    expect(m.tbrLevel1Percent).toBeCloseTo(1.2569832402234637, 9);
    expect(m.tirPercent).toBeCloseTo(93.99441340782123, 9);
    expect(m.tarLevel1Percent).toBeCloseTo(4.050279329608938, 9);
    expect(m.tarAbove250Percent).toBeCloseTo(0.3258845437616387, 9);
    expect(m.lbgi).toBeCloseTo(0.909286449847976, 6);
    expect(m.hbgi).toBeCloseTo(0.9425880543588329, 6);
  });

  it('is about 8 days of 5-min data at 94 % sensor activity: not sufficient for a consensus report', () => {
    expect(m.intervalMin).toBe(5);
    expect(m.daysOfData).toBeCloseTo(7.92, 2);
    expect(m.sensorActivePercent).toBeCloseTo((100 * 2148) / 2280, 9);
    expect(m.sufficient).toBe(false);
    expect(m.weighting).toBe('count');
  });
});
