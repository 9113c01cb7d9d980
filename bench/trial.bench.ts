import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrial } from '@vitaltwin/platform';
import { parseUvaPadovaParamsCsv, UVA_STATE_SIZE, UvaPadovaModel } from '@vitaltwin/sim';

// In-silico trial throughput: a generated cohort, crossover basal-bolus vs closed-loop PID, run on
// worker threads. The default (2,000 patients, ~20 s) is long enough that worker start-up (~1 s) does
// not dominate the rate; the full target run is
//   TRIAL_BENCH_PATIENTS=10000 TRIAL_BENCH_DAYS=14 npx tsx bench/trial.bench.ts
// Prints one JSON line: throughput, wall time, peak RSS of the whole process (workers are threads of
// it), the extrapolated time of a 10,000-patient × 14-day × 2-arm trial at the measured rate, and the
// same per CPU second (the machine is shared: `projectedIdleMachinePatientDaysPerSec` = per-CPU-second
// rate × workers is what an otherwise idle machine with that many cores gives), next to the bare
// model's rate as a ratio.
const env = (name: string, fallback: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
const patients = env('TRIAL_BENCH_PATIENTS', 2000);
const days = env('TRIAL_BENCH_DAYS', 14);
const workers = env('TRIAL_BENCH_WORKERS', 2);

const protocol = {
  name: 'bench',
  design: 'crossover',
  population: { source: 'generated', n: patients, seed: 1, fit: 'by-group', shrinkage: 0.1 },
  days,
  seed: 1,
  arms: [
    { name: 'basal-bolus', controller: { type: 'basal-bolus' } },
    { name: 'closed-loop', controller: { type: 'pid' } },
  ],
};

/**
 * Reference in the same run: the bare model (no sensor, controller, pump or metrics), one thread, per
 * wall-clock second and per CPU second (the machine is shared, so CPU time is the steadier measure).
 */
function bareModelPatientDaysPerSec(): { wall: number; cpu: number } {
  const patients = parseUvaPadovaParamsCsv(
    readFileSync(new URL('../packages/sim/data/uva-padova/vpatient_params.csv', import.meta.url), 'utf8'),
  );
  const model = new UvaPadovaModel(patients[0]!);
  const state = new Float64Array(UVA_STATE_SIZE);
  let days = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < 1500) {
    const p = patients[days % patients.length]!;
    model.setParams(p);
    model.writeInitialState(state);
    for (let t = 0; t < 1440; t++) {
      const carbs = t === 420 ? 50 : t === 720 ? 70 : t === 1140 ? 80 : 0;
      model.step(state, carbs, model.basalUPerMin + carbs / 10);
    }
    days += 1;
  }
  const cpu = process.cpuUsage(c0);
  return { wall: (days * 1000) / (performance.now() - t0), cpu: (days * 1e6) / (cpu.user + cpu.system) };
}
const bare = bareModelPatientDaysPerSec();

const dir = mkdtempSync(join(tmpdir(), 'vt-trial-bench-'));
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
try {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runTrial(protocol, { outDir: dir, workers });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  const patientDays = r.patientDaysRun;
  const rate = (patientDays * 1000) / wallMs;
  const fullPatientDays = 10_000 * 14 * 2;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'trial',
      patients,
      days,
      arms: 2,
      workers,
      patientDays,
      wallMs: Math.round(wallMs),
      patientDaysPerSec: Math.round(rate),
      peakRssMb: Math.round(peakRss / 2 ** 20),
      extrapolatedFull10kX14dX2ArmsSec: Math.round(fullPatientDays / rate),
      cpuSec: Number(cpuSec.toFixed(1)),
      patientDaysPerCpuSec: Math.round(patientDays / cpuSec),
      projectedIdleMachinePatientDaysPerSec: Math.round((patientDays / cpuSec) * workers),
      bareModelPatientDaysPerSecOneThread: Math.round(bare.wall),
      bareModelPatientDaysPerCpuSec: Math.round(bare.cpu),
      trialVsBareModelPerCpuSec: Number((patientDays / cpuSec / bare.cpu).toFixed(3)),
    })}\n`,
  );
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
