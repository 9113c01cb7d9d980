/**
 * One UVA/Padova (2008) T1D virtual patient as simglucose parameterises it (`vpatient_params.csv`).
 * Field names carry the unit; the CSV column each comes from is listed in `uvaCsvColumns`. Symbols and
 * units follow Dalla Man, Rizza & Cobelli, "Meal simulation model of the glucose-insulin system",
 * IEEE TBME 54(10), 2007, and Kovatchev et al. 2009 (subcutaneous insulin and glucose).
 */
export interface UvaPadovaParams {
  /** Patient name, e.g. `adult#001` (CSV `Name`). */
  readonly name: string;
  /** BW body weight [kg]. */
  readonly bodyWeightKg: number;
  /** Gb basal plasma glucose [mg/dL] (informational: x0 already encodes it as Gpb = Gb·Vg). */
  readonly basalGlucoseMgDl: number;
  /** Ib basal plasma insulin [pmol/L]; X is insulin action relative to it. */
  readonly basalInsulinPmolL: number;
  /** u2ss steady-state basal insulin infusion [pmol/kg/min]; basal U/min = u2ss·BW/6000. */
  readonly u2ssPmolPerKgMin: number;
  /** Vg glucose distribution volume [dL/kg]. */
  readonly vgDlPerKg: number;
  /** Vi insulin distribution volume [L/kg]. */
  readonly viLPerKg: number;
  /** kabs intestinal absorption rate [1/min]. */
  readonly kabsPerMin: number;
  /** kmax maximal gastric emptying rate [1/min]. */
  readonly kmaxPerMin: number;
  /** kmin minimal gastric emptying rate [1/min]. */
  readonly kminPerMin: number;
  /** b fraction of the meal at which gastric emptying first halves (dimensionless, 0 < b < 1). */
  readonly bFraction: number;
  /** d (the paper's c) fraction at which gastric emptying recovers (dimensionless, 0 < d < 1). */
  readonly dFraction: number;
  /** f fraction of intestinal absorption that appears in plasma (dimensionless). */
  readonly fFraction: number;
  /** kp1 extrapolated endogenous production at zero glucose and insulin [mg/kg/min]. */
  readonly kp1MgPerKgMin: number;
  /** kp2 liver glucose effectiveness [1/min]. */
  readonly kp2PerMin: number;
  /** kp3 insulin action on the liver [mg/kg/min per pmol/L]. */
  readonly kp3MgPerKgMinPerPmolL: number;
  /** Fsnc insulin-independent utilisation [mg/kg/min]. */
  readonly fsncMgPerKgMin: number;
  /** ke1 renal glomerular filtration rate [1/min]. */
  readonly ke1PerMin: number;
  /** ke2 renal threshold of glucose [mg/kg]. */
  readonly ke2MgPerKg: number;
  /** k1 plasma → tissue glucose transfer [1/min]. */
  readonly k1PerMin: number;
  /** k2 tissue → plasma glucose transfer [1/min]. */
  readonly k2PerMin: number;
  /** Vm0 basal Michaelis–Menten Vmax of utilisation [mg/kg/min]. */
  readonly vm0MgPerKgMin: number;
  /** Vmx insulin effect on Vmax [mg/kg/min per pmol/L]. */
  readonly vmxMgPerKgMinPerPmolL: number;
  /** Km0 Michaelis–Menten constant [mg/kg]. */
  readonly km0MgPerKg: number;
  /** p2u rate of insulin action on peripheral utilisation [1/min]. */
  readonly p2uPerMin: number;
  /** ki delay of insulin action on the liver [1/min]. */
  readonly kiPerMin: number;
  /** m1 liver → plasma insulin transfer [1/min]. */
  readonly m1PerMin: number;
  /** m2 plasma → liver insulin transfer [1/min]. */
  readonly m2PerMin: number;
  /** m4 peripheral insulin degradation [1/min]. */
  readonly m4PerMin: number;
  /** m30 hepatic insulin extraction [1/min]. */
  readonly m30PerMin: number;
  /** ka1 absorption of non-monomeric subcutaneous insulin [1/min]. */
  readonly ka1PerMin: number;
  /** ka2 absorption of monomeric subcutaneous insulin [1/min]. */
  readonly ka2PerMin: number;
  /** kd dissociation of subcutaneous insulin [1/min]. */
  readonly kdPerMin: number;
  /** ksc subcutaneous glucose exchange rate [1/min]. */
  readonly kscPerMin: number;
  /** x0: initial values of the 13 ODE states in `uvaState` order (CSV `x0_ 1` … `x0_13`). */
  readonly initialState: readonly number[];
}

/** Numeric (scalar) parameter fields. */
export type UvaPadovaScalarKey = Exclude<keyof UvaPadovaParams, 'name' | 'initialState'>;

/** CSV column of simglucose's `vpatient_params.csv` for each scalar field. */
export const uvaCsvColumns: Readonly<Record<UvaPadovaScalarKey, string>> = {
  bodyWeightKg: 'BW',
  basalGlucoseMgDl: 'Gb',
  basalInsulinPmolL: 'Ib',
  u2ssPmolPerKgMin: 'u2ss',
  vgDlPerKg: 'Vg',
  viLPerKg: 'Vi',
  kabsPerMin: 'kabs',
  kmaxPerMin: 'kmax',
  kminPerMin: 'kmin',
  bFraction: 'b',
  dFraction: 'd',
  fFraction: 'f',
  kp1MgPerKgMin: 'kp1',
  kp2PerMin: 'kp2',
  kp3MgPerKgMinPerPmolL: 'kp3',
  fsncMgPerKgMin: 'Fsnc',
  ke1PerMin: 'ke1',
  ke2MgPerKg: 'ke2',
  k1PerMin: 'k1',
  k2PerMin: 'k2',
  vm0MgPerKgMin: 'Vm0',
  vmxMgPerKgMinPerPmolL: 'Vmx',
  km0MgPerKg: 'Km0',
  p2uPerMin: 'p2u',
  kiPerMin: 'ki',
  m1PerMin: 'm1',
  m2PerMin: 'm2',
  m4PerMin: 'm4',
  m30PerMin: 'm30',
  ka1PerMin: 'ka1',
  ka2PerMin: 'ka2',
  kdPerMin: 'kd',
  kscPerMin: 'ksc',
};

export const uvaScalarKeys = Object.keys(uvaCsvColumns) as UvaPadovaScalarKey[];

/** CSV columns of the initial state: `x0_ 1` … `x0_ 9` (with a space), `x0_10` … `x0_13`. */
export const uvaInitialStateColumns: readonly string[] = Array.from({ length: 13 }, (_, i) => (i < 9 ? `x0_ ${i + 1}` : `x0_${i + 1}`));

/** Steady-state basal insulin rate [U/min] = u2ss·BW/6000 (1 U = 6000 pmol; glucose-model.md §1). */
export function steadyBasalUPerMin(p: UvaPadovaParams): number {
  return (p.u2ssPmolPerKgMin * p.bodyWeightKg) / 6000;
}
