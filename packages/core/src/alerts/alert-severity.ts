/**
 * Alert severities in increasing order. A rule maps its clinical escalation levels onto these, so
 * that one ordering decides whether a re-fired alert escalates. For NEWS2 (RCP 2017 Chart 4):
 * single red score → medium ("urgent ward-based response"), 5–6 → high ("urgent response"),
 * ≥7 → critical ("emergency response").
 */
export const alertSeverities = ['info', 'low', 'medium', 'high', 'critical'] as const;

export type AlertSeverity = (typeof alertSeverities)[number];

export function severityRank(severity: AlertSeverity): number {
  return alertSeverities.indexOf(severity);
}

/** Negative when a is less severe than b, 0 when equal, positive when more severe (usable as a sort comparator). */
export function compareSeverity(a: AlertSeverity, b: AlertSeverity): number {
  return severityRank(a) - severityRank(b);
}

export function maxSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return compareSeverity(a, b) >= 0 ? a : b;
}
