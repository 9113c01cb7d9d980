import { describe, expect, it } from 'vitest';
import { reduceAlert } from './alert-lifecycle.ts';
import { evaluateFallEvent, vitaltwinDeviceEventSystem } from './fall-alert.ts';

const event = { patientId: 'p1', deviceId: 'watch-1', atMs: 5000 };

describe('fall events', () => {
  it('SNOMED CT 1912002 |Fall| from a device raises a high alert keyed by device', () => {
    const outcome = evaluateFallEvent({ ...event, codes: [{ system: 'http://snomed.info/sct', code: '1912002' }], confidence: 0.93 });
    expect(outcome).toEqual({
      status: 'firing',
      intent: {
        dedupKey: 'p1:fall:watch-1',
        patientId: 'p1',
        kind: 'fall',
        severity: 'high',
        summary: 'Fall detected by device',
        atMs: 5000,
        deviceId: 'watch-1',
        details: { confidence: 0.93, wearerConfirmedOk: null },
      },
    });
  });

  it('the Vitaltwin fall-detected code counts; other events and look-alike codes do not', () => {
    expect(evaluateFallEvent({ ...event, codes: [{ system: vitaltwinDeviceEventSystem, code: 'fall-detected' }] })?.status).toBe('firing');
    expect(evaluateFallEvent({ ...event, codes: [{ system: vitaltwinDeviceEventSystem, code: 'button-pressed' }] })).toBeNull();
    expect(evaluateFallEvent({ ...event, codes: [{ system: 'http://loinc.org', code: '1912002' }] })).toBeNull();
  });

  it('a wearer who confirms being OK lowers the severity; codes are configurable', () => {
    const ok = evaluateFallEvent({ ...event, codes: [{ system: 'http://snomed.info/sct', code: '1912002' }], wearerConfirmedOk: true });
    expect(ok?.status === 'firing' && ok.intent.severity).toBe('medium');
    const custom = evaluateFallEvent(
      { ...event, codes: [{ system: 'urn:vendor', code: 'FALL' }] },
      { fallCodes: [{ system: 'urn:vendor', code: 'FALL' }], severity: 'critical' },
    );
    expect(custom?.status === 'firing' && custom.intent.severity).toBe('critical');
  });

  it('a second detection while the alert is open updates it instead of opening another', () => {
    const codes = [{ system: 'http://snomed.info/sct', code: '1912002' }];
    const first = evaluateFallEvent({ ...event, codes });
    const second = evaluateFallEvent({ ...event, atMs: 9000, codes });
    if (first?.status !== 'firing' || second?.status !== 'firing') throw new Error('expected firing');
    const opened = reduceAlert(null, { type: 'fire', intent: first.intent });
    const again = reduceAlert(opened.state, { type: 'fire', intent: second.intent });
    expect([opened.transition, again.transition]).toEqual(['opened', 'updated']);
    expect(again.state?.occurrences).toBe(2);
  });
});
