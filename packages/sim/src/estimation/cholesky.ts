/**
 * Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite n×n matrix (row-major), the
 * Cholesky–Banachiewicz order (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 4.2.1). Writes the
 * lower triangle of L into `l` (upper triangle zeroed); returns false, leaving `l` undefined, when A is
 * not numerically positive definite. Allocation-free; n is small here (the filter state, 8).
 */
export function choleskyLower(a: Float64Array, n: number, l: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) return false;
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j]!;
      }
    }
    for (let j = i + 1; j < n; j++) l[i * n + j] = 0;
  }
  return true;
}

/**
 * Lower Cholesky factor of a covariance matrix that should be positive definite but may have lost it
 * to rounding: on failure, a diagonal jitter growing from 1e-9 of the mean variance is added to a
 * copy until the factorisation succeeds (a standard regularisation, e.g. Rasmussen & Williams,
 * Gaussian Processes for Machine Learning, 2006, §A.4). `work` is scratch of length n·n.
 */
export function robustCholesky(a: Float64Array, n: number, l: Float64Array, work: Float64Array): void {
  if (choleskyLower(a, n, l)) return;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.abs(a[i * n + i]!);
  let jitter = Math.max(1e-12, (1e-9 * trace) / n);
  for (let attempt = 0; attempt < 40; attempt++) {
    work.set(a.subarray(0, n * n));
    for (let i = 0; i < n; i++) work[i * n + i] = work[i * n + i]! + jitter;
    if (choleskyLower(work, n, l)) return;
    jitter *= 10;
  }
  throw new RangeError('covariance matrix is not positive definite (even after regularisation)');
}
