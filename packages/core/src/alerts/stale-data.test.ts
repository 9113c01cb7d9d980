import { describe, expect, it } from 'vitest';
import { evaluateStaleData } from './stale-data.ts';

const min = 60_000;
const base = { patientId: 'p1', deviceId: 'cgm-1', monitoringSinceMs: 0, staleAfterMin: 20 };

describe('stale data', () => {
  it.each([
    [19, 'clear'],
    [20, 'clear'],
    [21, 'firing'],
  ])('last reading %i min ago with a 20-min limit → %s', (ago, status) => {
    expect(evaluateStaleData({ ...base, lastReadingMs: 100 * min, nowMs: (100 + ago) * min }).status).toBe(status);
  });

  it('one alert per device, with the silence in the details', () => {
    const outcome = evaluateStaleData({ ...base, lastReadingMs: 0, nowMs: 45 * min + 30_000, severity: 'medium' });
    expect(outcome).toEqual({
      status: 'firing',
      intent: {
        dedupKey: 'p1:stale-data:cgm-1',
        patientId: 'p1',
        kind: 'stale-data',
        severity: 'medium',
        summary: 'No data from device for 45 min',
        atMs: 45 * min + 30_000,
        deviceId: 'cgm-1',
        details: { lastReadingMs: 0, silentMin: 45, staleAfterMin: 20 },
      },
    });
  });

  it('a device that never reported counts from the start of monitoring', () => {
    expect(evaluateStaleData({ ...base, lastReadingMs: null, monitoringSinceMs: 10 * min, nowMs: 25 * min }).status).toBe('clear');
    const late = evaluateStaleData({ ...base, lastReadingMs: null, monitoringSinceMs: 10 * min, nowMs: 31 * min });
    expect(late.status === 'firing' && late.intent.summary).toBe('No data from device in 21 min since monitoring began');
  });

  it('requires a positive limit', () => {
    expect(() => evaluateStaleData({ ...base, lastReadingMs: 0, nowMs: 1, staleAfterMin: 0 })).toThrow(/staleAfterMin/);
  });
});
