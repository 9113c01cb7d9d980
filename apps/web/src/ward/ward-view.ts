import type { AlertSeverity, AlertView, News2ClinicalRisk, WardPatient } from '../api/api-types.ts';
import { displayedRisk, riskStyle } from './news2-risk.ts';

/**
 * What the ward table shows, derived from the ward state: per patient the displayed NEWS2 risk and
 * alert counts, filtered by the user's search and thresholds and sorted sickest first (NEWS2 risk,
 * then score, then open alerts and their severity, then name — a stable, total order).
 */
export interface WardRowView {
  readonly patient: WardPatient;
  readonly risk: News2ClinicalRisk | null;
  readonly partial: boolean;
  readonly score: number | null;
  readonly rank: number;
  readonly openAlerts: number;
  readonly acknowledgedAlerts: number;
  readonly highestSeverity: AlertSeverity | null;
}

export interface WardFilter {
  readonly search: string;
  /** Show only patients at or above this risk. */
  readonly minRisk: News2ClinicalRisk | 'all';
  readonly openAlertsOnly: boolean;
  /** Show patients without any reading in the last day. */
  readonly includeUnmonitored: boolean;
}

export const defaultWardFilter: WardFilter = { search: '', minRisk: 'all', openAlertsOnly: false, includeUnmonitored: false };

const severityRank: Readonly<Record<AlertSeverity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

function alertCounts(patient: WardPatient, alerts: ReadonlyMap<string, AlertView> | null, byPatient: Map<string, AlertView[]>) {
  if (alerts === null) return patient.alerts;
  let open = 0;
  let acknowledged = 0;
  let highestSeverity: AlertSeverity | null = null;
  for (const a of byPatient.get(patient.id) ?? []) {
    if (a.status === 'open') open++;
    else if (a.status === 'acknowledged') acknowledged++;
    if (highestSeverity === null || severityRank[a.severity] > severityRank[highestSeverity]) highestSeverity = a.severity;
  }
  return { open, acknowledged, highestSeverity };
}

export function wardRows(
  rows: ReadonlyMap<string, WardPatient>,
  alerts: ReadonlyMap<string, AlertView> | null,
  filter: WardFilter,
): WardRowView[] {
  const byPatient = new Map<string, AlertView[]>();
  for (const a of alerts?.values() ?? []) {
    const list = byPatient.get(a.patientId);
    if (list) list.push(a);
    else byPatient.set(a.patientId, [a]);
  }
  const needle = filter.search.trim().toLowerCase();
  const minRank = filter.minRisk === 'all' ? 0 : riskStyle(filter.minRisk).rank;
  const out: WardRowView[] = [];
  for (const patient of rows.values()) {
    const counts = alertCounts(patient, alerts, byPatient);
    const shown = displayedRisk(patient.news2);
    const rank = riskStyle(shown.risk).rank;
    const monitored = Object.keys(patient.vitals).length > 0 || patient.glucose.length > 0 || counts.open + counts.acknowledged > 0;
    if (!filter.includeUnmonitored && !monitored) continue;
    if (needle && !patient.name.toLowerCase().includes(needle) && !patient.id.toLowerCase().includes(needle)) continue;
    if (rank < minRank) continue;
    if (filter.openAlertsOnly && counts.open === 0) continue;
    out.push({
      patient,
      risk: shown.risk,
      partial: shown.partial,
      score: shown.score,
      rank,
      openAlerts: counts.open,
      acknowledgedAlerts: counts.acknowledged,
      highestSeverity: counts.highestSeverity,
    });
  }
  return out.sort(compareRows);
}

export function compareRows(a: WardRowView, b: WardRowView): number {
  return (
    b.rank - a.rank ||
    (b.score ?? -1) - (a.score ?? -1) ||
    b.openAlerts - a.openAlerts ||
    (b.highestSeverity === null ? -1 : severityRank[b.highestSeverity]) -
      (a.highestSeverity === null ? -1 : severityRank[a.highestSeverity]) ||
    a.patient.name.localeCompare(b.patient.name) ||
    a.patient.id.localeCompare(b.patient.id)
  );
}

/** Age in whole years at `nowMs` from a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD); null when unknown. */
export function ageYears(birthDate: string | null, nowMs: number): number | null {
  if (birthDate === null) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(birthDate);
  if (!m) return null;
  const now = new Date(nowMs);
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  let age = now.getUTCFullYear() - year;
  if (now.getUTCMonth() + 1 < month || (now.getUTCMonth() + 1 === month && now.getUTCDate() < day)) age -= 1;
  return age;
}
