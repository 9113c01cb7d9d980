import type { DeviceReading } from '@vitaltwin/platform';
import { SimulatedWard, simulatedVitalCodes, vitalCount } from '@vitaltwin/platform';

/** A demo bed: the patient and the bedside monitor bound to them (FHIR Device.patient). */
export interface DemoBed {
  readonly patientId: string;
  readonly deviceId: string;
}

/**
 * Bedside vitals for the demo ward from the simulated-ward model (platform/ingest/simulated-vitals.ts):
 * a healthy history for the past (no deterioration) and a live course in which some patients
 * deteriorate within minutes of start-up, so NEWS2 alerts appear while a newcomer watches. Both
 * wards use the same seed, so each patient keeps the same baseline in history and live data.
 */
export class DemoWard {
  private readonly live: SimulatedWard;
  private readonly snapshot = new Float64Array(vitalCount);

  constructor(
    readonly beds: readonly DemoBed[],
    private readonly seed: number,
    startMs: number,
    deteriorationMinutes: number,
  ) {
    this.live = new SimulatedWard({ patients: beds.length, seed, startMs, deterioratingFraction: 0.25, deteriorationMinutes });
  }

  /** Patients who deteriorate in the live course. */
  deteriorating(): string[] {
    return this.beds.filter((_, i) => this.live.isDeteriorating(i)).map((b) => b.patientId);
  }

  /** Every bed's vitals every `stepMs` over [fromMs, toMs), as stored readings. */
  history(fromMs: number, toMs: number, stepMs: number): DeviceReading[] {
    const past = new SimulatedWard({ patients: this.beds.length, seed: this.seed, startMs: fromMs, deterioratingFraction: 0 });
    const out: DeviceReading[] = [];
    for (let t = fromMs; t < toMs; t += stepMs) {
      this.beds.forEach((bed, i) => {
        past.sample(i, t, this.snapshot);
        pushReadings(out, bed, t, this.snapshot);
      });
    }
    return out;
  }

  /** One live snapshot of bed `index` at `timeMs` as a compact ingest payload (docs/ingest.md). */
  livePayload(index: number, timeMs: number): { samples: { code: string; value: number; unit: string; time: string }[] } {
    this.live.sample(index, timeMs, this.snapshot);
    const time = new Date(timeMs).toISOString();
    return {
      samples: simulatedVitalCodes.map((c, v) => ({ code: c.code, value: this.snapshot[v] as number, unit: c.unit, time })),
    };
  }
}

function pushReadings(out: DeviceReading[], bed: DemoBed, timeMs: number, snapshot: Float64Array): void {
  simulatedVitalCodes.forEach((c, v) => {
    out.push({ patientId: bed.patientId, code: c.code, timeMs, value: snapshot[v] as number, unit: c.unit, deviceId: bed.deviceId });
  });
}
