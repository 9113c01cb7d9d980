import { NormalSampler, Xoshiro128StarStar } from '@vitaltwin/sim';

/** Named indices of one vital-signs snapshot (caller-owned Float64Array of `vitalCount`). */
export const VITAL_HR = 0;
export const VITAL_RR = 1;
export const VITAL_SPO2 = 2;
export const VITAL_SBP = 3;
export const VITAL_DBP = 4;
export const VITAL_TEMP = 5;
export const vitalCount = 6;

/** LOINC code and UCUM unit of each snapshot index (FHIR R4 Vital Signs profile). */
export const simulatedVitalCodes: readonly { readonly code: string; readonly unit: string }[] = [
  { code: '8867-4', unit: '/min' },
  { code: '9279-1', unit: '/min' },
  { code: '2708-6', unit: '%' },
  { code: '8480-6', unit: 'mm[Hg]' },
  { code: '8462-4', unit: 'mm[Hg]' },
  { code: '8310-5', unit: 'Cel' },
];

// Healthy adult baseline ranges (uniform per patient) and the change at full deterioration: a
// sepsis-like course (tachycardia, tachypnoea, desaturation, hypotension, fever) that takes NEWS2
// from 0 to 7 or more (RCP NEWS2 Chart 1 bands).
const baseLow = [60, 12, 96, 112, 65, 36.4];
const baseHigh = [88, 18, 99, 135, 82, 37.1];
const deteriorationShift = [45, 12, -9, -42, -22, 2.0];
// Stationary SD and time constant of the Ornstein–Uhlenbeck noise around the trend.
const noiseSd = [3, 1.2, 0.7, 5, 3.5, 0.08];
const noiseTauMs = 60_000;

export interface SimulatedWardOptions {
  readonly patients: number;
  readonly seed: number;
  readonly startMs: number;
  /** Share of patients who deteriorate (default 0.2). */
  readonly deterioratingFraction?: number;
  /** Minutes from a deteriorating patient's onset to the full change (default 10, for demos). */
  readonly deteriorationMinutes?: number;
}

/**
 * Realistic bedside vitals for a simulated ward: each patient has a baseline, Ornstein–Uhlenbeck
 * noise around it (exact discretisation: x' = x·e^(−Δ/τ) + σ·√(1 − e^(−2Δ/τ))·N(0,1), Gillespie,
 * Phys Rev E 54:2084, 1996), and a share deteriorate linearly after a random onset. Values are
 * rounded as monitors report them (integers; temperature to 0.1 °C). Reproducible from the seed;
 * call `sample` for each patient in time order.
 */
export class SimulatedWard {
  readonly patients: number;
  private readonly rng: Xoshiro128StarStar;
  private readonly normal: NormalSampler;
  private readonly base: Float64Array;
  private readonly noise: Float64Array;
  private readonly lastMs: Float64Array;
  private readonly onsetMs: Float64Array;
  private readonly durationMs: number;

  constructor(options: SimulatedWardOptions) {
    this.patients = options.patients;
    this.rng = new Xoshiro128StarStar(options.seed);
    this.normal = new NormalSampler(this.rng);
    this.base = new Float64Array(options.patients * vitalCount);
    this.noise = new Float64Array(options.patients * vitalCount);
    this.lastMs = new Float64Array(options.patients).fill(options.startMs);
    this.onsetMs = new Float64Array(options.patients).fill(Number.POSITIVE_INFINITY);
    this.durationMs = (options.deteriorationMinutes ?? 10) * 60_000;
    const fraction = options.deterioratingFraction ?? 0.2;
    for (let p = 0; p < options.patients; p++) {
      for (let v = 0; v < vitalCount; v++) {
        const u = this.rng.nextFloat64();
        this.base[p * vitalCount + v] = (baseLow[v] as number) + u * ((baseHigh[v] as number) - (baseLow[v] as number));
        this.noise[p * vitalCount + v] = (noiseSd[v] as number) * this.normal.next();
      }
      if (this.rng.nextFloat64() < fraction) this.onsetMs[p] = options.startMs + this.rng.nextFloat64() * (this.durationMs / 2);
    }
  }

  isDeteriorating(patient: number): boolean {
    return Number.isFinite(this.onsetMs[patient] as number);
  }

  /** Writes patient `patient`'s vitals at `timeMs` into `out[VITAL_*]`. */
  sample(patient: number, timeMs: number, out: Float64Array): void {
    const dt = Math.max(0, timeMs - (this.lastMs[patient] as number));
    this.lastMs[patient] = timeMs;
    const decay = Math.exp(-dt / noiseTauMs);
    const spread = Math.sqrt(1 - decay * decay);
    const onset = this.onsetMs[patient] as number;
    const progress = timeMs <= onset ? 0 : Math.min(1, (timeMs - onset) / this.durationMs);
    for (let v = 0; v < vitalCount; v++) {
      const i = patient * vitalCount + v;
      const n = (this.noise[i] as number) * decay + (noiseSd[v] as number) * spread * this.normal.next();
      this.noise[i] = n;
      out[v] = (this.base[i] as number) + progress * (deteriorationShift[v] as number) + n;
    }
    out[VITAL_HR] = Math.round(out[VITAL_HR] as number);
    out[VITAL_RR] = Math.max(4, Math.round(out[VITAL_RR] as number));
    out[VITAL_SPO2] = Math.min(100, Math.round(out[VITAL_SPO2] as number));
    out[VITAL_SBP] = Math.round(out[VITAL_SBP] as number);
    out[VITAL_DBP] = Math.min((out[VITAL_SBP] as number) - 15, Math.round(out[VITAL_DBP] as number));
    out[VITAL_TEMP] = Math.round((out[VITAL_TEMP] as number) * 10) / 10;
  }
}
