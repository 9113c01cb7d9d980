import type { InsulinPumpParams } from './device-params.ts';

/** 1 U of insulin = 6000 pmol (simglucose `InsulinPump.U2PMOL`). */
const PMOL_PER_U = 6000;

/**
 * An insulin pump as simglucose models it (`actuator/pump.py`, `InsulinPump`): the requested rate
 * [U/min] is converted to pmol/min, rounded to the increment (NumPy `round`, i.e. half to even),
 * converted back and clipped to [min, max] U/min — separately for basal and bolus.
 */
export class InsulinPump {
  readonly params: InsulinPumpParams;

  constructor(params: InsulinPumpParams) {
    this.params = params;
  }

  basalUPerMin(requestedUPerMin: number): number {
    const p = this.params;
    return quantise(requestedUPerMin, p.incBasalPmolPerMin, p.minBasalUPerMin, p.maxBasalUPerMin);
  }

  bolusUPerMin(requestedUPerMin: number): number {
    const p = this.params;
    return quantise(requestedUPerMin, p.incBolusPmolPerMin, p.minBolusUPerMin, p.maxBolusUPerMin);
  }
}

function quantise(uPerMin: number, incPmol: number, min: number, max: number): number {
  const v = (roundHalfEven((uPerMin * PMOL_PER_U) / incPmol) * incPmol) / PMOL_PER_U;
  return Math.max(Math.min(v, max), min);
}

/** Rounds to the nearest integer, ties to even (IEEE 754 roundTiesToEven, as `numpy.round`). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
