// Glucose twin: cost of filtering (per CGM reading), of a probabilistic forecast (100-member ensemble
// to 120 min, target ≤ 50 ms) and of a what-if option (100 members, 4 h), for one simulated adult
// after 2 days of data. Prints one JSON line (medians of repeated runs, milliseconds).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  GlucoseTwinEstimator,
  glucoseTwinSettings,
  parseCgmSensorParamsCsv,
  parseQuestCsv,
  parseUvaPadovaParamsCsv,
  populationNominalPatient,
  simulateCgmDataset,
  simulateWhatIf,
  TwinForecastEngine,
  uvaPatientsOfGroup,
} from '@vitaltwin/sim';

const dir = fileURLToPath(new URL('../packages/sim/data/uva-padova/', import.meta.url));
const patients = parseUvaPadovaParamsCsv(readFileSync(`${dir}vpatient_params.csv`, 'utf8'));
const therapies = parseQuestCsv(readFileSync(`${dir}Quest.csv`, 'utf8'));
const sensor = parseCgmSensorParamsCsv(readFileSync(`${dir}sensor_params.csv`, 'utf8')).find((s) => s.name === 'GuardianRT')!;
const name = 'adult#003';
const data = simulateCgmDataset(patients.find((p) => p.name === name)!, {
  days: 2,
  seed: 1,
  sensor,
  therapy: therapies.find((t) => t.name === name)!,
});
const settings = glucoseTwinSettings(populationNominalPatient(uvaPatientsOfGroup(patients, 'adult'), { exclude: [name] }));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Filtering: whole 2-day record, per reading.
const filterMs: number[] = [];
let estimator = new GlucoseTwinEstimator(settings, data.log);
for (let rep = 0; rep < 5; rep++) {
  estimator = new GlucoseTwinEstimator(settings, data.log);
  const t0 = performance.now();
  for (let i = 0; i < data.cgm.timeMin.length; i++) estimator.assimilate(data.cgm.timeMin[i]!, data.cgm.glucoseMgDl[i]!);
  filterMs.push((performance.now() - t0) / data.cgm.timeMin.length);
}

// Forecast: 100 members to 120 min (30/60/120 read out), after warm-up runs.
const engine = new TwinForecastEngine(estimator);
const forecastMs: number[] = [];
for (let rep = 0; rep < 60; rep++) {
  const t0 = performance.now();
  engine.run([30, 60, 120], 100, rep);
  engine.mean(120);
  engine.quantile(120, 0.05);
  engine.quantile(120, 0.95);
  if (rep >= 10) forecastMs.push(performance.now() - t0);
}

// What-if: one option (plus the automatic baseline) for 4 h with 100 members, per option.
const whatIfMs: number[] = [];
for (let rep = 0; rep < 12; rep++) {
  const t0 = performance.now();
  simulateWhatIf(estimator, {
    options: [{ label: 'bolus 4 U now', boluses: [{ inMin: 0, units: 4 }] }],
    horizonMin: 240,
    members: 100,
    seed: rep,
  });
  if (rep >= 2) whatIfMs.push((performance.now() - t0) / 2);
}

process.stdout.write(
  `${JSON.stringify({
    bench: 'glucose-forecast',
    patient: name,
    readings: data.cgm.timeMin.length,
    filterMsPerReading: Number(median(filterMs).toFixed(4)),
    forecast100x120MinMs: Number(median(forecastMs).toFixed(2)),
    forecastTargetMs: 50,
    whatIf100x240MinMsPerOption: Number(median(whatIfMs).toFixed(2)),
  })}\n`,
);
