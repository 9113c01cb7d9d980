import { type ProblemDetail, VitaltwinError } from '../errors/error-codes.ts';
import { type AlertIntent, type AlertKind, alertDedupKey, clear, firing, indeterminate, type RuleOutcome } from './alert-intent.ts';
import type { AlertSeverity } from './alert-severity.ts';
import { type GlucoseSample, glucoseRateOfChange } from './glucose-trend.ts';

/**
 * CGM glucose alarms, one alert key per condition and patient:
 * - `glucose-low`: < 54 mg/dL urgent low (critical), < 70 low (high). 54 and 70 are the level 2 and
 *   level 1 hypoglycaemia thresholds of the international consensus (Battelino et al., Diabetes
 *   Care 2019;42:1593); strict "<" as in the consensus tables.
 * - `glucose-high`: > 250 mg/dL (level 2 hyperglycaemia), medium; optional urgent high, high.
 * - `glucose-falling` / `glucose-rising`: least-squares rate over the last 15 minutes; falling
 *   faster than 2 mg/dL/min medium, faster than 3 high; rising faster than 2 low, than 3 medium.
 * - `glucose-predicted-low`: given a forecast function (e.g. Nightscout AR2 from @vitaltwin/sim),
 *   a predicted value below the urgent-low threshold within 20 minutes is high ("urgent low soon",
 *   Dexcom's name for it), below the low threshold within 30 minutes is medium. Clear while the
 *   current value is already low (the low alarm owns that state).
 * Thresholds are configurable per patient. When the latest reading is older than
 * `maxReadingAgeMin`, every condition is indeterminate (the stale-data rule reports that).
 */

export interface GlucoseAlarmConfig {
  readonly urgentLowMgDl: number;
  readonly lowMgDl: number;
  readonly highMgDl: number;
  /** Off when null. */
  readonly urgentHighMgDl: number | null;
  readonly rateWindowMin: number;
  readonly minRateReadings: number;
  readonly minRateSpanMin: number;
  readonly fallingMgDlPerMin: number;
  readonly fallingFastMgDlPerMin: number;
  /** Rising alarms are off when null. */
  readonly risingMgDlPerMin: number | null;
  readonly risingFastMgDlPerMin: number | null;
  readonly urgentLowSoonHorizonMin: number;
  readonly lowSoonHorizonMin: number;
  readonly maxReadingAgeMin: number;
}

export const defaultGlucoseAlarmConfig: GlucoseAlarmConfig = {
  urgentLowMgDl: 54,
  lowMgDl: 70,
  highMgDl: 250,
  urgentHighMgDl: null,
  rateWindowMin: 15,
  minRateReadings: 3,
  minRateSpanMin: 10,
  fallingMgDlPerMin: 2,
  fallingFastMgDlPerMin: 3,
  risingMgDlPerMin: 2,
  risingFastMgDlPerMin: 3,
  urgentLowSoonHorizonMin: 20,
  lowSoonHorizonMin: 30,
  maxReadingAgeMin: 15,
};

/** Future glucose points from time-ordered readings (`ar2Predict` of @vitaltwin/sim fits). */
export type GlucoseForecastFn = (readings: readonly GlucoseSample[]) => readonly GlucoseSample[];

export interface GlucoseAlarmInput {
  readonly patientId: string;
  readonly deviceId?: string;
  /** Recent readings in time order (at least the rate window). */
  readonly readings: readonly GlucoseSample[];
  readonly nowMs: number;
  readonly forecast?: GlucoseForecastFn;
  readonly config?: Partial<GlucoseAlarmConfig>;
}

/** Merges overrides into the defaults and checks the thresholds' order; throws `VT_ERR_CONFIG`. */
export function glucoseAlarmConfig(overrides: Partial<GlucoseAlarmConfig> = {}): GlucoseAlarmConfig {
  const c = { ...defaultGlucoseAlarmConfig, ...overrides };
  const problems: ProblemDetail[] = [];
  const need = (ok: boolean, expression: string, message: string) => {
    if (!ok) problems.push({ expression, message });
  };
  need(c.urgentLowMgDl > 0 && c.urgentLowMgDl <= c.lowMgDl, 'urgentLowMgDl', 'must be > 0 and ≤ lowMgDl');
  need(c.lowMgDl < c.highMgDl, 'lowMgDl', 'must be below highMgDl');
  need(c.urgentHighMgDl === null || c.urgentHighMgDl >= c.highMgDl, 'urgentHighMgDl', 'must be ≥ highMgDl');
  need(
    c.fallingMgDlPerMin > 0 && c.fallingFastMgDlPerMin >= c.fallingMgDlPerMin,
    'fallingFastMgDlPerMin',
    'must be ≥ fallingMgDlPerMin > 0',
  );
  need((c.risingMgDlPerMin === null) === (c.risingFastMgDlPerMin === null), 'risingMgDlPerMin', 'set both rising thresholds or neither');
  need(
    c.risingMgDlPerMin === null || (c.risingMgDlPerMin > 0 && (c.risingFastMgDlPerMin ?? 0) >= c.risingMgDlPerMin),
    'risingFastMgDlPerMin',
    'must be ≥ risingMgDlPerMin > 0',
  );
  need(
    c.rateWindowMin > 0 && c.minRateReadings >= 2 && c.minRateSpanMin <= c.rateWindowMin,
    'rateWindowMin',
    'window > 0, ≥ 2 readings, span ≤ window',
  );
  need(
    c.urgentLowSoonHorizonMin > 0 && c.lowSoonHorizonMin > 0 && c.maxReadingAgeMin > 0,
    'lowSoonHorizonMin',
    'horizons and ages must be > 0',
  );
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_CONFIG', 'invalid glucose alarm configuration', problems);
  return c;
}

export function evaluateGlucoseAlarms(input: GlucoseAlarmInput): RuleOutcome[] {
  const c = glucoseAlarmConfig(input.config);
  const { patientId, readings } = input;
  for (let i = 1; i < readings.length; i++) {
    if (readings[i]!.timeMs < readings[i - 1]!.timeMs) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'glucose readings must be in time order', [
        { message: `reading ${i} is earlier than reading ${i - 1}`, expression: `readings[${i}]` },
      ]);
    }
  }
  const kinds: AlertKind[] = ['glucose-low', 'glucose-high', 'glucose-falling'];
  if (c.risingMgDlPerMin !== null) kinds.push('glucose-rising');
  if (input.forecast) kinds.push('glucose-predicted-low');
  const key = (kind: AlertKind) => alertDedupKey(patientId, kind);
  const latest = readings[readings.length - 1];
  if (latest === undefined || input.nowMs - latest.timeMs > c.maxReadingAgeMin * 60_000) {
    return kinds.map((kind) => indeterminate(key(kind), kind, 'no recent glucose reading'));
  }
  const g = latest.glucoseMgDl;
  const intent = (kind: AlertKind, severity: AlertSeverity, summary: string, details: AlertIntent['details']): RuleOutcome =>
    firing({
      dedupKey: key(kind),
      patientId,
      kind,
      severity,
      summary,
      atMs: latest.timeMs,
      ...(input.deviceId === undefined ? {} : { deviceId: input.deviceId }),
      details: { glucoseMgDl: g, ...details },
    });
  const outcomes: RuleOutcome[] = [];

  if (g < c.urgentLowMgDl)
    outcomes.push(
      intent('glucose-low', 'critical', `Glucose ${g} mg/dL: urgent low (< ${c.urgentLowMgDl})`, { thresholdMgDl: c.urgentLowMgDl }),
    );
  else if (g < c.lowMgDl)
    outcomes.push(intent('glucose-low', 'high', `Glucose ${g} mg/dL: low (< ${c.lowMgDl})`, { thresholdMgDl: c.lowMgDl }));
  else outcomes.push(clear(key('glucose-low'), 'glucose-low', latest.timeMs));

  if (c.urgentHighMgDl !== null && g > c.urgentHighMgDl) {
    outcomes.push(
      intent('glucose-high', 'high', `Glucose ${g} mg/dL: urgent high (> ${c.urgentHighMgDl})`, { thresholdMgDl: c.urgentHighMgDl }),
    );
  } else if (g > c.highMgDl)
    outcomes.push(intent('glucose-high', 'medium', `Glucose ${g} mg/dL: high (> ${c.highMgDl})`, { thresholdMgDl: c.highMgDl }));
  else outcomes.push(clear(key('glucose-high'), 'glucose-high', latest.timeMs));

  const rate = glucoseRateOfChange(readings, { windowMin: c.rateWindowMin, minReadings: c.minRateReadings, minSpanMin: c.minRateSpanMin });
  const rateKinds: AlertKind[] = c.risingMgDlPerMin === null ? ['glucose-falling'] : ['glucose-falling', 'glucose-rising'];
  if (rate === null) {
    for (const kind of rateKinds)
      outcomes.push(indeterminate(key(kind), kind, `too few readings in the last ${c.rateWindowMin} min for a rate`));
  } else {
    const r = Math.round(rate.rateMgDlPerMin * 10) / 10;
    const rateDetails = { rateMgDlPerMin: rate.rateMgDlPerMin, windowMin: c.rateWindowMin, readings: rate.readings };
    const fall = -rate.rateMgDlPerMin;
    if (fall > c.fallingFastMgDlPerMin)
      outcomes.push(intent('glucose-falling', 'high', `Glucose falling fast: ${r} mg/dL/min`, rateDetails));
    else if (fall > c.fallingMgDlPerMin) outcomes.push(intent('glucose-falling', 'medium', `Glucose falling: ${r} mg/dL/min`, rateDetails));
    else outcomes.push(clear(key('glucose-falling'), 'glucose-falling', latest.timeMs));
    if (c.risingMgDlPerMin !== null && c.risingFastMgDlPerMin !== null) {
      const rise = rate.rateMgDlPerMin;
      if (rise > c.risingFastMgDlPerMin)
        outcomes.push(intent('glucose-rising', 'medium', `Glucose rising fast: +${r} mg/dL/min`, rateDetails));
      else if (rise > c.risingMgDlPerMin) outcomes.push(intent('glucose-rising', 'low', `Glucose rising: +${r} mg/dL/min`, rateDetails));
      else outcomes.push(clear(key('glucose-rising'), 'glucose-rising', latest.timeMs));
    }
  }

  if (input.forecast) outcomes.push(predictedLow(input.forecast, readings, latest, c, intent, key('glucose-predicted-low')));
  return outcomes;
}

function predictedLow(
  forecast: GlucoseForecastFn,
  readings: readonly GlucoseSample[],
  latest: GlucoseSample,
  c: GlucoseAlarmConfig,
  intent: (kind: AlertKind, severity: AlertSeverity, summary: string, details: AlertIntent['details']) => RuleOutcome,
  dedupKey: string,
): RuleOutcome {
  const kind: AlertKind = 'glucose-predicted-low';
  if (latest.glucoseMgDl < c.lowMgDl) return clear(dedupKey, kind, latest.timeMs);
  const points = forecast(readings);
  if (points.length === 0) return indeterminate(dedupKey, kind, 'no forecast available');
  const firstBelow = (thresholdMgDl: number, horizonMin: number): GlucoseSample | undefined =>
    points.find((p) => p.timeMs > latest.timeMs && p.timeMs <= latest.timeMs + horizonMin * 60_000 && p.glucoseMgDl < thresholdMgDl);
  const urgent = firstBelow(c.urgentLowMgDl, c.urgentLowSoonHorizonMin);
  const low = urgent ?? firstBelow(c.lowMgDl, c.lowSoonHorizonMin);
  if (low === undefined) return clear(dedupKey, kind, latest.timeMs);
  const inMin = Math.round((low.timeMs - latest.timeMs) / 60_000);
  const details = { predictedMgDl: low.glucoseMgDl, predictedInMin: inMin, thresholdMgDl: urgent ? c.urgentLowMgDl : c.lowMgDl };
  return urgent
    ? intent(kind, 'high', `Urgent low soon: ${low.glucoseMgDl} mg/dL predicted in ${inMin} min`, details)
    : intent(kind, 'medium', `Low soon: ${low.glucoseMgDl} mg/dL predicted in ${inMin} min`, details);
}
