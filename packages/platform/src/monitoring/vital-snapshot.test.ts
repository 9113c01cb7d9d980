import { describe, expect, it } from 'vitest';
import { monitoringCodes as c } from './monitoring-codes.ts';
import { type LatestValue, vitalSnapshot } from './vital-snapshot.ts';

const t0 = Date.UTC(2026, 10, 21, 8);
const latest = (...values: [string, number, number?][]) =>
  new Map(values.map(([code, value, timeMs]) => [code, { code, value, timeMs: timeMs ?? t0, deviceId: 'd1' } satisfies LatestValue]));

describe('vital snapshot', () => {
  it('is null without any of the five measured vital signs', () => {
    expect(vitalSnapshot(latest([c.oxygenFlow, 2], [c.acvpu, 0]), 1)).toBeNull();
  });

  it('assumes air and Alert when neither is reported, and says so', () => {
    const s = vitalSnapshot(latest([c.heartRate, 80, t0 - 60_000], [c.respiratoryRate, 18]), 1);
    expect(s).toMatchObject({ assumedAir: true, assumedAlert: true, effectiveMs: t0, measured: 2 });
    expect(s?.news2).toMatchObject({ onSupplementalOxygen: false, consciousness: 'A', spo2Percent: null, spo2Scale: 1 });
    expect(s?.qsofa).toMatchObject({ alteredMentation: false, gcsTotal: null });
    expect(s?.used.map((r) => r.code)).toEqual([c.respiratoryRate, c.heartRate]);
  });

  it('takes oxygen from the newer of flow and FiO2 (FiO2 above 21 % is oxygen)', () => {
    const on = vitalSnapshot(latest([c.heartRate, 80], [c.oxygenFlow, 0, t0 - 60_000], [c.oxygenConcentration, 28, t0]), 1);
    expect(on).toMatchObject({ assumedAir: false, news2: { onSupplementalOxygen: true } });
    const off = vitalSnapshot(latest([c.heartRate, 80], [c.oxygenFlow, 0, t0], [c.oxygenConcentration, 28, t0 - 60_000]), 1);
    expect(off?.news2.onSupplementalOxygen).toBe(false);
    expect(vitalSnapshot(latest([c.heartRate, 80], [c.oxygenConcentration, 21]), 1)?.news2.onSupplementalOxygen).toBe(false);
  });

  it('maps ACVPU 0–4 to A, C, V, P, U; new confusion is altered mentation and has no MEWS band', () => {
    const confused = vitalSnapshot(latest([c.heartRate, 80], [c.acvpu, 1]), 1);
    expect(confused).toMatchObject({
      assumedAlert: false,
      news2: { consciousness: 'C' },
      qsofa: { alteredMentation: true },
      mews: { consciousness: null },
    });
    expect(vitalSnapshot(latest([c.heartRate, 80], [c.acvpu, 4]), 1)?.mews.consciousness).toBe('U');
    // A value outside the encoding is ignored, not guessed.
    expect(vitalSnapshot(latest([c.heartRate, 80], [c.acvpu, 7]), 1)).toMatchObject({ assumedAlert: true });
  });

  it('passes a GCS total to qSOFA and keeps the SpO2 scale asked for', () => {
    const s = vitalSnapshot(latest([c.spo2, 90], [c.gcsTotal, 13]), 2);
    expect(s?.qsofa.gcsTotal).toBe(13);
    expect(s?.news2.spo2Scale).toBe(2);
  });
});
