import { readFileSync, writeFileSync } from 'node:fs';
import { VitaltwinError } from '@vitaltwin/core';
import { loadUvaPadovaData, simInputToVitaltwinError, type UvaPadovaData } from '@vitaltwin/platform';
import {
  allocateGlucoseTrace,
  defaultUvaSolver,
  type FixedStepMethod,
  fixedStepMethods,
  type GlucoseScenario,
  type GlucoseTrace,
  glucoseRunProvenance,
  parseGlucoseScenario,
  scenarioDevices,
  simulateGlucoseScenario,
  steadyBasalUPerMin,
  summarizeGlucose,
  UvaPadovaModel,
  type UvaPadovaParams,
  uvaPadovaModelInfo,
  uvaPadovaParamsFromJson,
} from '@vitaltwin/sim';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';
import { version } from '../program.ts';

interface SimulateGlucoseOptions {
  patient?: string;
  scenario: string;
  params?: string;
  out?: string;
  json?: boolean;
  solver?: string;
  stepsPerMinute?: string;
}

/** `vitaltwin simulate glucose|patients`: what-if runs of the UVA/Padova T1D model (simglucose 0.2.11). */
export function registerSimulateCommand(program: Command): void {
  const simulate =
    program.commands.find((c) => c.name() === 'simulate') ?? program.command('simulate').description('mechanistic what-if simulations');
  simulate
    .command('glucose')
    .description('simulate a UVA/Padova T1D virtual patient through a scenario; CSV per minute (or a JSON summary)')
    .option('--patient <name>', 'virtual patient, e.g. adult#001, adolescent#010, child#003 (see "simulate patients")')
    .requiredOption('--scenario <file>', 'scenario JSON file, or - for stdin')
    .option('--params <file>', 'custom parameters JSON (fields like kabsPerMin); overrides --patient, or a full set without it')
    .option('--out <file>', 'write the CSV here instead of stdout')
    .option('--json', 'print a JSON summary with provenance (CSV only with --out)')
    .option('--solver <method>', `fixed-step method: ${fixedStepMethods.join('|')}`, defaultUvaSolver.method)
    .option('--steps-per-minute <n>', 'solver steps per 1-minute input interval', String(defaultUvaSolver.stepsPerMinute))
    .addHelpText(
      'after',
      [
        '',
        'Scenario JSON (defaults in brackets):',
        '  {"durationMin":1440, "basal":"steady" | {"uPerMin":0.02}, "meals":[{"minute":420,"carbsG":50}],',
        '   "boluses":[{"minute":420,"units":5}], "mealDelivery":"eat-rate" | "one-minute",',
        '   "sensor":"none" | "Dexcom" | "GuardianRT" | "Navigator", "pump":"none" | "Insulet" | "Cozmo", "seed":0}',
        '  [1440, steady = u2ss·BW/6000 U/min, [], [], eat-rate = 5 g/min, none, none, 0]',
        'CSV columns: minute,bg,gsub[,cgm],cho_gpm,insulin_upm — row t is the state after t minutes',
        '(bg = Gp/Vg plasma, gsub = subcutaneous, mg/dL); inputs are those held during [t, t+1).',
      ].join('\n'),
    )
    .action((options: SimulateGlucoseOptions) => runSimulateGlucose(options));

  simulate
    .command('patients')
    .description('list the 30 UVA/Padova virtual patients (simglucose cohort)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => listPatients(options.json === true));
}

function runSimulateGlucose(options: SimulateGlucoseOptions): void {
  const data = loadUvaPadovaData();
  const solver = parseSolver(options);
  const params = resolveParams(data, options);
  const scenario = readScenario(options.scenario);
  let model: UvaPadovaModel;
  try {
    model = new UvaPadovaModel(params, { solver });
  } catch (error) {
    throw simInputToVitaltwinError(error, 'VT_ERR_INVALID_INPUT', 'parameters cannot be simulated');
  }
  const devices = scenarioDevices(scenario, data.sensors, data.pumps);
  const trace = allocateGlucoseTrace(scenario.durationMin);
  const started = performance.now();
  simulateGlucoseScenario(model, scenario, trace, devices);
  const runTimeMs = performance.now() - started;

  const csv = options.json && !options.out ? undefined : renderCsv(trace, scenario.sensor !== 'none');
  if (csv !== undefined && options.out) writeOutput(options.out, csv);
  else if (csv !== undefined) writeStdout(csv);
  if (!options.json) return;

  const provenance = glucoseRunProvenance(params, scenario, solver, { sensor: devices.sensor?.params, pump: devices.pump?.params });
  const n = scenario.durationMin;
  const summary = {
    patient: params.name,
    model: { id: uvaPadovaModelInfo.id, version: uvaPadovaModelInfo.version },
    solver,
    seed: scenario.seed,
    durationMin: n,
    bg: summarizeGlucose(trace.bgMgDl, n + 1),
    gsub: summarizeGlucose(trace.gsubMgDl, n + 1),
    cgm: scenario.sensor === 'none' ? null : summarizeGlucose(trace.cgmMgDl, n + 1),
    carbsEatenG: total(trace.choGPerMin, n),
    insulinDeliveredU: total(trace.insulinUPerMin, n),
    runTimeMs: Math.round(runTimeMs * 1000) / 1000,
    output: options.out ?? null,
    provenance: {
      ...provenance,
      conventions: uvaPadovaModelInfo.conventions,
      parameterSource: options.params
        ? { file: options.params, basePatient: options.patient ?? null }
        : { file: 'vpatient_params.csv', sha256: data.sha256['vpatient_params.csv'] },
      software: { vitaltwin: version, node: process.version },
    },
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

function parseSolver(options: SimulateGlucoseOptions): { method: FixedStepMethod; stepsPerMinute: number } {
  const method = options.solver ?? defaultUvaSolver.method;
  if (!(fixedStepMethods as readonly string[]).includes(method))
    throw new UsageError(`--solver must be one of ${fixedStepMethods.join(', ')}, got "${method}"`);
  const steps = Number(options.stepsPerMinute ?? defaultUvaSolver.stepsPerMinute);
  if (!Number.isInteger(steps) || steps < 1 || steps > 1000)
    throw new UsageError(`--steps-per-minute must be an integer in 1..1000, got "${options.stepsPerMinute}"`);
  return { method: method as FixedStepMethod, stepsPerMinute: steps };
}

function resolveParams(data: UvaPadovaData, options: SimulateGlucoseOptions): UvaPadovaParams {
  let base: UvaPadovaParams | undefined;
  if (options.patient !== undefined) {
    base = data.patients.find((p) => p.params.name === options.patient)?.params;
    if (!base) {
      throw new UsageError(
        `unknown patient "${options.patient}"; run "vitaltwin simulate patients" to list the ${data.patients.length} valid names (adolescent#001–010, adult#001–010, child#001–010)`,
      );
    }
  }
  if (options.params === undefined) {
    if (!base) throw new UsageError('give --patient <name> (see "vitaltwin simulate patients") or --params <file>');
    return base;
  }
  const json = readJson(options.params, 'parameter file');
  try {
    return uvaPadovaParamsFromJson(base ? { name: `${base.name}+custom`, ...(json as object) } : json, base);
  } catch (error) {
    throw simInputToVitaltwinError(error, 'VT_ERR_INVALID_INPUT', `invalid parameters in ${options.params}`);
  }
}

function readScenario(file: string): GlucoseScenario {
  const json = readJson(file, 'scenario');
  try {
    return parseGlucoseScenario(json);
  } catch (error) {
    throw simInputToVitaltwinError(error, 'VT_ERR_INVALID_INPUT', `invalid scenario ${file === '-' ? '(stdin)' : file}`);
  }
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new VitaltwinError(
      'VT_ERR_INVALID_INPUT',
      `${what} ${file === '-' ? '(stdin)' : file} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new VitaltwinError('VT_ERR_INTERNAL', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? 'write error'}`);
  }
}

/** Writes to stdout; a reader that stops early (`| head`) ends the command quietly instead of EPIPE. */
let stdoutGuarded = false;
function writeStdout(text: string): void {
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  process.stdout.write(text);
}

/** Same layout as the simglucose reference fixture; the last row has no inputs (empty cells). */
function renderCsv(trace: GlucoseTrace, withCgm: boolean): string {
  const n = trace.durationMin;
  const lines: string[] = [withCgm ? 'minute,bg,gsub,cgm,cho_gpm,insulin_upm' : 'minute,bg,gsub,cho_gpm,insulin_upm'];
  for (let t = 0; t <= n; t++) {
    const inputs = t < n ? `${trace.choGPerMin[t]},${trace.insulinUPerMin[t]}` : ',';
    lines.push(
      withCgm
        ? `${t},${trace.bgMgDl[t]},${trace.gsubMgDl[t]},${trace.cgmMgDl[t]},${inputs}`
        : `${t},${trace.bgMgDl[t]},${trace.gsubMgDl[t]},${inputs}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function total(values: Float64Array, count: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += values[i]!;
  return s;
}

function listPatients(json: boolean): void {
  const data = loadUvaPadovaData();
  const rows = data.patients.map(({ params: p, therapy: t }) => {
    return {
      name: p.name,
      bodyWeightKg: p.bodyWeightKg,
      basalGlucoseMgDl: p.basalGlucoseMgDl,
      basalUPerHour: steadyBasalUPerMin(p) * 60,
      carbRatioGPerU: t.carbRatioGPerU,
      correctionFactorMgDlPerU: t.correctionFactorMgDlPerU,
      ageYears: t.ageYears,
    };
  });
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const header = ['name', 'BW kg', 'Gb mg/dL', 'basal U/h', 'CR g/U', 'CF mg/dL/U', 'age'];
  const body = rows.map((r) => [
    r.name,
    r.bodyWeightKg.toFixed(1),
    r.basalGlucoseMgDl.toFixed(1),
    r.basalUPerHour.toFixed(3),
    r.carbRatioGPerU === null ? '-' : String(r.carbRatioGPerU),
    r.correctionFactorMgDlPerU === null ? '-' : r.correctionFactorMgDlPerU.toFixed(1),
    r.ageYears === null ? '-' : String(r.ageYears),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${[fmt(header), ...body.map(fmt)].join('\n')}\n`);
  process.stdout.write(
    `\n${rows.length} patients (UVA/Padova 2008 cohort as shipped with simglucose 0.2.11; parameters MIT, see ${data.directory}LICENSE-simglucose.txt)\n`,
  );
}
