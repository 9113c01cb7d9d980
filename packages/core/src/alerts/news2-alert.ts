import type { News2ClinicalRisk, News2Result } from '../scores/news2.ts';
import { type AlertIntent, alertDedupKey, clear, firing, indeterminate, type RuleOutcome } from './alert-intent.ts';
import type { AlertSeverity } from './alert-severity.ts';

/**
 * NEWS2 trigger thresholds (RCP 2017, Charts 3 and 4) as an alert rule, one alert per patient
 * (key `patientId:news2`), so a rising score escalates the open alert:
 * - any single parameter scoring 3 (total ≤4) → medium, "urgent ward-based response";
 * - total 5–6 → high, "urgent response" (key threshold);
 * - total ≥7 → critical, "emergency response".
 * Totals 0–4 without a red score are routine ward monitoring: the condition is clear.
 *
 * Incomplete observation sets are judged on their lower bound (partial total, red flag among the
 * available parameters): if that already reaches a trigger, it fires; a missing parameter can only
 * make it worse. If the lower bound is below every trigger the result is indeterminate, so an
 * open alert is not resolved on the strength of a partial set.
 */

export interface News2AlertInput {
  readonly patientId: string;
  readonly result: News2Result;
  /** Time the scored vital signs were taken. */
  readonly atMs: number;
  /** Id of the stored score Observation, carried in the details for the clinician's link. */
  readonly observationId?: string;
}

export const news2Responses: Readonly<Record<Exclude<News2ClinicalRisk, 'low'>, { severity: AlertSeverity; response: string }>> = {
  'low-medium': { severity: 'medium', response: 'urgent ward-based response' },
  medium: { severity: 'high', response: 'urgent response' },
  high: { severity: 'critical', response: 'emergency response' },
};

export function evaluateNews2Alert(input: News2AlertInput): RuleOutcome {
  const { result, patientId } = input;
  const dedupKey = alertDedupKey(patientId, 'news2');
  const risk = result.minimumClinicalRisk;
  if (risk === 'low') {
    return result.complete
      ? clear(dedupKey, 'news2', input.atMs)
      : indeterminate(dedupKey, 'news2', 'incomplete NEWS2 set below every trigger');
  }
  const { severity, response } = news2Responses[risk];
  const scoreText = result.complete ? `NEWS2 ${result.total}` : `NEWS2 ≥${result.partialTotal} (incomplete)`;
  const redText = result.redFlag ? ', red score in a single parameter' : '';
  const intent: AlertIntent = {
    dedupKey,
    patientId,
    kind: 'news2',
    severity,
    summary: `${scoreText}${redText}: ${response}`,
    atMs: input.atMs,
    details: {
      total: result.total,
      partialTotal: result.partialTotal,
      complete: result.complete,
      redFlag: result.redFlag,
      clinicalRisk: risk,
      response,
      ...(input.observationId === undefined ? {} : { observationId: input.observationId }),
    },
  };
  return firing(intent);
}
