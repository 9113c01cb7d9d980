import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './symmetric-eigen.ts';

describe('symmetricEigen', () => {
  it('finds the analytic eigenvalues of [[2,1],[1,2]] (3 and 1) and reconstructs matrices (1e-12)', () => {
    const { values } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    // A random symmetric 6×6 with a zero eigenvalue (rank-deficient like a small-sample covariance).
    const n = 6;
    const b = Array.from({ length: n * 3 }, (_, i) => Math.sin(i * 1.7) * 3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < 3; k++) a[i * n + j] = a[i * n + j]! + b[i * 3 + k]! * b[j * 3 + k]!;
    const e = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += e.vectors[i * n + k]! * e.values[k]! * e.vectors[j * n + k]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 10);
      }
    }
    expect(Math.abs(e.values[5]!)).toBeLessThan(1e-9);
    expect(e.values[3]! / e.values[0]!).toBeLessThan(1e-12);
  });
});
