import { basalEgp, basalSteadyState } from '../cohort/basal-steady-state.ts';
import type { UvaPadovaParams, UvaPadovaScalarKey } from '../models/uva-padova/params.ts';
import { uvaScalarKeys } from '../models/uva-padova/params.ts';

/**
 * The population prior of the twin: a "typical" virtual patient built from a set of UVA/Padova
 * patients (e.g. the 10 adults of vpatient_params.csv) when the real person's parameters are unknown.
 *
 * Rate constants, volumes and weights are log-normally distributed in the UVA/Padova population
 * (Dalla Man et al., J Diabetes Sci Technol 8(1) 2014, "The UVA/PADOVA type 1 diabetes simulator:
 * new features", parameters drawn from a log-normal joint distribution), so each strictly positive
 * parameter — and the basal production EGPb — is averaged geometrically; fractions (b, d, f) and
 * parameters that are zero for some patient are averaged arithmetically. The steady-state quantities
 * (u2ss, Vm0, kp1, x0) are then re-derived with the cohort's `basalSteadyState`, so the nominal
 * patient rests exactly at its basal glucose on its basal insulin. `exclude` leaves patients out
 * (leave-one-out priors for honest evaluation on a patient of the same set).
 */
export function populationNominalPatient(
  patients: readonly UvaPadovaParams[],
  options: { readonly name?: string; readonly exclude?: readonly string[] } = {},
): UvaPadovaParams {
  const excluded = new Set(options.exclude ?? []);
  const used = patients.filter((p) => !excluded.has(p.name));
  if (used.length === 0) throw new RangeError('populationNominalPatient needs at least one patient');
  const arithmetic = new Set<UvaPadovaScalarKey>(['bFraction', 'dFraction', 'fFraction']);
  const mean = (values: readonly number[], geometric: boolean): number =>
    geometric && values.every((v) => v > 0)
      ? Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length)
      : values.reduce((s, v) => s + v, 0) / values.length;
  const scalars = {} as Record<UvaPadovaScalarKey, number>;
  for (const key of uvaScalarKeys)
    scalars[key] = mean(
      used.map((p) => p[key]),
      !arithmetic.has(key),
    );
  const name = options.name ?? `population(${used.length})`;
  const { u2ssPmolPerKgMin: _u, vm0MgPerKgMin: _v, kp1MgPerKgMin: _k, ...free } = scalars;
  return basalSteadyState({ ...free, name, egpbMgPerKgMin: mean(used.map(basalEgp), true) }).params;
}

/** The patients of one simglucose age group (`adult`, `adolescent`, `child`), by name prefix. */
export function uvaPatientsOfGroup(patients: readonly UvaPadovaParams[], group: 'adult' | 'adolescent' | 'child'): UvaPadovaParams[] {
  return patients.filter((p) => p.name.startsWith(`${group}#`));
}
