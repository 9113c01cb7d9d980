// Test support (imported only by *.test.ts): simglucose's CGM noise with 5-minute sampling.
import sensorCsv from '../../data/uva-padova/sensor_params.csv?raw';
import type { CgmSensorParams } from '../devices/device-params.ts';
import { parseCgmSensorParamsCsv } from '../devices/device-params.ts';

/**
 * GuardianRT row of sensor_params.csv: the same Johnson-SU noise as the Dexcom row (PACF 0.7,
 * xi −5.47, lambda 15.9574, gamma −0.5444, delta 1.6898) sampled every 5 min, as a Dexcom G6 reads.
 */
export const dexcomLikeSensor5Min: CgmSensorParams = (() => {
  const row = parseCgmSensorParamsCsv(sensorCsv).find((s) => s.name === 'GuardianRT');
  if (!row) throw new Error('sensor_params.csv has no GuardianRT row');
  return row;
})();
