import { type CohortTransform, cohortValues, cohortVariables, forward, type SourcePatient } from './cohort-variables.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/**
 * A multivariate normal fitted to the transformed cohort variables of a group of source patients:
 * mean μ and sample covariance Σ (n − 1), optionally shrunk towards its diagonal,
 * Σ' = (1 − s)·Σ + s·diag(Σ) (Ledoit & Wolf, J Multivar Anal 88, 2004 — here with a fixed intensity s).
 *
 * With fewer patients than variables (30 patients, 35 variables; 10 per age group) Σ is singular:
 * sampling uses Σ' = V·Λ·Vᵀ from a symmetric eigen-decomposition and draws x = μ + V·Λ^½·z, so that
 * with s = 0 every draw lies in the affine span of the source patients (their joint structure, e.g.
 * weight-scaled volumes, is kept) and s > 0 adds independent variation along every axis.
 */
export interface PopulationModel {
  readonly group: string;
  readonly sourceCount: number;
  readonly shrinkage: number;
  readonly transforms: readonly CohortTransform[];
  /** Mean of the transformed variables. */
  readonly mean: Float64Array;
  /** Row-major dim×rank factor F with Σ' = F·Fᵀ (columns = √λ_k·v_k for λ_k > 0). */
  readonly factor: Float64Array;
  readonly rank: number;
  /** Smallest and largest transformed value per variable over the source patients. */
  readonly min: Float64Array;
  readonly max: Float64Array;
}

export function fitPopulationModel(group: string, patients: readonly SourcePatient[], shrinkage = 0): PopulationModel {
  if (patients.length < 2) throw new RangeError(`group ${group}: need at least 2 source patients to fit a population`);
  if (!(shrinkage >= 0 && shrinkage <= 1)) throw new RangeError('shrinkage must be in [0, 1]');
  const dim = cohortVariables.length;
  const n = patients.length;
  const data = patients.map((p) => {
    const raw = cohortValues(p);
    const y = new Float64Array(dim);
    cohortVariables.forEach((v, i) => {
      const t = forward(v.transform, raw[i]!);
      if (!Number.isFinite(t)) throw new RangeError(`${p.params.name}: ${v.key} = ${raw[i]} is outside the ${v.transform} domain`);
      y[i] = t;
    });
    return y;
  });
  const mean = new Float64Array(dim);
  const min = new Float64Array(dim).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(dim).fill(Number.NEGATIVE_INFINITY);
  for (const y of data) {
    for (let i = 0; i < dim; i++) {
      mean[i] = mean[i]! + y[i]! / n;
      min[i] = Math.min(min[i]!, y[i]!);
      max[i] = Math.max(max[i]!, y[i]!);
    }
  }
  const cov = new Float64Array(dim * dim);
  for (const y of data) {
    for (let i = 0; i < dim; i++) {
      const di = y[i]! - mean[i]!;
      for (let j = 0; j < dim; j++) cov[i * dim + j] = cov[i * dim + j]! + (di * (y[j]! - mean[j]!)) / (n - 1);
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) if (i !== j) cov[i * dim + j] = cov[i * dim + j]! * (1 - shrinkage);
  }
  const { values, vectors } = symmetricEigen(cov, dim);
  const tol = Math.max(values[0]!, 0) * 1e-10;
  let rank = 0;
  while (rank < dim && values[rank]! > tol) rank += 1;
  const factor = new Float64Array(dim * rank);
  for (let k = 0; k < rank; k++) {
    const s = Math.sqrt(values[k]!);
    for (let r = 0; r < dim; r++) factor[r * rank + k] = vectors[r * dim + k]! * s;
  }
  return { group, sourceCount: n, shrinkage, transforms: cohortVariables.map((v) => v.transform), mean, factor, rank, min, max };
}

/** Writes μ + F·z into `out` (transformed space) with z drawn by `nextNormal`. */
export function drawTransformed(model: PopulationModel, nextNormal: () => number, z: Float64Array, out: Float64Array): void {
  const dim = model.mean.length;
  for (let k = 0; k < model.rank; k++) z[k] = nextNormal();
  for (let r = 0; r < dim; r++) {
    let s = model.mean[r]!;
    for (let k = 0; k < model.rank; k++) s += model.factor[r * model.rank + k]! * z[k]!;
    out[r] = s;
  }
}
