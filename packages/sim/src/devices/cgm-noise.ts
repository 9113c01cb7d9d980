import { UniformNotAKnotSpline } from '../interpolation/not-a-knot-spline.ts';
import { NormalSampler } from '../random/normal-sampler.ts';
import { Xoshiro128StarStar } from '../random/xoshiro128.ts';
import type { CgmSensorParams } from './device-params.ts';

/** simglucose `CGMNoise.MDL_SAMPLE_TIME`: the noise model lives on a 15-minute grid. */
const NOISE_GRID_MIN = 15;
/** simglucose `CGMNoise.PRECOMPUTE`: 15-minute values generated per block. */
const BLOCK_STEPS = 10;

/**
 * CGM measurement noise as simglucose generates it (`sensor/noise_gen.py`, `CGMNoise` and
 * `noise15_iter`), itself the model of Breton & Kovatchev, "Analysis, modeling, and simulation of the
 * accuracy of continuous glucose sensors", J Diabetes Sci Technol 2(5), 2008:
 *
 * 1. a standard-normal AR(1) process on a 15-minute grid, e_0 = N(0,1), e_k = PACF·(e_{k−1} + N(0,1));
 * 2. each value mapped through the Johnson SU transform ε = xi + lambda·sinh((e − gamma)/delta) [mg/dL];
 * 3. blocks of 11 grid values (the last value of the previous block + 10 new ones, so the sequence is
 *    continuous) interpolated with a not-a-knot cubic spline (SciPy `interp1d(kind='cubic')`) at
 *    t = j·sample_time, j = 1..⌊150/sample_time⌋ (the block's t = 0 value is dropped).
 *
 * The normal draws come from the seeded xoshiro128** generator instead of NumPy's MT19937, so a seed
 * gives a reproducible stream here but not the same numbers as simglucose. Allocation-free after
 * construction.
 */
export class JohnsonCgmNoise {
  private readonly params: CgmSensorParams;
  private readonly rng: Xoshiro128StarStar;
  private readonly normal: NormalSampler;
  private readonly spline = new UniformNotAKnotSpline(BLOCK_STEPS + 1, NOISE_GRID_MIN);
  private readonly grid = new Float64Array(BLOCK_STEPS + 1);
  private readonly block: Float64Array;
  private position = 0;
  private e = 0;
  private started = false;
  private carry = 0;

  constructor(params: CgmSensorParams, seed: number) {
    this.params = params;
    this.rng = new Xoshiro128StarStar(seed);
    this.normal = new NormalSampler(this.rng);
    this.block = new Float64Array(Math.floor((BLOCK_STEPS * NOISE_GRID_MIN) / params.sampleTimeMin));
    this.reset(seed);
  }

  /** Restarts the stream for `seed`. */
  reset(seed: number): void {
    this.rng.reseed(seed);
    this.normal.reset();
    this.started = false;
    this.carry = this.nextGridNoise();
    this.position = this.block.length;
  }

  /** Next noise value [mg/dL], one per sensor sample. */
  next(): number {
    if (this.position >= this.block.length) this.refill();
    return this.block[this.position++]!;
  }

  /** Next Johnson-transformed value of the 15-minute AR(1) process (simglucose `noise15_iter`). */
  nextGridNoise(): number {
    const p = this.params;
    if (!this.started) {
      this.e = this.normal.next();
      this.started = true;
    } else {
      this.e = p.pacf * (this.e + this.normal.next());
    }
    return p.xi + p.lambda * Math.sinh((this.e - p.gamma) / p.delta);
  }

  private refill(): void {
    const grid = this.grid;
    grid[0] = this.carry;
    for (let k = 1; k <= BLOCK_STEPS; k++) grid[k] = this.nextGridNoise();
    this.carry = grid[BLOCK_STEPS]!;
    this.spline.fit(grid);
    const st = this.params.sampleTimeMin;
    for (let j = 0; j < this.block.length; j++) this.block[j] = this.spline.evaluate((j + 1) * st);
    this.position = 0;
  }
}
