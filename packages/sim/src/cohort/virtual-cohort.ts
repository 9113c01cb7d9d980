import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import type { UvaPadovaTherapy } from '../models/uva-padova/quest-csv.ts';
import { UVA_STATE_SIZE } from '../models/uva-padova/state.ts';
import { defaultUvaSolver, UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import type { FixedStepSolverSettings } from '../ode/ode-system.ts';
import { NormalSampler } from '../random/normal-sampler.ts';
import { Xoshiro128StarStar } from '../random/xoshiro128.ts';
import { basalSteadyState } from './basal-steady-state.ts';
import { cohortVariables, fromCohortValues, inverse, type SourcePatient } from './cohort-variables.ts';
import { dynamicPlausibilityProblem, staticPlausibilityProblems } from './plausibility.ts';
import { drawTransformed, fitPopulationModel, type PopulationModel } from './population-model.ts';
import { mixSeed } from './seed-mix.ts';

/**
 * Virtual populations drawn from a multivariate log-normal fitted to source patients (simglucose's 30
 * by default), pooled or per age group (the name prefix: `adolescent`, `adult`, `child`).
 *
 * Patient `index` is a pure function of (spec, index): its own generator is seeded with
 * mixSeed(seed, index), draws are repeated until the patient passes every plausibility check
 * (plausibility.ts), and the basal steady state is recomputed for it (basal-steady-state.ts). So any
 * subset of a cohort can be generated on any worker or machine, in any order, with identical results.
 *
 * Group allocation: with `fit: 'by-group'` the N patients are apportioned to the groups in proportion to
 * `groupWeights` (largest remainder; default equal) as consecutive index blocks; with `fit: 'pooled'`
 * the group label comes from the sampled age (< 13 child, < 20 adolescent, else adult, the age bands of
 * simglucose's Quest.csv).
 */
export interface CohortSpec {
  readonly n: number;
  readonly seed: number;
  readonly fit: 'pooled' | 'by-group';
  readonly groupWeights?: Readonly<Record<string, number>>;
  readonly shrinkage?: number;
  /** Transformed draws must lie within [min − w·range, max + w·range] of the source group (default 0.5). */
  readonly rangeWidening?: number;
  readonly maxAttempts?: number;
  /**
   * The solver the patients will be simulated with (default the model's): a draw whose fastest rate
   * is unstable for it is rejected like any implausible one, and the dynamic check runs with it.
   */
  readonly solver?: FixedStepSolverSettings;
}

export interface VirtualPatient {
  readonly index: number;
  readonly id: string;
  readonly group: string;
  readonly params: UvaPadovaParams;
  readonly therapy: UvaPadovaTherapy;
  /** Draws needed until the patient passed the checks (1 = first draw accepted). */
  readonly attempts: number;
}

export function sourceGroup(name: string): string {
  const hash = name.indexOf('#');
  return hash > 0 ? name.slice(0, hash) : name;
}

export function ageGroup(ageYears: number): string {
  if (ageYears < 13) return 'child';
  if (ageYears < 20) return 'adolescent';
  return 'adult';
}

export class VirtualCohortGenerator {
  readonly spec: CohortSpec;
  readonly models: ReadonlyMap<string, PopulationModel>;
  /** First index of each group block (by-group) in allocation order. */
  readonly allocation: readonly { group: string; start: number; count: number }[];
  private readonly rng = new Xoshiro128StarStar(0);
  private readonly normal = new NormalSampler(this.rng);
  private readonly z: Float64Array;
  private readonly y: Float64Array;
  private readonly x: Float64Array;
  private readonly state = new Float64Array(UVA_STATE_SIZE);
  private model: UvaPadovaModel | null = null;

  constructor(source: readonly SourcePatient[], spec: CohortSpec) {
    if (!Number.isInteger(spec.n) || spec.n < 1) throw new RangeError('cohort size must be a positive integer');
    this.spec = spec;
    const shrinkage = spec.shrinkage ?? 0;
    const models = new Map<string, PopulationModel>();
    if (spec.fit === 'pooled') {
      models.set('pooled', fitPopulationModel('pooled', source, shrinkage));
      this.allocation = [{ group: 'pooled', start: 0, count: spec.n }];
    } else {
      const byGroup = new Map<string, SourcePatient[]>();
      for (const p of source) {
        const g = sourceGroup(p.params.name);
        const list = byGroup.get(g);
        if (list) list.push(p);
        else byGroup.set(g, [p]);
      }
      const weights = spec.groupWeights ?? Object.fromEntries([...byGroup.keys()].map((g) => [g, 1]));
      const groups = Object.keys(weights).sort((a, b) => a.localeCompare(b));
      for (const g of groups) {
        const list = byGroup.get(g);
        if (!list) throw new RangeError(`no source patients in group "${g}" (available: ${[...byGroup.keys()].join(', ')})`);
        models.set(g, fitPopulationModel(g, list, shrinkage));
      }
      this.allocation = apportion(
        spec.n,
        groups.map((g) => [g, weights[g]!] as const),
      );
    }
    this.models = models;
    const dim = cohortVariables.length;
    this.z = new Float64Array(dim);
    this.y = new Float64Array(dim);
    this.x = new Float64Array(dim);
  }

  groupOfIndex(index: number): string {
    for (const a of this.allocation) if (index >= a.start && index < a.start + a.count) return a.group;
    throw new RangeError(`patient index ${index} outside the cohort of ${this.spec.n}`);
  }

  patient(index: number): VirtualPatient {
    const fitGroup = this.groupOfIndex(index);
    const pm = this.models.get(fitGroup)!;
    this.rng.reseed(mixSeed(this.spec.seed, index));
    this.normal.reset();
    const maxAttempts = this.spec.maxAttempts ?? 1000;
    const widen = this.spec.rangeWidening ?? 0.5;
    const next = (): number => this.normal.next();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      drawTransformed(pm, next, this.z, this.y);
      if (!withinWidenedRange(pm, this.y, widen)) continue;
      cohortVariables.forEach((v, i) => {
        this.x[i] = inverse(v.transform, this.y[i]!);
      });
      const provisional = fromCohortValues('', this.x);
      const group = this.spec.fit === 'pooled' ? ageGroup(provisional.therapy.ageYears) : fitGroup;
      const id = `virtual-${group}#${String(index + 1).padStart(5, '0')}`;
      const { free, therapy } = fromCohortValues(id, this.x);
      const ss = basalSteadyState(free);
      const solver = this.spec.solver ?? defaultUvaSolver;
      if (staticPlausibilityProblems(ss, therapy, solver).length > 0) continue;
      if (!this.model) this.model = new UvaPadovaModel(ss.params, { solver });
      if (dynamicPlausibilityProblem(this.model, ss.params, therapy, this.state) !== null) continue;
      return { index, id, group, params: ss.params, therapy, attempts: attempt };
    }
    throw new RangeError(`patient ${index}: no plausible draw in ${maxAttempts} attempts (group ${fitGroup})`);
  }
}

function withinWidenedRange(pm: PopulationModel, y: Float64Array, widen: number): boolean {
  for (let i = 0; i < y.length; i++) {
    const range = pm.max[i]! - pm.min[i]!;
    if (y[i]! < pm.min[i]! - widen * range - 1e-12 || y[i]! > pm.max[i]! + widen * range + 1e-12) return false;
  }
  return true;
}

/** Largest-remainder (Hamilton) apportionment of n into consecutive blocks. */
function apportion(n: number, weights: readonly (readonly [string, number])[]): { group: string; start: number; count: number }[] {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  if (!(total > 0) || weights.some(([, w]) => !(w >= 0))) throw new RangeError('group weights must be >= 0 with a positive sum');
  const quotas = weights.map(([g, w]) => ({ g, q: (n * w) / total }));
  const counts = quotas.map(({ q }) => Math.floor(q));
  let left = n - counts.reduce((s, c) => s + c, 0);
  const order = quotas.map((q, i) => ({ i, r: q.q - Math.floor(q.q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k]!.i]! += 1;
  let start = 0;
  return quotas.map(({ g }, i) => {
    const block = { group: g, start, count: counts[i]! };
    start += counts[i]!;
    return block;
  });
}
