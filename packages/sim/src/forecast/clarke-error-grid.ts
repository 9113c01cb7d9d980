/**
 * Clarke error grid (Clarke WL et al., "Evaluating clinical accuracy of systems for self-monitoring
 * of blood glucose", Diabetes Care 1987;10:622–8), reference x and estimate y in mg/dL, with the
 * zone rules and their order exactly as the clinical-references doc gives them:
 *
 *   A: (x ≤ 70 and y ≤ 70) or 0.8x ≤ y ≤ 1.2x
 *   E: (x ≥ 180 and y ≤ 70) or (x ≤ 70 and y ≥ 180)
 *   C: (70 ≤ x ≤ 290 and y ≥ x + 110) or (130 ≤ x ≤ 180 and y ≤ 1.4x − 182)
 *   D: (x ≥ 240 and 70 ≤ y ≤ 180) or (x ≤ 175/3 and 70 ≤ y ≤ 180) or (175/3 ≤ x ≤ 70 and y ≥ 1.2x)
 *   B: everything else; tested in the order A, E, C, D, else B.
 *
 * The sloped edges are compared in integer-scaled form (5y ≥ 4x rather than y ≥ 0.8x, 5y ≤ 7x − 910
 * rather than y ≤ 1.4x − 182, 3x ≤ 175 rather than x ≤ 175/3) so that integer readings lying exactly
 * on an edge are classified as the inequality says, free of binary rounding of 0.8, 1.2 and 1.4.
 */
export type ClarkeZone = 'A' | 'B' | 'C' | 'D' | 'E';

export const clarkeZones: readonly ClarkeZone[] = ['A', 'B', 'C', 'D', 'E'];

export function clarkeZone(referenceMgDl: number, estimateMgDl: number): ClarkeZone {
  const x = referenceMgDl;
  const y = estimateMgDl;
  if ((x <= 70 && y <= 70) || (5 * y >= 4 * x && 5 * y <= 6 * x)) return 'A';
  if ((x >= 180 && y <= 70) || (x <= 70 && y >= 180)) return 'E';
  if ((x >= 70 && x <= 290 && y >= x + 110) || (x >= 130 && x <= 180 && 5 * y <= 7 * x - 910)) return 'C';
  if ((x >= 240 && y >= 70 && y <= 180) || (3 * x <= 175 && y >= 70 && y <= 180) || (3 * x >= 175 && x <= 70 && 5 * y >= 6 * x)) {
    return 'D';
  }
  return 'B';
}

/** Index 0..4 for zones A..E, for counting into arrays without allocation. */
export function clarkeZoneIndex(referenceMgDl: number, estimateMgDl: number): number {
  const zone = clarkeZone(referenceMgDl, estimateMgDl);
  switch (zone) {
    case 'A':
      return 0;
    case 'B':
      return 1;
    case 'C':
      return 2;
    case 'D':
      return 3;
    case 'E':
      return 4;
    default: {
      const unreachable: never = zone;
      throw new Error(`unknown Clarke zone ${String(unreachable)}`);
    }
  }
}
