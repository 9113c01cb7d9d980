import { JohnsonCgmNoise } from './cgm-noise.ts';
import type { CgmSensorParams } from './device-params.ts';

/**
 * A CGM as simglucose models it (`sensor/cgm.py`, `CGMSensor.measure`): every `sample_time` minutes
 * (when t mod sample_time = 0, including t = 0) the reading is subcutaneous glucose + the next noise
 * value, clipped to [min, max]; between samples the last reading is held (zero-order hold).
 */
export class CgmSensor {
  readonly params: CgmSensorParams;
  private readonly noise: JohnsonCgmNoise;
  private last = 0;

  constructor(params: CgmSensorParams, seed: number) {
    this.params = params;
    this.noise = new JohnsonCgmNoise(params, seed);
  }

  reset(seed: number): void {
    this.noise.reset(seed);
    this.last = 0;
  }

  /** Reading at minute `tMin` for the given subcutaneous glucose [mg/dL]; call once per minute in order. */
  measure(tMin: number, gsubMgDl: number): number {
    if (tMin % this.params.sampleTimeMin === 0) {
      const v = gsubMgDl + this.noise.next();
      this.last = Math.max(this.params.minMgDl, Math.min(v, this.params.maxMgDl));
    }
    return this.last;
  }
}
