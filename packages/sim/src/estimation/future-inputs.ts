import type { GlucoseTwinEstimator } from './glucose-twin-estimator.ts';
import { TreatmentCursor } from './treatment-log.ts';

/** A treatment choice to simulate, relative to now (minutes from the twin's current estimate). */
export interface WhatIfOption {
  readonly label: string;
  /** Boluses [U] delivered within minute `inMin`. */
  readonly boluses?: readonly { readonly inMin: number; readonly units: number }[];
  /** Meals [g carbohydrate] announced at minute `inMin` (eaten at 5 g/min). */
  readonly meals?: readonly { readonly inMin: number; readonly carbsG: number }[];
  /** Basal rate [U/min] in force over [fromMin, toMin) instead of the current one (temporary basal). */
  readonly basal?: readonly { readonly fromMin: number; readonly toMin: number; readonly basalUPerMin: number }[];
}

/**
 * Per-minute inputs of the twin from its current minute on: the logged treatments known so far (a
 * meal announced but not yet eaten stays in the gut model's state; basal continues at the last logged
 * rate) plus the events of an option, in the nominal patient's insulin units.
 */
export class FutureInputs {
  carbsG: Float64Array;
  insulinUPerMin: Float64Array;
  private bolusU: Float64Array;
  private readonly io = new Float64Array(3);

  constructor(capacityMin = 240) {
    this.carbsG = new Float64Array(capacityMin);
    this.insulinUPerMin = new Float64Array(capacityMin);
    this.bolusU = new Float64Array(capacityMin);
  }

  /** Fills minutes 0..horizonMin−1 after `estimator.minute`; treatments logged after `knownUntilMin` are ignored. */
  fill(estimator: GlucoseTwinEstimator, horizonMin: number, option?: WhatIfOption, knownUntilMin = estimator.minute): void {
    if (horizonMin > this.carbsG.length) {
      this.carbsG = new Float64Array(horizonMin);
      this.insulinUPerMin = new Float64Array(horizonMin);
      this.bolusU = new Float64Array(horizonMin);
    }
    const cursor = new TreatmentCursor(estimator.log, estimator.defaultBasalUPerMin);
    const now = estimator.minute;
    cursor.seek(now, knownUntilMin);
    const io = this.io;
    const basal = this.insulinUPerMin;
    const bolus = this.bolusU;
    for (let k = 0; k < horizonMin; k++) {
      cursor.read(now + k, io);
      this.carbsG[k] = io[0]!;
      basal[k] = io[1]!;
      bolus[k] = io[2]!;
    }
    if (option) {
      for (const b of option.basal ?? []) {
        for (let k = Math.max(0, Math.floor(b.fromMin)); k < Math.min(horizonMin, Math.floor(b.toMin)); k++) basal[k] = b.basalUPerMin;
      }
      for (const b of option.boluses ?? []) {
        const k = Math.floor(b.inMin);
        if (k >= 0 && k < horizonMin) bolus[k] = bolus[k]! + b.units;
      }
      for (const m of option.meals ?? []) {
        const k = Math.floor(m.inMin);
        if (k >= 0 && k < horizonMin) this.carbsG[k] = this.carbsG[k]! + m.carbsG;
      }
    }
    const scale = estimator.insulinScale;
    for (let k = 0; k < horizonMin; k++) this.insulinUPerMin[k] = (basal[k]! + bolus[k]!) * scale;
  }
}
