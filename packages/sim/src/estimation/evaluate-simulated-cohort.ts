import { mixSeed } from '../cohort/seed-mix.ts';
import type { CgmSensorParams } from '../devices/device-params.ts';
import { type AveragedForecasterEvaluation, averageForecastEvaluations } from '../forecast/average-forecast-evaluations.ts';
import { evaluateForecasts, type ForecastEvaluation } from '../forecast/evaluate-forecasts.ts';
import type { Forecaster } from '../forecast/forecaster.ts';
import { baselineForecasterFactories, createForecasters } from '../forecast/forecaster-registry.ts';
import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import type { UvaPadovaTherapy } from '../models/uva-padova/quest-csv.ts';
import { populationNominalPatient } from './population-nominal.ts';
import { simulateCgmDataset } from './simulated-cgm-dataset.ts';
import { createTwinForecaster } from './twin-forecaster.ts';
import { type GlucoseTwinSettings, glucoseTwinSettings } from './twin-settings.ts';

/**
 * The twin judged against the baselines where the truth is known: each virtual patient is simulated
 * with random meals, basal–bolus therapy, CGM noise and data gaps (simulated-cgm-dataset.ts), and the
 * rolling-origin harness (forecast/evaluate-forecasts.ts) scores every forecaster on the same pairs;
 * per-patient results are then averaged (clinical-references, "How glucose forecasts are judged").
 *
 * The twin starts from a population prior it could honestly have: the geometric-mean patient of the
 * OTHER patients of the same age group (leave-one-out), never the patient's own parameters. Baselines
 * get what they would get in practice: oref0 the patient's therapy settings (CF as ISF, CR, basal) and
 * the treatment log; persistence and AR2 the CGM only.
 */
export interface SimulatedCohortOptions {
  /** Patients to simulate (names of `population`). */
  readonly patients: readonly string[];
  /** The parameter sets the priors are drawn from (e.g. all 30 of vpatient_params.csv). */
  readonly population: readonly UvaPadovaParams[];
  readonly therapies: readonly UvaPadovaTherapy[];
  readonly sensor: CgmSensorParams;
  readonly days: number;
  readonly seed: number;
  readonly horizonsMin?: readonly number[];
  /** Baseline forecaster ids (default persistence, ar2, oref0). */
  readonly baselines?: readonly string[];
  readonly members?: number;
  /** Score every n-th origin only (default 1). */
  readonly originStride?: number;
  /** Settings overrides for the twin (the nominal is always the leave-one-out prior). */
  readonly twin?: Partial<Omit<GlucoseTwinSettings, 'nominal'>>;
  /** Called after each patient (progress). */
  readonly onPatient?: (name: string, index: number) => void;
}

export interface SimulatedPatientEvaluation {
  readonly patient: string;
  readonly prior: string;
  readonly readings: number;
  readonly evaluation: ForecastEvaluation;
}

export interface SimulatedCohortEvaluation {
  readonly days: number;
  readonly seed: number;
  readonly sensor: string;
  readonly patients: SimulatedPatientEvaluation[];
  readonly average: AveragedForecasterEvaluation[];
}

export function evaluateSimulatedCohort(options: SimulatedCohortOptions): SimulatedCohortEvaluation {
  const baselines = options.baselines ?? ['persistence', 'ar2', 'oref0'];
  const patients = options.patients.map((name, index) => {
    const params = options.population.find((p) => p.name === name);
    if (!params) throw new RangeError(`unknown virtual patient "${name}"`);
    const therapy = options.therapies.find((t) => t.name === name);
    if (!therapy) throw new RangeError(`no therapy settings (Quest.csv) for "${name}"`);
    const group = name.includes('#') ? name.slice(0, name.indexOf('#') + 1) : '';
    const peers = options.population.filter((p) => p.name.startsWith(group));
    const nominal = populationNominalPatient(peers.length > 1 ? peers : options.population, {
      exclude: [name],
      name: `${group || 'population'}mean-without-${name}`,
    });
    const data = simulateCgmDataset(params, {
      days: options.days,
      seed: mixSeed(options.seed, index),
      sensor: options.sensor,
      therapy,
    });
    const basalUPerH = data.log.basal[0]?.uPerH ?? 0;
    const twin = createTwinForecaster({
      settings: glucoseTwinSettings(nominal, options.twin ?? {}),
      log: data.log,
      seed: mixSeed(options.seed, index, 1),
      ...(options.members !== undefined ? { members: options.members } : {}),
    });
    const others: Forecaster[] = createForecasters(
      baselines,
      {
        insulin: data.log.boluses,
        carbs: data.log.meals,
        oref0Profile: { isfMgDlPerU: therapy.correctionFactorMgDlPerU, carbRatioGPerU: therapy.carbRatioGPerU, basalUPerH },
      },
      baselineForecasterFactories,
    );
    const evaluation = evaluateForecasts(data.cgm, [twin, ...others], {
      horizonsMin: options.horizonsMin ?? [30, 60, 120],
      ...(options.originStride !== undefined ? { originStride: options.originStride } : {}),
    });
    options.onPatient?.(name, index);
    return { patient: name, prior: nominal.name, readings: data.cgm.timeMin.length, evaluation };
  });
  return {
    days: options.days,
    seed: options.seed,
    sensor: options.sensor.name,
    patients,
    average: averageForecastEvaluations(patients.map((p) => p.evaluation)),
  };
}
