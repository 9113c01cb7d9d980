import { describe, expect, it } from 'vitest';
import { countHypoEvents } from './hypoglycaemia-events.ts';

// Hand-built 5-minute series: "15 consecutive minutes" = 3 readings.
describe('countHypoEvents (consensus level 2: ≥ 15 min < 54, ended by ≥ 15 min ≥ 54)', () => {
  it('needs three consecutive readings below 54 at 5-minute sampling', () => {
    expect(countHypoEvents([100, 50, 50, 100, 100, 100], 5)).toBe(0);
    expect(countHypoEvents([100, 50, 50, 50, 100], 5)).toBe(1);
    // Exactly 54 is not below 54.
    expect(countHypoEvents([54, 54, 54, 54], 5)).toBe(0);
  });

  it('does not split an event on a short recovery (< 15 min ≥ 54)', () => {
    expect(countHypoEvents([50, 50, 50, 60, 60, 50, 50, 50, 100, 100, 100], 5)).toBe(1);
    // A recovery of 15 min (3 readings) ends the event; the next dip is a new event.
    expect(countHypoEvents([50, 50, 50, 60, 60, 60, 50, 50, 50], 5)).toBe(2);
  });

  it('counts an event still open at the end and scales with the sampling interval', () => {
    expect(countHypoEvents([100, 40, 40, 40], 5)).toBe(1);
    // At 15-minute sampling one reading is 15 minutes.
    expect(countHypoEvents([100, 40, 100, 100, 40], 15)).toBe(2);
    // At 1-minute sampling 14 readings are not enough.
    expect(countHypoEvents(Array(14).fill(40), 1)).toBe(0);
    expect(countHypoEvents(Array(15).fill(40), 1)).toBe(1);
    // Level 1 with the 70 mg/dL threshold.
    expect(countHypoEvents([65, 65, 65, 100], 5, 70)).toBe(1);
  });
});
