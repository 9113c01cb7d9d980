/**
 * Named indices of the UVA/Padova state buffer. Entries 0–12 are the 13 ODE states in simglucose's
 * order (`T1DPatient.model`, x[0]..x[12]; Dalla Man et al., IEEE TBME 54(10), 2007 for the meal,
 * glucose and insulin subsystems; Kovatchev et al., J Diabetes Sci Technol 3(1), 2009 for the
 * subcutaneous compartments). Entries 13–16 are the meal memory that simglucose keeps on the patient
 * object; it is part of the state here so that a state can be saved, restored and stepped from
 * (particle filters, branching what-if runs) without hidden fields.
 */
export const uvaState = {
  /** Qsto1: solid glucose in the stomach [mg] (absolute, not per kg). */
  qsto1Mg: 0,
  /** Qsto2: liquid (triturated) glucose in the stomach [mg]. */
  qsto2Mg: 1,
  /** Qgut: glucose in the intestine [mg]. */
  qgutMg: 2,
  /** Gp: glucose mass in plasma and rapidly equilibrating tissues [mg/kg]. */
  gpMgPerKg: 3,
  /** Gt: glucose mass in slowly equilibrating tissues [mg/kg]. */
  gtMgPerKg: 4,
  /** Ip: insulin mass in plasma [pmol/kg]. */
  ipPmolPerKg: 5,
  /** X: insulin action on glucose utilisation, relative to basal [pmol/L]. */
  xPmolPerL: 6,
  /** I1: delayed insulin signal, first compartment [pmol/L]. */
  i1PmolPerL: 7,
  /** Id: delayed insulin signal acting on endogenous production [pmol/L]. */
  idPmolPerL: 8,
  /** Il: insulin mass in the liver [pmol/kg]. */
  ilPmolPerKg: 9,
  /** Isc1: subcutaneous insulin, non-monomeric [pmol/kg]. */
  isc1PmolPerKg: 10,
  /** Isc2: subcutaneous insulin, monomeric [pmol/kg]. */
  isc2PmolPerKg: 11,
  /** Gs: subcutaneous glucose in mass units [mg/kg]; Gsub = Gs/Vg mg/dL. */
  gsMgPerKg: 12,
  /** Announced carbohydrate not yet eaten [g] (simglucose `planned_meal`). */
  plannedCarbsG: 13,
  /** Stomach content when the current/last meal started [mg] (simglucose `_last_Qsto`). */
  mealStartStomachMg: 14,
  /** Carbohydrate eaten so far in the current/last meal [g] (simglucose `_last_foodtaken`). */
  mealEatenG: 15,
  /** Carbohydrate eaten in the previous minute [g/min] (simglucose `_last_action.CHO`). */
  lastEatRateGPerMin: 16,
} as const;

/** Number of ODE states (entries integrated by the solver). */
export const UVA_ODE_SIZE = 13;
/** Length of a full state buffer: ODE states followed by the meal memory. */
export const UVA_STATE_SIZE = 17;

export type UvaStateName = keyof typeof uvaState;
