import { type AlertSeverity, alertSeverities, maxSeverity, type News2ClinicalRisk, scoreNews2, vitalSignCodes } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { queryMonitorReadings } from './monitor-readings-query.ts';
import { monitoringCodes } from './monitoring-codes.ts';
import { Spo2ScaleFlags } from './spo2-scale-flags.ts';
import { codeWindowsMin, defaultValidityWindows, type LatestValue, type ValidityWindows, vitalSnapshot } from './vital-snapshot.ts';

/**
 * The ward view: for each patient, the latest value of each bedside vital sign (within a day), the
 * NEWS2 the monitor would give now, the recent CGM readings (for a trend arrow) and the open and
 * acknowledged alerts. One round trip per part whatever the number of patients: Patient rows, the
 * batch latest-reading probe of monitor-readings-query.ts, SpO2-scale flags, and an alert count.
 *
 * NEWS2 is scored exactly as the patient monitor scores it (vital-snapshot.ts: each reading counts
 * within its validity window, oxygen assumed air and consciousness Alert when not recorded, SpO2
 * scale 2 only with an active Flag), so the ward shows the score the alerts are based on.
 */
export interface WardSummaryRequest {
  /** Restrict to these patients (default: every Patient, up to `limit`). */
  readonly patientIds?: readonly string[];
  readonly nowMs: number;
  readonly limit?: number;
  readonly windows?: ValidityWindows;
}

export interface WardVital {
  readonly value: number;
  readonly time: string;
  readonly deviceId: string;
}

export interface WardPatient {
  readonly id: string;
  readonly name: string;
  readonly gender: string | null;
  readonly birthDate: string | null;
  /** Latest reading per LOINC/SNOMED code within the last 24 h. */
  readonly vitals: Readonly<Record<string, WardVital>>;
  readonly news2: {
    readonly total: number | null;
    readonly partialTotal: number;
    readonly complete: boolean;
    readonly redFlag: boolean;
    readonly clinicalRisk: News2ClinicalRisk | null;
    readonly minimumClinicalRisk: News2ClinicalRisk;
    readonly spo2Scale: 1 | 2;
    readonly assumedAir: boolean;
    readonly assumedAlert: boolean;
    readonly time: string;
  } | null;
  /** CGM readings of the last hour, oldest first. */
  readonly glucose: readonly { readonly time: string; readonly mgDl: number }[];
  readonly alerts: { readonly open: number; readonly acknowledged: number; readonly highestSeverity: AlertSeverity | null };
}

const dayMs = 86_400_000;
const wardCodes = [...codeWindowsMin(defaultValidityWindows).map((c) => c.code), vitalSignCodes.diastolicBp.loinc];

type Json = Record<string, unknown>;
const isAlertSeverity = (s: string): s is AlertSeverity => (alertSeverities as readonly string[]).includes(s);
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A display name from Patient.name: the official (else first) name as "Given Family". */
export function patientDisplayName(patient: Json): string {
  const names = Array.isArray(patient['name']) ? patient['name'].filter(isObj) : [];
  const name = names.find((n) => n['use'] === 'official') ?? names[0];
  if (name === undefined) return String(patient['id'] ?? '');
  if (typeof name['text'] === 'string' && name['text'].trim() !== '') return name['text'];
  const given = Array.isArray(name['given']) ? name['given'].filter((g) => typeof g === 'string').join(' ') : '';
  const family = typeof name['family'] === 'string' ? name['family'] : '';
  return `${given} ${family}`.trim() || String(patient['id'] ?? '');
}

export async function wardSummary(db: SqlQueryable, req: WardSummaryRequest): Promise<WardPatient[]> {
  const limit = req.limit ?? 1000;
  const patientRows = await db.query<{ id: string; content: Json | string }>(
    req.patientIds === undefined
      ? `SELECT id, content FROM fhir_resource WHERE resource_type = 'Patient' AND NOT deleted ORDER BY id LIMIT $1`
      : `SELECT id, content FROM fhir_resource WHERE resource_type = 'Patient' AND NOT deleted AND id = ANY($2::text[]) ORDER BY id LIMIT $1`,
    req.patientIds === undefined ? [limit] : [limit, [...req.patientIds]],
  );
  const ids = patientRows.map((r) => r.id);
  if (ids.length === 0) return [];
  const windows = req.windows ?? defaultValidityWindows;
  const windowOf = new Map(codeWindowsMin(windows).map((c) => [c.code, c.windowMin]));
  const [readings, scale2, alertRows] = await Promise.all([
    queryMonitorReadings(db, {
      vitalsPatientIds: ids,
      cgmPatientIds: ids,
      codes: wardCodes.map((code) => ({ code, fromMs: req.nowMs - dayMs })),
      toMs: req.nowMs + 5 * 60_000,
      cgm: { code: monitoringCodes.cgmGlucose, fromMs: req.nowMs - 3_600_000, limit: 24 },
    }),
    new Spo2ScaleFlags(db, () => req.nowMs).scale2Patients(),
    db.query<{ patient_id: string; status: string; severity: string; n: number | string }>(
      `SELECT patient_id, status, severity, count(*) AS n FROM alert
        WHERE status IN ('open', 'acknowledged') AND patient_id = ANY($1::text[]) GROUP BY patient_id, status, severity`,
      [ids],
    ),
  ]);
  const alerts = new Map<string, { open: number; acknowledged: number; highestSeverity: AlertSeverity | null }>();
  for (const r of alertRows) {
    const a = alerts.get(r.patient_id) ?? { open: 0, acknowledged: 0, highestSeverity: null };
    if (r.status === 'open') a.open += Number(r.n);
    else a.acknowledged += Number(r.n);
    if (isAlertSeverity(r.severity))
      a.highestSeverity = a.highestSeverity === null ? r.severity : maxSeverity(a.highestSeverity, r.severity);
    alerts.set(r.patient_id, a);
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  return patientRows.map((row) => {
    const content = typeof row.content === 'string' ? (JSON.parse(row.content) as Json) : row.content;
    const latest = readings.latest.get(row.id) ?? new Map<string, LatestValue>();
    const vitals: Record<string, WardVital> = {};
    const current = new Map<string, LatestValue>();
    for (const [code, v] of latest) {
      vitals[code] = { value: v.value, time: iso(v.timeMs), deviceId: v.deviceId };
      const windowMin = windowOf.get(code);
      if (windowMin !== undefined && v.timeMs >= req.nowMs - windowMin * 60_000) current.set(code, v);
    }
    const snapshot = vitalSnapshot(current, scale2.has(row.id) ? 2 : 1);
    const score = snapshot === null ? null : scoreNews2(snapshot.news2);
    return {
      id: row.id,
      name: patientDisplayName(content),
      gender: typeof content['gender'] === 'string' ? content['gender'] : null,
      birthDate: typeof content['birthDate'] === 'string' ? content['birthDate'] : null,
      vitals,
      news2:
        snapshot === null || score === null
          ? null
          : {
              total: score.total,
              partialTotal: score.partialTotal,
              complete: score.complete,
              redFlag: score.redFlag,
              clinicalRisk: score.clinicalRisk,
              minimumClinicalRisk: score.minimumClinicalRisk,
              spo2Scale: score.spo2Scale,
              assumedAir: snapshot.assumedAir,
              assumedAlert: snapshot.assumedAlert,
              time: iso(snapshot.effectiveMs),
            },
      glucose: (readings.cgm.get(row.id)?.readings ?? []).map((g) => ({ time: iso(g.timeMs), mgDl: g.glucoseMgDl })),
      alerts: alerts.get(row.id) ?? { open: 0, acknowledged: 0, highestSeverity: null },
    };
  });
}
