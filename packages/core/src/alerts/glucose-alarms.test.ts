import { describe, expect, it } from 'vitest';
import type { AlertKind, RuleOutcome } from './alert-intent.ts';
import { evaluateGlucoseAlarms, type GlucoseForecastFn, glucoseAlarmConfig } from './glucose-alarms.ts';
import { type GlucoseSample, glucoseRateOfChange } from './glucose-trend.ts';

const min = 60_000;
const t0 = Date.UTC(2025, 0, 1, 12);
/** Readings every 5 minutes ending at t0. */
const series = (...values: number[]): GlucoseSample[] =>
  values.map((g, i) => ({ timeMs: t0 - (values.length - 1 - i) * 5 * min, glucoseMgDl: g }));
const byKind = (outcomes: RuleOutcome[], kind: AlertKind) => {
  const o = outcomes.find((x) => (x.status === 'firing' ? x.intent.kind : x.kind) === kind);
  if (!o) return 'absent';
  return o.status === 'firing' ? o.intent.severity : o.status;
};
const evaluate = (readings: GlucoseSample[], extra: Partial<Parameters<typeof evaluateGlucoseAlarms>[0]> = {}) =>
  evaluateGlucoseAlarms({ patientId: 'p1', readings, nowMs: t0, ...extra });

describe('glucose level alarms (Battelino 2019 thresholds, strict < and >)', () => {
  it.each([
    [39, 'critical'],
    [53, 'critical'],
    [54, 'high'],
    [69, 'high'],
    [70, 'clear'],
  ])('%i mg/dL → low alarm %s', (g, expected) => {
    expect(byKind(evaluate(series(g)), 'glucose-low')).toBe(expected);
  });

  it.each([
    [250, 'clear'],
    [251, 'medium'],
  ])('%i mg/dL → high alarm %s', (g, expected) => {
    expect(byKind(evaluate(series(g)), 'glucose-high')).toBe(expected);
  });

  it('thresholds are configurable, including an optional urgent high', () => {
    const config = { lowMgDl: 80, highMgDl: 180, urgentHighMgDl: 300 };
    expect(byKind(evaluate(series(75), { config }), 'glucose-low')).toBe('high');
    expect(byKind(evaluate(series(181), { config }), 'glucose-high')).toBe('medium');
    expect(byKind(evaluate(series(301), { config }), 'glucose-high')).toBe('high');
  });

  it('intents carry key, value and threshold', () => {
    const [low] = evaluate(series(52), { deviceId: 'cgm-1' });
    expect(low).toEqual({
      status: 'firing',
      intent: {
        dedupKey: 'p1:glucose-low',
        patientId: 'p1',
        kind: 'glucose-low',
        severity: 'critical',
        summary: 'Glucose 52 mg/dL: urgent low (< 54)',
        atMs: t0,
        deviceId: 'cgm-1',
        details: { glucoseMgDl: 52, thresholdMgDl: 54 },
      },
    });
  });

  it('a latest reading older than 15 min makes every condition indeterminate', () => {
    const outcomes = evaluate(series(40), { nowMs: t0 + 16 * min });
    expect(outcomes.every((o) => o.status === 'indeterminate')).toBe(true);
    expect(evaluate([]).every((o) => o.status === 'indeterminate')).toBe(true);
  });

  it('rejects readings out of time order and inconsistent thresholds', () => {
    expect(() => evaluate([...series(100, 110)].reverse())).toThrow(/time order/);
    expect(() => glucoseAlarmConfig({ urgentLowMgDl: 80, lowMgDl: 70 })).toThrow(/invalid glucose alarm configuration/);
  });
});

describe('rate of change (least squares over 15 min)', () => {
  it('hand-computed slope: 100, 96, 85, 79 at 0/5/10/15 min → −185/125 = −1.48 mg/dL/min', () => {
    // mean t 7.5, mean g 90; Σ dt·dg = −75 − 15 − 12.5 − 82.5 = −185; Σ dt² = 125.
    const r = glucoseRateOfChange(series(100, 96, 85, 79));
    expect(r?.rateMgDlPerMin).toBeCloseTo(-1.48, 12);
    expect(r?.readings).toBe(4);
  });

  it('uses only the last 15 minutes and needs 3 readings over 10 minutes', () => {
    expect(glucoseRateOfChange(series(300, 100, 96, 85, 79))?.rateMgDlPerMin).toBeCloseTo(-1.48, 12);
    expect(glucoseRateOfChange(series(100, 90))).toBeNull();
    expect(
      glucoseRateOfChange([
        { timeMs: 0, glucoseMgDl: 100 },
        { timeMs: min, glucoseMgDl: 99 },
        { timeMs: 2 * min, glucoseMgDl: 98 },
      ]),
    ).toBeNull();
  });

  it.each([
    [[120, 110, 100, 90], 'clear', 'clear'], // exactly −2.0: not faster than 2
    [[120, 109, 98, 87], 'medium', 'clear'], // −2.2
    [[120, 105, 90, 75], 'medium', 'clear'], // exactly −3.0: faster than 2, not faster than 3
    [[120, 104, 88, 72], 'high', 'clear'], // −3.2
    [[100, 111, 122, 133], 'clear', 'low'], // +2.2
    [[100, 116, 132, 148], 'clear', 'medium'], // +3.2
  ])('%j → falling %s, rising %s', (values, falling, rising) => {
    const outcomes = evaluate(series(...values));
    expect(byKind(outcomes, 'glucose-falling')).toBe(falling);
    expect(byKind(outcomes, 'glucose-rising')).toBe(rising);
  });

  it('too few readings: rate conditions indeterminate, level conditions still judged', () => {
    const outcomes = evaluate(series(60, 65));
    expect(byKind(outcomes, 'glucose-falling')).toBe('indeterminate');
    expect(byKind(outcomes, 'glucose-low')).toBe('high');
  });

  it('rising alarms can be switched off', () => {
    expect(
      byKind(evaluate(series(100, 116, 132, 148), { config: { risingMgDlPerMin: null, risingFastMgDlPerMin: null } }), 'glucose-rising'),
    ).toBe('absent');
  });
});

describe('predicted low (forecast passed in)', () => {
  /** Linear extrapolation of the last two readings, 5-minute steps for 30 minutes: a transparent stand-in for AR2. */
  const linear: GlucoseForecastFn = (readings) => {
    const a = readings[readings.length - 2]!;
    const b = readings[readings.length - 1]!;
    const perStep = b.glucoseMgDl - a.glucoseMgDl;
    return [1, 2, 3, 4, 5, 6].map((k) => ({ timeMs: b.timeMs + k * 5 * min, glucoseMgDl: b.glucoseMgDl + k * perStep }));
  };

  it.each([
    [[100, 95], 'medium'], // 95 − 6·5 = 65 < 70 at 30 min: low soon
    [[100, 98], 'clear'], // 86 at 30 min
    [[90, 80], 'high'], // 50 at 15 min < 54 within 20 min: urgent low soon
    [[100, 90], 'high'], // 50 at 20 min: the 20-minute horizon is inclusive
    [[100, 92], 'medium'], // 68 at 15 min < 70; 52 < 54 only at 25 min, beyond 20
  ])('%j → %s', (values, expected) => {
    const got = byKind(evaluate(series(...values), { forecast: linear }), 'glucose-predicted-low');
    expect(got).toBe(expected);
  });

  it('explains the prediction; clear while already low; indeterminate without a forecast', () => {
    const outcome = evaluate(series(90, 80), { forecast: linear }).find(
      (o) => o.status === 'firing' && o.intent.kind === 'glucose-predicted-low',
    );
    expect(outcome?.status === 'firing' && outcome.intent.summary).toBe('Urgent low soon: 50 mg/dL predicted in 15 min');
    expect(byKind(evaluate(series(75, 65), { forecast: linear }), 'glucose-predicted-low')).toBe('clear');
    expect(byKind(evaluate(series(90, 80), { forecast: () => [] }), 'glucose-predicted-low')).toBe('indeterminate');
    expect(byKind(evaluate(series(90, 80)), 'glucose-predicted-low')).toBe('absent');
  });
});
