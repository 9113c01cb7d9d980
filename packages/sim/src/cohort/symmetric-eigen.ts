/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * "Matrix Computations", 4th ed., §8.5.2–8.5.3; rotation formulas of Rutishauser 1971 as in Numerical
 * Recipes §11.1). Unconditionally convergent and accurate for the small (≈ 30×30) covariance matrices
 * of a virtual population, including singular ones, which a Cholesky factorisation rejects.
 */
export interface SymmetricEigen {
  /** Eigenvalues in descending order. */
  readonly values: Float64Array;
  /** Row-major n×n matrix whose column k is the unit eigenvector of values[k]. */
  readonly vectors: Float64Array;
}

export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  const a = Float64Array.from(matrix as ArrayLike<number>);
  if (a.length !== n * n) throw new RangeError(`expected ${n}×${n} entries`);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      scale += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= 1e-30 * Math.max(scale, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    values[k] = a[src * n + src]!;
    for (let r = 0; r < n; r++) vectors[r * n + k] = v[r * n + src]!;
  });
  return { values, vectors };
}
