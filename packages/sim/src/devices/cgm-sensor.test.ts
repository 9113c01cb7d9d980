import { describe, expect, it } from 'vitest';
import sensorCsv from '../../data/uva-padova/sensor_params.csv?raw';
import { CgmSensor } from './cgm-sensor.ts';
import { parseCgmSensorParamsCsv } from './device-params.ts';

const sensors = parseCgmSensorParamsCsv(sensorCsv);
const byName = (n: string) => sensors.find((s) => s.name === n)!;

describe('CgmSensor (simglucose CGMSensor.measure)', () => {
  it('samples at t mod sample_time = 0 and holds the reading in between', () => {
    const s = new CgmSensor(byName('GuardianRT'), 11);
    const readings = Array.from({ length: 16 }, (_, t) => s.measure(t, 120 + t));
    for (let t = 0; t < 16; t++) expect(readings[t]).toBe(readings[t - (t % 5)]);
    expect(new Set(readings).size).toBe(4);
  });

  it('clips readings to the sensor range [min, max]', () => {
    const nav = new CgmSensor(byName('Navigator'), 1);
    const dex = new CgmSensor(byName('Dexcom'), 1);
    expect(nav.measure(0, -100)).toBe(32);
    expect(dex.measure(0, -100)).toBe(39);
    expect(dex.measure(3, 5000)).toBe(600);
  });

  it('is deterministic per seed; reset(seed) replays the stream', () => {
    const run = (s: CgmSensor) => Array.from({ length: 300 }, (_, t) => s.measure(t, 140));
    const a = new CgmSensor(byName('Dexcom'), 42);
    const first = run(a);
    expect(run(new CgmSensor(byName('Dexcom'), 42))).toEqual(first);
    expect(run(new CgmSensor(byName('Dexcom'), 43))).not.toEqual(first);
    a.reset(42);
    expect(run(a)).toEqual(first);
  });
});
