import { describe, expect, it } from 'vitest';
import { type News2Input, scoreNews2 } from '../scores/news2.ts';
import { type AlertReduction, type AlertState, reduceAlert } from './alert-lifecycle.ts';
import { evaluateNews2Alert } from './news2-alert.ts';

const normal: News2Input = {
  respiratoryRatePerMin: 16,
  spo2Percent: 97,
  onSupplementalOxygen: false,
  systolicBpMmHg: 120,
  heartRatePerMin: 70,
  consciousness: 'A',
  temperatureC: 37,
};
const evaluate = (overrides: News2Input, atMs = 1000) =>
  evaluateNews2Alert({ patientId: 'p1', result: scoreNews2({ ...normal, ...overrides }), atMs });

// Oracle: RCP NEWS2 Chart 4 trigger thresholds.
describe('NEWS2 alert thresholds', () => {
  it.each([
    [{}, 'clear', null],
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22 }, 'clear', null], // 4, no red
    [{ consciousness: 'C' }, 'firing', 'medium'], // single red (3)
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 38.5 }, 'firing', 'high'], // 5
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 39.5 }, 'firing', 'high'], // 6
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 39.5, systolicBpMmHg: 105 }, 'firing', 'critical'], // 7
  ] as const)('%j → %s %s', (overrides, status, severity) => {
    const outcome = evaluate(overrides);
    expect(outcome.status).toBe(status);
    if (outcome.status === 'firing') {
      expect(outcome.intent.severity).toBe(severity);
      expect(outcome.intent.dedupKey).toBe('p1:news2');
    }
  });

  it('says which response the chart asks for', () => {
    const outcome = evaluate({ consciousness: 'V', respiratoryRatePerMin: 25, heartRatePerMin: 95 });
    expect(outcome.status === 'firing' && outcome.intent.summary).toBe('NEWS2 7, red score in a single parameter: emergency response');
  });

  it('incomplete sets: fire on the lower bound, indeterminate below every trigger', () => {
    const high = evaluateNews2Alert({
      patientId: 'p1',
      result: scoreNews2({ respiratoryRatePerMin: 30, systolicBpMmHg: 80, heartRatePerMin: 140 }),
      atMs: 1,
    });
    expect(high.status === 'firing' && high.intent).toMatchObject({
      severity: 'critical',
      summary: 'NEWS2 ≥9 (incomplete), red score in a single parameter: emergency response',
    });
    expect(evaluateNews2Alert({ patientId: 'p1', result: scoreNews2({ heartRatePerMin: 95 }), atMs: 1 }).status).toBe('indeterminate');
  });

  it('a rising score escalates the one open alert: red → 5 → 7, then clears', () => {
    let state: AlertState | null = null;
    const transitions: string[] = [];
    for (const [overrides, t] of [
      [{ consciousness: 'C' }, 1],
      [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 38.5 }, 2],
      [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 39.5, systolicBpMmHg: 105 }, 3],
      [{}, 4],
    ] as const) {
      const outcome = evaluate(overrides, t);
      const r: AlertReduction =
        outcome.status === 'firing'
          ? reduceAlert(state, { type: 'fire', intent: outcome.intent })
          : reduceAlert(state, { type: 'condition-cleared', atMs: t });
      state = r.state;
      transitions.push(r.transition);
    }
    expect(transitions).toEqual(['opened', 'escalated', 'escalated', 'resolved']);
  });
});
