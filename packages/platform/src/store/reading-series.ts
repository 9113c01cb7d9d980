import type { SqlQueryable } from './sql-client.ts';

/**
 * Device time series for charts, in columns: for each code, the reading times (epoch ms) and values
 * in time order, averaged into equal time buckets when the range holds more readings than a chart
 * can show. A 14-day CGM record at 5-minute sampling (4,032 readings) stays unaveraged under the
 * default of 5,000 points; a bedside monitor streaming once a second is averaged per bucket. The
 * bucket's time is the mean time of its readings, so sparse data keeps its own timestamps. Each
 * series also carries its newest reading unaveraged.
 */
export interface ReadingSeriesRequest {
  readonly patientId: string;
  readonly codes: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  /** Most points per code (default 5000). */
  readonly maxPoints?: number;
}

export interface ReadingSeries {
  readonly code: string;
  readonly unit: string;
  readonly timesMs: number[];
  readonly values: number[];
  /** Readings averaged into one point at most (1 when nothing was averaged). */
  readonly bucketReadings: number;
  /** The newest reading in the range as measured (never averaged), for "latest value" displays. */
  readonly latest: { readonly timeMs: number; readonly value: number };
}

interface Row {
  code: string;
  unit: string;
  t_ms: number | string;
  value: number;
  n: number | string;
}

export async function readingSeries(db: SqlQueryable, req: ReadingSeriesRequest): Promise<ReadingSeries[]> {
  const maxPoints = req.maxPoints ?? 5000;
  const bucketMs = Math.max(1, Math.ceil((req.toMs - req.fromMs) / maxPoints));
  // One statement for every code: the primary key (patient_id, code, t, ...) serves each code's range.
  const rows = await db.query<Row>(
    `SELECT code, min(unit) AS unit, avg(extract(epoch FROM t) * 1000) AS t_ms, avg(value) AS value, count(*) AS n
       FROM device_reading
      WHERE patient_id = $1 AND code = ANY($2::text[]) AND t >= $3 AND t < $4
      GROUP BY code, floor((extract(epoch FROM t) * 1000 - $5::double precision) / $6::double precision)
      ORDER BY code, t_ms`,
    [req.patientId, [...req.codes], new Date(req.fromMs), new Date(req.toMs), req.fromMs, bucketMs],
  );
  const latestRows = await db.query<{ code: string; t: Date | string; value: number }>(
    `SELECT c.code, r.t, r.value FROM unnest($2::text[]) AS c(code)
       JOIN reading_series s ON s.patient_id = $1 AND s.code = c.code
       CROSS JOIN LATERAL (
         SELECT d.t, d.value FROM reading_point d
          WHERE d.series = s.id AND d.t >= $3 AND d.t < $4
          ORDER BY d.t DESC LIMIT 1) r`,
    [req.patientId, [...req.codes], new Date(req.fromMs), new Date(req.toMs)],
  );
  const latest = new Map(
    latestRows.map((r) => [r.code, { timeMs: r.t instanceof Date ? r.t.getTime() : Date.parse(r.t), value: Number(r.value) }]),
  );
  const byCode = new Map<string, { unit: string; timesMs: number[]; values: number[]; bucketReadings: number }>();
  for (const r of rows) {
    let s = byCode.get(r.code);
    if (s === undefined) {
      s = { unit: r.unit, timesMs: [], values: [], bucketReadings: 1 };
      byCode.set(r.code, s);
    }
    s.timesMs.push(Math.round(Number(r.t_ms)));
    s.values.push(Number(r.value));
    s.bucketReadings = Math.max(s.bucketReadings, Number(r.n));
  }
  return req.codes.flatMap((code) => {
    const s = byCode.get(code);
    const last = latest.get(code);
    return s === undefined || last === undefined ? [] : [{ code, ...s, latest: last }];
  });
}
