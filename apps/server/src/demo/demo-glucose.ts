import { type DeviceReading, loadUvaPadovaData } from '@vitaltwin/platform';
import { simulateCgmDataset, type TreatmentLog } from '@vitaltwin/sim';

/** LOINC 99504-3, glucose in interstitial fluid by CGM (HL7 CGM IG), in mg/dL. */
export const cgmCode = '99504-3';

export interface DemoGlucoseRecord {
  /** CGM readings over the whole simulated period (past and the day ahead), oldest first. */
  readonly readings: readonly DeviceReading[];
  /** The treatment log in epoch minutes. */
  readonly log: TreatmentLog;
}

/**
 * A CGM record for a demo patient: a virtual patient of the UVA/Padova model (simglucose's
 * `adult#00N`) living `days` days of random meals on basal–bolus therapy, read by a Dexcom-like
 * sensor (platform trials' data: vpatient_params, Quest, sensor_params). The record ends one day
 * after `nowMs`, so the demo can keep streaming "live" readings as wall time passes.
 */
export function demoGlucoseRecord(
  patientId: string,
  deviceId: string,
  virtualPatient: string,
  pastDays: number,
  nowMs: number,
  seed: number,
): DemoGlucoseRecord {
  const data = loadUvaPadovaData();
  const source = data.patients.find((p) => p.params.name === virtualPatient);
  const sensor = data.sensors.find((s) => s.name === 'Dexcom');
  if (!source || !sensor) throw new Error(`demo data: no virtual patient ${virtualPatient} or Dexcom sensor`);
  const dataset = simulateCgmDataset(source.params, { days: pastDays + 1, seed, sensor, therapy: source.therapy });
  // Start at midnight UTC `pastDays` ago so the simulated meals fall at plausible clock times.
  const startMin = Math.floor(nowMs / 86_400_000) * 1440 - pastDays * 1440;
  const readings: DeviceReading[] = [];
  for (let i = 0; i < dataset.cgm.timeMin.length; i++) {
    readings.push({
      patientId,
      code: cgmCode,
      timeMs: (startMin + (dataset.cgm.timeMin[i] as number)) * 60_000,
      value: Math.round(dataset.cgm.glucoseMgDl[i] as number),
      unit: 'mg/dL',
      deviceId,
    });
  }
  const shift = <T extends { readonly timeMin: number }>(items: readonly T[]): T[] =>
    items.map((x) => ({ ...x, timeMin: x.timeMin + startMin }));
  return { readings, log: { basal: shift(dataset.log.basal), boluses: shift(dataset.log.boluses), meals: shift(dataset.log.meals) } };
}
