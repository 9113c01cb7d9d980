import { describe, expect, it } from 'vitest';
import { FixedMealScenario } from './fixed-meal-scenario.ts';
import { RandomMealScenario, simglucoseMealSlots } from './random-meal-scenario.ts';

function mealsOf(buf: Float64Array): { minute: number; grams: number }[] {
  const out: { minute: number; grams: number }[] = [];
  buf.forEach((g, minute) => {
    if (g > 0) out.push({ minute, grams: g });
  });
  return out;
}

describe('RandomMealScenario (simglucose RandomScenario table)', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const s = new RandomMealScenario();
    const a = new Float64Array(1440);
    const b = new Float64Array(1440);
    s.writeDay(17, a);
    s.writeDay(99, b);
    const again = new Float64Array(1440);
    new RandomMealScenario().writeDay(17, again);
    expect(Array.from(again)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });

  it('draws meal frequencies, windows and sizes as specified (10,000 days; binomial/normal tolerances ≥ 4 SE)', () => {
    const s = new RandomMealScenario();
    const buf = new Float64Array(1440);
    const days = 10_000;
    const counts = simglucoseMealSlots.map(() => 0);
    const grams = simglucoseMealSlots.map(() => 0);
    let outside = 0;
    for (let d = 0; d < days; d++) {
      s.writeDay(d, buf);
      for (const m of mealsOf(buf)) {
        // Windows do not overlap except at their shared edges, so the slot is the one whose window holds the minute.
        const k = simglucoseMealSlots.findIndex((slot) => m.minute >= slot.timeMinMin && m.minute <= slot.timeMaxMin);
        if (k < 0) outside += 1;
        else {
          counts[k]! += 1;
          grams[k]! += m.grams;
        }
      }
    }
    expect(outside).toBe(0);
    // Breakfast p = 0.95 (SE 0.0022), snack p = 0.3 (SE 0.0046); edge minutes shared by adjacent windows
    // can move a few meals between neighbours, well inside the tolerance.
    expect(counts[0]! / days).toBeCloseTo(0.95, 1);
    expect(Math.abs(counts[0]! / days - 0.95)).toBeLessThan(0.012);
    expect(Math.abs(counts[1]! / days - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(counts[4]! / days - 0.95)).toBeLessThan(0.012);
    // Mean lunch size 70 g (SD 10: SE of the mean 0.1 g).
    expect(Math.abs(grams[2]! / counts[2]! - 70)).toBeLessThan(0.6);
    expect(Math.abs(grams[4]! / counts[4]! - 80)).toBeLessThan(0.6);
  });

  it('writes whole grams, never negative', () => {
    const s = new RandomMealScenario();
    const buf = new Float64Array(1440);
    let bad = 0;
    for (let d = 0; d < 500; d++) {
      s.writeDay(d, buf);
      for (const g of buf) if (!Number.isInteger(g) || g < 0) bad += 1;
    }
    expect(bad).toBe(0);
  });
});

describe('FixedMealScenario', () => {
  it('writes the same meals every day and rejects bad minutes', () => {
    const s = new FixedMealScenario([
      { minuteOfDay: 420, carbsG: 50 },
      { minuteOfDay: 420, carbsG: 10 },
      { minuteOfDay: 1140, carbsG: 80 },
    ]);
    const buf = new Float64Array(1440).fill(3);
    expect(s.writeDay(1, buf)).toBe(140);
    expect(mealsOf(buf)).toEqual([
      { minute: 420, grams: 60 },
      { minute: 1140, grams: 80 },
    ]);
    expect(() => new FixedMealScenario([{ minuteOfDay: 1440, carbsG: 1 }])).toThrow(RangeError);
  });
});
