import { VitaltwinError } from '@vitaltwin/core';
import { defaultMonitoringConfig, type MonitoringConfig } from '@vitaltwin/platform';
import { z } from 'zod';

/**
 * Monitoring settings from the environment, validated and frozen:
 * VITALTWIN_MONITOR_SWEEP_SEC (stale-data / adherence sweep period, default 60),
 * VITALTWIN_STALE_AFTER_MIN (default device silence before a stale-data alert, 0 = off, default 30),
 * VITALTWIN_SCORE_REFRESH_SEC (unchanged scores stored again at most this often per patient, default 300),
 * VITALTWIN_SCORE_MIN_INTERVAL_SEC (changed scores stored no sooner than this after the previous ones, default 10),
 * VITALTWIN_SCORE_WRITES_PER_SEC (score Observations written per second at most, default 50),
 * VITALTWIN_ADHERENCE_GRACE_MIN (minutes before a scheduled dose counts as missed, 0 = off, default 60),
 * VITALTWIN_ADHERENCE_TIME_ZONE (IANA zone of timeOfDay dose schedules, default UTC),
 * VITALTWIN_SUBSCRIPTION_REFRESH_SEC (how often FHIR Subscriptions are re-read, default 10).
 */
const whole = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be between ${min} and ${max}`)
    .max(max, `${name} must be between ${min} and ${max}`);

const schema = z.object({
  sweepIntervalSec: whole('VITALTWIN_MONITOR_SWEEP_SEC', 1, 3600),
  staleAfterMin: whole('VITALTWIN_STALE_AFTER_MIN', 0, 10_080),
  scoreRefreshSec: whole('VITALTWIN_SCORE_REFRESH_SEC', 0, 86_400),
  scoreMinIntervalSec: whole('VITALTWIN_SCORE_MIN_INTERVAL_SEC', 0, 3600),
  scoreWritesPerSec: whole('VITALTWIN_SCORE_WRITES_PER_SEC', 1, 100_000),
  adherenceGraceMin: whole('VITALTWIN_ADHERENCE_GRACE_MIN', 0, 1440),
  adherenceTimeZone: z.string().refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { error: 'VITALTWIN_ADHERENCE_TIME_ZONE must be an IANA time zone such as Europe/London' },
  ),
  subscriptionRefreshSec: whole('VITALTWIN_SUBSCRIPTION_REFRESH_SEC', 1, 3600),
});

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

const variables = [
  'VITALTWIN_MONITOR_SWEEP_SEC',
  'VITALTWIN_STALE_AFTER_MIN',
  'VITALTWIN_SCORE_REFRESH_SEC',
  'VITALTWIN_SCORE_MIN_INTERVAL_SEC',
  'VITALTWIN_SCORE_WRITES_PER_SEC',
  'VITALTWIN_ADHERENCE_GRACE_MIN',
  'VITALTWIN_ADHERENCE_TIME_ZONE',
  'VITALTWIN_SUBSCRIPTION_REFRESH_SEC',
] as const;

/** The settings, or undefined when none of the variables is set (the runtime then uses its defaults). */
export function loadMonitoringConfig(env: Readonly<Record<string, string | undefined>>): MonitoringConfig | undefined {
  if (variables.every((v) => nonEmpty(env[v]) === undefined)) return undefined;
  const d = defaultMonitoringConfig;
  const parsed = schema.safeParse({
    sweepIntervalSec: nonEmpty(env.VITALTWIN_MONITOR_SWEEP_SEC) ?? d.sweepIntervalSec,
    staleAfterMin: nonEmpty(env.VITALTWIN_STALE_AFTER_MIN) ?? d.staleAfterMin,
    scoreRefreshSec: nonEmpty(env.VITALTWIN_SCORE_REFRESH_SEC) ?? d.scoreRefreshSec,
    scoreMinIntervalSec: nonEmpty(env.VITALTWIN_SCORE_MIN_INTERVAL_SEC) ?? d.scoreMinIntervalSec,
    scoreWritesPerSec: nonEmpty(env.VITALTWIN_SCORE_WRITES_PER_SEC) ?? d.scoreWritesPerSec,
    adherenceGraceMin: nonEmpty(env.VITALTWIN_ADHERENCE_GRACE_MIN) ?? d.adherenceGraceMin,
    adherenceTimeZone: nonEmpty(env.VITALTWIN_ADHERENCE_TIME_ZONE) ?? d.adherenceTimeZone,
    subscriptionRefreshSec: nonEmpty(env.VITALTWIN_SUBSCRIPTION_REFRESH_SEC) ?? d.subscriptionRefreshSec,
  });
  if (!parsed.success) {
    throw new VitaltwinError('VT_ERR_CONFIG', `invalid configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return Object.freeze(parsed.data);
}
