import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import { type ExogenousSignals, InsulinMealDriver } from './insulin-meal-driver.ts';

/**
 * Meal-absorption speed as a personal parameter. The gastro-intestinal rates of the nominal patient
 * (kmax, kmin, kabs) are multiplied by a speed r; since the gut equations (Dalla Man et al. 2007,
 * eqs. 10–13) are autonomous in the masses, this dilates time: a meal's absorption profile at speed r
 * is Ra_r(t) = r·Ra_1(r·t). The virtual adults differ in kabs by a factor of 27 (0.16–4.3 × the
 * population mean), so a fixed absorption speed would force the filter to explain every mismatch in
 * meal timing with insulin sensitivity or carb effect.
 *
 * The gut does not depend on glucose, so it is run once per speed of a log-spaced grid (default 0.25
 * to 4, two points per doubling: 9 drivers) and each sigma point or ensemble member interpolates Ra
 * linearly in ln r between the two neighbouring grid speeds (twin-glucose-dynamics.ts). At grid
 * speeds the result is exact; between them the error is that of blending two profiles whose time
 * scales differ by √2.
 */
export interface MealSpeedGridSpec {
  readonly minSpeed: number;
  readonly maxSpeed: number;
  readonly pointsPerDoubling: number;
}

export const defaultMealSpeedGrid: MealSpeedGridSpec = Object.freeze({ minSpeed: 0.25, maxSpeed: 4, pointsPerDoubling: 2 });

export class MealSpeedGrid {
  /** ln r of each grid speed, ascending. */
  readonly logSpeeds: Float64Array;
  readonly logMin: number;
  readonly logStep: number;
  readonly drivers: readonly InsulinMealDriver[];
  /** Index of the driver at speed 1 (writes the insulin signals). */
  readonly unitIndex: number;
  /** Length of `saveState` output. */
  readonly stateSize: number;

  constructor(nominal: UvaPadovaParams, stepsPerMinute: number, spec: MealSpeedGridSpec = defaultMealSpeedGrid) {
    if (!(spec.minSpeed > 0 && spec.minSpeed <= 1 && spec.maxSpeed >= 1 && spec.pointsPerDoubling >= 1)) {
      throw new RangeError('meal speed grid needs 0 < minSpeed <= 1 <= maxSpeed and pointsPerDoubling >= 1');
    }
    this.logStep = Math.LN2 / spec.pointsPerDoubling;
    const below = Math.round(-Math.log(spec.minSpeed) / this.logStep);
    const above = Math.round(Math.log(spec.maxSpeed) / this.logStep);
    this.logMin = -below * this.logStep;
    this.unitIndex = below;
    this.logSpeeds = new Float64Array(below + above + 1);
    const drivers: InsulinMealDriver[] = [];
    for (let k = 0; k < this.logSpeeds.length; k++) {
      const logR = this.logMin + k * this.logStep;
      this.logSpeeds[k] = logR;
      const r = Math.exp(logR);
      const params =
        k === below
          ? nominal
          : { ...nominal, kabsPerMin: nominal.kabsPerMin * r, kmaxPerMin: nominal.kmaxPerMin * r, kminPerMin: nominal.kminPerMin * r };
      drivers.push(new InsulinMealDriver(params, stepsPerMinute));
    }
    this.drivers = drivers;
    this.stateSize = drivers.length * drivers[0]!.state.length;
  }

  get channels(): number {
    return this.drivers.length;
  }

  /** The driver at speed 1 (its insulin states are the twin's). */
  get unit(): InsulinMealDriver {
    return this.drivers[this.unitIndex]!;
  }

  reset(): void {
    for (const d of this.drivers) d.reset();
  }

  /** Runs every speed over the same inputs (see InsulinMealDriver.run); Ra of speed k into channel k. */
  run(carbsG: Float64Array, insulinUPerMin: Float64Array, from: number, minutes: number, out: ExogenousSignals): void {
    if (out.channels !== this.drivers.length) throw new RangeError('signals have a different number of speed channels');
    for (let k = 0; k < this.drivers.length; k++) this.drivers[k]!.run(carbsG, insulinUPerMin, from, minutes, out, k, k === this.unitIndex);
  }

  saveState(out: Float64Array): Float64Array {
    const size = this.drivers[0]!.state.length;
    for (let k = 0; k < this.drivers.length; k++) out.set(this.drivers[k]!.state, k * size);
    return out;
  }

  loadState(src: Float64Array): void {
    if (src.length !== this.stateSize) throw new RangeError('driver snapshot does not match the meal speed grid');
    const size = this.drivers[0]!.state.length;
    for (let k = 0; k < this.drivers.length; k++) this.drivers[k]!.state.set(src.subarray(k * size, (k + 1) * size));
  }
}
