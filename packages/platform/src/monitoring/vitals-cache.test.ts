import { describe, expect, it } from 'vitest';
import type { DeviceReading } from '../store/time-series-store.ts';
import type { MonitorReadings } from './monitor-readings-query.ts';
import { VitalsCache } from './vitals-cache.ts';

const t0 = Date.UTC(2026, 10, 21, 8);
const min = 60_000;
const HR = '8867-4';
const CGM = '99504-3';
const reading = (code: string, timeMs: number, value: number, patientId = 'p1'): DeviceReading => ({
  patientId,
  code,
  timeMs,
  value,
  unit: '',
  deviceId: 'd1',
});
const none: MonitorReadings = { latest: new Map(), cgm: new Map() };
const cache = () => new VitalsCache({ cgmCode: CGM, latestCodes: new Set([HR]), rehydrateMs: 10 * min, maxPatients: 2 });
const windows = [{ code: HR, fromMs: t0 - 15 * min }];

describe('vitals cache', () => {
  it('ignores readings of unknown patients and loads them from the store first', () => {
    const c = cache();
    c.observe(reading(HR, t0, 70));
    expect(c.needLoading(['p1'], t0)).toEqual(['p1']);
    expect(c.latest('p1', windows, t0)).toBeUndefined();
  });

  it('applies readings that arrive while a patient loads after the stored ones, newest per code winning', () => {
    const c = cache();
    c.beginLoading(['p1'], t0);
    c.observe(reading(HR, t0 + 2000, 90)); // committed after the load's snapshot
    c.observe(reading(HR, t0 - 5000, 60)); // an older re-send
    c.completeLoading(['p1'], {
      latest: new Map([['p1', new Map([[HR, { code: HR, timeMs: t0, value: 80, deviceId: 'd1' }]])]]),
      cgm: new Map(),
    });
    expect(c.latest('p1', windows, t0 + 10_000)?.get(HR)?.value).toBe(90);
    expect(c.needLoading(['p1'], t0 + min)).toEqual([]);
    expect(c.needLoading(['p1'], t0 + 10 * min)).toEqual(['p1']);
  });

  it('leaves out values outside their window', () => {
    const c = cache();
    c.beginLoading(['p1'], t0);
    c.completeLoading(['p1'], none);
    c.observe(reading(HR, t0 - 20 * min, 70));
    expect(c.latest('p1', windows, t0)?.size).toBe(0);
    c.observe(reading(HR, t0 + 20 * min, 70));
    expect(c.latest('p1', windows, t0 + 10 * min)?.size).toBe(0);
  });

  it('keeps CGM samples in time order, once each, within the keep window', () => {
    const c = cache();
    c.beginLoading(['p1'], t0);
    c.completeLoading(['p1'], none);
    for (const [dt, g] of [
      [0, 100],
      [10, 90],
      [5, 95],
      [10, 90],
      [45, 70],
    ] as const)
      c.observe(reading(CGM, t0 + dt * min, g));
    expect(c.cgm('p1', t0 - 60 * min, t0 + 60 * min)?.readings.map((s) => s.glucoseMgDl)).toEqual([70]);
    c.observe(reading(CGM, t0 + 40 * min, 75));
    expect(c.cgm('p1', t0, t0 + 60 * min)?.readings.map((s) => s.glucoseMgDl)).toEqual([75, 70]);
  });

  it('evicts the least recently used loaded patients beyond its capacity', () => {
    const c = cache();
    c.beginLoading(['p1', 'p2'], t0);
    c.completeLoading(['p1', 'p2'], none);
    c.latest('p1', windows, t0); // p1 used: p2 is now the oldest
    c.beginLoading(['p3'], t0);
    expect(c.size).toBe(2);
    expect(c.needLoading(['p1', 'p2'], t0)).toEqual(['p2']);
  });
});
