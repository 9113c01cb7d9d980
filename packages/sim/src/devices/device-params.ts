import { CsvColumnReader, parseCsvTable } from '../csv/csv-table.ts';
import type { SimProblem } from '../sim-input-error.ts';

/** One CGM sensor of simglucose's `sensor_params.csv`. */
export interface CgmSensorParams {
  readonly name: string;
  /** AR(1) coefficient of the 15-minute noise process. */
  readonly pacf: number;
  /** Johnson SU transform parameters: noise = xi + lambda·sinh((e − gamma)/delta) [mg/dL]. */
  readonly gamma: number;
  readonly lambda: number;
  readonly delta: number;
  readonly xi: number;
  /** Minutes between readings (sample-and-hold in between). */
  readonly sampleTimeMin: number;
  /** Reported range [mg/dL]; readings are clipped to it. */
  readonly minMgDl: number;
  readonly maxMgDl: number;
}

/** One insulin pump of simglucose's `pump_params.csv`. */
export interface InsulinPumpParams {
  readonly name: string;
  readonly minBolusUPerMin: number;
  readonly maxBolusUPerMin: number;
  /** Rounding increment, applied to the rate in pmol/min (rate·6000), as simglucose does. */
  readonly incBolusPmolPerMin: number;
  readonly minBasalUPerMin: number;
  readonly maxBasalUPerMin: number;
  readonly incBasalPmolPerMin: number;
  readonly sampleTimeMin: number;
}

/** Parses `sensor_params.csv` (Name, PACF, gamma, lambda, delta, xi, sample_time, min, max). */
export function parseCgmSensorParamsCsv(text: string, source = 'sensor_params.csv'): CgmSensorParams[] {
  const table = parseCsvTable(text, source);
  const r = new CsvColumnReader(table, ['Name', 'PACF', 'gamma', 'lambda', 'delta', 'xi', 'sample_time', 'min', 'max']);
  r.throwIfProblems();
  const out = table.rows.map((row) => {
    const p: CgmSensorParams = {
      name: r.text(row, 'Name'),
      pacf: r.number(row, 'PACF'),
      gamma: r.number(row, 'gamma'),
      lambda: r.number(row, 'lambda'),
      delta: r.number(row, 'delta'),
      xi: r.number(row, 'xi'),
      sampleTimeMin: r.number(row, 'sample_time'),
      minMgDl: r.number(row, 'min'),
      maxMgDl: r.number(row, 'max'),
    };
    const columns: Record<string, string> = { pacf: 'PACF', delta: 'delta', sampleTimeMin: 'sample_time', maxMgDl: 'max', name: 'Name' };
    for (const pr of validateCgmSensorParams(p))
      r.problems.push({ path: `${r.label(row)}, column ${columns[pr.path] ?? pr.path}`, message: pr.message });
    return p;
  });
  r.throwIfProblems();
  return out;
}

/** Admissibility of sensor parameters (paths are field names). */
export function validateCgmSensorParams(p: CgmSensorParams): SimProblem[] {
  const problems: SimProblem[] = [];
  if (p.name === '') problems.push({ path: 'name', message: 'must not be empty' });
  if (!(Math.abs(p.pacf) < 1)) problems.push({ path: 'pacf', message: 'must be in (-1, 1) for a stationary AR(1) process' });
  if (!(p.delta > 0)) problems.push({ path: 'delta', message: 'must be > 0' });
  // simglucose builds 150-minute noise blocks sampled every sample_time minutes.
  if (!Number.isInteger(p.sampleTimeMin) || p.sampleTimeMin < 1 || p.sampleTimeMin > 150) {
    problems.push({ path: 'sampleTimeMin', message: 'must be an integer number of minutes in 1..150' });
  }
  if (!(p.maxMgDl > p.minMgDl)) problems.push({ path: 'maxMgDl', message: 'must be > min' });
  return problems;
}

/** Parses `pump_params.csv` (Name, min_bolus, max_bolus, inc_bolus, min_basal, max_basal, inc_basal, sample_time). */
export function parseInsulinPumpParamsCsv(text: string, source = 'pump_params.csv'): InsulinPumpParams[] {
  const table = parseCsvTable(text, source);
  const r = new CsvColumnReader(table, [
    'Name',
    'min_bolus',
    'max_bolus',
    'inc_bolus',
    'min_basal',
    'max_basal',
    'inc_basal',
    'sample_time',
  ]);
  r.throwIfProblems();
  const out = table.rows.map((row) => {
    const p: InsulinPumpParams = {
      name: r.text(row, 'Name'),
      minBolusUPerMin: r.number(row, 'min_bolus'),
      maxBolusUPerMin: r.number(row, 'max_bolus'),
      incBolusPmolPerMin: r.number(row, 'inc_bolus'),
      minBasalUPerMin: r.number(row, 'min_basal'),
      maxBasalUPerMin: r.number(row, 'max_basal'),
      incBasalPmolPerMin: r.number(row, 'inc_basal'),
      sampleTimeMin: r.number(row, 'sample_time'),
    };
    if (p.name === '') r.problems.push({ path: `${r.label(row)}, column Name`, message: 'must not be empty' });
    if (!(p.maxBolusUPerMin >= p.minBolusUPerMin && p.minBolusUPerMin >= 0)) {
      r.problems.push({ path: `${r.label(row)}, column max_bolus`, message: 'must be >= min_bolus >= 0' });
    }
    if (!(p.maxBasalUPerMin >= p.minBasalUPerMin && p.minBasalUPerMin >= 0)) {
      r.problems.push({ path: `${r.label(row)}, column max_basal`, message: 'must be >= min_basal >= 0' });
    }
    if (!(p.incBolusPmolPerMin > 0)) r.problems.push({ path: `${r.label(row)}, column inc_bolus`, message: 'must be > 0' });
    if (!(p.incBasalPmolPerMin > 0)) r.problems.push({ path: `${r.label(row)}, column inc_basal`, message: 'must be > 0' });
    return p;
  });
  r.throwIfProblems();
  return out;
}
