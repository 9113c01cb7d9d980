// UVA/Padova glucose twin: time per simulated patient-day (1440 one-minute steps) on one core, and the
// accuracy of the same run against simglucose's own reference trajectory. Prints one JSON line.
// Reference speed (glucose-model.md §8): simglucose 0.2.11 takes ≈1.1 s per patient-day with bare
// T1DPatient.step (Python 3.11 + SciPy dopri5).
import { readFileSync } from 'node:fs';
import {
  allocateGlucoseTrace,
  compileScenarioInputs,
  defaultUvaSolver,
  type FixedStepSolverSettings,
  parseGlucoseScenario,
  parseQuestCsv,
  parseUvaPadovaParamsCsv,
  simulateGlucoseScenario,
  UvaPadovaModel,
} from '@vitaltwin/sim';

const dataDir = new URL('../packages/sim/data/uva-padova/', import.meta.url);
const patients = parseUvaPadovaParamsCsv(readFileSync(new URL('vpatient_params.csv', dataDir), 'utf8'));
const quest = parseQuestCsv(readFileSync(new URL('Quest.csv', dataDir), 'utf8'));
const fixture = readFileSync(new URL('../../shared/fixtures/glucose/adult001_eat5_bolus.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => Number(line.split(',')[1]));

const runs = Number(process.env.BENCH_RUNS ?? 600);
const warmup = Number(process.env.BENCH_WARMUP ?? 200);

// The fixture scenario (glucose-model.md §9): meals 50/70/80 g at 420/720/1140 eaten at 5 g/min,
// bolus carbs/CR in the announcement minute, steady basal.
const patient = patients.find((p) => p.name === 'adult#001')!;
const cr = quest.find((q) => q.name === 'adult#001')!.carbRatioGPerU;
const meals = [
  { minute: 420, carbsG: 50 },
  { minute: 720, carbsG: 70 },
  { minute: 1140, carbsG: 80 },
];
const scenario = parseGlucoseScenario({
  durationMin: 1440,
  meals,
  boluses: meals.map((m) => ({ minute: m.minute, units: m.carbsG / cr })),
});
const inputs = compileScenarioInputs(scenario);
const trace = allocateGlucoseTrace(1440);

function maxDeviation(): number {
  let max = 0;
  for (let t = 0; t <= 1440; t++) max = Math.max(max, Math.abs(trace.bgMgDl[t]! - fixture[t]!));
  return max;
}

function measure(solver: FixedStepSolverSettings, n: number): { msPerDay: number; maxAbsBgErrorMgDl: number } {
  const model = new UvaPadovaModel(patient, { solver });
  for (let i = 0; i < warmup; i++) simulateGlucoseScenario(model, scenario, trace, { inputs });
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    simulateGlucoseScenario(model, scenario, trace, { inputs });
    times[i] = performance.now() - t0;
  }
  times.sort((a, b) => a - b);
  return { msPerDay: times[n >> 1]!, maxAbsBgErrorMgDl: maxDeviation() };
}

const main = measure(defaultUvaSolver, runs);

// Cohort throughput: all 30 patients, one model instance re-targeted with setParams (trial-engine use).
const cohortModel = new UvaPadovaModel(patients[0]!);
const cohortRounds = Math.max(1, Math.round(runs / 30));
for (const p of patients) {
  cohortModel.setParams(p);
  simulateGlucoseScenario(cohortModel, scenario, trace, { inputs });
}
const c0 = performance.now();
for (let r = 0; r < cohortRounds; r++) {
  for (const p of patients) {
    cohortModel.setParams(p);
    simulateGlucoseScenario(cohortModel, scenario, trace, { inputs });
  }
}
const cohortPatientDaysPerSec = (cohortRounds * patients.length * 1000) / (performance.now() - c0);

const rk4x1 = measure({ method: 'rk4', stepsPerMinute: 1 }, Math.round(runs / 3));
const dopri5x1 = measure({ method: 'dopri5', stepsPerMinute: 1 }, Math.round(runs / 3));
const round = (v: number, d: number) => Number(v.toFixed(d));

process.stdout.write(
  `${JSON.stringify({
    bench: 'glucose-sim',
    scenario: 'adult#001 fixture day (eat 5 g/min, bolus carbs/CR)',
    solver: defaultUvaSolver,
    runs,
    msPerPatientDayMedian: round(main.msPerDay, 4),
    patientDaysPerSec: round(1000 / main.msPerDay, 0),
    cohortPatientDaysPerSec: round(cohortPatientDaysPerSec, 0),
    maxAbsBgErrorVsFixtureMgDl: Number(main.maxAbsBgErrorMgDl.toPrecision(3)),
    speedupVsSimglucose: round(1100 / main.msPerDay, 0),
    variants: {
      rk4x1: {
        msPerPatientDayMedian: round(rk4x1.msPerDay, 4),
        maxAbsBgErrorVsFixtureMgDl: Number(rk4x1.maxAbsBgErrorMgDl.toPrecision(3)),
      },
      dopri5x1: {
        msPerPatientDayMedian: round(dopri5x1.msPerDay, 4),
        maxAbsBgErrorVsFixtureMgDl: Number(dopri5x1.maxAbsBgErrorMgDl.toPrecision(3)),
      },
    },
  })}\n`,
);
