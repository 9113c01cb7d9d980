import { describe, expect, it } from 'vitest';
import { choleskyLower, robustCholesky } from './cholesky.ts';

describe('choleskyLower', () => {
  // Textbook example (Golub & Van Loan style): A = [[4,12,-16],[12,37,-43],[-16,-43,98]],
  // L = [[2,0,0],[6,1,0],[-8,5,3]].
  it('factors a known SPD matrix exactly', () => {
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    const l = new Float64Array(9).fill(7);
    expect(choleskyLower(a, 3, l)).toBe(true);
    expect(Array.from(l)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  it('reports an indefinite matrix', () => {
    expect(choleskyLower(Float64Array.from([1, 2, 2, 1]), 2, new Float64Array(4))).toBe(false);
  });

  it('regularises a singular covariance with a small diagonal jitter', () => {
    const a = Float64Array.from([1, 1, 1, 1]);
    const l = new Float64Array(4);
    robustCholesky(a, 2, l, new Float64Array(4));
    expect(l[0]! * l[0]!).toBeCloseTo(1, 6);
    expect(l[2]! * l[0]!).toBeCloseTo(1, 6);
    expect(() => robustCholesky(Float64Array.from([Number.NaN, 0, 0, 1]), 2, l, new Float64Array(4))).toThrow(/not positive definite/);
  });
});
