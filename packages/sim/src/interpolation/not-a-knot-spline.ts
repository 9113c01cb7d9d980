/**
 * Cubic spline interpolation on a uniform grid x_i = i·h (i = 0..n−1) with not-a-knot end conditions
 * (the third derivative is continuous at x_1 and x_{n−2}; de Boor, A Practical Guide to Splines,
 * ch. IV). This is the interpolant SciPy's `interp1d(kind='cubic')` builds, which simglucose uses to
 * bring its 15-minute CGM noise to the sensor sample time.
 *
 * The grid is fixed at construction, so the linear system for the knot second derivatives M is
 * inverted once; `fit` and `evaluate` allocate nothing.
 */
export class UniformNotAKnotSpline {
  readonly knotCount: number;
  readonly spacing: number;
  private readonly inverse: Float64Array;
  private readonly y: Float64Array;
  private readonly m: Float64Array;
  private readonly rhs: Float64Array;

  constructor(knotCount: number, spacing: number) {
    if (!Number.isInteger(knotCount) || knotCount < 4) throw new RangeError('not-a-knot spline needs at least 4 knots');
    if (!(spacing > 0)) throw new RangeError('spacing must be > 0');
    this.knotCount = knotCount;
    this.spacing = spacing;
    this.inverse = invert(systemMatrix(knotCount), knotCount);
    this.y = new Float64Array(knotCount);
    this.m = new Float64Array(knotCount);
    this.rhs = new Float64Array(knotCount);
  }

  /** Fits the spline through `values[0..knotCount−1]` (copied). */
  fit(values: Float64Array): void {
    const n = this.knotCount;
    const { y, m, rhs, inverse } = this;
    for (let i = 0; i < n; i++) y[i] = values[i]!;
    const scale = 6 / (this.spacing * this.spacing);
    rhs[0] = 0;
    rhs[n - 1] = 0;
    for (let i = 1; i < n - 1; i++) rhs[i] = scale * (y[i + 1]! - 2 * y[i]! + y[i - 1]!);
    for (let r = 0; r < n; r++) {
      let acc = 0;
      for (let c = 0; c < n; c++) acc += inverse[r * n + c]! * rhs[c]!;
      m[r] = acc;
    }
  }

  /** Value at `x` in [0, (knotCount−1)·spacing] (outside: the end polynomials are extrapolated). */
  evaluate(x: number): number {
    const h = this.spacing;
    let i = Math.floor(x / h);
    if (i < 0) i = 0;
    if (i > this.knotCount - 2) i = this.knotCount - 2;
    const a = (i + 1) * h - x;
    const b = x - i * h;
    const mi = this.m[i]!;
    const mj = this.m[i + 1]!;
    return (mi * a * a * a + mj * b * b * b) / (6 * h) + (this.y[i]! / h - (mi * h) / 6) * a + (this.y[i + 1]! / h - (mj * h) / 6) * b;
  }
}

/**
 * Row 0 and row n−1: not-a-knot, M0 − 2M1 + M2 = 0 and M_{n−3} − 2M_{n−2} + M_{n−1} = 0; interior rows:
 * continuity of the first derivative, M_{i−1} + 4M_i + M_{i+1} = 6/h²·(y_{i+1} − 2y_i + y_{i−1}).
 */
function systemMatrix(n: number): Float64Array {
  const a = new Float64Array(n * n);
  a[0] = 1;
  a[1] = -2;
  a[2] = 1;
  for (let i = 1; i < n - 1; i++) {
    a[i * n + i - 1] = 1;
    a[i * n + i] = 4;
    a[i * n + i + 1] = 1;
  }
  a[(n - 1) * n + n - 3] = 1;
  a[(n - 1) * n + n - 2] = -2;
  a[(n - 1) * n + n - 1] = 1;
  return a;
}

/** Gauss–Jordan inversion with partial pivoting (once per grid, so clarity over speed). */
function invert(matrix: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    if (a[pivot * n + col] === 0) throw new Error('singular spline system');
    if (pivot !== col) {
      for (let c = 0; c < n; c++) {
        swap(a, col * n + c, pivot * n + c);
        swap(inv, col * n + c, pivot * n + c);
      }
    }
    const d = a[col * n + col]!;
    for (let c = 0; c < n; c++) {
      a[col * n + c] = a[col * n + c]! / d;
      inv[col * n + c] = inv[col * n + c]! / d;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r * n + col]!;
      if (f === 0) continue;
      for (let c = 0; c < n; c++) {
        a[r * n + c] = a[r * n + c]! - f * a[col * n + c]!;
        inv[r * n + c] = inv[r * n + c]! - f * inv[col * n + c]!;
      }
    }
  }
  return inv;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
