import { describe, expect, it } from 'vitest';
import pumpCsv from '../../data/uva-padova/pump_params.csv?raw';
import sensorCsv from '../../data/uva-padova/sensor_params.csv?raw';
import type { SimInputError } from '../sim-input-error.ts';
import { parseCgmSensorParamsCsv, parseInsulinPumpParamsCsv } from './device-params.ts';

describe('device parameter CSVs (simglucose sensor_params.csv, pump_params.csv)', () => {
  it('parses the three shipped CGM sensors', () => {
    const s = parseCgmSensorParamsCsv(sensorCsv);
    expect(s.map((p) => [p.name, p.sampleTimeMin, p.minMgDl, p.maxMgDl])).toEqual([
      ['Dexcom', 3, 39, 600],
      ['GuardianRT', 5, 39, 600],
      ['Navigator', 1, 32, 600],
    ]);
    expect(s[0]).toMatchObject({ pacf: 0.7, gamma: -0.5444, lambda: 15.9574, delta: 1.6898, xi: -5.47 });
  });

  it('parses the two shipped pumps', () => {
    const p = parseInsulinPumpParamsCsv(pumpCsv);
    expect(p.map((x) => [x.name, x.maxBolusUPerMin, x.maxBasalUPerMin, x.incBolusPmolPerMin])).toEqual([
      ['Cozmo', 75, 35, 0.05],
      ['Insulet', 30, 30, 0.05],
    ]);
  });

  it('names row and column of inadmissible values', () => {
    const bad = sensorCsv
      .replace('Dexcom,0.7,', 'Dexcom,1.5,')
      .replace('GuardianRT,0.7,-0.5444,15.9574,1.6898,-5.47,5.0', 'GuardianRT,0.7,-0.5444,15.9574,1.6898,-5.47,2.5');
    try {
      parseCgmSensorParamsCsv(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as SimInputError).problems.map((p) => p.path)).toEqual([
        'sensor_params.csv row 2 (Dexcom), column PACF',
        'sensor_params.csv row 3 (GuardianRT), column sample_time',
      ]);
    }
  });
});
