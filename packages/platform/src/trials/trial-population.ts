import { VitaltwinError } from '@vitaltwin/core';
import {
  mixSeed,
  type SourcePatient,
  sourceGroup,
  type UvaPadovaParams,
  type UvaPadovaTherapy,
  VirtualCohortGenerator,
  Xoshiro128StarStar,
} from '@vitaltwin/sim';
import type { UvaPadovaData } from '../sim-data/uva-padova-data.ts';
import type { TrialProtocol } from './trial-protocol-schema.ts';
import { seedStreams } from './trial-seeds.ts';

export interface TrialPatient {
  readonly index: number;
  readonly id: string;
  readonly group: string;
  readonly params: UvaPadovaParams;
  readonly therapy: UvaPadovaTherapy;
}

/**
 * The patients of a trial, addressable by index so that any shard can build its own patients:
 * simglucose's patients (in CSV order, optionally filtered by name or group) or a generated virtual
 * cohort (each patient a pure function of the cohort spec and its index).
 */
export class TrialPopulation {
  readonly size: number;
  private readonly fixed: readonly SourcePatient[] | null;
  private readonly generator: VirtualCohortGenerator | null;

  constructor(protocol: TrialProtocol, data: UvaPadovaData) {
    const pop = protocol.population;
    switch (pop.source) {
      case 'simglucose': {
        let list = [...data.patients];
        if (pop.groups) list = list.filter((p) => (pop.groups as readonly string[]).includes(sourceGroup(p.params.name)));
        if (pop.patients) {
          const byName = new Map(data.patients.map((p) => [p.params.name, p]));
          const missing = pop.patients.filter((n) => !byName.has(n));
          if (missing.length > 0) {
            throw new VitaltwinError(
              'VT_ERR_VALIDATION',
              `unknown simglucose patient(s): ${missing.join(', ')}`,
              missing.map((n) => ({ message: `unknown patient "${n}"`, expression: `$.population.patients[${pop.patients!.indexOf(n)}]` })),
            );
          }
          list = list.filter((p) => pop.patients!.includes(p.params.name));
        }
        if (list.length === 0)
          throw new VitaltwinError('VT_ERR_VALIDATION', 'the population selects no patients', [
            { message: 'no patients selected', expression: '$.population' },
          ]);
        this.fixed = list;
        this.generator = null;
        this.size = list.length;
        break;
      }
      case 'generated': {
        this.fixed = null;
        this.generator = new VirtualCohortGenerator(data.patients, {
          n: pop.n,
          seed: pop.seed,
          fit: pop.fit,
          shrinkage: pop.shrinkage,
          rangeWidening: pop.rangeWidening,
          solver: protocol.solver,
          ...(pop.groupWeights ? { groupWeights: pop.groupWeights } : {}),
        });
        this.size = pop.n;
        break;
      }
      default: {
        const unreachable: never = pop;
        throw new Error(`unknown population ${String(unreachable)}`);
      }
    }
  }

  patient(index: number): TrialPatient {
    if (this.fixed) {
      const p = this.fixed[index];
      if (!p) throw new RangeError(`patient index ${index} outside the population`);
      return { index, id: p.params.name, group: sourceGroup(p.params.name), params: p.params, therapy: p.therapy };
    }
    const v = this.generator!.patient(index);
    return { index, id: v.id, group: v.group, params: v.params, therapy: v.therapy };
  }
}

/**
 * Arm of each patient in a parallel design: permuted blocks of size 2·arms (each arm twice per
 * block), shuffled by Fisher–Yates with a generator seeded per block, so allocation is balanced,
 * reproducible and computable for any patient index alone.
 */
export function parallelArmOf(protocol: TrialProtocol, patientIndex: number): number {
  const arms = protocol.arms.length;
  const blockSize = 2 * arms;
  const block = Math.floor(patientIndex / blockSize);
  const rng = new Xoshiro128StarStar(mixSeed(protocol.seed, seedStreams.allocation, block));
  const order = Array.from({ length: blockSize }, (_, i) => i % arms);
  for (let i = blockSize - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat64() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order[patientIndex % blockSize]!;
}

/** Arms a patient receives: all of them in a crossover, the allocated one in a parallel design. */
export function armsOfPatient(protocol: TrialProtocol, patientIndex: number): number[] {
  switch (protocol.design) {
    case 'crossover':
      return protocol.arms.map((_, i) => i);
    case 'parallel':
      return [parallelArmOf(protocol, patientIndex)];
    default: {
      const unreachable: never = protocol.design;
      throw new Error(`unknown design ${String(unreachable)}`);
    }
  }
}
