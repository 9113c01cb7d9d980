import { evaluateStaleData, type RuleOutcome, vitalSignCodes } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import type { DeviceActivity } from './device-activity.ts';
import { contextCodeSpecs } from './monitoring-codes.ts';
import { vitaltwinMonitoringSystem } from './spo2-scale-flags.ts';

/**
 * Stale data: every active FHIR Device bound to a patient (`Device.patient`) is expected to report
 * at least every `staleAfterMin` minutes (core alerts/stale-data.ts; one alert per device). The
 * limit is the server's default unless the Device carries a property
 * `{type: {coding: [{system: 'https://vitaltwin.dev/fhir/CodeSystem/monitoring', code: 'stale-after-min'}]}, valueQuantity: [{value: N}]}`
 * (N = 0 turns the check off for that device, e.g. a weekly weight scale). Last-reading times
 * come from the monitor's in-memory DeviceActivity; a device it has not seen since start is looked
 * up once in the time series (latest reading within `lookbackMs`, one index probe per code).
 * Monitoring counts from the Device's last update (its binding) when it never reported.
 */
export interface StaleDataSweepOptions {
  readonly staleAfterMin: number;
  /** How far back a device's last reading is looked up when not seen yet (default 7 days). */
  readonly lookbackMs?: number;
}

export const staleAfterPropertyCode = 'stale-after-min';

interface DeviceRow {
  id: string;
  patient_ref: string;
  last_updated: Date | string;
  stale_after: string | null;
}

const readingCodes = [
  ...Object.values(vitalSignCodes)
    .filter((c) => c.canonicalUnit !== null)
    .map((c) => c.loinc),
  ...contextCodeSpecs.map((c) => c.code),
];

export async function staleDataOutcomes(
  db: SqlQueryable,
  activity: DeviceActivity,
  nowMs: number,
  options: StaleDataSweepOptions,
): Promise<{ outcomes: RuleOutcome[]; devices: number }> {
  const devices = await db.query<DeviceRow>(
    `SELECT id, content->'patient'->>'reference' AS patient_ref, last_updated,
            (SELECT q->>'value' FROM jsonb_array_elements(coalesce(content::jsonb->'property', '[]'::jsonb)) p
               CROSS JOIN LATERAL jsonb_array_elements(coalesce(p->'valueQuantity', '[]'::jsonb)) q
              WHERE p->'type'->'coding' @> $1::jsonb LIMIT 1) AS stale_after
       FROM fhir_resource
      WHERE resource_type = 'Device' AND NOT deleted AND coalesce(content->>'status', 'active') = 'active'
        AND content->'patient'->>'reference' LIKE 'Patient/%'`,
    [JSON.stringify([{ system: vitaltwinMonitoringSystem, code: staleAfterPropertyCode }])],
  );
  const bound = devices.map((d) => ({ ...d, patientId: d.patient_ref.slice('Patient/'.length) }));
  const unseen = bound.filter((d) => activity.lastReadingMs(d.id) === undefined);
  if (unseen.length > 0) await seed(db, activity, unseen, nowMs - (options.lookbackMs ?? 7 * 86_400_000));
  const outcomes: RuleOutcome[] = [];
  for (const d of bound) {
    const override = d.stale_after === null ? Number.NaN : Number(d.stale_after);
    const staleAfterMin = Number.isFinite(override) && override >= 0 ? override : options.staleAfterMin;
    if (staleAfterMin === 0) continue;
    outcomes.push(
      evaluateStaleData({
        patientId: d.patientId,
        deviceId: d.id,
        lastReadingMs: activity.lastReadingMs(d.id) ?? null,
        monitoringSinceMs: d.last_updated instanceof Date ? d.last_updated.getTime() : Date.parse(d.last_updated),
        nowMs,
        staleAfterMin,
      }),
    );
  }
  return { outcomes, devices: bound.length };
}

async function seed(
  db: SqlQueryable,
  activity: DeviceActivity,
  devices: readonly (DeviceRow & { patientId: string })[],
  fromMs: number,
): Promise<void> {
  const rows = await db.query<{ id: string; last: Date | string | null }>(
    `SELECT dev.id, max(x.t) AS last
       FROM unnest($1::text[], $2::text[]) AS dev(id, pid)
       CROSS JOIN unnest($3::text[]) AS c(code)
       JOIN reading_series s ON s.patient_id = dev.pid AND s.code = c.code
       CROSS JOIN LATERAL (
         SELECT r.t FROM reading_point r
          WHERE r.series = s.id AND r.device_id = dev.id AND r.t >= $4::timestamptz
          ORDER BY r.t DESC LIMIT 1) x
      GROUP BY dev.id`,
    [devices.map((d) => d.id), devices.map((d) => d.patientId), readingCodes, new Date(fromMs).toISOString()],
  );
  const found = new Map(rows.map((r) => [r.id, r.last === null ? null : r.last instanceof Date ? r.last.getTime() : Date.parse(r.last)]));
  for (const d of devices) activity.seed(d.id, found.get(d.id) ?? null);
}
