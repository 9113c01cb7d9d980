import { mgDlPerMmolL } from '@vitaltwin/core';
import { normaliseTreatmentLog, type TreatmentLog } from '@vitaltwin/sim';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { carbIntakeLoinc, treatmentsFromFhir } from './fhir-treatments.ts';

/** CGM codes read from `device_reading` (HL7 CGM IG 1.0.0): mass and molar sensor glucose. */
export const cgmReadingCodes = { mass: '99504-3', molar: '105272-9' } as const;

export interface CgmPoint {
  readonly timeMs: number;
  readonly mgDl: number;
}

const minuteMs = 60_000;

// The treatment resources of one patient: insulin administrations and LOINC 9059-7 carbohydrate
// Observations (jsonb containment on the code, so other Observations are never read).
const treatmentFilter = `patient_id = $1 AND (resource_type = 'MedicationAdministration'
  OR (resource_type = 'Observation' AND (content->'code'->'coding')::jsonb @> $2::jsonb))`;
const treatmentParams = (patientId: string): unknown[] => [
  patientId,
  JSON.stringify([{ system: 'http://loinc.org', code: carbIntakeLoinc }]),
];

/**
 * What the glucose twin reads for a patient: CGM readings from the device time series (both CGM
 * codes, in mg/dL) and logged insulin and carbohydrate from the FHIR store's patient compartment.
 */
export class TwinInputs {
  private readonly db: SqlClient;
  private readonly store: TimeSeriesStore;

  constructor(db: SqlClient) {
    this.db = db;
    this.store = new TimeSeriesStore(db);
  }

  /** Time of the patient's latest CGM reading [ms], undefined when there is none. */
  async latestCgmMs(patientId: string): Promise<number | undefined> {
    const latest = (await this.store.latest(patientId, 1)).filter(
      (r) => r.code === cgmReadingCodes.mass || r.code === cgmReadingCodes.molar,
    );
    return latest.length === 0 ? undefined : Math.max(...latest.map((r) => r.timeMs));
  }

  /** Both CGM codes merged in time order, in mg/dL (a second reading within the same minute is dropped). */
  async cgm(patientId: string, fromMs: number, toMs: number): Promise<CgmPoint[]> {
    const [mass, molar] = await Promise.all([
      this.store.series(patientId, cgmReadingCodes.mass, fromMs, toMs),
      this.store.series(patientId, cgmReadingCodes.molar, fromMs, toMs),
    ]);
    const toMgDl = (value: number, unit: string): number => (unit === 'mmol/L' ? value * mgDlPerMmolL : value);
    const merged = [...mass, ...molar]
      .map((r) => ({ timeMs: r.timeMs, mgDl: toMgDl(r.value, r.unit) }))
      .sort((a, b) => a.timeMs - b.timeMs);
    return merged.filter((r, i) => i === 0 || Math.round(r.timeMs / minuteMs) > Math.round(merged[i - 1]!.timeMs / minuteMs));
  }

  /** Count and latest update of the patient's treatment resources (deleted ones too): any change rebuilds the twin. */
  async treatmentsKey(patientId: string): Promise<string> {
    const rows = await this.db.query<{ n: number; latest: Date | null }>(
      `SELECT count(*)::int AS n, max(last_updated) AS latest FROM fhir_resource WHERE ${treatmentFilter}`,
      treatmentParams(patientId),
    );
    const row = rows[0];
    return `${row?.n ?? 0}@${row?.latest ? new Date(row.latest).getTime() : 0}`;
  }

  /**
   * The patient's treatments from `fromMin` (minutes since the epoch) on, as a log; the basal rate in
   * force at `fromMin` is carried to it.
   */
  async treatments(patientId: string, fromMin: number): Promise<TreatmentLog> {
    const rows = await this.db.query<{ content: unknown }>(
      `SELECT content FROM fhir_resource WHERE NOT deleted AND ${treatmentFilter}`,
      treatmentParams(patientId),
    );
    const log = treatmentsFromFhir(rows.map((r) => r.content));
    const basalBefore = log.basal.filter((b) => b.timeMin < fromMin).at(-1);
    return normaliseTreatmentLog({
      basal: [...(basalBefore ? [{ ...basalBefore, timeMin: fromMin }] : []), ...log.basal.filter((b) => b.timeMin >= fromMin)],
      boluses: log.boluses.filter((b) => b.timeMin >= fromMin),
      meals: log.meals.filter((m) => m.timeMin >= fromMin),
    });
  }
}
