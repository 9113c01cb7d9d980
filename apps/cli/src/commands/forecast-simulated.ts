import { loadUvaPadovaData } from '@vitaltwin/platform';
import { baselineForecasterFactories, evaluateSimulatedCohort, glucoseTwinInfo } from '@vitaltwin/sim';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';
import { compactForecastColumns, renderForecastTable } from '../forecast-table.ts';

/**
 * `vitaltwin forecast evaluate --simulated [--patients adult#001,...|all] [--days N] [--seed S]`:
 * the glucose twin against the baselines on simulated virtual patients (sim estimation/
 * evaluate-simulated-cohort.ts) instead of a CGM file. This module adds the flags to the `forecast
 * evaluate` command (registered from commands/index.ts) and runs the mode when `--simulated` is given;
 * the file mode itself stays in forecast-evaluate.ts.
 */
export function registerForecastSimulatedMode(program: Command): void {
  const evaluate = program.commands.find((c) => c.name() === 'forecast')?.commands.find((c) => c.name() === 'evaluate');
  if (!evaluate) throw new Error('forecast evaluate must be registered before its --simulated mode');
  const input = evaluate.options.find((o) => o.long === '--in');
  if (input) input.mandatory = false;
  evaluate
    .option('--simulated', 'evaluate on simulated UVA/Padova patients (twin vs baselines) instead of --in')
    .option('--patients <names>', 'with --simulated: comma-separated virtual patients, or all', 'all')
    .option('--days <n>', 'with --simulated: days simulated per patient', '2')
    .option('--seed <n>', 'with --simulated: random seed of meals, noise and ensembles', '2026')
    .hook('preAction', (_command, action) => {
      const o = action.opts() as { in?: string; simulated?: boolean };
      if (!o.simulated && o.in === undefined) throw new UsageError("required option '--in <file>' not specified (or give --simulated)");
      if (o.simulated && o.in !== undefined) throw new UsageError('give either --in or --simulated, not both');
    });
}

interface SimulatedOptions {
  simulated?: boolean;
  patients?: string;
  days?: string;
  seed?: string;
  horizons?: string;
  forecasters?: string;
  json?: boolean;
}

/** Runs the simulated mode when `--simulated` was given; returns false otherwise (file mode). */
export function runSimulatedForecastEvaluation(options: object): boolean {
  const o = options as SimulatedOptions;
  if (!o.simulated) return false;
  const data = loadUvaPadovaData();
  const known = data.patients.map((p) => p.params.name);
  const patients = o.patients === undefined || o.patients === 'all' ? known : o.patients.split(',').map((s) => s.trim());
  const unknown = patients.filter((p) => !known.includes(p));
  if (patients.length === 0 || unknown.length > 0)
    throw new UsageError(`--patients: unknown ${unknown.join(', ') || '(none)'}; known: ${known.join(', ')} or all`);
  const days = Number(o.days ?? '2');
  if (!Number.isInteger(days) || days < 1 || days > 30) throw new UsageError(`--days must be an integer in [1, 30], got "${o.days}"`);
  const seed = Number(o.seed ?? '2026');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got "${o.seed}"`);
  const horizonsMin = (o.horizons ?? '30,60,120').split(',').map((s) => Number(s.trim()));
  if (horizonsMin.some((h) => !Number.isFinite(h) || h <= 0 || h > 720))
    throw new UsageError(`--horizons must be comma-separated minutes in (0, 720], got "${o.horizons}"`);
  const baselines = (o.forecasters ?? Object.keys(baselineForecasterFactories).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'twin');
  const badBaseline = baselines.filter((b) => !Object.hasOwn(baselineForecasterFactories, b));
  if (badBaseline.length > 0)
    throw new UsageError(
      `--forecasters: unknown ${badBaseline.join(', ')}; known: twin, ${Object.keys(baselineForecasterFactories).join(', ')}`,
    );
  const sensor = data.sensors.find((s) => s.name === 'GuardianRT');
  if (!sensor) throw new UsageError('sensor_params.csv has no GuardianRT row');

  const started = Date.now();
  const result = evaluateSimulatedCohort({
    patients,
    population: data.patients.map((p) => p.params),
    therapies: data.patients.map((p) => p.therapy),
    sensor,
    days,
    seed,
    horizonsMin,
    baselines,
    onPatient: (name, index) => {
      if (!o.json) process.stderr.write(`\r${index + 1}/${patients.length} ${name}      `);
    },
  });
  if (!o.json) process.stderr.write('\n');
  if (o.json) {
    const provenance = {
      twin: glucoseTwinInfo,
      patientsSha256: data.sha256['vpatient_params.csv'],
      sensor: sensor.name,
      days,
      seed,
      horizonsMin,
      baselines,
    };
    process.stdout.write(`${JSON.stringify({ simulated: true, ...result, provenance }, null, 2)}\n`);
    return true;
  }
  const parts = result.patients.map(
    (p) =>
      `${p.patient} (prior ${p.prior}, ${p.readings} readings)\n${renderForecastTable(p.evaluation.forecasters, compactForecastColumns)}`,
  );
  parts.push(
    `mean over ${result.patients.length} simulated patients (${days} days each, ${sensor.name} noise, seed ${seed})\n${renderForecastTable(result.average, compactForecastColumns)}`,
  );
  process.stdout.write(
    `${parts.join('\n')}\nmg/dL; MARD %; Clarke A and A+B %; cover = share of references inside the interval [nominal level]; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return true;
}
