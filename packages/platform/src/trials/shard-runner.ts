import {
  CgmSensor,
  type ControlDayTotals,
  ControlLoop,
  type DailyMealPlan,
  FixedMealScenario,
  type InsulinController,
  InsulinPump,
  RandomMealScenario,
  UVA_STATE_SIZE,
  UvaPadovaModel,
} from '@vitaltwin/sim';
import type { UvaPadovaData } from '../sim-data/uva-padova-data.ts';
import { AgpHistogram } from './agp-histogram.ts';
import { createController } from './trial-controllers.ts';
import { computeTrialEndpoints, type EndpointValues } from './trial-endpoints.ts';
import { armsOfPatient, TrialPopulation } from './trial-population.ts';
import type { ScenarioSpec, TrialProtocol } from './trial-protocol-schema.ts';
import { mealSeed, sensorSeed } from './trial-seeds.ts';

/**
 * One unit of trial work: a block of consecutive patients, each simulated in every arm it receives.
 * Self-contained and JSON-serialisable, so the same job runs in a worker thread or on another machine.
 */
export interface ShardJob {
  readonly protocol: TrialProtocol;
  readonly protocolHash: string;
  readonly shardIndex: number;
  readonly patientStart: number;
  readonly patientEnd: number;
}

export interface PatientArmResult {
  readonly arm: string;
  readonly endpoints: EndpointValues;
  readonly carbsPerDay: number;
}

export interface PatientResult {
  readonly index: number;
  readonly id: string;
  readonly group: string;
  readonly arms: readonly PatientArmResult[];
}

export const shardFormat = 'vitaltwin.trial-shard/1';

export interface ShardResult {
  readonly format: typeof shardFormat;
  readonly protocolHash: string;
  readonly shardIndex: number;
  readonly patientStart: number;
  readonly patientEnd: number;
  readonly patientDays: number;
  readonly patients: readonly PatientResult[];
  /** Arm name → encoded AGP histogram of the evaluation days (agp-histogram.ts). */
  readonly agp: Readonly<Record<string, string>>;
}

/** Lower limit applied to plasma glucose used as endpoint signal (the log in the risk index needs g > 0). */
const minBgSignalMgDl = 1;

function mealPlan(spec: ScenarioSpec): DailyMealPlan {
  switch (spec.type) {
    case 'random':
      return new RandomMealScenario(spec.meals);
    case 'fixed':
      return new FixedMealScenario(spec.meals);
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown scenario ${String(unreachable)}`);
    }
  }
}

/** Everything built once per protocol and reused for every shard of it on this worker. */
class TrialContext {
  readonly population: TrialPopulation;
  readonly controllers: InsulinController[];
  readonly loops: ControlLoop[];
  readonly model: UvaPadovaModel;
  readonly plan: DailyMealPlan;
  readonly sampleTimeMin: number;
  readonly samplesPerDay: number;
  readonly meals = new Float64Array(1440);
  readonly state = new Float64Array(UVA_STATE_SIZE);
  readonly cgmDay: Float64Array;
  readonly bgDay: Float64Array;
  readonly signal: Float64Array;
  readonly totals: ControlDayTotals = { insulinU: 0, bolusU: 0, carbsG: 0 };

  constructor(protocol: TrialProtocol, data: UvaPadovaData) {
    this.population = new TrialPopulation(protocol, data);
    const sensorParams = data.sensors.find((s) => s.name === protocol.sensor);
    if (!sensorParams) throw new Error(`no parameters for sensor ${protocol.sensor}`);
    const pumpParams = protocol.pump === 'none' ? null : data.pumps.find((p) => p.name === protocol.pump);
    if (pumpParams === undefined) throw new Error(`no parameters for pump ${protocol.pump}`);
    const first = this.population.patient(0);
    this.model = new UvaPadovaModel(first.params, { solver: protocol.solver });
    const sensor = new CgmSensor(sensorParams, 0);
    const pump = pumpParams ? new InsulinPump(pumpParams) : null;
    this.controllers = protocol.arms.map((a) => createController(a.controller));
    this.loops = this.controllers.map((c) => new ControlLoop(this.model, sensor, pump, c));
    this.plan = mealPlan(protocol.scenario);
    this.sampleTimeMin = sensorParams.sampleTimeMin;
    this.samplesPerDay = 1440 / this.sampleTimeMin;
    this.cgmDay = new Float64Array(this.samplesPerDay);
    this.bgDay = new Float64Array(this.samplesPerDay);
    this.signal = new Float64Array(this.samplesPerDay * protocol.days);
  }
}

/**
 * Runs shards. Keeps one context (population, controllers, buffers) per protocol hash, so a worker
 * that receives many shards of the same trial builds it once. Per patient-day nothing is allocated
 * except the endpoint record at the end of each patient and arm; no per-minute trace outlives its day.
 */
export class ShardRunner {
  private readonly data: UvaPadovaData;
  private contextHash = '';
  private context: TrialContext | null = null;

  constructor(data: UvaPadovaData) {
    this.data = data;
  }

  run(job: ShardJob, onPatientDone?: (patientsDone: number) => void): ShardResult {
    const { protocol } = job;
    if (!this.context || this.contextHash !== job.protocolHash) {
      this.context = new TrialContext(protocol, this.data);
      this.contextHash = job.protocolHash;
    }
    const ctx = this.context;
    const agp = protocol.arms.map(() => new AgpHistogram());
    const patients: PatientResult[] = [];
    let patientDays = 0;
    const totalDays = protocol.warmupDays + protocol.days;
    const st = ctx.sampleTimeMin;
    const spd = ctx.samplesPerDay;
    const useBg = protocol.endpointSignal === 'bg';
    for (let index = job.patientStart; index < job.patientEnd; index++) {
      const patient = ctx.population.patient(index);
      ctx.model.setParams(patient.params);
      const controllerPatient = {
        basalUPerMin: ctx.model.basalUPerMin,
        carbRatioGPerU: patient.therapy.carbRatioGPerU,
        correctionFactorMgDlPerU: patient.therapy.correctionFactorMgDlPerU,
        totalDailyInsulinU: patient.therapy.totalDailyInsulinU,
        bodyWeightKg: patient.params.bodyWeightKg,
      };
      const arms: PatientArmResult[] = [];
      for (const armIndex of armsOfPatient(protocol, index)) {
        const loop = ctx.loops[armIndex]!;
        ctx.controllers[armIndex]!.reset(controllerPatient);
        loop.startPatient();
        ctx.model.writeInitialState(ctx.state);
        let insulinU = 0;
        let carbsG = 0;
        const hist = agp[armIndex]!;
        for (let day = 0; day < totalDays; day++) {
          ctx.plan.writeDay(mealSeed(protocol, index, armIndex, day), ctx.meals);
          loop.runDay(ctx.state, day, ctx.meals, sensorSeed(protocol, index, armIndex, day), ctx.cgmDay, ctx.bgDay, ctx.totals);
          patientDays += 1;
          if (day < protocol.warmupDays) continue;
          insulinU += ctx.totals.insulinU;
          carbsG += ctx.totals.carbsG;
          const offset = (day - protocol.warmupDays) * spd;
          const source = useBg ? ctx.bgDay : ctx.cgmDay;
          for (let k = 0; k < spd; k++) {
            const g = useBg && source[k]! < minBgSignalMgDl ? minBgSignalMgDl : source[k]!;
            ctx.signal[offset + k] = g;
            hist.add(k * st, g);
          }
        }
        const endpoints = computeTrialEndpoints(ctx.signal, spd * protocol.days, st, protocol.days, insulinU);
        arms.push({ arm: protocol.arms[armIndex]!.name, endpoints, carbsPerDay: carbsG / protocol.days });
      }
      patients.push({ index, id: patient.id, group: patient.group, arms });
      onPatientDone?.(index - job.patientStart + 1);
    }
    const agpOut: Record<string, string> = {};
    protocol.arms.forEach((a, i) => {
      agpOut[a.name] = agp[i]!.encode();
    });
    return {
      format: shardFormat,
      protocolHash: job.protocolHash,
      shardIndex: job.shardIndex,
      patientStart: job.patientStart,
      patientEnd: job.patientEnd,
      patientDays,
      patients,
      agp: agpOut,
    };
  }
}
