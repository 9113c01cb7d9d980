import type { AlertSeverity } from './alert-severity.ts';

/**
 * What alert rules produce. Rules are pure functions of data and a clock value passed in; they
 * never store anything. Each evaluation yields one `RuleOutcome` per alert key the rule owns:
 * - `firing`: the condition holds; the intent carries severity and details (the lifecycle reducer
 *   turns it into a new alert, an update of the open one, or an escalation);
 * - `clear`: the condition is known not to hold (the runtime may resolve an open alert);
 * - `indeterminate`: the data cannot tell (stale, too few readings, incomplete scores); leave any
 *   open alert as it is.
 */

export type AlertKind =
  | 'news2'
  | 'glucose-low'
  | 'glucose-high'
  | 'glucose-falling'
  | 'glucose-rising'
  | 'glucose-predicted-low'
  | 'stale-data'
  | 'medication-overdue'
  | 'fall';

export type AlertDetailValue = string | number | boolean | null;

export interface AlertIntent {
  /** Same key while the alert is open = same alert (e.g. `p1:news2`). */
  readonly dedupKey: string;
  readonly patientId: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  /** One line for a clinician; values and thresholds, no identifiers beyond the alert itself. */
  readonly summary: string;
  /** Time of the data that triggered the rule (ms since epoch), not of the evaluation. */
  readonly atMs: number;
  readonly deviceId?: string;
  readonly details: Readonly<Record<string, AlertDetailValue>>;
}

export type RuleOutcome =
  | { readonly status: 'firing'; readonly intent: AlertIntent }
  | { readonly status: 'clear'; readonly dedupKey: string; readonly kind: AlertKind; readonly atMs: number }
  | { readonly status: 'indeterminate'; readonly dedupKey: string; readonly kind: AlertKind; readonly reason: string };

/** `patientId:kind` or `patientId:kind:qualifier` (device id, MedicationRequest id). FHIR ids contain no colon. */
export function alertDedupKey(patientId: string, kind: AlertKind, qualifier?: string): string {
  return qualifier === undefined ? `${patientId}:${kind}` : `${patientId}:${kind}:${qualifier}`;
}

export const firing = (intent: AlertIntent): RuleOutcome => ({ status: 'firing', intent });

export const clear = (dedupKey: string, kind: AlertKind, atMs: number): RuleOutcome => ({ status: 'clear', dedupKey, kind, atMs });

export const indeterminate = (dedupKey: string, kind: AlertKind, reason: string): RuleOutcome => ({
  status: 'indeterminate',
  dedupKey,
  kind,
  reason,
});
