import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertIntent } from './alert-intent.ts';
import { type AlertEvent, type AlertState, eventForOutcome, reduceAlert } from './alert-lifecycle.ts';
import { type AlertSeverity, alertSeverities, compareSeverity } from './alert-severity.ts';

const intent = (severity: AlertSeverity, atMs: number, key = 'p1:news2'): AlertIntent => ({
  dedupKey: key,
  patientId: 'p1',
  kind: 'news2',
  severity,
  summary: `NEWS2 at ${severity}`,
  atMs,
  details: { severity },
});

function run(events: AlertEvent[], start: AlertState | null = null) {
  let state = start;
  const transitions: string[] = [];
  for (const e of events) {
    const r = reduceAlert(state, e);
    state = r.state;
    transitions.push(r.transition);
  }
  return { state, transitions };
}

describe('alert lifecycle', () => {
  it('open → acknowledged → resolved', () => {
    const { state, transitions } = run([
      { type: 'fire', intent: intent('medium', 1000) },
      { type: 'acknowledge', atMs: 2000, by: 'Practitioner/n1' },
      { type: 'resolve', atMs: 3000, by: 'Practitioner/n1' },
    ]);
    expect(transitions).toEqual(['opened', 'acknowledged', 'resolved']);
    expect(state).toMatchObject({
      status: 'resolved',
      openedAtMs: 1000,
      acknowledgedAtMs: 2000,
      acknowledgedBy: 'Practitioner/n1',
      resolvedAtMs: 3000,
      resolution: 'manual',
      occurrences: 1,
    });
  });

  it('dedup: firing again with the same key while open updates the alert', () => {
    const { state, transitions } = run([
      { type: 'fire', intent: intent('high', 1000) },
      { type: 'fire', intent: intent('high', 2000) },
      { type: 'fire', intent: intent('medium', 3000) },
    ]);
    expect(transitions).toEqual(['opened', 'updated', 'updated']);
    expect(state).toMatchObject({
      status: 'open',
      severity: 'medium',
      peakSeverity: 'high',
      occurrences: 3,
      escalations: 0,
      openedAtMs: 1000,
      lastFiredAtMs: 3000,
    });
  });

  it('escalation: a higher severity escalates an open alert and re-opens an acknowledged one', () => {
    const { state, transitions } = run([
      { type: 'fire', intent: intent('medium', 1000) },
      { type: 'fire', intent: intent('high', 2000) },
      { type: 'acknowledge', atMs: 2500, by: 'nurse' },
      { type: 'fire', intent: intent('high', 3000) },
      { type: 'fire', intent: intent('critical', 4000) },
    ]);
    expect(transitions).toEqual(['opened', 'escalated', 'acknowledged', 'updated', 'escalated']);
    expect(state).toMatchObject({ status: 'open', severity: 'critical', peakSeverity: 'critical', escalations: 2, acknowledgedAtMs: 2500 });
  });

  it('a flapping score does not re-escalate to a level it already reported (7 → 5 → 7)', () => {
    const { transitions } = run([
      { type: 'fire', intent: intent('critical', 1000) },
      { type: 'fire', intent: intent('high', 2000) },
      { type: 'fire', intent: intent('critical', 3000) },
    ]);
    expect(transitions).toEqual(['opened', 'updated', 'updated']);
  });

  it('condition cleared resolves; a new firing after resolution opens a new alert', () => {
    const { state, transitions } = run([
      { type: 'fire', intent: intent('high', 1000) },
      { type: 'condition-cleared', atMs: 2000 },
      { type: 'fire', intent: intent('medium', 3000) },
    ]);
    expect(transitions).toEqual(['opened', 'resolved', 'opened']);
    expect(state).toMatchObject({ status: 'open', severity: 'medium', openedAtMs: 3000, occurrences: 1, resolution: null });
  });

  it('ignores acknowledging twice, resolving what is resolved, and events without an alert', () => {
    expect(run([{ type: 'acknowledge', atMs: 1, by: 'x' }]).transitions).toEqual(['ignored']);
    expect(run([{ type: 'condition-cleared', atMs: 1 }]).transitions).toEqual(['ignored']);
    const { transitions } = run([
      { type: 'fire', intent: intent('low', 1) },
      { type: 'acknowledge', atMs: 2, by: 'x' },
      { type: 'acknowledge', atMs: 3, by: 'y' },
      { type: 'resolve', atMs: 4, by: 'x' },
      { type: 'resolve', atMs: 5, by: 'y' },
      { type: 'acknowledge', atMs: 6, by: 'y' },
    ]);
    expect(transitions).toEqual(['opened', 'acknowledged', 'ignored', 'resolved', 'ignored', 'ignored']);
  });

  it('refuses to apply an intent with another dedup key', () => {
    const open = reduceAlert(null, { type: 'fire', intent: intent('low', 1) }).state;
    expect(() => reduceAlert(open, { type: 'fire', intent: intent('low', 2, 'p1:fall:d1') })).toThrow(/another dedup key/);
  });

  it('maps rule outcomes to events (indeterminate leaves the alert alone)', () => {
    expect(eventForOutcome({ status: 'firing', intent: intent('low', 5) })).toEqual({ type: 'fire', intent: intent('low', 5) });
    expect(eventForOutcome({ status: 'clear', dedupKey: 'p1:news2', kind: 'news2', atMs: 7 })).toEqual({
      type: 'condition-cleared',
      atMs: 7,
    });
    expect(eventForOutcome({ status: 'indeterminate', dedupKey: 'p1:news2', kind: 'news2', reason: 'stale' })).toBeNull();
  });

  it('property: peak severity is the maximum fired since opening; escalations count strict new peaks', () => {
    const arbEvent = fc.oneof(
      fc.constantFrom(...alertSeverities).map((s) => ({ kind: 'fire' as const, s })),
      fc.constant({ kind: 'ack' as const }),
    );
    fc.assert(
      fc.property(fc.array(arbEvent, { minLength: 1, maxLength: 30 }), (events) => {
        let state: AlertState | null = null;
        let peak: AlertSeverity | null = null;
        let escalations = 0;
        let t = 0;
        for (const e of events) {
          t += 1;
          if (e.kind === 'fire') {
            if (peak !== null && state !== null && compareSeverity(e.s, peak) > 0) escalations += 1;
            if (peak === null || compareSeverity(e.s, peak) > 0) peak = e.s;
            state = reduceAlert(state, { type: 'fire', intent: intent(e.s, t) }).state;
          } else {
            state = reduceAlert(state, { type: 'acknowledge', atMs: t, by: 'x' }).state;
          }
        }
        if (state === null) return peak === null;
        return state.peakSeverity === peak && state.escalations === escalations;
      }),
    );
  });
});
