import { describe, expect, it } from 'vitest';
import pumpCsv from '../../data/uva-padova/pump_params.csv?raw';
import { parseInsulinPumpParamsCsv } from './device-params.ts';
import { InsulinPump, roundHalfEven } from './insulin-pump.ts';

const pumps = parseInsulinPumpParamsCsv(pumpCsv);
const insulet = new InsulinPump(pumps.find((p) => p.name === 'Insulet')!);

describe('InsulinPump (simglucose InsulinPump)', () => {
  it('rounds the rate to 0.05 pmol/min increments', () => {
    // 0.02112267499992533 U/min = 126.7360… pmol/min → 126.75 pmol/min.
    expect(insulet.basalUPerMin(0.02112267499992533)).toBeCloseTo(126.75 / 6000, 15);
    expect(insulet.bolusUPerMin(5)).toBe(5);
  });

  it('clips to the pump limits (Insulet: bolus and basal <= 30 U/min)', () => {
    expect(insulet.bolusUPerMin(45)).toBe(30);
    expect(insulet.basalUPerMin(-1)).toBe(0);
  });

  it('rounds half to even like numpy.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });
});
