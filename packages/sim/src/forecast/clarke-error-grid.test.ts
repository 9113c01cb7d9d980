import { describe, expect, it } from 'vitest';
import { clarkeZone, clarkeZoneIndex } from './clarke-error-grid.ts';

// Each expectation worked by hand from the zone rules in the clinical-references doc, checked in the
// order A, E, C, D, else B. Points sit on or one unit beside an edge.
describe('Clarke error grid, boundary points', () => {
  it.each([
    // A: hypo corner and the ±20 % cone (edges inclusive)
    [70, 70, 'A'],
    [50, 20, 'A'],
    [100, 80, 'A'], // y = 0.8x
    [100, 120, 'A'], // y = 1.2x
    [400, 320, 'A'],
    [60, 72, 'A'], // y = 1.2x wins over D (A is tested first)
    [70, 84, 'A'],
    [175 / 3, 70, 'A'], // D's corner at y = 70 is inside A's hypo square
    // just outside the cone
    [100, 79, 'B'],
    [100, 121, 'B'],
    [400, 319, 'B'],
    // E: x ≥ 180 & y ≤ 70, x ≤ 70 & y ≥ 180
    [180, 70, 'E'],
    [70, 180, 'E'],
    [240, 70, 'E'], // E is tested before D
    [58, 181, 'E'],
    [179, 70, 'B'],
    // C: y ≥ x + 110 for 70 ≤ x ≤ 290; y ≤ 1.4x − 182 for 130 ≤ x ≤ 180
    [71, 181, 'C'],
    [71, 180, 'B'],
    [290, 400, 'C'],
    [291, 401, 'B'],
    [150, 28, 'C'], // 1.4·150 − 182 = 28 exactly
    [150, 29, 'B'],
    [130, 0, 'C'],
    [180, 71, 'B'],
    // D: x ≥ 240 & 70 ≤ y ≤ 180; x ≤ 175/3 & 70 ≤ y ≤ 180; 175/3 ≤ x ≤ 70 & y ≥ 1.2x
    [240, 180, 'D'],
    [240, 181, 'B'],
    [239, 180, 'B'],
    [58, 100, 'D'],
    [58, 71, 'D'],
    [59, 71, 'D'], // third rule: 71 ≥ 1.2·59 = 70.8
    [60, 73, 'D'],
    [70, 85, 'D'],
  ] as const)('reference %f, estimate %f → %s', (x, y, zone) => {
    expect(clarkeZone(x, y)).toBe(zone);
  });

  it('indexes zones A..E as 0..4', () => {
    expect([
      clarkeZoneIndex(100, 100),
      clarkeZoneIndex(100, 79),
      clarkeZoneIndex(150, 28),
      clarkeZoneIndex(240, 100),
      clarkeZoneIndex(70, 180),
    ]).toEqual([0, 1, 2, 3, 4]);
  });
});
