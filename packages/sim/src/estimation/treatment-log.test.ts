import { describe, expect, it } from 'vitest';
import { SimInputError } from '../sim-input-error.ts';
import { normaliseTreatmentLog, TreatmentCursor, treatmentLogBasalUPerMin } from './treatment-log.ts';

const log = normaliseTreatmentLog({
  basal: [
    { timeMin: 60, uPerH: 0.6 },
    { timeMin: 0, uPerH: 1.2 },
  ],
  boluses: [
    { timeMin: 10.7, units: 2 },
    { timeMin: 10.2, units: 1 },
    { timeMin: 30, units: 4 },
  ],
  meals: [{ timeMin: 10.5, grams: 40 }],
});

describe('TreatmentCursor', () => {
  it('assigns events to the minute ⌊t⌋, sums them, and tracks the basal rate', () => {
    const c = new TreatmentCursor(log, 0.5 / 60);
    const io = new Float64Array(3);
    c.seek(0);
    const rows: number[][] = [];
    for (let t = 0; t < 70; t++) {
      c.read(t, io);
      rows.push([io[0]!, io[1]! * 60, io[2]!]);
    }
    expect(rows[10]).toEqual([40, 1.2, 3]);
    expect(rows[11]).toEqual([0, 1.2, 0]);
    expect(rows[30]![2]).toBe(4);
    expect(rows[59]![1]).toBeCloseTo(1.2, 12);
    expect(rows[60]![1]).toBeCloseTo(0.6, 12);
  });

  it('ignores treatments after knownUntilMin (no look-ahead) and keeps the last known basal', () => {
    const c = new TreatmentCursor(log, 0.5 / 60);
    const io = new Float64Array(3);
    c.seek(20, 20);
    let bolus = 0;
    for (let t = 20; t < 120; t++) {
      c.read(t, io);
      bolus += io[2]!;
      expect(io[1]! * 60).toBeCloseTo(1.2, 12);
    }
    expect(bolus).toBe(0);
  });

  it('uses the default basal before the first entry and refuses to go back in time', () => {
    const c = new TreatmentCursor(normaliseTreatmentLog({ basal: [{ timeMin: 100, uPerH: 3 }] }), 0.01);
    const io = new Float64Array(3);
    c.seek(0);
    c.read(0, io);
    expect(io[1]).toBe(0.01);
    expect(() => c.read(0, io)).toThrow(RangeError);
  });
});

describe('normaliseTreatmentLog and treatmentLogBasalUPerMin', () => {
  it('sorts by time and reports bad entries with their path', () => {
    expect(log.boluses.map((b) => b.units)).toEqual([1, 2, 4]);
    try {
      normaliseTreatmentLog({ boluses: [{ timeMin: Number.NaN, units: -1 }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SimInputError);
      expect((e as SimInputError).problems.map((p) => p.path)).toEqual(['boluses[0].timeMin', 'boluses[0]']);
    }
  });

  it('is the time-weighted mean basal from the first change to the last event (hand computed)', () => {
    // 1.2 U/h over [0, 60), 0.6 U/h over [60, 120) with a meal at 120: mean 0.9 U/h.
    const l = normaliseTreatmentLog({ ...log, meals: [{ timeMin: 120, grams: 10 }] });
    expect(treatmentLogBasalUPerMin(l)! * 60).toBeCloseTo(0.9, 12);
    expect(treatmentLogBasalUPerMin(normaliseTreatmentLog({}))).toBeUndefined();
  });
});
