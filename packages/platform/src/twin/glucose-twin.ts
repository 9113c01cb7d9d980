import { VitaltwinError } from '@vitaltwin/core';
import {
  GlucoseTwinEstimator,
  type GlucoseTwinSettings,
  type GlucoseTwinSummary,
  glucoseTwinInfo,
  glucoseTwinSettings,
  parseWhatIfOptions,
  populationNominalPatient,
  SimInputError,
  simulateWhatIf,
  summarizeTwinEstimate,
  type TreatmentLog,
  TwinForecastEngine,
  type UvaPadovaParams,
  uvaPatientsOfGroup,
  type WhatIfOutcome,
} from '@vitaltwin/sim';
import { loadUvaPadovaData } from '../sim-data/uva-padova-data.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { type CgmPoint, cgmReadingCodes, TwinInputs } from './twin-inputs.ts';

export interface GlucoseTwinServiceOptions {
  readonly db: SqlClient;
  /** Population prior; default: geometric-mean adult of simglucose's 10 virtual adults. */
  readonly nominal?: UvaPadovaParams;
  readonly settings?: Partial<Omit<GlucoseTwinSettings, 'nominal'>>;
  /** CGM history used to build a twin [days before the latest reading]. Default 7. */
  readonly windowDays?: number;
  /** Patients whose filter state is kept in memory (least recently used are dropped). Default 500. */
  readonly maxCachedPatients?: number;
}

export interface ForecastRequest {
  readonly horizonsMin?: readonly number[];
  readonly members?: number;
  readonly seed?: number;
}

export interface TwinOrigin {
  /** Time of the latest CGM reading (the forecast origin). */
  readonly time: string;
  readonly lastReadingMgDl: number;
  readonly readingsUsed: number;
  readonly dataFrom: string;
}

export interface TwinProvenance {
  readonly twin: typeof glucoseTwinInfo;
  readonly nominalPatient: string;
  readonly settings: Omit<GlucoseTwinSettings, 'nominal'>;
  readonly members: number;
  readonly seed: number;
  readonly cgmCodes: readonly string[];
  readonly treatments: { readonly source: 'FHIR'; readonly boluses: number; readonly meals: number; readonly basalChanges: number };
}

export interface GlucoseForecastResult {
  readonly patientId: string;
  readonly origin: TwinOrigin;
  readonly forecast: {
    readonly horizonMin: number;
    readonly time: string;
    readonly meanMgDl: number;
    readonly medianMgDl: number;
    readonly interval80MgDl: readonly [number, number];
    readonly interval95MgDl: readonly [number, number];
  }[];
  readonly estimate: GlucoseTwinSummary;
  readonly provenance: TwinProvenance;
}

export interface SimulateRequest {
  /** Untyped options, validated here (parseWhatIfOptions). */
  readonly options: unknown;
  readonly horizonMin?: number;
  readonly members?: number;
  readonly seed?: number;
  readonly includeBaseline?: boolean;
}

export interface SimulateResult {
  readonly patientId: string;
  readonly origin: TwinOrigin;
  readonly horizonMin: number;
  readonly outcomes: WhatIfOutcome[];
  readonly estimate: GlucoseTwinSummary;
  readonly provenance: TwinProvenance;
}

interface PatientTwin {
  estimator: GlucoseTwinEstimator;
  log: TreatmentLog;
  treatmentsKey: string;
  firstMs: number;
  lastMs: number;
  lastValue: number;
  readings: number;
}

const minuteMs = 60_000;

/**
 * The per-patient glucose twin runtime: loads the patient's CGM readings from `device_reading`
 * (LOINC 99504-3 mg/dL and 105272-9 mmol/L) and logged insulin and carbohydrate from the FHIR store
 * (fhir-treatments.ts), runs the estimator over the last `windowDays`, keeps the filter in memory and
 * afterwards assimilates only readings newer than the last one it saw (a change in the logged
 * treatments rebuilds it), and answers forecasts and what-if simulations. Requests for the same
 * patient are serialised; different patients run independently.
 */
export class GlucoseTwinService {
  private readonly inputs: TwinInputs;
  private readonly settings: GlucoseTwinSettings;
  private readonly windowDays: number;
  private readonly maxCached: number;
  private readonly twins = new Map<string, PatientTwin>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(options: GlucoseTwinServiceOptions) {
    this.inputs = new TwinInputs(options.db);
    const nominal = options.nominal ?? defaultNominalPatient();
    this.settings = glucoseTwinSettings(nominal, options.settings ?? {});
    this.windowDays = options.windowDays ?? 7;
    this.maxCached = options.maxCachedPatients ?? 500;
  }

  async forecast(patientId: string, request: ForecastRequest = {}): Promise<GlucoseForecastResult> {
    const horizonsMin = request.horizonsMin ?? [30, 60, 120];
    const members = request.members ?? 100;
    const seed = request.seed ?? 1;
    return this.withLock(patientId, async () => {
      const twin = await this.prepare(patientId);
      const engine = new TwinForecastEngine(twin.estimator);
      engine.run(horizonsMin, members, seed);
      const forecast = horizonsMin.map((h) => ({
        horizonMin: h,
        time: new Date(twin.lastMs + h * minuteMs).toISOString(),
        meanMgDl: engine.mean(h),
        medianMgDl: engine.quantile(h, 0.5),
        interval80MgDl: [engine.quantile(h, 0.1), engine.quantile(h, 0.9)] as const,
        interval95MgDl: [engine.quantile(h, 0.025), engine.quantile(h, 0.975)] as const,
      }));
      return {
        patientId,
        origin: origin(twin),
        forecast,
        estimate: summarizeTwinEstimate(twin.estimator),
        provenance: this.provenance(twin, members, seed),
      };
    });
  }

  async simulate(patientId: string, request: SimulateRequest): Promise<SimulateResult> {
    const horizonMin = request.horizonMin ?? 240;
    const members = request.members ?? 100;
    const seed = request.seed ?? 1;
    let options: ReturnType<typeof parseWhatIfOptions>;
    try {
      options = parseWhatIfOptions(request.options, horizonMin);
    } catch (e) {
      if (!(e instanceof SimInputError)) throw e;
      throw new VitaltwinError(
        'VT_ERR_INVALID_INPUT',
        e.message,
        e.problems.map((p) => ({ message: p.message, expression: p.path })),
      );
    }
    return this.withLock(patientId, async () => {
      const twin = await this.prepare(patientId);
      const outcomes = simulateWhatIf(twin.estimator, {
        options,
        horizonMin,
        members,
        seed,
        ...(request.includeBaseline !== undefined ? { includeBaseline: request.includeBaseline } : {}),
      });
      return {
        patientId,
        origin: origin(twin),
        horizonMin,
        outcomes,
        estimate: summarizeTwinEstimate(twin.estimator),
        provenance: this.provenance(twin, members, seed),
      };
    });
  }

  /** Drops a patient's cached filter (e.g. after data were corrected). */
  forget(patientId: string): void {
    this.twins.delete(patientId);
  }

  private provenance(twin: PatientTwin, members: number, seed: number): TwinProvenance {
    const { nominal: _nominal, ...settings } = this.settings;
    return {
      twin: glucoseTwinInfo,
      nominalPatient: this.settings.nominal.name,
      settings,
      members,
      seed,
      cgmCodes: [cgmReadingCodes.mass, cgmReadingCodes.molar],
      treatments: { source: 'FHIR', boluses: twin.log.boluses.length, meals: twin.log.meals.length, basalChanges: twin.log.basal.length },
    };
  }

  private async withLock<T>(patientId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(patientId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.locks.set(patientId, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(patientId) === settled) this.locks.delete(patientId);
    }
  }

  /** The patient's twin brought up to the latest reading (cached, incremental when possible). */
  private async prepare(patientId: string): Promise<PatientTwin> {
    const latestMs = await this.inputs.latestCgmMs(patientId);
    if (latestMs === undefined) {
      throw new VitaltwinError(
        'VT_ERR_NOT_FOUND',
        `no CGM readings (LOINC ${cgmReadingCodes.mass} or ${cgmReadingCodes.molar}) for this patient`,
      );
    }
    const treatmentsKey = await this.inputs.treatmentsKey(patientId);
    const cached = this.twins.get(patientId);
    if (cached && cached.treatmentsKey === treatmentsKey && latestMs >= cached.lastMs) {
      if (latestMs > cached.lastMs) this.assimilate(cached, await this.inputs.cgm(patientId, cached.lastMs + 1, latestMs + 1));
      this.touch(patientId, cached);
      return cached;
    }
    const fromMs = latestMs - this.windowDays * 86_400_000;
    const readings = await this.inputs.cgm(patientId, fromMs, latestMs + 1);
    if (readings.length < 3) {
      throw new VitaltwinError(
        'VT_ERR_VALIDATION',
        `too few CGM readings to build a glucose twin: ${readings.length} in the last ${this.windowDays} days, need at least 3`,
      );
    }
    const log = await this.inputs.treatments(patientId, fromMs / minuteMs - this.settings.warmUpMin);
    const twin: PatientTwin = {
      estimator: new GlucoseTwinEstimator(this.settings, log),
      log,
      treatmentsKey,
      firstMs: readings[0]!.timeMs,
      lastMs: Number.NEGATIVE_INFINITY,
      lastValue: Number.NaN,
      readings: 0,
    };
    this.assimilate(twin, readings);
    this.touch(patientId, twin);
    return twin;
  }

  private assimilate(twin: PatientTwin, readings: readonly CgmPoint[]): void {
    for (const r of readings) {
      if (twin.estimator.assimilate(r.timeMs / minuteMs, r.mgDl)) {
        twin.readings += 1;
        twin.lastMs = r.timeMs;
        twin.lastValue = r.mgDl;
      }
    }
  }

  private touch(patientId: string, twin: PatientTwin): void {
    this.twins.delete(patientId);
    this.twins.set(patientId, twin);
    while (this.twins.size > this.maxCached) {
      const oldest = this.twins.keys().next().value;
      if (oldest === undefined) break;
      this.twins.delete(oldest);
    }
  }
}

function origin(twin: PatientTwin): TwinOrigin {
  return {
    time: new Date(twin.lastMs).toISOString(),
    lastReadingMgDl: twin.lastValue,
    readingsUsed: twin.readings,
    dataFrom: new Date(twin.firstMs).toISOString(),
  };
}

/** The geometric-mean adult of simglucose's 10 virtual adults (population-nominal.ts). */
export function defaultNominalPatient(): UvaPadovaParams {
  const patients = loadUvaPadovaData().patients.map((p) => p.params);
  return populationNominalPatient(uvaPatientsOfGroup(patients, 'adult'), { name: 'population-adult' });
}
