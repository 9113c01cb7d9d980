import type { GlucoseSample } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import type { LatestValue } from './vital-snapshot.ts';

/**
 * Everything the monitor reads from the time series for a set of patients, in ONE round trip:
 * the latest reading of each code within its own validity window, and the recent CGM series.
 * Each (patient, code) pair is looked up in reading_series, then a LATERAL `ORDER BY t DESC LIMIT n`
 * probe of reading_point's primary-key index (series, t, device_id), so the cost grows with
 * patients × codes, not with how many readings the windows hold.
 */
export interface MonitorReadingsRequest {
  /** Patients whose latest vital signs are wanted. */
  readonly vitalsPatientIds: readonly string[];
  /** Patients whose CGM series is wanted. */
  readonly cgmPatientIds: readonly string[];
  readonly codes: readonly { readonly code: string; readonly fromMs: number }[];
  /** Upper time bound (now plus the device clock skew ingest accepts). */
  readonly toMs: number;
  readonly cgm: { readonly code: string; readonly fromMs: number; readonly limit: number };
}

export interface MonitorReadings {
  /** patient → code → latest reading. */
  readonly latest: Map<string, Map<string, LatestValue>>;
  /** patient → CGM readings, oldest first, with the device of the newest. */
  readonly cgm: Map<string, { readings: GlucoseSample[]; deviceId: string }>;
}

interface Row {
  patient_id: string;
  code: string;
  t: Date | string;
  value: number;
  device_id: string;
  series: number;
}

export async function queryMonitorReadings(db: SqlQueryable, req: MonitorReadingsRequest): Promise<MonitorReadings> {
  const latest = new Map<string, Map<string, LatestValue>>();
  const cgm = new Map<string, { readings: GlucoseSample[]; deviceId: string }>();
  if (req.vitalsPatientIds.length === 0 && req.cgmPatientIds.length === 0) return { latest, cgm };
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows = await db.query<Row>(
    `SELECT p.pid AS patient_id, c.code, r.t, r.value, r.device_id, 0 AS series
       FROM unnest($1::text[]) AS p(pid)
       CROSS JOIN unnest($2::text[], $3::timestamptz[]) AS c(code, from_t)
       JOIN reading_series s ON s.patient_id = p.pid AND s.code = c.code
       CROSS JOIN LATERAL (
         SELECT d.t, d.value, d.device_id FROM reading_point d
          WHERE d.series = s.id AND d.t >= c.from_t AND d.t <= $4::timestamptz
          ORDER BY d.t DESC LIMIT 1) r
     UNION ALL
     SELECT p.pid, $5::text, g.t, g.value, g.device_id, 1
       FROM unnest($8::text[]) AS p(pid)
       JOIN reading_series s ON s.patient_id = p.pid AND s.code = $5::text
       CROSS JOIN LATERAL (
         SELECT d.t, d.value, d.device_id FROM reading_point d
          WHERE d.series = s.id AND d.t >= $6::timestamptz AND d.t <= $4::timestamptz
          ORDER BY d.t DESC LIMIT $7::int) g`,
    [
      req.vitalsPatientIds,
      req.codes.map((c) => c.code),
      req.codes.map((c) => iso(c.fromMs)),
      iso(req.toMs),
      req.cgm.code,
      iso(req.cgm.fromMs),
      req.cgm.limit,
      req.cgmPatientIds,
    ],
  );
  const newestCgmMs = new Map<string, number>();
  for (const r of rows) {
    const timeMs = r.t instanceof Date ? r.t.getTime() : Date.parse(r.t);
    if (Number(r.series) === 0) {
      let codes = latest.get(r.patient_id);
      if (!codes) {
        codes = new Map();
        latest.set(r.patient_id, codes);
      }
      codes.set(r.code, { code: r.code, timeMs, value: r.value, deviceId: r.device_id });
    } else {
      let series = cgm.get(r.patient_id);
      if (!series) {
        series = { readings: [], deviceId: r.device_id };
        cgm.set(r.patient_id, series);
      }
      if (timeMs >= (newestCgmMs.get(r.patient_id) ?? Number.NEGATIVE_INFINITY)) {
        newestCgmMs.set(r.patient_id, timeMs);
        series.deviceId = r.device_id;
      }
      series.readings.push({ timeMs, glucoseMgDl: r.value });
    }
  }
  for (const series of cgm.values()) series.readings.sort((a, b) => a.timeMs - b.timeMs);
  return { latest, cgm };
}
