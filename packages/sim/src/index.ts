/**
 * @vitaltwin/sim — pure numerics (no I/O, no Node APIs, no Math.random).
 *
 * UVA/Padova glucose twin, API for reuse (trial engine, UKF / particle filter):
 *
 * ```ts
 * const model = new UvaPadovaModel(params);                 // validates once, precomputes constants
 * const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
 * model.step(state, announcedCarbsG, insulinUPerMin);       // one minute, in place, simglucose meal logic
 * model.bgMgDl(state); model.gsubMgDl(state);               // observations
 * saved.set(state); state.set(saved);                       // get/set the full state = plain copies
 * model.setInputs(choGPerMin, insulinUPerMin, dbarMg);      // raw RHS access for estimators:
 * model.derivative(0, state, dx);                           //   dx[0..12] with those inputs
 * model.setParams(otherPatient);                            // many patients, one instance, no allocation
 * simulateGlucoseScenario(model, scenario, trace, { inputs }); // whole run into caller-owned buffers
 * ```
 * State slots are named by `uvaState` (13 ODE states, then the meal memory). A run is reproducible
 * from `glucoseRunProvenance(...)`: model id/version, parameters, scenario, seed and solver settings.
 */

export type { BasalFreeParams, BasalSteadyState } from './cohort/basal-steady-state.ts';
export { basalEgp, basalSteadyState } from './cohort/basal-steady-state.ts';
export type { CohortTransform, CohortVariable, SourcePatient } from './cohort/cohort-variables.ts';
export { cohortValues, cohortVariables } from './cohort/cohort-variables.ts';
export { dynamicPlausibilityProblem, plausibilityBounds, staticPlausibilityProblems } from './cohort/plausibility.ts';
export type { PopulationModel } from './cohort/population-model.ts';
export { fitPopulationModel } from './cohort/population-model.ts';
export { mixSeed } from './cohort/seed-mix.ts';
export { symmetricEigen } from './cohort/symmetric-eigen.ts';
export type { CohortSpec, VirtualPatient } from './cohort/virtual-cohort.ts';
export { ageGroup, sourceGroup, VirtualCohortGenerator } from './cohort/virtual-cohort.ts';
export type { BasalBolusSettings, CorrectionPolicy } from './controllers/basal-bolus-controller.ts';
export { BasalBolusController, basalBolusDefaults } from './controllers/basal-bolus-controller.ts';
export type { ControlDayTotals } from './controllers/control-loop.ts';
export { ControlLoop } from './controllers/control-loop.ts';
export type { ControllerAction, ControllerObservation, ControllerPatient, InsulinController } from './controllers/insulin-controller.ts';
export type { PidSettings } from './controllers/pid-controller.ts';
export { PidController, pidDefaults } from './controllers/pid-controller.ts';
export type { CsvRow, CsvTable } from './csv/csv-table.ts';
export { CsvColumnReader, parseCsvTable } from './csv/csv-table.ts';
export { JohnsonCgmNoise } from './devices/cgm-noise.ts';
export { CgmSensor } from './devices/cgm-sensor.ts';
export type { CgmSensorParams, InsulinPumpParams } from './devices/device-params.ts';
export { parseCgmSensorParamsCsv, parseInsulinPumpParamsCsv, validateCgmSensorParams } from './devices/device-params.ts';
export { InsulinPump, roundHalfEven } from './devices/insulin-pump.ts';
export type { EffectiveResponse } from './estimation/effective-response.ts';
export { patientEffectiveResponse, twinEffectiveResponse } from './estimation/effective-response.ts';
export type {
  SimulatedCohortEvaluation,
  SimulatedCohortOptions,
  SimulatedPatientEvaluation,
} from './estimation/evaluate-simulated-cohort.ts';
export { evaluateSimulatedCohort } from './estimation/evaluate-simulated-cohort.ts';
export type { WhatIfOption } from './estimation/future-inputs.ts';
export { FutureInputs } from './estimation/future-inputs.ts';
export type { TwinEstimatorSnapshot } from './estimation/glucose-twin-estimator.ts';
export { GlucoseTwinEstimator, TWIN_STATE_SIZE, twinState } from './estimation/glucose-twin-estimator.ts';
export { populationNominalPatient, uvaPatientsOfGroup } from './estimation/population-nominal.ts';
export type { SimulatedCgmDataset, SimulatedCgmDatasetOptions } from './estimation/simulated-cgm-dataset.ts';
export { simulateCgmDataset } from './estimation/simulated-cgm-dataset.ts';
export type { BasalRateChange, TreatmentLog } from './estimation/treatment-log.ts';
export { emptyTreatmentLog, normaliseTreatmentLog, treatmentLogBasalUPerMin } from './estimation/treatment-log.ts';
export type { EnsembleObservable } from './estimation/twin-ensemble.ts';
export { TwinEnsemble } from './estimation/twin-ensemble.ts';
export type { GlucoseTwinSummary, ScaleEstimate } from './estimation/twin-estimate-summary.ts';
export { summarizeTwinEstimate } from './estimation/twin-estimate-summary.ts';
export type { TwinForecasterOptions } from './estimation/twin-forecaster.ts';
export { createTwinForecaster, quantileSorted, TwinForecastEngine, twinForecasterFactory } from './estimation/twin-forecaster.ts';
export { glucoseTwinInfo } from './estimation/twin-model-info.ts';
export type { GlucoseTwinSettings, TwinNoiseSettings, TwinPriorSettings } from './estimation/twin-settings.ts';
export { defaultTwinNoise, defaultTwinPrior, glucoseTwinSettings } from './estimation/twin-settings.ts';
export type { WhatIfBands, WhatIfOutcome, WhatIfRequest, WhatIfRisk } from './estimation/what-if.ts';
export { baselineOptionLabel, simulateWhatIf } from './estimation/what-if.ts';
export { MAX_WHAT_IF_HORIZON_MIN, parseWhatIfOptions } from './estimation/what-if-options.ts';
export type { Ar2Alarm, Ar2AlarmLevel, Ar2ConePoint, Ar2Forecast, GlucosePoint } from './forecast/ar2.ts';
export { ar2Alarm, ar2Cone, ar2ConeOffsets, ar2Constants, ar2Forecast, ar2Predict, createAr2Forecaster } from './forecast/ar2.ts';
export type { AveragedForecasterEvaluation, AveragedHorizonEvaluation } from './forecast/average-forecast-evaluations.ts';
export { averageForecastEvaluations } from './forecast/average-forecast-evaluations.ts';
export type { ClarkeZone } from './forecast/clarke-error-grid.ts';
export { clarkeZone, clarkeZoneIndex, clarkeZones } from './forecast/clarke-error-grid.ts';
export type {
  EvaluateForecastsOptions,
  ForecastEvaluation,
  ForecasterEvaluation,
  HorizonEvaluation,
} from './forecast/evaluate-forecasts.ts';
export { defaultHorizonsMin, evaluateForecasts } from './forecast/evaluate-forecasts.ts';
export type { PointForecastMetrics } from './forecast/forecast-metrics.ts';
export { ForecastErrorAccumulator, forecastMetrics } from './forecast/forecast-metrics.ts';
export type { Forecaster, ForecastOutput, GlucoseSeries } from './forecast/forecaster.ts';
export { createForecastOutput, glucoseSeries } from './forecast/forecaster.ts';
export type { ForecasterContext, ForecasterFactory } from './forecast/forecaster-registry.ts';
export { baselineForecasterFactories, createForecasters, defaultOref0Profile } from './forecast/forecaster-registry.ts';
export type { CarbEntry, InsulinDose, Oref0ForecasterOptions, Oref0Profile } from './forecast/oref0-forecaster.ts';
export { createOref0Forecaster } from './forecast/oref0-forecaster.ts';
export type { Oref0GlucoseStatus } from './forecast/oref0-glucose-status.ts';
export { oref0GlucoseStatus } from './forecast/oref0-glucose-status.ts';
export type { InsulinCurve, InsulinCurveConstants } from './forecast/oref0-insulin-curve.ts';
export {
  insulinActivityPerUnit,
  insulinCurveConstants,
  insulinCurvePresets,
  insulinOnBoardPerUnit,
} from './forecast/oref0-insulin-curve.ts';
export type { Oref0PredictionInput, Oref0Predictions } from './forecast/oref0-prediction.ts';
export { oref0Predictions } from './forecast/oref0-prediction.ts';
export type { PersistenceOptions } from './forecast/persistence.ts';
export { createPersistenceForecaster, rmsChange } from './forecast/persistence.ts';
export { UniformNotAKnotSpline } from './interpolation/not-a-knot-spline.ts';
export type { GlucoseSummary } from './models/uva-padova/glucose-summary.ts';
export { summarizeGlucose } from './models/uva-padova/glucose-summary.ts';
export type { GlucoseRunProvenance } from './models/uva-padova/model-info.ts';
export { glucoseRunProvenance, uvaPadovaModelInfo } from './models/uva-padova/model-info.ts';
export type { UvaPadovaParams, UvaPadovaScalarKey } from './models/uva-padova/params.ts';
export { steadyBasalUPerMin, uvaCsvColumns, uvaInitialStateColumns, uvaScalarKeys } from './models/uva-padova/params.ts';
export { parseUvaPadovaParamsCsv, uvaPadovaParamsFromJson } from './models/uva-padova/params-csv.ts';
export { uvaFastestRatePerMin, validateUvaPadovaParams } from './models/uva-padova/params-validation.ts';
export type { UvaPadovaTherapy } from './models/uva-padova/quest-csv.ts';
export { parseQuestCsv } from './models/uva-padova/quest-csv.ts';
export type {
  CgmSensorName,
  GlucoseScenario,
  InsulinPumpName,
  MealDelivery,
  ScenarioBolus,
  ScenarioInputs,
  ScenarioMeal,
} from './models/uva-padova/scenario.ts';
export {
  cgmSensorNames,
  compileScenarioInputs,
  insulinPumpNames,
  MAX_SCENARIO_MINUTES,
  mealDeliveries,
  parseGlucoseScenario,
  scenarioDefaults,
  validateGlucoseScenario,
} from './models/uva-padova/scenario.ts';
export type { GlucoseRunOptions, GlucoseTrace } from './models/uva-padova/simulate-scenario.ts';
export { allocateGlucoseTrace, scenarioDevices, simulateGlucoseScenario } from './models/uva-padova/simulate-scenario.ts';
export type { UvaStateName } from './models/uva-padova/state.ts';
export { UVA_ODE_SIZE, UVA_STATE_SIZE, uvaState } from './models/uva-padova/state.ts';
export type { UvaPadovaModelOptions } from './models/uva-padova/uva-padova-model.ts';
export { defaultUvaSolver, SIMGLUCOSE_EAT_RATE_G_PER_MIN, UvaPadovaModel } from './models/uva-padova/uva-padova-model.ts';
export { DormandPrince5Integrator } from './ode/dormand-prince5.ts';
export { createFixedStepIntegrator, fixedStepMethods, validateSolverSettings } from './ode/fixed-step-solver.ts';
export type { FixedStepIntegrator, FixedStepMethod, FixedStepSolverSettings, OdeSystem } from './ode/ode-system.ts';
export { Rk4Integrator } from './ode/rk4.ts';
export { NormalSampler } from './random/normal-sampler.ts';
export { Xoshiro128StarStar } from './random/xoshiro128.ts';
export type { DailyMealPlan, FixedMeal } from './scenarios/fixed-meal-scenario.ts';
export { FixedMealScenario } from './scenarios/fixed-meal-scenario.ts';
export type { MealSlot } from './scenarios/random-meal-scenario.ts';
export { RandomMealScenario, simglucoseMealSlots, validateMealSlots } from './scenarios/random-meal-scenario.ts';
export type { SimProblem } from './sim-input-error.ts';
export { prefixProblems, SimInputError } from './sim-input-error.ts';
export type { BootstrapOptions } from './stats/bootstrap-ci.ts';
export { bootstrapMeanDifferenceCi } from './stats/bootstrap-ci.ts';
export type { MeanSummary } from './stats/descriptive.ts';
export { mean, meanWithCi, sampleSd } from './stats/descriptive.ts';
export { mannWhitneyU } from './stats/mann-whitney-u.ts';
export type { MeanDifference } from './stats/mean-difference.ts';
export { pairedMeanDifference, welchMeanDifference } from './stats/mean-difference.ts';
export { noncentralTCdf } from './stats/noncentral-t.ts';
export { normalQuantile } from './stats/normal-distribution.ts';
export type { PowerInput, SampleSize, TTestDesign } from './stats/sample-size.ts';
export { tTestPower, tTestSampleSize } from './stats/sample-size.ts';
export { studentTCdf, studentTQuantile } from './stats/student-t.ts';
export type { RankTestResult } from './stats/wilcoxon-signed-rank.ts';
export { wilcoxonSignedRank } from './stats/wilcoxon-signed-rank.ts';
