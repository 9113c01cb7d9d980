import { z } from 'zod';
import { endpointIds } from './trial-endpoints.ts';

/**
 * The trial protocol, a JSON document (examples/trials/*.json). Defaults are filled in by the schema,
 * so the parsed protocol — and its hash — is the full specification of the trial.
 *
 * - `design`: `crossover` runs every patient in every arm (paired analysis); `parallel` allocates
 *   each patient to one arm by seeded permuted blocks (unpaired analysis).
 * - `population`: simglucose's 30 patients (optionally a subset by name or group) or a generated
 *   virtual cohort (multivariate log-normal fitted pooled or per age group).
 * - `days` of simulation per patient and arm after `warmupDays` (simulated, not evaluated).
 * - `commonRandomNumbers` (crossover): meals and sensor noise of a (patient, day) are the same in every
 *   arm, so arm differences are not blurred by chance.
 * - `endpointSignal`: endpoints on the CGM readings (`cgm`, default — what a real trial measures) or on
 *   plasma glucose sampled at the CGM times (`bg`).
 */
const nonNegativeInt = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(0, `${label} must be >= 0`);
const positive = (label: string) => z.number({ error: `${label} must be a number` }).positive(`${label} must be > 0`);
const scale = (label: string) => positive(label).max(10, `${label} must be <= 10`);
const mgDl = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .min(20, `${label} must be >= 20 mg/dL`)
    .max(600, `${label} must be <= 600 mg/dL`);

export const basalBolusControllerSchema = z.strictObject({
  type: z.literal('basal-bolus'),
  targetMgDl: mgDl('targetMgDl').default(140),
  correctionAboveMgDl: mgDl('correctionAboveMgDl').default(150),
  crScale: scale('crScale').default(1),
  cfScale: scale('cfScale').default(1),
  basalScale: z.number().min(0, 'basalScale must be >= 0').max(10, 'basalScale must be <= 10').default(1),
  mealBolus: z.boolean().default(true),
  correction: z.enum(['with-meal', 'none', 'with-meal-and-high']).default('with-meal'),
  highCorrectionAboveMgDl: mgDl('highCorrectionAboveMgDl').default(250),
  highCorrectionIntervalMin: positive('highCorrectionIntervalMin').max(1440).default(180),
});

export const pidControllerSchema = z.strictObject({
  type: z.literal('pid'),
  targetMgDl: mgDl('targetMgDl').default(120),
  horizonMin: positive('horizonMin').max(1440).default(120),
  integralTimeMin: positive('integralTimeMin').max(100_000).default(450),
  derivativeTimeMin: z.number().min(0).max(600).default(60),
  derivativeWindowMin: positive('derivativeWindowMin').max(60).default(15),
  iobTauMin: positive('iobTauMin').max(600).default(55),
  suspendBelowMgDl: z.number().min(0).max(200).default(70),
  maxBasalMultiple: positive('maxBasalMultiple').max(20).default(4),
  mealBolus: z.boolean().default(true),
  crScale: scale('crScale').default(1),
});

export const controllerSchema = z.discriminatedUnion('type', [basalBolusControllerSchema, pidControllerSchema], {
  error: 'controller.type must be "basal-bolus" or "pid"',
});

const simglucoseGroups = ['adolescent', 'adult', 'child'] as const;

export const populationSchema = z.discriminatedUnion(
  'source',
  [
    z.strictObject({
      source: z.literal('simglucose'),
      /** Patient names (e.g. `adult#001`); default: all 30 (or all of `groups`). */
      patients: z.array(z.string().min(1)).min(1).optional(),
      groups: z.array(z.enum(simglucoseGroups)).min(1).optional(),
    }),
    z.strictObject({
      source: z.literal('generated'),
      n: z.number().int('n must be a whole number').min(2, 'n must be >= 2').max(1_000_000, 'n must be <= 1000000'),
      seed: nonNegativeInt('seed').max(Number.MAX_SAFE_INTEGER).default(1),
      fit: z.enum(['pooled', 'by-group']).default('by-group'),
      groupWeights: z.record(z.enum(simglucoseGroups), z.number().min(0)).optional(),
      shrinkage: z.number().min(0).max(1).default(0),
      rangeWidening: z.number().min(0).max(5).default(0.5),
    }),
  ],
  { error: 'population.source must be "simglucose" or "generated"' },
);

const mealSlotSchema = z.strictObject({
  name: z.string().min(1),
  probability: z.number().min(0).max(1),
  timeMeanMin: z.number().min(0).max(1439),
  timeSdMin: z.number().min(0).max(720),
  timeMinMin: z.number().int().min(0).max(1439),
  timeMaxMin: z.number().int().min(0).max(1439),
  carbsMeanG: z.number().min(0).max(500),
  carbsSdG: z.number().min(0).max(200),
});

export const scenarioSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('random'), meals: z.array(mealSlotSchema).min(1).max(24).optional() }),
    z.strictObject({
      type: z.literal('fixed'),
      meals: z.array(z.strictObject({ minuteOfDay: z.number().int().min(0).max(1439), carbsG: z.number().min(0).max(500) })).max(48),
    }),
  ],
  { error: 'scenario.type must be "random" or "fixed"' },
);

const armNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const armSchema = z.strictObject({
  name: z.string().regex(armNamePattern, 'arm name must be 1–64 characters of letters, digits, ".", "_" or "-"'),
  description: z.string().max(500).optional(),
  controller: controllerSchema,
});

export const trialProtocolSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(armNamePattern, 'name must be 1–64 characters of letters, digits, ".", "_" or "-"'),
    description: z.string().max(2000).optional(),
    design: z.enum(['crossover', 'parallel']).default('crossover'),
    population: populationSchema,
    days: z.number().int('days must be a whole number').min(1, 'days must be >= 1').max(366, 'days must be <= 366'),
    warmupDays: z.number().int().min(0).max(30).default(0),
    seed: nonNegativeInt('seed').max(Number.MAX_SAFE_INTEGER),
    scenario: scenarioSchema.default({ type: 'random' }),
    sensor: z.enum(['Dexcom', 'GuardianRT', 'Navigator']).default('GuardianRT'),
    pump: z.enum(['Insulet', 'Cozmo', 'none']).default('Insulet'),
    endpointSignal: z.enum(['cgm', 'bg']).default('cgm'),
    commonRandomNumbers: z.boolean().default(true),
    arms: z.array(armSchema).min(1, 'a trial needs at least one arm').max(16),
    comparisons: z
      .array(z.strictObject({ arms: z.tuple([z.string(), z.string()], { error: 'comparison arms must be [treatment, reference]' }) }))
      .optional(),
    endpoints: z.array(z.enum(endpointIds)).min(1).optional(),
    analysis: z
      .strictObject({
        alpha: z.number().gt(0).lt(0.5).default(0.05),
        ci: z.enum(['t', 'bootstrap']).default('t'),
        test: z.enum(['t', 'rank']).default('t'),
        bootstrapResamples: z.number().int().min(100).max(100_000).default(2000),
        power: z.array(z.number().gt(0).lt(1)).min(1).max(5).default([0.8, 0.9]),
      })
      .default({ alpha: 0.05, ci: 't', test: 't', bootstrapResamples: 2000, power: [0.8, 0.9] }),
    solver: z
      .strictObject({ method: z.enum(['rk4', 'dopri5']).default('rk4'), stepsPerMinute: z.number().int().min(1).max(100).default(1) })
      .default({ method: 'rk4', stepsPerMinute: 1 }),
    shardSize: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((p, ctx) => {
    const names = new Map<string, number>();
    p.arms.forEach((arm, i) => {
      const first = names.get(arm.name);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `duplicate arm name "${arm.name}" (also arms[${first}])` });
      else names.set(arm.name, i);
    });
    (p.comparisons ?? []).forEach((c, i) => {
      c.arms.forEach((a, j) => {
        if (!names.has(a))
          ctx.addIssue({
            code: 'custom',
            path: ['comparisons', i, 'arms', j],
            message: `unknown arm "${a}" (arms: ${[...names.keys()].join(', ')})`,
          });
      });
      if (c.arms[0] === c.arms[1])
        ctx.addIssue({ code: 'custom', path: ['comparisons', i, 'arms'], message: 'a comparison needs two different arms' });
    });
    if (p.scenario.type === 'random') {
      (p.scenario.meals ?? []).forEach((m, i) => {
        if (m.timeMinMin > m.timeMaxMin)
          ctx.addIssue({ code: 'custom', path: ['scenario', 'meals', i, 'timeMaxMin'], message: 'timeMaxMin must be >= timeMinMin' });
      });
    }
    if (
      p.design === 'parallel' &&
      p.population.source === 'simglucose' &&
      p.arms.length > 1 &&
      (p.population.patients?.length ?? 30) < 2 * p.arms.length
    ) {
      ctx.addIssue({ code: 'custom', path: ['design'], message: 'a parallel design needs at least 2 patients per arm' });
    }
  });

export type TrialProtocolInput = z.input<typeof trialProtocolSchema>;
export type TrialProtocol = z.output<typeof trialProtocolSchema>;
export type ControllerSpec = z.output<typeof controllerSchema>;
export type PopulationSpec = z.output<typeof populationSchema>;
export type ScenarioSpec = z.output<typeof scenarioSchema>;
