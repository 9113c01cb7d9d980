import { alertDedupKey, evaluateMedicationAdherence, fhirDateTimeMs, type MedicationRequestLike, type RuleOutcome } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';

/**
 * Medication adherence from the FHIR store (core alerts/medication-adherence.ts): every active
 * MedicationRequest with a dosage timing is checked against the completed MedicationAdministrations
 * that reference it (`MedicationAdministration.request`, time from `effectiveDateTime` or
 * `effectivePeriod.start`) over the last `lookbackMs`. Requests that are no longer active (or
 * deleted) while their alert is open get a `clear`, which resolves it.
 *
 * Reads fhir_resource directly (two queries per sweep); fine for thousands of requests, at larger
 * scale this would go through the FHIR search index.
 */
export interface AdherenceSweepOptions {
  /** Minutes after a scheduled time before a dose counts as missed (default 60). */
  readonly graceMin?: number;
  /** Period checked (default 24 h). */
  readonly lookbackMs?: number;
  /** IANA time zone for timeOfDay schedules (default UTC). */
  readonly timeZone?: string;
}

interface RequestRow {
  id: string;
  content: (MedicationRequestLike & { subject?: { reference?: string }; doNotPerform?: boolean }) | string;
}

export async function adherenceOutcomes(
  db: SqlQueryable,
  nowMs: number,
  openAlertRequestIds: readonly { readonly patientId: string; readonly requestId: string }[],
  options: AdherenceSweepOptions = {},
): Promise<{ outcomes: RuleOutcome[]; requests: number }> {
  const rows = await db.query<RequestRow>(
    `SELECT id, content FROM fhir_resource
      WHERE resource_type = 'MedicationRequest' AND NOT deleted AND content->>'status' = 'active'`,
  );
  const requests = rows
    .map((r) => ({
      id: r.id,
      content: typeof r.content === 'string' ? (JSON.parse(r.content) as Exclude<RequestRow['content'], string>) : r.content,
    }))
    .filter((r) => r.content.doNotPerform !== true && /^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(r.content.subject?.reference ?? ''));
  const timeZone = options.timeZone ?? 'UTC';
  const given = new Map<string, number[]>();
  if (requests.length > 0) {
    const admins = await db.query<{ request: string; at: string | null }>(
      `SELECT content->'request'->>'reference' AS request,
              coalesce(content->>'effectiveDateTime', content->'effectivePeriod'->>'start') AS at
         FROM fhir_resource
        WHERE resource_type = 'MedicationAdministration' AND NOT deleted AND content->>'status' = 'completed'
          AND content->'request'->>'reference' = ANY($1::text[])`,
      [requests.map((r) => `MedicationRequest/${r.id}`)],
    );
    for (const a of admins) {
      const atMs = a.at === null ? Number.NaN : fhirDateTimeMs(a.at, timeZone);
      if (Number.isNaN(atMs)) continue;
      const list = given.get(a.request);
      if (list) list.push(atMs);
      else given.set(a.request, [atMs]);
    }
  }
  const outcomes: RuleOutcome[] = [];
  const active = new Set<string>();
  for (const r of requests) {
    active.add(r.id);
    const patientId = (r.content.subject?.reference ?? '').slice('Patient/'.length);
    outcomes.push(
      evaluateMedicationAdherence({
        patientId,
        request: { ...r.content, id: r.id },
        administrationTimesMs: given.get(`MedicationRequest/${r.id}`) ?? [],
        fromMs: nowMs - (options.lookbackMs ?? 86_400_000),
        nowMs,
        graceMin: options.graceMin ?? 60,
        timeZone,
      }),
    );
  }
  for (const open of openAlertRequestIds) {
    if (active.has(open.requestId)) continue;
    outcomes.push({
      status: 'clear',
      dedupKey: alertDedupKey(open.patientId, 'medication-overdue', open.requestId),
      kind: 'medication-overdue',
      atMs: nowMs,
    });
  }
  return { outcomes, requests: requests.length };
}
