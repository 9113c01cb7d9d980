/**
 * The common shape every CGM importer produces: one glucose reading per sensor sample, in mg/dL,
 * at an absolute instant (ms since the Unix epoch, UTC).
 */

/**
 * Readings outside the sensor's reportable range. Dexcom G6 reports 40–400 mg/dL and exports
 * `Low` / `High` outside it (Dexcom G6 user guide, "Glucose readings"). Project rule (the
 * clinical-references doc leaves the value open): `Low` becomes 39 mg/dL and `High` 401 mg/dL,
 * one step outside the range, flagged, so that they count in the < 54 and > 250 ranges and still
 * enter the mean with the least-extreme value they could have.
 */
export type CgmReadingFlag = 'low' | 'high';

export const cgmLowSentinelMgDl = 39;
export const cgmHighSentinelMgDl = 401;

/** mmol/L → mg/dL factor used throughout (clinical-references: "mmol/L = mg/dL / 18.0"). */
export const mgDlPerMmolL = 18.0;

export interface CgmReading {
  readonly subjectId: string;
  /** Instant of the sample, ms since 1970-01-01T00:00:00Z. */
  readonly timeMs: number;
  readonly glucoseMgDl: number;
  /** Set when the device reported a value outside its range instead of a number. */
  readonly flag?: CgmReadingFlag;
}

/** A non-glucose row of an export kept for later use (insulin, carbs, calibration, alerts ...). */
export interface CgmEvent {
  readonly subjectId: string;
  readonly timeMs: number;
  /** Export's own event type, e.g. `Insulin`, `Carbs`, `Calibration`, `Exercise`. */
  readonly type: string;
  readonly subtype?: string;
  /** Numeric payload when the row has one: insulin units, carb grams, calibration mg/dL. */
  readonly value?: number;
  readonly unit?: string;
}

/** One input row that could not be used. Line numbers are 1-based and refer to the file. */
export interface CgmRowError {
  readonly line: number;
  /** Column header (or name) of the offending field, when one field is to blame. */
  readonly column?: string;
  readonly message: string;
}

export interface CgmImportResult {
  readonly readings: CgmReading[];
  readonly events: CgmEvent[];
  readonly errors: CgmRowError[];
}

export type GlucoseUnit = 'mg/dL' | 'mmol/L';

/** Groups readings by subject (insertion order of first appearance) and sorts each by time. */
export function groupReadingsBySubject(readings: readonly CgmReading[]): Map<string, CgmReading[]> {
  const bySubject = new Map<string, CgmReading[]>();
  for (const r of readings) {
    const list = bySubject.get(r.subjectId);
    if (list) list.push(r);
    else bySubject.set(r.subjectId, [r]);
  }
  for (const list of bySubject.values()) list.sort((a, b) => a.timeMs - b.timeMs);
  return bySubject;
}
